package summaries

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// The dashboard's parts (internal/web/dashboard.go): the headline figures alone, and the recent
// closures. Each is one statement; the whole thematic document (document.go) would also count
// organisations, trends and pairs and list 2,000 recommendations, which the dashboard does not
// show, three times over.

// SummaryHeadline counts the headline figures of the filtered set, as SummaryDocument's headline
// but for Organisations and Reviews, which it leaves at zero (the document takes the first from
// its organisation figures; the second costs a distinct count the dashboard does not show).
func (s *Service) SummaryHeadline(ctx context.Context, f casereview.SummaryFilter) (casereview.Headline, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return casereview.Headline{}, err
	}
	var doc casereview.ThematicSummary
	err = sc.plain(func(c *summaryScope) error { return c.headline(&doc, false) })
	return doc.Headline, err
}

// SummaryHeadlines counts the headline of the filtered set and, for each of years, of the
// recommendations issued that year, with the filter's own years (if any) replaced by that year:
// the dashboard's figures and their trend. When the filter has no years of its own (an issued
// date range stays in both), the recommendations of each year are a part of the filtered set,
// and one statement counts everything at once, grouped by the year issued too (at 100k, two
// statements of about 15 ms fewer on every dashboard); otherwise each year is counted by a
// statement of its own.
func (s *Service) SummaryHeadlines(ctx context.Context, f casereview.SummaryFilter, years []int) (casereview.Headline, []casereview.Headline, error) {
	byYear := make([]casereview.Headline, len(years))
	if len(f.Years) > 0 || f.YearFrom != nil || f.YearTo != nil {
		var all casereview.Headline
		parts := []func() error{func() (err error) { all, err = s.SummaryHeadline(ctx, f); return err }}
		for i, y := range years {
			parts = append(parts, func() (err error) {
				g := f
				g.Years, g.YearFrom, g.YearTo = nil, &y, &y
				byYear[i], err = s.SummaryHeadline(ctx, g)
				return err
			})
		}
		return all, byYear, parallel(parts...)
	}
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return casereview.Headline{}, nil, err
	}
	var all casereview.Headline
	err = sc.plain(func(c *summaryScope) error {
		groups, err := c.headlineGroups(years)
		for _, g := range groups {
			g.addTo(&all)
			if g.Cohort >= 0 {
				g.addTo(&byYear[g.Cohort])
			}
		}
		return err
	})
	return all, byYear, err
}

// SummaryClosures lists the latest limit of the filtered recommendations closed on or after
// since, the latest closure first, and counts them all.
func (s *Service) SummaryClosures(ctx context.Context, f casereview.SummaryFilter, since casereview.Date, limit int) ([]casereview.SummaryListItem, int, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, 0, err
	}
	var out []casereview.SummaryListItem
	var total int64
	const closedSince = "recommendations.closed_on IS NOT NULL AND recommendations.closed_on >= ?"
	err = sc.plain(func(c *summaryScope) error {
		if err := c.recs().Where(closedSince, store.NullDate{D: since, Valid: true}).Count(&total).Error; err != nil {
			return err
		}
		ids, err := c.pluckIDs("recommendations.closed_on DESC, recommendations.id", limit, closedSince, store.NullDate{D: since, Valid: true})
		if err != nil {
			return err
		}
		recs, reviews, err := c.loadRecs(ids[:min(len(ids), limit)])
		if err != nil {
			return err
		}
		for _, r := range recs {
			rv := reviews[r.ReviewID]
			out = append(out, casereview.SummaryListItem{Recommendation: r, ReviewRef: rv.Reference, ReviewType: rv.Type, ReviewTitle: rv.Title})
		}
		return nil
	})
	return out, int(total), err
}
