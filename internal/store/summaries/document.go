package summaries

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// parallel runs the parts of a summary at once, over the pool of read connections, and returns
// the first error. Each part writes only its own fields.
func parallel(parts ...func() error) error {
	var g errgroup.Group
	for _, p := range parts {
		g.Go(p)
	}
	return g.Wait()
}

// SummaryDocument gathers everything a thematic summary shows.
func (s *Service) SummaryDocument(ctx context.Context, f casereview.SummaryFilter) (casereview.ThematicSummary, error) {
	var doc casereview.ThematicSummary
	sc, err := s.open(ctx, f, true) // the labels before the parts: they share them
	if err != nil {
		return doc, err
	}
	err = parallel(
		func() error { return sc.plain(func(c *summaryScope) error { return c.headline(&doc, true) }) },
		func() (err error) { doc.Organisations, err = sc.organisations(false); return err },
		func() error {
			return sc.plain(func(c *summaryScope) error {
				var err error
				doc.Trends, err = c.trends()
				return err
			})
		},
		func() error {
			return sc.plain(func(c *summaryScope) error {
				var err error
				doc.Pairs, _, err = c.pairCounts()
				return err
			})
		},
		func() error { return sc.plain(func(c *summaryScope) error { return c.documentItems(&doc) }) },
	)
	if err != nil {
		return doc, err
	}
	// Both counted from the parts above rather than by statements of their own: the headline
	// counts the recommendations the pairs' lift needs, and every organisation addressed by the
	// filtered set has exactly one row of figures.
	casereview.SortPairs(doc.Pairs, doc.Headline.Recommendations)
	doc.Headline.Organisations = len(doc.Organisations)
	return doc, nil
}

// headline counts the headline figures and, when full, the reviews, the restricted ones and the
// three status layers (every status listed in lifecycle order, zeros included). The filtered set
// is counted by (response, implementation and oversight status, overdue, restricted) in one
// statement, a few hundred groups at 100k, and the figures are added up here from the groups:
// one condition and one grouping a row, where a column of its own for each figure evaluated some
// fifteen conditions a row (the dashboard's headline at 100k: 84 -> 56 ms alone in psql). The
// distinct reviews, which groups cannot add up, take a statement of their own when full.
func (sc *summaryScope) headline(doc *casereview.ThematicSummary, full bool) error {
	groups, err := sc.headlineGroups(nil)
	if err != nil {
		return err
	}
	h := &doc.Headline
	layer := func(values []string) ([]casereview.Count, map[string]int) {
		out, at := make([]casereview.Count, len(values)), make(map[string]int, len(values))
		for i, v := range values {
			out[i].Value = casereview.Value{Key: v, Label: casereview.StatusLabel(v)}
			at[v] = i
		}
		return out, at
	}
	var respAt, implAt, overAt map[string]int
	if full {
		doc.Response, respAt = layer(strs(casereview.ResponseStatuses))
		doc.Implementation, implAt = layer(strs(casereview.ImplementationStatuses))
		doc.Oversight, overAt = layer(strs(casereview.OversightStatuses))
	}
	for _, g := range groups {
		g.addTo(h)
		if full {
			for _, l := range []struct {
				counts []casereview.Count
				at     map[string]int
				v      string
			}{{doc.Response, respAt, g.Response}, {doc.Implementation, implAt, g.Implementation}, {doc.Oversight, overAt, g.Oversight}} {
				if i, ok := l.at[l.v]; ok {
					l.counts[i].N += g.N
					l.counts[i].KeySum += g.Keys
				}
			}
		}
	}
	if full {
		var reviews sql.NullInt64
		if err := sc.recs().Select("COUNT(DISTINCT recommendations.review_id)").Row().Scan(&reviews); err != nil {
			return err
		}
		h.Reviews = int(reviews.Int64)
	}
	doc.RestrictedCount = h.Restricted
	return nil
}

// headlineGroup is one group of the filtered set by (response, implementation and oversight
// status, overdue, restricted), and by cohort when headlineGroups was given years.
type headlineGroup struct {
	Response, Implementation, Oversight string
	Overdue, Restricted                 int
	Cohort                              int // the index of the year issued in the years asked for; -1 for none
	N                                   int
	Keys                                int64
}

// headlineGroups counts the filtered set by status groups (see headline); with years, also by
// the index in years of the year each was issued (-1 when none).
func (sc *summaryScope) headlineGroups(years []int) ([]headlineGroup, error) {
	cohort, args := "-1", []any{sc.overdueCond()}
	if len(years) > 0 {
		cohort = "CASE"
		for i, y := range years {
			cohort += fmt.Sprintf(" WHEN recommendations.issued_on >= ? AND recommendations.issued_on < ? THEN %d", i)
			args = append(args, store.NullDate{D: yearStart(y), Valid: true}, store.NullDate{D: yearStart(y + 1), Valid: true})
		}
		cohort += " ELSE -1 END"
	}
	var groups []headlineGroup
	err := sc.recs().Select("recommendations.response_status AS response, recommendations.implementation_status AS implementation, "+
		"recommendations.oversight_status AS oversight, CASE WHEN ? THEN 1 ELSE 0 END AS overdue, "+
		"CASE WHEN "+onRestricted+" THEN 1 ELSE 0 END AS restricted, "+cohort+" AS cohort, COUNT(*) AS n, SUM("+recordKey+") AS keys",
		args...).Group("1, 2, 3, 4, 5, 6").Scan(&groups).Error
	return groups, err
}

// addTo adds the group to the headline figures it counts in.
func (g headlineGroup) addTo(h *casereview.Headline) {
	add := func(on bool, n *int, ks *int64) {
		if on {
			*n += g.N
			*ks += g.Keys
		}
	}
	add(true, &h.Recommendations, &h.Keys[0])
	add(g.Response != "awaiting_response", &h.Responded, &h.Keys[1])
	add(casereview.ResponseStatus(g.Response).Accepted(), &h.Accepted, &h.Keys[2])
	add(casereview.ImplementationStatus(g.Implementation).InProgress(), &h.InProgress, &h.Keys[3])
	add(casereview.OversightStatus(g.Oversight).IsVerifiedClosure(), &h.VerifiedClosed, &h.Keys[4])
	add(g.Overdue == 1, &h.Overdue, &h.Keys[5])
	if g.Restricted == 1 {
		h.Restricted += g.N
	}
}

// documentItems lists the recommendations, newest first, up to MaxDocumentItems.
func (sc *summaryScope) documentItems(doc *casereview.ThematicSummary) error {
	ids, err := sc.pluckIDs("recommendations.issued_on DESC, recommendations.id", casereview.MaxDocumentItems, "")
	if err != nil {
		return err
	}
	if len(ids) > casereview.MaxDocumentItems {
		ids, doc.Truncated = ids[:casereview.MaxDocumentItems], true
	}
	recs, reviews, err := sc.loadRecs(ids)
	if err != nil {
		return err
	}
	for _, r := range recs {
		rv := reviews[r.ReviewID]
		doc.Items = append(doc.Items, casereview.SummaryListItem{Recommendation: r, ReviewRef: rv.Reference, ReviewType: rv.Type, ReviewTitle: rv.Title})
	}
	return nil
}
