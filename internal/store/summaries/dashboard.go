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
// but for Organisations, which it leaves at zero (the document takes it from its organisation
// figures).
func (s *Service) SummaryHeadline(ctx context.Context, f casereview.SummaryFilter) (casereview.Headline, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return casereview.Headline{}, err
	}
	var doc casereview.ThematicSummary
	err = sc.plain(func(c *summaryScope) error { return c.headline(&doc) })
	return doc.Headline, err
}

// SummaryClosures lists the filtered recommendations closed on or after since, the latest
// closure first, up to MaxDocumentItems; the flag says the list stopped there.
func (s *Service) SummaryClosures(ctx context.Context, f casereview.SummaryFilter, since casereview.Date) ([]casereview.SummaryListItem, bool, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, false, err
	}
	var out []casereview.SummaryListItem
	cut := false
	err = sc.plain(func(c *summaryScope) error {
		ids, err := c.pluckIDs("recommendations.closed_on DESC, recommendations.id", casereview.MaxDocumentItems,
			"recommendations.closed_on IS NOT NULL AND recommendations.closed_on >= ?", store.NullDate{D: since, Valid: true})
		if err != nil {
			return err
		}
		if len(ids) > casereview.MaxDocumentItems {
			ids, cut = ids[:casereview.MaxDocumentItems], true
		}
		recs, reviews, err := c.loadRecs(ids)
		if err != nil {
			return err
		}
		for _, r := range recs {
			rv := reviews[r.ReviewID]
			out = append(out, casereview.SummaryListItem{Recommendation: r, ReviewRef: rv.Reference, ReviewType: rv.Type, ReviewTitle: rv.Title})
		}
		return nil
	})
	return out, cut, err
}
