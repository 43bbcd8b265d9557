package imports_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// importBundles builds n fictional reviews for partnership p, each with recs recommendations of
// two actions owned by org.
func importBundles(p, org string, n, recs int) []casereview.ReviewBundle {
	var out []casereview.ReviewBundle
	pub := casereview.MustDate("2024-02-01")
	for i := range n {
		b := casereview.ReviewBundle{Review: casereview.ReviewDraft{Type: "DHR", PartnershipID: p, Reference: fmt.Sprintf("IMP-%03d", i),
			Title: fmt.Sprintf("Adult %d", i), Status: "published", PublishedOn: &pub, Visibility: "shared"}}
		for j := range recs {
			target := casereview.MustDate("2024-12-31")
			b.Recommendations = append(b.Recommendations, casereview.RecommendationBundle{
				Draft: casereview.RecommendationDraft{Number: fmt.Sprint(j + 1), Text: fmt.Sprintf("Review %d recommendation %d: improve stalking risk assessment.", i, j+1),
					Scope: "local", Addressees: []casereview.AddresseeDraft{{OrganisationID: org, Role: "lead", RawText: "NFP"}}},
				Actions: []casereview.ActionDraft{
					{OrganisationID: org, Description: fmt.Sprintf("Train staff (%d.%d)", i, j), TargetDate: &target},
					{OrganisationID: org, Description: fmt.Sprintf("Audit DASH forms (%d.%d)", i, j), Owner: "Head of PPU"}},
			})
		}
		out = append(out, b)
	}
	return out
}

func TestImportBundlesCreatesThenUpdatesInPlace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		bundles := importBundles(f.p.ID, f.police.ID, 3, 4)
		before := tableCounts(t, s)

		dry, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{DryRun: true, Source: "test"})
		must(t, err)
		sameCounts(t, before, tableCounts(t, s))
		if dry.ReviewsCreated != 3 || dry.RecommendationsCreated != 12 || dry.ActionsCreated != 24 || !dry.DryRun {
			t.Fatalf("dry run result %+v", dry)
		}

		res, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		if res.ReviewsCreated != 3 || res.RecommendationsCreated != 12 || res.ActionsCreated != 24 {
			t.Fatalf("result %+v", res)
		}
		after := tableCounts(t, s)
		for tb, want := range map[string]int{"reviews": 3, "recommendations": 12, "actions": 24, "addressees": 12,
			"change_journal": 3 + 12 + 24, "audit_events": 3 + 12 + 24 + 1} {
			if after[tb]-before[tb] != want {
				t.Errorf("%s grew by %d; want %d", tb, after[tb]-before[tb], want)
			}
		}
		// What was written reads back as given, rolled up as the store would roll it up.
		page, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: res.ReviewIDs[1]}, casereview.PageRequest{Limit: 50})
		must(t, err)
		if page.Total != 4 {
			t.Fatalf("review 1 has %d recommendations; want 4", page.Total)
		}
		for _, r := range page.Items {
			want := bundles[1].Recommendations[mustAtoi(t, r.Number)-1].Draft
			if r.Text != want.Text || len(r.Addressees) != 1 || r.Addressees[0].OrganisationName != f.police.Name || r.IssuedOn.String() != "2024-02-01" {
				t.Fatalf("recommendation %s read back as %+v", r.Number, r)
			}
		}

		// The same data again changes nothing.
		j := journalTail(t, s)
		again, err := imports.New(s).ImportBundles(ctx, bundles, casereview.ImportOptions{Source: "test"})
		must(t, err)
		if again.ReviewsUnchanged != 3 || again.RecommendationsUnchanged != 12 || again.ActionsUnchanged != 24 ||
			again.RecommendationsCreated+again.RecommendationsUpdated+again.ActionsCreated+again.ActionsUpdated != 0 || len(again.Changes) != 0 {
			t.Fatalf("re-import result %+v", again)
		}
		expectJournal(t, s, j)
		if n := countRows(t, s, "audit_events", "action = ?", string(casereview.AuditImported)); n != 2 {
			t.Fatalf("%d import events; want 2", n)
		}

		// Edit one recommendation's text and advance one action: only those change, in place.
		edited := importBundles(f.p.ID, f.police.ID, 3, 4)
		edited[2].Recommendations[3].Draft.Text = "Changed wording."
		edited[0].Recommendations[0].ActionStatuses = []casereview.ImplementationStatus{"in_progress", "in_progress"}
		upd, err := imports.New(s).ImportBundles(ctx, edited, casereview.ImportOptions{Source: "test"})
		must(t, err)
		if upd.RecommendationsUpdated != 2 || upd.RecommendationsUnchanged != 10 || upd.ActionsUpdated != 2 || upd.RecommendationsCreated != 0 {
			t.Fatalf("edit result %+v", upd)
		}
		if !slices.ContainsFunc(upd.Changes, func(c string) bool { return strings.Contains(c, "IMP-002 recommendation 4: updated text") }) {
			t.Fatalf("changes %q do not name the edited text", upd.Changes)
		}
		sameCounts(t, map[string]int{"recommendations": after["recommendations"], "actions": after["actions"]}, tableCounts(t, s))
		page, err = s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: res.ReviewIDs[0]}, casereview.PageRequest{Limit: 50})
		must(t, err)
		for _, r := range page.Items {
			want := casereview.ImplementationStatus("not_started")
			if r.Number == "1" {
				want = "in_progress"
			}
			if r.ImplementationStatus != want {
				t.Fatalf("recommendation %s implementation %s; want %s", r.Number, r.ImplementationStatus, want)
			}
		}
		acts, err := s.ListActions(ctx, casereview.ActionFilter{ImplementationStatus: "in_progress"}, casereview.PageRequest{Limit: 10})
		must(t, err)
		if acts.Total != 2 || acts.Items[0].Version != 2 || acts.Items[0].RecommendationID != page.Items[len(page.Items)-1].ID {
			t.Fatalf("in-progress actions %+v", acts.Items)
		}
		// A file saying less than the application records does not undo progress.
		back := importBundles(f.p.ID, f.police.ID, 3, 4)
		back[0].Recommendations[0].ActionStatuses = []casereview.ImplementationStatus{"planned", "in_progress"}
		kept, err := imports.New(s).ImportBundles(ctx, back, casereview.ImportOptions{Source: "test"})
		must(t, err)
		if kept.ActionsUpdated != 0 || !slices.ContainsFunc(kept.Changes, func(c string) bool { return strings.Contains(c, "kept in_progress") }) {
			t.Fatalf("regressing import %+v", kept)
		}
	})
}

func mustAtoi(t *testing.T, s string) int {
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportBundlesRefusesBadInputWritingNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		before := tableCounts(t, s)
		cases := map[string]struct {
			edit   func(b []casereview.ReviewBundle)
			fields []fe
		}{
			"blank text": {func(b []casereview.ReviewBundle) { b[1].Recommendations[2].Draft.Text = " " },
				[]fe{{"bundles[1].recommendations[2].text", "required"}}},
			"duplicate number": {func(b []casereview.ReviewBundle) { b[0].Recommendations[1].Draft.Number = "1" },
				[]fe{{"bundles[0].recommendations[1].number", "duplicate"}}},
			"unknown organisation": {func(b []casereview.ReviewBundle) {
				b[0].Recommendations[0].Draft.Addressees[0].OrganisationID = "0190c000-0000-7000-8000-000000000001"
				b[0].Recommendations[0].Actions = nil
			}, []fe{{"bundles[0].recommendations[0].addressees[0].organisation_id", "not_found"}}},
			"action owner not addressee": {func(b []casereview.ReviewBundle) { b[1].Recommendations[0].Actions[1].OrganisationID = f.la.ID },
				[]fe{{"bundles[1].recommendations[0].actions[1].organisation_id", "not_addressee"}}},
			"unknown theme": {func(b []casereview.ReviewBundle) {
				b[0].Recommendations[2].Draft.Themes = []casereview.ThemeDraft{{Code: "no-such-theme"}}
			}, []fe{{"bundles[0].recommendations[2].themes[0].code", "unknown_value"}}},
			"duplicate reference": {func(b []casereview.ReviewBundle) { b[1].Review.Reference = b[0].Review.Reference },
				[]fe{{"bundles[1].review.reference", "duplicate"}}},
			"future completion": {func(b []casereview.ReviewBundle) {
				b[0].Recommendations[0].Actions[0].CompletionDate = date("2099-01-01")
			},
				[]fe{{"bundles[0].recommendations[0].actions[0].completion_date", "invalid"}}},
		}
		for name, c := range cases {
			b := importBundles(f.p.ID, f.police.ID, 2, 3)
			c.edit(b)
			_, err := imports.New(s).ImportBundles(ctx, b, casereview.ImportOptions{})
			t.Run(name, func(t *testing.T) { wantErr(t, err, casereview.CodeInvalid, c.fields...) })
			sameCounts(t, before, tableCounts(t, s))
		}
		// A panel member of another partnership may not import into this one.
		other, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Elsewhere SAB", Kind: "safeguarding_adults_board"})
		must(t, err)
		panel := casereview.WithActor(context.Background(), casereview.Actor{UserID: "0190c000-0000-7000-8000-0000000000aa", Name: "Pat",
			Memberships: []casereview.Membership{{Role: casereview.RolePanel, PartnershipID: other.ID}}})
		before = tableCounts(t, s)
		_, err = imports.New(s).ImportBundles(panel, importBundles(f.p.ID, f.police.ID, 1, 1), casereview.ImportOptions{})
		if !casereview.IsCode(err, casereview.CodeForbidden) {
			t.Fatalf("import by another partnership's panel: %v; want forbidden", err)
		}
		sameCounts(t, before, tableCounts(t, s))
	})
}

// A large import in one call stays under both databases' parameter limits.
func TestImportBundlesLarge(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		res, err := imports.New(s).ImportBundles(sysCtx(), importBundles(f.p.ID, f.police.ID, 150, 20), casereview.ImportOptions{})
		must(t, err)
		if res.RecommendationsCreated != 3000 || res.ActionsCreated != 6000 {
			t.Fatalf("result %+v", res)
		}
		if n := countRows(t, s, "recommendations", ""); n != 3000 {
			t.Fatalf("%d recommendations; want 3000", n)
		}
	})
}
