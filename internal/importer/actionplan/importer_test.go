package actionplan_test

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
)

type world struct {
	s              *store.Store
	ctx            context.Context
	p              casereview.Partnership
	police, social casereview.Organisation
}

func setup(t *testing.T, dialect string) world {
	t.Helper()
	s := dbtest.Open(t, dialect, dbtest.Options{})
	ctx := casereview.WithActor(context.Background(), casereview.System)
	w := world{s: s, ctx: ctx}
	var err error
	w.p, err = s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership"})
	must(t, err)
	w.police, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP", "Northfold Constabulary"}})
	must(t, err)
	w.social, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
	must(t, err)
	return w
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (w world) importFile(t *testing.T, name string, data []byte, dry bool, ref string) actionplan.Outcome {
	t.Helper()
	review := casereview.ReviewDraft{PartnershipID: w.p.ID, Reference: ref}
	if ref != "" && !strings.HasPrefix(ref, "COPY") {
		// Files without a details block: the details come with the request, as flags would.
		review.Type, review.Title = "DHR", "Adult T"
	}
	out, err := actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: name, Data: data, DryRun: dry,
		Review: review, Today: casereview.DateOf(time.Now())})
	must(t, err)
	return out
}

func counts(t *testing.T, w world) map[string]int64 {
	t.Helper()
	db, err := w.s.SQLDB()
	must(t, err)
	out := map[string]int64{}
	for _, tb := range []string{"reviews", "recommendations", "actions", "addressees", "organisations", "change_journal", "audit_events"} {
		var n int64
		must(t, db.QueryRow("SELECT count(*) FROM "+tb).Scan(&n))
		out[tb] = n
	}
	return out
}

func sameCounts(t *testing.T, a, b map[string]int64) {
	t.Helper()
	for k, v := range a {
		if b[k] != v {
			t.Fatalf("%s: %d rows, was %d: something was written", k, b[k], v)
		}
	}
}

func TestImportMessyCSVDryRunThenCommit(t *testing.T) {
	data, err := os.ReadFile("testdata/messy_plan.csv")
	must(t, err)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		before := counts(t, w)
		dry := w.importFile(t, "messy_plan.csv", data, true, "")
		if !dry.Report.OK() || dry.Result == nil || !dry.Result.DryRun {
			t.Fatalf("dry run: %+v", dry)
		}
		sameCounts(t, before, counts(t, w))
		warned := 0
		for _, is := range dry.Report.Issues {
			if strings.Contains(is.Problem, "historic_no_record") {
				warned++
			}
		}
		if dry.Result.RecommendationsCreated != 5 || dry.Result.ActionsCreated != 9 || warned != 2 {
			t.Fatalf("dry run counts %+v, %d ambiguous-note warnings; report %v", dry.Result, warned, dry.Report.Issues)
		}

		got := w.importFile(t, "messy_plan.csv", data, false, "")
		if got.Result == nil || got.Result.RecommendationsCreated != 5 || got.Result.ActionsCreated != 9 {
			t.Fatalf("commit %+v", got)
		}
		rv, err := w.s.GetReview(w.ctx, got.Result.ReviewIDs[0])
		must(t, err)
		if rv.Reference != "NF-DHR-2023-07" || rv.Title != "Adult K" || rv.PublishedOn.String() != "2024-03-14" || rv.Type != "DHR" {
			t.Fatalf("review read from the header lines: %+v", rv)
		}
		recs, err := w.s.ListRecommendations(w.ctx, casereview.RecommendationFilter{ReviewID: rv.ID, OrganisationID: w.social.ID}, casereview.PageRequest{Limit: 50})
		must(t, err)
		var nums []string
		for _, r := range recs.Items {
			nums = append(nums, r.Number)
		}
		// Recommendation 2 names both agencies in one cell; 3a and 4 the council with its
		// apostrophe and 2's second action without it.
		if strings.Join(nums, ",") != "4,3a,2" {
			t.Fatalf("recommendations addressed to the council: %v", nums)
		}
		for _, r := range recs.Items {
			// Each part of the joint cell names its organisation exactly, so each addressee's
			// raw text is its name (as an export writes it).
			if r.Number == "2" && (len(r.Addressees) != 2 || r.Addressees[0].RawText != "Northfold Police" ||
				r.Addressees[1].RawText != "Northfold Council Children's Services") {
				t.Fatalf("recommendation 2 addressees %+v", r.Addressees)
			}
		}
		acts, err := w.s.ListActions(w.ctx, casereview.ActionFilter{OrganisationID: w.police.ID}, casereview.PageRequest{Limit: 50})
		must(t, err)
		statuses := map[string]int{}
		for _, a := range acts.Items {
			statuses[string(a.ImplementationStatus)]++
			if strings.HasPrefix(a.Description, "Add a mandatory") {
				// The "Key milestones" cell, a sentence with no date, is one milestone with no due date.
				ms, err := w.s.ListMilestones(w.ctx, a.ID)
				must(t, err)
				if a.CompletionDate.String() != "2024-03-28" || *a.Outcome != "field live across the force" ||
					a.Description != "Add a mandatory victim-account field to the DASH form" ||
					len(ms) != 1 || ms[0].Title != "Form redesigned; pilot in two sectors" || ms[0].DueDate != nil {
					t.Fatalf("completed action %+v, milestones %+v", a, ms)
				}
			}
		}
		if statuses["implemented_pending_verification"] != 1 || statuses["in_progress"] != 1 || statuses["not_implemented"] != 1 {
			t.Fatalf("police action statuses %v", statuses)
		}

		// The same file again changes nothing; an edited one changes only what differs.
		again := w.importFile(t, "messy_plan.csv", data, false, "")
		if again.Result.RecommendationsUnchanged != 5 || again.Result.ActionsUnchanged != 9 || len(again.Result.Changes) != 0 {
			t.Fatalf("re-import %+v", again.Result)
		}
		edited := bytes.Replace(data, []byte("Commission a capacity review"), []byte("Commission an independent capacity review"), 1)
		edited = bytes.Replace(edited, []byte("not yet started"), []byte("In progress: terms of reference drafted"), 1)
		upd := w.importFile(t, "messy_plan.csv", edited, false, "")
		if upd.Result.RecommendationsUpdated != 1 || upd.Result.ActionsUpdated != 1 || upd.Result.ActionsCreated != 0 ||
			len(upd.Result.Changes) != 1 || !strings.Contains(upd.Result.Changes[0], "recommendation 4: updated action 1") {
			t.Fatalf("edited re-import %+v", upd.Result)
		}
	})
}

func TestImportBadInputWritesNothing(t *testing.T) {
	header := "Recommendation,Scope,Action to take,Lead agency,Key milestones,Target date,Date of completion and outcome\n"
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := setup(t, dialect)
		before := counts(t, w)
		for name, data := range map[string]string{
			"wrong type":        "%PDF-1.4",
			"empty":             "",
			"missing column":    "Recommendation,Action to take\n1. x,y\n",
			"unreadable date":   header + "1. Do it,local,Act,NFP,,31/31/2024,\n",
			"no text":           header + "2.,local,Act,NFP,,,\n",
			"duplicate numbers": header + "1. Do it,local,Act,NFP,,,\n1. Again,local,Act,NFP,,,\n",
			"unknown agency":    header + "1. Do it,local,Act,Northfeld Polise,,,\n",
			"future completion": header + "1. Do it,local,Act,NFP,,,Completed 01/01/2099\n",
			"zip bomb":          string(zipBomb(t)),
			"not a zip":         "PK\x03\x04garbage",
		} {
			out := w.importFile(t, name, []byte(data), false, "BAD-1")
			if out.Report.OK() || out.Result != nil {
				t.Errorf("%s: accepted; report %v", name, out.Report.Issues)
			}
			if name == "unknown agency" && (len(out.Unmatched) != 1 || len(out.Unmatched[0].Suggestions) == 0 || out.Unmatched[0].Suggestions[0] != "Northfold Police") {
				t.Errorf("unknown agency: unmatched %+v", out.Unmatched)
			}
			sameCounts(t, before, counts(t, w))
		}
		// Confirming creation makes the organisation and imports.
		out, err := actionplan.Import(w.ctx, imports.Over(w.s), actionplan.Request{FileName: "new.csv", Data: []byte(header + "1. Do it,local,Act,Northfold Women's Aid,,,\n"),
			Review: casereview.ReviewDraft{PartnershipID: w.p.ID, Reference: "NEW-1", Title: "Adult N", Type: "DHR"}, CreateOrganisations: true,
			Today: casereview.DateOf(time.Now())})
		must(t, err)
		if out.Result == nil || len(out.CreatedOrganisations) != 1 || out.Result.RecommendationsCreated != 1 {
			t.Fatalf("import with creation: %+v", out)
		}
	})
}

// zipBomb builds an XLSX-shaped archive whose sheet unpacks to more than the default limit.
func zipBomb(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	ct, err := zw.Create("[Content_Types].xml")
	must(t, err)
	_, err = ct.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	must(t, err)
	sh, err := zw.Create("xl/worksheets/sheet1.xml")
	must(t, err)
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range int(actionplan.DefaultLimits.MaxUncompressed>>20) + 1 {
		_, err = sh.Write(chunk)
		must(t, err)
	}
	must(t, zw.Close())
	return b.Bytes()
}
