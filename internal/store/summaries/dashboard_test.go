package summaries_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
)

// The dashboard's headline is the thematic document's headline (but for the organisations, which
// only the document counts), and its closures are what was closed on or after the date.
func TestDashboardHeadlineAndClosures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		sums := summaries.New(s)
		f := newFixture(t, s)
		ctx := sysCtx()
		_, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		closing, err := s.CreateRecommendation(ctx, f.recDraft("2"))
		must(t, err)
		_, err = s.Assess(ctx, closing.ID, closing.Version, casereview.AssessmentDraft{Classification: "closed_no_longer_applicable", Rationale: "The service was decommissioned."})
		must(t, err)
		asOf := casereview.DateOf(fixedNow)
		y := fixedNow.Year()
		for _, filter := range []casereview.SummaryFilter{{AsOf: asOf}, {AsOf: asOf, YearFrom: &y, YearTo: &y}, {AsOf: asOf, ReviewTypes: []string{"SAR"}}} {
			doc, err := sums.SummaryDocument(ctx, filter)
			must(t, err)
			h, err := sums.SummaryHeadline(ctx, filter)
			must(t, err)
			want := doc.Headline
			want.Organisations, want.Reviews = 0, 0
			if h != want {
				t.Errorf("filter %+v: headline %+v, want %+v", filter, h, want)
			}
		}
		got, total, err := sums.SummaryClosures(ctx, casereview.SummaryFilter{AsOf: asOf}, asOf.AddDays(-1), 10)
		must(t, err)
		if total != 1 || len(got) != 1 || got[0].Recommendation.ID != closing.ID || got[0].ReviewRef != "NF-DHR-01" {
			t.Errorf("closures since yesterday = %+v (of %d), want only %s", got, total, closing.ID)
		}
		second, err := s.CreateRecommendation(ctx, f.recDraft("3"))
		must(t, err)
		_, err = s.Assess(ctx, second.ID, second.Version, casereview.AssessmentDraft{Classification: "closed_no_longer_applicable", Rationale: "Superseded."})
		must(t, err)
		if got, total, err := sums.SummaryClosures(ctx, casereview.SummaryFilter{AsOf: asOf}, asOf.AddDays(-1), 1); err != nil || len(got) != 1 || total != 2 {
			t.Errorf("closures with a limit of 1 = %d items of %d, %v; want 1 of 2", len(got), total, err)
		}
		if got, total, err := sums.SummaryClosures(ctx, casereview.SummaryFilter{AsOf: asOf}, asOf.AddDays(1), 10); err != nil || len(got) != 0 || total != 0 {
			t.Errorf("closures since tomorrow = %d items of %d, %v; want none", len(got), total, err)
		}
		if got, _, err := sums.SummaryClosures(ctx, casereview.SummaryFilter{AsOf: asOf, ReviewTypes: []string{"SAR"}}, asOf.AddDays(-1), 10); err != nil || len(got) != 0 {
			t.Errorf("SAR closures = %d items, %v; want none (the filter applies)", len(got), err)
		}
	})
}
