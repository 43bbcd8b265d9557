package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
)

// noKeywords suggests nothing from the text, so that only stored suggestions are offered.
type noKeywords struct{}

func (noKeywords) Suggest(string, []casereview.Theme) []casereview.ThemeSuggestion { return nil }

// TestUnconfirmedSuggestedThemesDoNotCount: a theme assigned as a suggestion nobody confirmed
// (what the PFD import's category crosswalk stores) counts in no theme filter, summary or theme
// pair until a person accepts it; it is offered as a suggestion, and rejecting it removes it.
func TestUnconfirmedSuggestedThemesDoNotCount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		s.UseThemeSuggester(noKeywords{})
		f := newFixture(t, s)
		sums := summaries.New(s)
		ctx := sysCtx()
		create := func(number string, themes ...casereview.ThemeDraft) casereview.Recommendation {
			d := f.recDraft(number)
			d.Themes = themes
			r, err := s.CreateRecommendation(ctx, d)
			must(t, err)
			return r
		}
		suggested := create("1", casereview.ThemeDraft{Code: "B04", Source: "suggested"}, casereview.ThemeDraft{Code: "B05", Source: "suggested"})
		create("2", casereview.ThemeDraft{Code: "B04", Source: "manual"})

		counts := func() (listed int64, summarised, crossB04 int, pairs int) {
			t.Helper()
			l, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{Theme: "B04"}, casereview.PageRequest{Limit: 10})
			must(t, err)
			ct, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{Themes: []string{"B04"}}, casereview.CrossTabRequest{Rows: "review_type", Cols: "scope"})
			must(t, err)
			byTheme, err := sums.SummaryCrossTab(ctx, casereview.SummaryFilter{}, casereview.CrossTabRequest{Rows: "theme", Cols: "review_type"})
			must(t, err)
			for i, v := range byTheme.RowValues {
				if v.Key == "B04" {
					crossB04 = byTheme.RowTotals[i]
				}
			}
			ps, _, err := sums.SummaryThemePairs(ctx, casereview.SummaryFilter{})
			must(t, err)
			for _, p := range ps {
				if p.A.Key == "B04" || p.B.Key == "B04" {
					pairs += p.Count
				}
			}
			return l.Total, ct.Recommendations, crossB04, pairs
		}
		if l, sum, cross, pairs := counts(); l != 1 || sum != 1 || cross != 1 || pairs != 0 {
			t.Fatalf("with one confirmed and one unconfirmed B04: listed %d, summarised %d, cross-tab %d, pairs %d; want 1, 1, 1, 0", l, sum, cross, pairs)
		}

		sugs, err := s.ThemeSuggestions(ctx, suggested.ID)
		must(t, err)
		if len(sugs) != 2 || sugs[0].Code != "B04" || sugs[1].Code != "B05" {
			t.Fatalf("the unconfirmed themes are not offered as suggestions: %+v", sugs)
		}
		got, err := s.AcceptThemeSuggestion(ctx, suggested.ID, suggested.Version, "B04")
		must(t, err)
		if len(got.Themes) != 2 || got.Themes[0].Code != "B04" || got.Themes[0].ConfirmedAt == nil || !got.Themes[0].Primary || got.Themes[1].Confirmed() {
			t.Fatalf("accepted: %+v", got.Themes)
		}
		if l, sum, cross, _ := counts(); l != 2 || sum != 2 || cross != 2 {
			t.Fatalf("after confirming: listed %d, summarised %d, cross-tab %d; want 2", l, sum, cross)
		}

		// Rejecting the other removes it and remembers the rejection.
		_, err = s.RejectThemeSuggestion(ctx, suggested.ID, "B05", "not about drugs")
		must(t, err)
		after, err := s.GetRecommendation(ctx, suggested.ID)
		must(t, err)
		if len(after.Themes) != 1 || after.Themes[0].Code != "B04" {
			t.Fatalf("after rejecting B05: %+v", after.Themes)
		}
		if sugs, err := s.ThemeSuggestions(ctx, suggested.ID); err != nil || len(sugs) != 0 {
			t.Fatalf("suggestions after deciding both: %+v (%v)", sugs, err)
		}
	})
}
