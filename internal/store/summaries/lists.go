package summaries

import (
	"context"
	"slices"

	"github.com/casereview/casereview/internal/casereview"
)

type reviewInfo struct {
	ID, Reference, Type, Title, Visibility string
}

// loadRecs loads the recommendations with ids (in that order) with their flags as of the
// scope's date, and their reviews.
func (sc *summaryScope) loadRecs(ids []string) ([]casereview.Recommendation, map[string]reviewInfo, error) {
	if len(ids) == 0 {
		return nil, map[string]reviewInfo{}, nil
	}
	recs, err := sc.q.Recommendations(ids, sc.asOf)
	if err != nil {
		return nil, nil, err
	}
	reviews := map[string]reviewInfo{}
	var rids []string
	for _, r := range recs {
		if _, ok := reviews[r.ReviewID]; !ok {
			reviews[r.ReviewID] = reviewInfo{}
			rids = append(rids, r.ReviewID)
		}
	}
	for chunk := range slices.Chunk(rids, 1000) {
		var part []reviewInfo
		if err := sc.db.Table("reviews").Select("id, reference, type, title, visibility").Where("id IN ?", chunk).Scan(&part).Error; err != nil {
			return nil, nil, err
		}
		for _, r := range part {
			reviews[r.ID] = r
		}
	}
	return recs, reviews, nil
}

// pluckIDs returns the ids of the filtered set narrowed by extra, in order, at most limit+1 of
// them (so the caller can tell the list was cut). Call it inside plain.
func (sc *summaryScope) pluckIDs(order string, limit int, where string, args ...any) ([]string, error) {
	var ids []string
	q := sc.recs()
	if where != "" {
		q = q.Where(where, args...)
	}
	err := q.Order(order).Limit(limit+1).Pluck("recommendations.id", &ids).Error
	return ids, err
}

// SummaryNational is the register of national-scope recommendations, oldest first, with how
// many addressees acknowledged each. It reports whether the list was cut at MaxSummaryList.
func (s *Service) SummaryNational(ctx context.Context, f casereview.SummaryFilter) ([]casereview.NationalEntry, bool, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, false, err
	}
	var recs []casereview.Recommendation
	var reviews map[string]reviewInfo
	cut := false
	err = sc.plain(func(c *summaryScope) error {
		ids, err := c.pluckIDs("recommendations.issued_on, recommendations.id", casereview.MaxSummaryList, "recommendations.scope = 'national'")
		if err != nil {
			return err
		}
		if cut = len(ids) > casereview.MaxSummaryList; cut {
			ids = ids[:casereview.MaxSummaryList]
		}
		recs, reviews, err = c.loadRecs(ids)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	out := make([]casereview.NationalEntry, len(recs))
	for i, r := range recs {
		e := casereview.NationalEntry{Recommendation: r, ReviewRef: reviews[r.ReviewID].Reference, ReviewType: reviews[r.ReviewID].Type, Addressees: len(r.Addressees)}
		for _, a := range r.Addressees {
			if a.AcknowledgedOn != nil {
				e.Acknowledged++
			}
		}
		out[i] = e
	}
	return out, cut, nil
}
