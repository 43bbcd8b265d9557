package summaries

import (
	"context"
	"database/sql"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/casereview/casereview/internal/casereview"
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
// three status layers (every status listed in lifecycle order, zeros included), in one pass over
// the filtered set, one column each. The dashboard's headline is not full: the distinct reviews
// and some thirty status columns were most of its cost.
func (sc *summaryScope) headline(doc *casereview.ThematicSummary, full bool) error {
	h := &doc.Headline
	var exprs []string
	var dsts []*int
	var keyDsts []*int64 // beside dsts: where a column's key sum goes, or nil
	col := func(expr string, dst *int) {
		exprs = append(exprs, expr)
		dsts = append(dsts, dst)
		keyDsts = append(keyDsts, nil)
	}
	sum := func(cond string) string { return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)" }
	// counted adds the count of the rows meeting cond and, for the cell key method, the sum of
	// their record keys.
	counted := func(cond string, dst *int, keyDst *int64) {
		col(sum(cond), dst)
		exprs = append(exprs, "SUM(CASE WHEN "+cond+" THEN "+recordKey+" ELSE 0 END)")
		dsts, keyDsts = append(dsts, nil), append(keyDsts, keyDst)
	}
	counted("1 = 1", &h.Recommendations, &h.Keys[0])
	counted("recommendations.response_status <> 'awaiting_response'", &h.Responded, &h.Keys[1])
	counted("recommendations.response_status IN ("+quoted(acceptedStatuses())+")", &h.Accepted, &h.Keys[2])
	counted("recommendations.implementation_status IN ("+quoted(inProgressStatuses())+")", &h.InProgress, &h.Keys[3])
	counted("recommendations.oversight_status IN ("+quoted(casereview.VerifiedClosures())+")", &h.VerifiedClosed, &h.Keys[4])
	counted("?", &h.Overdue, &h.Keys[5]) // the overdue condition: the statement's parameters, in order
	col(sum("reviews.visibility = 'restricted'"), &h.Restricted)
	layer := func(dst *[]casereview.Count, column string, all []string) {
		*dst = make([]casereview.Count, len(all))
		for i, v := range all {
			(*dst)[i].Value = casereview.Value{Key: v, Label: casereview.StatusLabel(v)}
			counted(column+" = '"+v+"'", &(*dst)[i].N, &(*dst)[i].KeySum)
		}
	}
	if full {
		col("COUNT(DISTINCT recommendations.review_id)", &h.Reviews)
		layer(&doc.Response, "recommendations.response_status", strs(casereview.ResponseStatuses))
		layer(&doc.Implementation, "recommendations.implementation_status", strs(casereview.ImplementationStatuses))
		layer(&doc.Oversight, "recommendations.oversight_status", strs(casereview.OversightStatuses))
	}
	rows, err := sc.recs().Select(strings.Join(exprs, ", "), sc.overdueCond(), sc.overdueCond()).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	vals := make([]sql.NullInt64, len(dsts))
	ptrs := make([]any, len(dsts))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for i, v := range vals {
		// a sum over no rows is NULL: zero
		if dsts[i] != nil {
			*dsts[i] = int(v.Int64)
		}
		if keyDsts[i] != nil {
			*keyDsts[i] = v.Int64
		}
	}
	doc.RestrictedCount = h.Restricted
	return nil
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
