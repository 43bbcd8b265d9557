package web

import (
	"context"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// recRow is one recommendation as a line of a list (the work list, search results): what a
// person needs to recognise it and decide whether to open it.
type recRow struct {
	Rec        casereview.Recommendation // for the status-tags partial
	Href       string
	ReviewRef  string // the review's reference, e.g. "EVP-DHR-2021-03"
	ReviewType string // a review type code
	Title      string // the short title, or the first words of the text
	Addressees []string
	Flags      []casereview.Flag
}

// rowTitleWords is how many words of the text stand in for a missing short title.
const rowTitleWords = 14

// rowTitle is the recommendation's short title, or the first words of its text.
func rowTitle(r casereview.Recommendation) string {
	if t := strings.TrimSpace(r.Title); t != "" {
		return t
	}
	return firstWords(r.Text, rowTitleWords)
}

// firstWords cuts text after n words, marking the cut with an ellipsis.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.TrimRight(strings.Join(words[:n], " "), ",;:.") + "…"
}

// addresseeNames lists who a recommendation is addressed to, leads first, without those told
// only for information.
func addresseeNames(r casereview.Recommendation) []string {
	var lead, rest []string
	for _, a := range r.Addressees {
		name := a.OrganisationName
		if name == "" {
			name = a.RawText
		}
		switch a.Role {
		case casereview.RoleForInformation:
			continue
		case casereview.RoleLead:
			lead = append(lead, name)
		default:
			rest = append(rest, name)
		}
	}
	return append(lead, rest...)
}

// reviewsOf loads the reviews of recs in one query, as the caller. A review the caller cannot
// read is left out (the row then shows no reference).
func (h *Handler) reviewsOf(ctx context.Context, recs ...[]casereview.Recommendation) (map[string]casereview.Review, error) {
	var ids []string
	seen := map[string]bool{}
	for _, list := range recs {
		for _, r := range list {
			if r.ReviewID != "" && !seen[r.ReviewID] {
				seen[r.ReviewID] = true
				ids = append(ids, r.ReviewID)
			}
		}
	}
	return h.svc.ReviewsByID(ctx, ids)
}

// rowsOf turns recommendations into rows, naming their reviews from reviews.
func rowsOf(recs []casereview.Recommendation, reviews map[string]casereview.Review) []recRow {
	out := make([]recRow, 0, len(recs))
	for _, r := range recs {
		rv := reviews[r.ReviewID]
		out = append(out, recRow{Rec: r, Href: "/recommendations/" + r.ID, ReviewRef: rv.Reference, ReviewType: rv.Type,
			Title: rowTitle(r), Addressees: addresseeNames(r), Flags: r.Flags})
	}
	return out
}

// reviewOf is the review of rec as the caller may see it. An agency addressed by a
// recommendation of a restricted review reads the recommendation but not the review
// (casereview.CanReadRecommendation): it gets the review's id alone, and pages then name no
// review. Every act is still decided by the service.
func (h *Handler) reviewOf(ctx context.Context, rec casereview.Recommendation) (casereview.Review, error) {
	rv, err := h.svc.GetReview(ctx, rec.ReviewID)
	if casereview.IsCode(err, casereview.CodeNotFound) {
		return casereview.Review{ID: rec.ReviewID}, nil
	}
	return rv, err
}
