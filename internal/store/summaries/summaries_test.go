package summaries_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
)

// Database-level checks of the summaries: the filter is checked against the reference tables with
// every problem named at once, the ids a query text matched narrow the count without ever
// widening what the caller may read, and the counts obey visible().

func TestSummaryFilterNamesEveryUnknownValue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := summaries.New(open(t, dialect))
		ctx := sysCtx()
		_, err := s.SummaryTrends(ctx, casereview.SummaryFilter{Themes: []string{"stalking", "no-such-theme"}, ReviewTypes: []string{"DHR", "XYZ"},
			Interventions: []string{"prayer"}})
		wantErr(t, err, casereview.CodeInvalid, fe{"theme[1]", "unknown_value"}, fe{"type[1]", "unknown_value"}, fe{"intervention[0]", "unknown_value"})
		_, err = s.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: "theme", Cols: "colour"})
		wantErr(t, err, casereview.CodeInvalid, fe{"cols", "unknown_value"})
		y1, y2 := 1900, 2100
		_, err = s.SummaryCrossTab(ctx, casereview.SummaryFilter{YearFrom: &y1, YearTo: &y2}, casereview.CrossTabRequest{Rows: "theme", Cols: "year"})
		wantErr(t, err, casereview.CodeInvalid, fe{"cols", "too_many_cells"})
	})
}

func TestSummaryCountsOnlyWhatTheCallerReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		sums := summaries.New(s)
		f := newFixture(t, s) // a shared review of partnership f.p
		ctx := sysCtx()
		other, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Southmere SAB", Kind: "safeguarding_adults_board"})
		must(t, err)
		pub := casereview.MustDate("2024-04-01")
		hidden, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "SAR", PartnershipID: other.ID, Reference: "SM-SAR-01", Title: "Adult R",
			Status: "published", PublishedOn: &pub, Visibility: "restricted"})
		must(t, err)
		shared, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		d := f.recDraft("1")
		d.ReviewID = hidden.ID
		restricted, err := s.CreateRecommendation(ctx, d)
		must(t, err)
		viewer := casereview.WithActor(context.Background(), casereview.Actor{UserID: "0190a0b0-0000-7000-8000-0000000000aa", Name: "viewer",
			Memberships: []casereview.Membership{{Role: casereview.RoleViewer, PartnershipID: f.p.ID}}})
		count := func(ctx context.Context, f casereview.SummaryFilter) int {
			t.Helper()
			ct, err := sums.SummaryCrossTab(ctx, f, casereview.CrossTabRequest{Rows: "review_type", Cols: "scope"})
			must(t, err)
			return ct.Recommendations
		}
		for _, c := range []struct {
			name string
			ctx  context.Context
			f    casereview.SummaryFilter
			want int
		}{
			{"system, everything", ctx, casereview.SummaryFilter{}, 2},
			{"viewer, everything", viewer, casereview.SummaryFilter{}, 1},
			{"system, no ids matched", ctx, casereview.SummaryFilter{IDs: []string{}}, 0},
			{"system, one id", ctx, casereview.SummaryFilter{IDs: []string{restricted.ID}}, 1},
			{"system, both ids", ctx, casereview.SummaryFilter{IDs: []string{restricted.ID, shared.ID}}, 2},
			// An index that lagged behind a change of visibility cannot widen the count.
			{"viewer, the hidden id", viewer, casereview.SummaryFilter{IDs: []string{restricted.ID}}, 0},
			{"viewer, the other partnership", viewer, casereview.SummaryFilter{Partnerships: []string{other.ID}}, 0},
			{"system, the other partnership", ctx, casereview.SummaryFilter{Partnerships: []string{other.ID}}, 1},
			{"system, type SAR", ctx, casereview.SummaryFilter{ReviewTypes: []string{"sar"}}, 1},
			{"system, issued 2024", ctx, casereview.SummaryFilter{Years: []int{2024}}, 1},
			{"system, sector police", ctx, casereview.SummaryFilter{Sectors: []casereview.Sector{"police"}}, 2},
			{"system, sector housing", ctx, casereview.SummaryFilter{Sectors: []casereview.Sector{"housing"}}, 0},
			{"system, theme by slug", ctx, casereview.SummaryFilter{Themes: []string{"coercive-control"}}, 2},
			{"system, theme group B", ctx, casereview.SummaryFilter{ThemeGroups: []string{"B"}}, 0},
		} {
			if got := count(c.ctx, c.f); got != c.want {
				t.Errorf("%s: %d, want %d", c.name, got, c.want)
			}
		}
		doc, err := sums.SummaryDocument(viewer, casereview.SummaryFilter{})
		must(t, err)
		if doc.RestrictedCount != 0 || doc.Headline.Recommendations != 1 || len(doc.Items) != 1 || doc.Items[0].Recommendation.ID != shared.ID {
			t.Fatalf("viewer's document: %+v", doc.Headline)
		}
		doc, err = sums.SummaryDocument(ctx, casereview.SummaryFilter{})
		must(t, err)
		if doc.RestrictedCount != 1 || doc.Headline.Recommendations != 2 {
			t.Fatalf("system's document: restricted %d, headline %+v", doc.RestrictedCount, doc.Headline)
		}
	})
}

// A recommendation with no confirmed theme counts under "No theme" in a table by theme or theme
// group, rather than being left out; filtering by theme narrows the table to the themes asked for.
func TestCrossTabShowsRecommendationsWithNoTheme(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		st := open(t, dialect)
		f := newFixture(t, st)
		ctx := sysCtx()
		_, err := st.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		bare := f.recDraft("2")
		bare.Themes = nil
		_, err = st.CreateRecommendation(ctx, bare)
		must(t, err)
		sums := summaries.New(st)
		for _, d := range []casereview.Dimension{casereview.DimTheme, casereview.DimThemeGroup} {
			tab, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: d, Cols: casereview.DimResponse})
			must(t, err)
			i := slices.IndexFunc(tab.RowValues, func(v casereview.Value) bool { return v.Key == casereview.NoneKey })
			if i < 0 || tab.RowTotals[i] != 1 || tab.RowValues[i].Label != "No theme" || tab.Recommendations != 2 {
				t.Errorf("by %s: rows %+v totals %v (%d recommendations), want a No theme row of 1", d, tab.RowValues, tab.RowTotals, tab.Recommendations)
			}
		}
		tab, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{Themes: []string{"A02"}}, casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimResponse})
		must(t, err)
		if len(tab.RowValues) != 1 || tab.RowValues[0].Key != "A02" {
			t.Errorf("filtered by A02: rows %+v", tab.RowValues)
		}

		// Two themes of one group count the recommendation once under the group; filtering by
		// group narrows the group dimension to it, and filtering by theme keeps every group of the
		// matching recommendations' themes but no "No theme".
		two := f.recDraft("3")
		two.Themes = []casereview.ThemeDraft{{Code: "A02"}, {Code: "A03"}}
		_, err = st.CreateRecommendation(ctx, two)
		must(t, err)
		groups := func(f casereview.SummaryFilter) map[string]int {
			tab, err := sums.SummaryCrossTab(ctx, f, casereview.CrossTabRequest{Rows: casereview.DimThemeGroup, Cols: casereview.DimResponse})
			must(t, err)
			got := map[string]int{}
			for i, v := range tab.RowValues {
				got[v.Key] = tab.RowTotals[i]
			}
			return got
		}
		for _, c := range []struct {
			f    casereview.SummaryFilter
			want map[string]int
		}{
			{casereview.SummaryFilter{}, map[string]int{"A": 2, "C": 1, casereview.NoneKey: 1}},
			{casereview.SummaryFilter{ThemeGroups: []string{"A"}}, map[string]int{"A": 2}},
			{casereview.SummaryFilter{Themes: []string{"risk-assessment"}}, map[string]int{"A": 1, "C": 1}},
		} {
			if got := groups(c.f); !maps.Equal(got, c.want) {
				t.Errorf("by theme group, filter %+v: %v, want %v", c.f, got, c.want)
			}
		}
		// By theme and theme group at once: each recommendation once in each pair of one of its
		// themes and one of its groups.
		tab, err = sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: casereview.DimTheme, Cols: casereview.DimThemeGroup})
		must(t, err)
		if tab.Recommendations != 3 || tab.Total != 7 {
			t.Errorf("theme × theme group: %d recommendations, total %d, want 3 and 7 (A02 and C01 × A and C; A02 and A03 × A; none × none)", tab.Recommendations, tab.Total)
		}
	})
}

// Partnership, sector and organisation are dimensions too: named, not coded; a recommendation
// addressed to two organisations of one sector counts once under that sector and once under each
// organisation; one addressed to nobody counts under "No addressee".
func TestCrossTabByPartnershipSectorAndOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		st := open(t, dialect)
		f := newFixture(t, st)
		ctx := sysCtx()
		other, err := st.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Transport Police", Sector: "police"})
		must(t, err)
		two := f.recDraft("1")
		two.Addressees = append(two.Addressees, casereview.AddresseeDraft{OrganisationID: other.ID, Role: "supporting"})
		_, err = st.CreateRecommendation(ctx, two)
		must(t, err)
		none := f.recDraft("2")
		none.Addressees = nil
		_, err = st.CreateRecommendation(ctx, none)
		must(t, err)
		sums := summaries.New(st)
		row := func(tab casereview.CrossTab, key string) (string, int) {
			i := slices.IndexFunc(tab.RowValues, func(v casereview.Value) bool { return v.Key == key })
			if i < 0 {
				return "", -1
			}
			return tab.RowValues[i].Label, tab.RowTotals[i]
		}

		tab, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: casereview.DimPartnership, Cols: casereview.DimReviewType})
		must(t, err)
		if l, n := row(tab, f.p.ID); l != "Northfold CSP" || n != 2 || len(tab.RowValues) != 1 {
			t.Errorf("by partnership: %+v %v", tab.RowValues, tab.RowTotals)
		}

		tab, err = sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: casereview.DimSector, Cols: casereview.DimResponse})
		must(t, err)
		if l, n := row(tab, "police"); l != "Police" || n != 1 {
			t.Errorf("police row %q %d, want one recommendation", l, n)
		}
		if l, n := row(tab, casereview.NoneKey); l != "No addressee" || n != 1 || tab.Recommendations != 2 {
			t.Errorf("no addressee row %q %d (%d recommendations)", l, n, tab.Recommendations)
		}

		tab, err = sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: casereview.DimOrganisation, Cols: casereview.DimYear})
		must(t, err)
		for id, name := range map[string]string{f.police.ID: "Northfold Police", other.ID: "Northfold Transport Police", casereview.NoneKey: "No addressee"} {
			if l, n := row(tab, id); l != name || n != 1 {
				t.Errorf("organisation %s: %q %d", name, l, n)
			}
		}
		if tab.Recommendations != 2 || tab.Total != 3 {
			t.Errorf("by organisation: %d recommendations in %d assignments, want 2 in 3", tab.Recommendations, tab.Total)
		}
	})
}
