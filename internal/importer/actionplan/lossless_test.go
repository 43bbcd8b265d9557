package actionplan_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/demo"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
)

// TestExportImportChangesNothing is the round-trip property of issue 14 §1 over reviews
// entered through the services (the demo's, and generated ones): importing a review's own
// action plan, exported as XLSX or CSV, into the same instance reports nothing changed and
// leaves every row of every table as it was; the audit trail gains exactly the import's one
// data.imported event.
func TestExportImportChangesNothing(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("ROUNDTRIP_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	reviews := 12
	if testing.Short() {
		reviews = 4
	}
	if n, err := strconv.Atoi(os.Getenv("ROUNDTRIP_REVIEWS")); err == nil {
		reviews = n
	}
	t.Logf("seed %d (ROUNDTRIP_SEED=%d reproduces it)", seed, seed)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := dbtest.Open(t, dialect, dbtest.Options{})
		ctx := casereview.WithActor(context.Background(), casereview.System)
		ds, err := demo.Load()
		must(t, err)
		if _, err := demo.Install(ctx, s, ds); err != nil {
			t.Fatalf("demo: %v", err)
		}
		g := newGen(t, s, ctx, seed)
		for i := range reviews {
			g.review(i)
		}
		all, err := s.ListReviews(ctx, casereview.ReviewFilter{}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		must(t, err)
		if len(all.Items) < reviews+10 {
			t.Fatalf("only %d reviews", len(all.Items))
		}
		for _, rv := range all.Items {
			for _, format := range []string{actionplan.FormatXLSX, actionplan.FormatCSV} {
				roundTripOnce(t, s, ctx, rv, format)
			}
		}
	})
}

func roundTripOnce(t *testing.T, s *store.Store, ctx context.Context, rv casereview.Review, format string) {
	t.Helper()
	e, err := actionplan.LoadExport(ctx, s, rv.ID)
	must(t, err)
	if len(e.Recommendations) == 0 {
		t.Fatalf("review %s has no recommendations; an action plan needs one", rv.Reference)
	}
	var buf bytes.Buffer
	if format == actionplan.FormatXLSX {
		must(t, actionplan.WriteXLSX(&buf, e))
	} else {
		must(t, actionplan.WriteCSV(&buf, e))
	}
	before := dump(t, s)
	db, err := s.SQLDB()
	must(t, err)
	var lastSeq int64
	must(t, db.QueryRow("SELECT COALESCE(MAX(seq), 0) FROM audit_events").Scan(&lastSeq))

	out, err := actionplan.Import(ctx, imports.Over(s), actionplan.Request{FileName: "plan." + format, Data: buf.Bytes(), Today: casereview.DateOf(time.Now())})
	must(t, err)
	label := rv.Reference + " (" + format + ")"
	if out.Result == nil || !out.Report.OK() {
		shown := buf.String()
		if format == actionplan.FormatXLSX {
			shown = "(xlsx)"
		}
		t.Fatalf("%s: not imported: %v\n%s", label, out.Report.Issues, shown)
	}
	r := out.Result
	if r.ReviewsUnchanged != 1 || r.ReviewsCreated+r.ReviewsUpdated+r.RecommendationsCreated+r.RecommendationsUpdated+r.ActionsCreated+r.ActionsUpdated != 0 ||
		r.RecommendationsUnchanged != len(e.Recommendations) || len(r.Changes) != 0 || len(out.CreatedOrganisations) != 0 || len(out.Unmatched) != 0 {
		t.Errorf("%s: re-import of its own export is not '0 changed': %+v", label, *r)
	}
	if d := diffDumps(before, dump(t, s)); d != "" {
		t.Errorf("%s: re-import changed the database:\n%s", label, d)
	}
	actions := queryStrings(t, db, "SELECT action FROM audit_events WHERE seq > $1 ORDER BY seq", lastSeq)
	if len(actions) != 1 || actions[0] != string(casereview.AuditImported) {
		t.Errorf("%s: audit events added %v, want exactly [%s]", label, actions, casereview.AuditImported)
	}
	if t.Failed() {
		t.FailNow()
	}
}
