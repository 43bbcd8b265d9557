package summaries_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
)

// A period of dates (a financial year, or any range) narrows the summaries to the
// recommendations issued within it, both ends included.
func TestSummaryIssuedPeriodIncludesBothEnds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		sums := summaries.New(s)
		f := newFixture(t, s) // its review was published (so its recommendations issued) on 2025-06-01
		ctx := sysCtx()
		_, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		d := func(s string) *casereview.Date { x := casereview.MustDate(s); return &x }
		for _, c := range []struct {
			from, to *casereview.Date
			want     int
		}{
			{d("2025-04-01"), d("2026-03-31"), 1}, // the financial year 2025-26
			{d("2024-04-01"), d("2025-03-31"), 0},
			{d("2025-06-01"), d("2025-06-01"), 1},
			{d("2025-06-02"), nil, 0},
			{nil, d("2025-05-31"), 0},
			{nil, d("2025-06-01"), 1},
		} {
			doc, err := sums.SummaryDocument(ctx, casereview.SummaryFilter{IssuedFrom: c.from, IssuedTo: c.to})
			must(t, err)
			if doc.Headline.Recommendations != c.want {
				t.Errorf("issued %v to %v: %d recommendations, want %d", c.from, c.to, doc.Headline.Recommendations, c.want)
			}
		}
		_, err = sums.SummaryDocument(ctx, casereview.SummaryFilter{IssuedFrom: d("2025-06-02"), IssuedTo: d("2025-06-01")})
		wantErr(t, err, casereview.CodeInvalid, fe{"issued_to", string(casereview.FieldOrder)})
	})
}
