package imports_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// The store's own test fixture and checks, as far as these tests need them.

var fixedNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func open(t *testing.T, dialect string) *store.Store {
	return dbtest.Open(t, dialect, dbtest.Options{Now: func() time.Time { return fixedNow }})
}

// sysCtx is the context these tests act in: the system itself, which every rule lets through,
// so they exercise the data rules; access rules have their own tests.
func sysCtx() context.Context { return casereview.WithActor(context.Background(), casereview.System) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func date(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

// fixture creates a partnership, two organisations and a published review.
type fixture struct {
	p          casereview.Partnership
	police, la casereview.Organisation
	review     casereview.Review
}

func newFixture(t *testing.T, s *store.Store) fixture {
	t.Helper()
	ctx := sysCtx()
	var f fixture
	var err error
	f.p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
	must(t, err)
	f.police, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP", "Northfold Constabulary"}})
	must(t, err)
	f.la, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
	must(t, err)
	pub := casereview.MustDate("2025-06-01")
	f.review, err = s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "NF-DHR-01", Title: "Adult Q",
		Status: "published", PublishedOn: &pub, Visibility: "shared"})
	must(t, err)
	return f
}

func lcGet(t *testing.T, s *store.Store, id string) casereview.Recommendation {
	t.Helper()
	r, err := s.GetRecommendation(sysCtx(), id)
	must(t, err)
	return r
}

// msTimeline is the milestone entries of a recommendation's timeline.
func msTimeline(t *testing.T, s *store.Store, recID string) []casereview.ProgressUpdate {
	t.Helper()
	tl, err := s.Timeline(sysCtx(), recID)
	must(t, err)
	var out []casereview.ProgressUpdate
	for _, e := range tl {
		if e.Kind == casereview.ProgressMilestone {
			out = append(out, e)
		}
	}
	return out
}

// je is an expected change-journal row.
type je struct{ typ, id string }

func (e je) String() string { return e.typ + ":" + e.id }

// journalTail returns the highest sequence number in the journal, checking on the way that the
// whole journal is numbered 1..N with no gaps.
func journalTail(t *testing.T, s *store.Store) int64 {
	t.Helper()
	rows, err := s.JournalAfter(context.Background(), 0, 1_000_000)
	must(t, err)
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			t.Fatalf("journal row %d has seq %d; want %d (gap or disorder)", i, r.Seq, i+1)
		}
	}
	return int64(len(rows))
}

// expectJournal asserts that the rows after `after` are exactly want, numbered after+1... with
// no gaps, and returns the new tail.
func expectJournal(t *testing.T, s *store.Store, after int64, want ...je) int64 {
	t.Helper()
	rows, err := s.JournalAfter(context.Background(), after, 10_000)
	must(t, err)
	got := make([]je, len(rows))
	for i, r := range rows {
		got[i] = je{r.EntityType, r.EntityID}
		if r.Seq != after+int64(i)+1 {
			t.Fatalf("journal row %d after %d has seq %d; want %d", i, after, r.Seq, after+int64(i)+1)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("journal after %d:\n got  %v\n want %v", after, got, want)
	}
	return after + int64(len(rows))
}

// fe is an expected field error (field path and code; messages are for people).
type fe struct{ field, code string }

// wantErr asserts that err is a *casereview.Error with code and exactly the field errors fields
// (in any order).
func wantErr(t *testing.T, err error, code casereview.Code, fields ...fe) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want %s %v", code, fields)
	}
	var de *casereview.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %T %v; want *casereview.Error %s", err, err, code)
	}
	if de.Code != code {
		t.Fatalf("got code %s (%v); want %s", de.Code, err, code)
	}
	got := make([]string, len(de.Fields))
	for i, f := range de.Fields {
		got[i] = f.Field + "=" + f.Code
	}
	want := make([]string, len(fields))
	for i, f := range fields {
		want[i] = f.field + "=" + f.code
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("field errors:\n got  %v\n want %v\n (%v)", got, want, err)
	}
}

// countRows runs SELECT count(*) FROM table [WHERE where] behind the domain's back.
func countRows(t *testing.T, s *store.Store, table, where string, args ...any) int {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := db.QueryRow(rebind(s, q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// execSQL runs a raw statement behind the domain's back; placeholders are written as ?.
func execSQL(s *store.Store, q string, args ...any) error {
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	_, err = db.Exec(rebind(s, q), args...)
	return err
}

// rebind turns ? placeholders into $n on PostgreSQL.
func rebind(s *store.Store, q string) string {
	if s.Dialect() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tableCounts snapshots the row counts of every domain table, the journal and the audit trail.
func tableCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range []string{"partnerships", "organisations", "organisation_aliases", "reviews", "recommendations",
		"addressees", "theme_assignments", "actions", "milestones", "change_journal", "audit_events", "themes"} {
		out[tb] = countRows(t, s, tb, "")
	}
	return out
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("table %s has %d rows; want %d (a failed write left data behind)", k, after[k], v)
		}
	}
}
