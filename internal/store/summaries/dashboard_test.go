package summaries_test

import (
	"fmt"
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

// SummaryHeadlines gives what SummaryHeadline gives for the filter and for each year (the
// filter's years replaced by it), whether it counts them in one statement (no years in the
// filter) or one each.
func TestSummaryHeadlinesAgreeWithHeadline(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		sums := summaries.New(s)
		f := newFixture(t, s)
		ctx := sysCtx()
		for i := range 24 {
			r, err := s.CreateRecommendation(ctx, f.recDraft(fmt.Sprint(i+1)))
			must(t, err)
			year := 2023 + i%4 // 2023 to 2026
			must(t, execSQL(s, fmt.Sprintf("UPDATE recommendations SET issued_on = '%d-0%d-15' WHERE id = '%s'", year, 1+i%9, r.ID)))
			switch i % 4 {
			case 3: // issued in 2026, so not historic
				must(t, execSQL(s, fmt.Sprintf("UPDATE recommendations SET response_due = '2025-01-01' WHERE id = '%s'", r.ID)))
			case 1:
				must(t, execSQL(s, fmt.Sprintf("UPDATE recommendations SET response_status = 'accepted' WHERE id = '%s'", r.ID)))
			case 2:
				_, err := s.Assess(ctx, r.ID, r.Version, casereview.AssessmentDraft{Classification: "closed_no_longer_applicable", Rationale: "Decommissioned."})
				must(t, err)
			}
		}
		asOf := casereview.DateOf(fixedNow)
		from := 2024
		years := []int{2026, 2025, 2019}
		issuedFrom := casereview.MustDate("2025-04-01")
		for _, filter := range []casereview.SummaryFilter{
			{AsOf: asOf},
			{AsOf: asOf, ReviewTypes: []string{"DHR"}},
			{AsOf: asOf, YearFrom: &from},
			{AsOf: asOf, Years: []int{2023}},
			{AsOf: asOf, IssuedFrom: &issuedFrom},
		} {
			all, byYear, err := sums.SummaryHeadlines(ctx, filter, years)
			must(t, err)
			want, err := sums.SummaryHeadline(ctx, filter)
			must(t, err)
			if all != want {
				t.Errorf("filter %+v: all %+v, want %+v", filter, all, want)
			}
			if len(byYear) != len(years) {
				t.Fatalf("filter %+v: %d years, want %d", filter, len(byYear), len(years))
			}
			for i, y := range years {
				g := filter
				g.Years, g.YearFrom, g.YearTo = nil, &y, &y
				want, err := sums.SummaryHeadline(ctx, g)
				must(t, err)
				if byYear[i] != want {
					t.Errorf("filter %+v, year %d: %+v, want %+v", filter, y, byYear[i], want)
				}
			}
		}
		// The world proves something: every year asked for but 2019 has recommendations, some
		// overdue, accepted and closed.
		all, byYear, err := sums.SummaryHeadlines(ctx, casereview.SummaryFilter{AsOf: asOf}, years)
		must(t, err)
		if all.Recommendations != 24 || all.Overdue == 0 || all.Accepted == 0 || byYear[0].Recommendations != 6 || byYear[1].Recommendations != 6 || byYear[2].Recommendations != 0 {
			t.Errorf("headlines %+v by year %+v", all, byYear)
		}
	})
}
