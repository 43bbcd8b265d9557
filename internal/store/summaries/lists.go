package summaries

import (
	"context"
	"slices"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
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

// SummaryOverdue lists the recommendations overdue for a response or an action, and those whose
// response oversight judged unacceptable (escalations), grouped by the organisations that owe
// something, oldest first.
func (s *Service) SummaryOverdue(ctx context.Context, f casereview.SummaryFilter) ([]casereview.OverdueGroup, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, err
	}
	var recs []casereview.Recommendation
	var reviews map[string]reviewInfo
	var acts []store.ActionDue
	err = sc.plain(func(c *summaryScope) error {
		ids, err := c.pluckIDs("recommendations.issued_on, recommendations.id", casereview.MaxSummaryList,
			"(? OR recommendations.oversight_status = 'open_unacceptable')", c.overdueCond())
		if err != nil {
			return err
		}
		if len(ids) > casereview.MaxSummaryList {
			ids = ids[:casereview.MaxSummaryList]
		}
		if recs, reviews, err = c.loadRecs(ids); err != nil {
			return err
		}
		acts, err = c.q.ActionDues(ids)
		return err
	})
	if err != nil {
		return nil, err
	}
	late := map[string]map[string]casereview.Date{} // recommendation -> owner -> earliest late target or milestone
	for _, a := range acts {
		for _, due := range a.Dates.Dues() {
			if !due.Before(sc.asOf) {
				continue
			}
			if late[a.RecommendationID] == nil {
				late[a.RecommendationID] = map[string]casereview.Date{}
			}
			if prev, ok := late[a.RecommendationID][a.OrganisationID]; !ok || due.Before(prev) {
				late[a.RecommendationID][a.OrganisationID] = due
			}
		}
	}
	groups := map[string]*casereview.OverdueGroup{}
	names := map[string]string{}
	add := func(org string, item casereview.OverdueItem) {
		if groups[org] == nil {
			groups[org] = &casereview.OverdueGroup{OrganisationID: org, OrganisationName: names[org]}
		}
		g := groups[org]
		for i, x := range g.Items {
			if x.Recommendation.ID == item.Recommendation.ID { // owed twice: keep the older date
				if item.Since.Before(x.Since) {
					g.Items[i] = item
				}
				return
			}
		}
		g.Items = append(g.Items, item)
	}
	for _, r := range recs {
		for _, a := range r.Addressees {
			names[a.OrganisationID] = a.OrganisationName
		}
		rv := reviews[r.ReviewID]
		item := func(since casereview.Date, escalated bool) casereview.OverdueItem {
			return casereview.OverdueItem{Recommendation: r, ReviewRef: rv.Reference, ReviewType: rv.Type, Since: since,
				DaysOverdue: max(days(since, sc.asOf), 0), Escalated: escalated}
		}
		respOverdue := slices.Contains(r.Flags, casereview.FlagResponseOverdue)
		actOverdue := slices.Contains(r.Flags, casereview.FlagActionOverdue)
		escalated := r.OversightStatus == "open_unacceptable"
		for _, a := range r.Addressees {
			if a.Role == casereview.RoleForInformation {
				continue
			}
			if respOverdue && r.ResponseDue != nil && (a.ResponseStatus == "" || a.ResponseStatus == casereview.ResponseAwaiting) {
				add(a.OrganisationID, item(*r.ResponseDue, escalated))
			}
			if escalated && a.Role == casereview.RoleLead {
				since := r.IssuedOn
				if r.LastActivityOn != nil {
					since = *r.LastActivityOn
				}
				add(a.OrganisationID, item(since, true))
			}
		}
		if actOverdue {
			for org, d := range late[r.ID] {
				add(org, item(d, escalated))
			}
		}
	}
	out := make([]casereview.OverdueGroup, 0, len(groups))
	for _, g := range groups {
		slices.SortFunc(g.Items, func(a, b casereview.OverdueItem) int {
			if c := a.Since.Time().Compare(b.Since.Time()); c != 0 {
				return c
			}
			return strings.Compare(a.Recommendation.ID, b.Recommendation.ID)
		})
		if g.OrganisationName == "" {
			n, err := s.st.Names(ctx, "organisation", []string{g.OrganisationID})
			if err != nil {
				return nil, err
			}
			g.OrganisationName = n[g.OrganisationID]
		}
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b casereview.OverdueGroup) int {
		if c := a.Items[0].Since.Time().Compare(b.Items[0].Since.Time()); c != 0 {
			return c
		}
		return strings.Compare(a.OrganisationName+a.OrganisationID, b.OrganisationName+b.OrganisationID)
	})
	return out, nil
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
