package imports_test

import (
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// A closed recommendation is settled (issue 13): an import that would change its text, its
// addressees, its themes or its actions applies none of it, says so, and leaves the record,
// its version and the journal as they were; the open recommendation beside it is updated.
func TestImportLeavesClosedRecommendationsAlone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		bundle := func(text, action string, addOrg bool) []casereview.ReviewBundle {
			addrs := []casereview.AddresseeDraft{{OrganisationID: f.police.ID, Role: "lead"}}
			if addOrg {
				addrs = append(addrs, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting"})
			}
			rec := func(n string) casereview.RecommendationBundle {
				return casereview.RecommendationBundle{
					Draft: casereview.RecommendationDraft{Number: n, Text: text + " (" + n + ")", Scope: "local", Addressees: addrs,
						Themes: []casereview.ThemeDraft{{Code: "stalking"}}},
					Actions: []casereview.ActionDraft{{OrganisationID: f.police.ID, Description: action}}}
			}
			return []casereview.ReviewBundle{{Review: casereview.ReviewDraft{Type: "DHR", PartnershipID: f.p.ID, Reference: "IMP-C", Title: "Imported",
				Status: "published", PublishedOn: date("2025-01-10"), Visibility: "shared"},
				Recommendations: []casereview.RecommendationBundle{rec("1"), rec("2")}}}
		}
		imp := func(b []casereview.ReviewBundle) casereview.ImportResult {
			t.Helper()
			res, err := imports.New(s).ImportBundles(sysCtx(), b, casereview.ImportOptions{Source: "json"})
			must(t, err)
			return res
		}
		first := imp(bundle("Train officers.", "Train.", false))
		if first.RecommendationsCreated != 2 {
			t.Fatalf("first import: %+v", first)
		}
		recs, err := s.ListRecommendations(sysCtx(), casereview.RecommendationFilter{ReviewID: first.ReviewIDs[0]}, casereview.PageRequest{Limit: 5})
		must(t, err)
		var closedID, openID string
		for _, r := range recs.Items {
			if r.Number == "1" {
				closedID = r.ID
			} else {
				openID = r.ID
			}
		}
		must(t, execSQL(s, "UPDATE recommendations SET oversight_status = 'closed_acceptable_action', closed_on = '2026-03-01' WHERE id = ?", closedID))
		before := lcGet(t, s, closedID)
		beforeActs, err := s.ListActions(sysCtx(), casereview.ActionFilter{RecommendationID: closedID}, casereview.PageRequest{Limit: 5})
		must(t, err)
		tail := journalTail(t, s)

		res := imp(bundle("Train every officer.", "Train every officer.", true))
		if res.RecommendationsUpdated != 1 || res.RecommendationsUnchanged != 1 ||
			!strings.Contains(strings.Join(res.Changes, "\n"), "closed (closed_acceptable_action), so the file's changes were not applied") {
			t.Fatalf("import over a closed recommendation: %+v", res)
		}
		after := lcGet(t, s, closedID)
		if after.Version != before.Version || after.Text != before.Text || len(after.Addressees) != len(before.Addressees) {
			t.Fatalf("the closed recommendation changed: %+v -> %+v", before, after)
		}
		afterActs, err := s.ListActions(sysCtx(), casereview.ActionFilter{RecommendationID: closedID}, casereview.PageRequest{Limit: 5})
		must(t, err)
		if len(afterActs.Items) != len(beforeActs.Items) || afterActs.Items[0].Description != beforeActs.Items[0].Description ||
			afterActs.Items[0].Version != beforeActs.Items[0].Version {
			t.Fatalf("the closed recommendation's actions changed: %+v -> %+v", beforeActs.Items, afterActs.Items)
		}
		if open := lcGet(t, s, openID); open.Text != "Train every officer. (2)" || len(open.Addressees) != 2 {
			t.Fatalf("the open recommendation was not updated: %+v", open)
		}
		openActs, err := s.ListActions(sysCtx(), casereview.ActionFilter{RecommendationID: openID}, casereview.PageRequest{Limit: 5})
		must(t, err)
		// Only the open recommendation and its action are journaled: nothing of the closed one.
		expectJournal(t, s, tail, je{"recommendation", openID}, je{"action", openActs.Items[0].ID})
	})
}
