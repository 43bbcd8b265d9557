package bulkjson_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/importer/bulkjson"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var sys = casereview.WithActor(context.Background(), casereview.System)

// content describes a review's plan by names rather than ids, so two instances compare.
func content(t *testing.T, s *store.Store, id string) []string {
	e, err := actionplan.LoadExport(sys, s, id)
	must(t, err)
	out := []string{fmt.Sprintf("review %s|%s|%s|%s|%v|%s", e.Review.Reference, e.Review.Title, e.Review.Type, e.PartnershipName, e.Review.PublishedOn, e.Review.Visibility)}
	for _, r := range e.Recommendations {
		var as []string
		for _, a := range r.Addressees {
			as = append(as, a.OrganisationName+"/"+string(a.Role)+"/"+a.RawText)
		}
		sort.Strings(as)
		out = append(out, fmt.Sprintf("rec %s|%s|%s|%v|%s", r.Number, r.Text, r.Scope, as, r.ImplementationStatus))
		for _, a := range e.Actions[r.ID] {
			o := "<nil>"
			if a.Outcome != nil {
				o = *a.Outcome
			}
			out = append(out, fmt.Sprintf("act %s|%s|%v|%v|%s|%s", e.OrgNames[a.OrganisationID], a.Description, a.TargetDate, a.CompletionDate, o, a.ImplementationStatus))
			for _, m := range e.Milestones[a.ID] {
				out = append(out, fmt.Sprintf("  milestone %s|%v|%v", m.Title, m.DueDate, m.DoneDate))
			}
		}
	}
	return out
}

// Moving a review between instances: export it from one, import it into another that has never
// seen its partnership or organisations, and the plan reads the same; importing it again there
// changes nothing.
func TestExportImportBetweenInstances(t *testing.T) {
	plan, err := os.ReadFile("../actionplan/testdata/messy_plan.csv")
	must(t, err)
	dbtest.Each(t, func(t *testing.T, dialect string) {
		a := dbtest.Open(t, dialect, dbtest.Options{})
		b := dbtest.Open(t, dialect, dbtest.Options{})
		p, err := a.CreatePartnership(sys, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership"})
		must(t, err)
		_, err = a.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP", "Northfold Constabulary"}})
		must(t, err)
		_, err = a.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
		must(t, err)
		out, err := actionplan.Import(sys, imports.Over(a), actionplan.Request{FileName: "plan.csv", Data: plan, Review: casereview.ReviewDraft{PartnershipID: p.ID},
			Today: casereview.DateOf(time.Now())})
		must(t, err)
		if out.Result == nil {
			t.Fatalf("import: %v", out.Report.Issues)
		}
		id := out.Result.ReviewIDs[0]
		acts, err := a.ListActions(sys, casereview.ActionFilter{}, casereview.PageRequest{Limit: 1})
		must(t, err)
		day := func(s string) *casereview.Date { d := casereview.MustDate(s); return &d }
		for _, d := range []casereview.MilestoneDraft{{Title: "Course written", DueDate: day("2024-05-31"), DoneDate: day("2024-05-20")},
			{Title: "All officers trained", DueDate: day("2024-12-31")}, {Title: "Undated step"}} {
			_, err := a.CreateMilestone(sys, acts.Items[0].ID, d)
			must(t, err)
		}
		var doc bytes.Buffer
		must(t, bulkjson.Export(sys, a, []string{id}, &doc))

		f, err := bulkjson.Decode(doc.Bytes())
		must(t, err)
		// A dry run into an instance without the partnership and organisations says they would be
		// created, with everything else, and writes nothing.
		dry, err := bulkjson.Import(sys, imports.Over(b), f, true)
		must(t, err)
		if dry.Created["partnerships"] != 1 || dry.Created["organisations"] != 2 || dry.ReviewsCreated != 1 || dry.RecommendationsCreated != 5 {
			t.Fatalf("dry run into an empty instance: %+v", dry)
		}
		nothingHere := func(when string) {
			t.Helper()
			if page, _ := b.ListReviews(sys, casereview.ReviewFilter{}, casereview.PageRequest{Limit: 1}); page.Total != 0 {
				t.Fatalf("%s wrote %d reviews", when, page.Total)
			}
			if orgs, _ := b.AllOrganisations(sys); len(orgs) != 0 {
				t.Fatalf("%s left %d organisations behind", when, len(orgs))
			}
			if ps, _ := b.ListPartnerships(sys, casereview.PartnershipFilter{}, casereview.PageRequest{Limit: 1}); ps.Total != 0 {
				t.Fatalf("%s left %d partnerships behind", when, ps.Total)
			}
		}
		nothingHere("a dry run")

		// An import that fails creates no partnership or organisation either: they are created
		// in the import's own transaction, which an unknown theme (found only inside it, after
		// they are created) rolls back.
		bad := f
		bad.Reviews = slices.Clone(f.Reviews)
		bad.Reviews[0].Recommendations = slices.Clone(f.Reviews[0].Recommendations)
		bad.Reviews[0].Recommendations[1].Themes = []bulkjson.Theme{{Code: "ZZ99"}}
		_, err = bulkjson.Import(sys, imports.Over(b), bad, false)
		var de *casereview.Error
		if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Field != "reviews[0].recommendations[1].themes[0].code" {
			t.Fatalf("an import with an unknown theme: %v", err)
		}
		nothingHere("a failed import")
		res, err := bulkjson.Import(sys, imports.Over(b), f, false)
		must(t, err)
		if res.ReviewsCreated != 1 || res.RecommendationsCreated != 5 || res.ActionsCreated != 9 {
			t.Fatalf("import into the second instance: %+v", res)
		}
		x, y := content(t, a, id), content(t, b, res.ReviewIDs[0])
		if !slices.Equal(x, y) {
			t.Fatalf("the plans differ:\n a %s\n b %s", strings.Join(x, "\n   "), strings.Join(y, "\n   "))
		}
		again, err := bulkjson.Import(sys, imports.Over(b), f, false)
		must(t, err)
		if again.RecommendationsUnchanged != 5 || again.ActionsUnchanged != 9 || len(again.Changes) != 0 {
			t.Fatalf("second import: %+v", again)
		}
		if !strings.Contains(strings.Join(y, "\n"), "milestone Course written|2024-05-31|2024-05-20") {
			t.Fatalf("milestones did not travel:\n %s", strings.Join(y, "\n   "))
		}

		// A document's milestones list is the action's milestones after the import; absent, they
		// are left as they are.
		var act *bulkjson.Action
		for i := range f.Reviews[0].Recommendations {
			for j := range f.Reviews[0].Recommendations[i].Actions {
				if x := &f.Reviews[0].Recommendations[i].Actions[j]; x.Milestones != nil && len(*x.Milestones) == 3 {
					act = x
				}
			}
		}
		if act == nil {
			t.Fatal("no exported action carries the three milestones")
		}
		ms := *act.Milestones
		ms[1].DueDate = day("2025-01-31")
		*act.Milestones = ms[:2]
		changed, err := bulkjson.Import(sys, imports.Over(b), f, false)
		must(t, err)
		if changed.ActionsUpdated != 1 || len(changed.Changes) != 1 || !strings.Contains(changed.Changes[0], "1 changed, 1 removed") {
			t.Fatalf("changed milestones: %+v", changed)
		}
		z := strings.Join(content(t, b, res.ReviewIDs[0]), "\n")
		if !strings.Contains(z, "milestone All officers trained|2025-01-31|<nil>") || strings.Contains(z, "Undated step") {
			t.Fatalf("after the change:\n %s", z)
		}
		act.Milestones = nil
		absent, err := bulkjson.Import(sys, imports.Over(b), f, false)
		must(t, err)
		if len(absent.Changes) != 0 || strings.Join(content(t, b, res.ReviewIDs[0]), "\n") != z {
			t.Fatalf("no milestones list changed something: %+v", absent)
		}
	})
}

func TestDecodeRefusesUnknownFieldsAndFormats(t *testing.T) {
	for in, want := range map[string]casereview.Code{
		`{"format":"casereview-bulk/1","reviews":[],"extra":1}`: casereview.CodeMalformed,
		`{"format":"something-else","reviews":[]}`:              casereview.CodeInvalid,
		`not json`: casereview.CodeMalformed,
	} {
		if _, err := bulkjson.Decode([]byte(in)); casereview.ErrorCode(err) != want {
			t.Errorf("Decode(%s) = %v; want %s", in, err, want)
		}
	}
}
