package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// Links between recommendations (GET/POST /recommendations/:id/links/new, POST /links/:id/remove).
// The other recommendation is found with a search box on the same page (a GET form, so the page
// works without JavaScript): by review reference or title, optionally followed by the
// recommendation's number, or by its id. With nothing searched, the other recommendations of the
// same review are offered, where duplicates are most often found.
//
// A link reads "<from> <type> <to>". The form also offers "is superseded by", which is the same
// supersedes link made from the other end, because closing a recommendation as superseded needs
// the later one to supersede it.

// linkKind is one relationship the form offers.
type linkKind struct {
	Value string
	Label string
	Hint  string
}

// supersededBy is the form's name for a supersedes link made from the other recommendation.
const supersededBy = "superseded_by"

var linkKinds = []linkKind{
	{"duplicate_of", "It is a duplicate of the other one", "The same recommendation recorded twice. You can then close this one as a duplicate."},
	{"repeats", "It repeats the other one", "A later review made the same recommendation again: the lesson recurs."},
	{"similar_to", "They are similar", "They ask for much the same thing, in different reviews or for different agencies."},
	{"supersedes", "It supersedes the other one", "This recommendation replaces the other, older one."},
	{supersededBy, "It is superseded by the other one", "The other, later recommendation replaces this one. You can then close this one as superseded."},
	{"implements", "It implements the other one", "Acting on this recommendation puts the other into effect."},
	{"contradicts", "They contradict each other", "Acting on one would work against the other."},
}

// linkEntry is one existing link, seen from the recommendation on the page.
type linkEntry struct {
	ID        string
	Phrase    string
	Other     recLine
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// linkFormView is the page's view model.
type linkFormView struct {
	recHeading
	Links      []linkEntry
	Kinds      []linkKind
	Query      string
	Candidates []recLine
	// Heading says where the candidates come from; More says the list was cut short.
	Heading string
	More    bool
	Return  string // where to go after linking (the assessment form, when it sent the person here)
}

// Here is this page's address with the search and the return kept, for the remove buttons.
func (v linkFormView) Here() string {
	q := url.Values{}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if v.Return != "" {
		q.Set("return", v.Return)
	}
	if len(q) == 0 {
		return v.Href() + "/links/new"
	}
	return v.Href() + "/links/new?" + q.Encode()
}

// Cancel is where "Cancel" goes.
func (v linkFormView) Cancel() string {
	if v.Return != "" {
		return v.Return
	}
	return v.Href()
}

// maxLinkCandidates bounds the list of recommendations offered to link to.
const maxLinkCandidates = 50

var linkWords = map[string]string{
	"type":                "Select how the recommendations are related",
	"target_id:required":  "Select the recommendation to link to",
	"target_id:not_found": "Select a recommendation from the list",
	"note:too_long":       "The note must be 2,000 characters or fewer",
}

func (h *Handler) loadLinkForm(c *gin.Context, id, query, ret string) (linkFormView, error) {
	rh, err := h.loadRecHeading(c, id)
	if err != nil {
		return linkFormView{}, err
	}
	v := linkFormView{recHeading: rh, Kinds: linkKinds, Query: strings.TrimSpace(query)}
	if ret != "" {
		v.Return = safeNext(ret)
	}
	var others []string
	for _, l := range rh.Rec.Links {
		other := l.ToID
		if other == rh.Rec.ID {
			other = l.FromID
		}
		others = append(others, other)
	}
	lines, err := h.recLinesByID(c, others)
	if err != nil {
		return linkFormView{}, err
	}
	byID := map[string]recLine{}
	for _, l := range lines {
		byID[l.ID] = l
	}
	for i, l := range rh.Rec.Links {
		e := linkEntry{ID: l.ID, Phrase: linkPhrase(l.Type, l.FromID == rh.Rec.ID), Note: l.Note, CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt}
		other, ok := byID[others[i]]
		if !ok {
			continue // the other end is in a review the caller may not see
		}
		e.Other = other
		v.Links = append(v.Links, e)
	}
	return v, h.findCandidates(c, &v)
}

// findCandidates fills the list of recommendations to link to.
func (h *Handler) findCandidates(c *gin.Context, v *linkFormView) error {
	ctx := c.Request.Context()
	var recs []casereview.Recommendation
	bySearch := false // search hits keep their order of relevance
	add := func(rs []casereview.Recommendation, number string) {
		if !bySearch {
			slices.SortStableFunc(rs, func(a, b casereview.Recommendation) int { return compareNumbers(a.Number, b.Number) })
		}
		for _, r := range rs {
			if r.ID == v.Rec.ID || (number != "" && !strings.EqualFold(r.Number, number)) {
				continue
			}
			if len(recs) == maxLinkCandidates {
				v.More = true
				return
			}
			recs = append(recs, r)
		}
	}
	fromReviews := func(text, number string) (bool, error) {
		rvs, err := h.svc.ListReviews(ctx, casereview.ReviewFilter{Text: text}, casereview.PageRequest{Limit: 10})
		if err != nil {
			return false, err
		}
		for _, rv := range rvs.Items {
			page, err := h.svc.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: rv.ID}, casereview.PageRequest{Limit: casereview.MaxPageSize})
			if err != nil {
				return false, err
			}
			add(page.Items, number)
		}
		v.More = v.More || rvs.NextCursor != ""
		return len(rvs.Items) > 0, nil
	}
	switch id, isID := casereview.NormaliseID(v.Query); {
	case v.Query == "":
		page, err := h.svc.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: v.Rec.ReviewID}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			return err
		}
		add(page.Items, "")
		v.Heading = "Other recommendations in " + v.Review.Reference
	case isID:
		got, err := h.svc.RecommendationsByID(ctx, []string{id})
		if err != nil {
			return err
		}
		if r, ok := got[id]; ok {
			add([]casereview.Recommendation{r}, "")
		}
		v.Heading = "Recommendations matching ‘" + v.Query + "’"
	default:
		v.Heading = "Recommendations matching ‘" + v.Query + "’"
		found, err := fromReviews(v.Query, "")
		if err != nil {
			return err
		}
		// "EM-DHR-2021-02 3": a review, then the recommendation's number.
		if i := strings.LastIndexByte(v.Query, ' '); !found && i > 0 {
			if _, err := fromReviews(strings.TrimSpace(v.Query[:i]), strings.TrimSpace(v.Query[i+1:])); err != nil {
				return err
			}
		}
		// Otherwise the words of the recommendation itself, through the same search as /search.
		if len(recs) == 0 && h.o.Search != nil {
			rs, err := h.searchCandidates(ctx, v.Query)
			if err != nil {
				return err
			}
			bySearch = true
			add(rs, "")
		}
	}
	v.Candidates = h.recLines(c, recs)
	return nil
}

func (h *Handler) showLinkForm(c *gin.Context, status int, v linkFormView, errs []FieldProblem) {
	p := h.page(c, "Link to another recommendation", v)
	p.Nav = "work"
	p.Errors = errs
	if c.Request.Method == http.MethodPost {
		p.Form = c.Request.PostForm
	} else if t := c.Query("type"); t != "" {
		p.Form = url.Values{"type": {t}}
	}
	h.render(c, status, "link-form", p)
}

func (h *Handler) linkForm(c *gin.Context) {
	v, err := h.loadLinkForm(c, c.Param("id"), c.Query("q"), c.Query("return"))
	if err != nil {
		h.fail(c, err)
		return
	}
	h.showLinkForm(c, http.StatusOK, v, nil)
}

func (h *Handler) addLink(c *gin.Context) {
	v, err := h.loadLinkForm(c, c.Param("id"), c.PostForm("q"), c.PostForm("return"))
	if err != nil {
		h.fail(c, err)
		return
	}
	ctx := c.Request.Context()
	kind, target, note := c.PostForm("type"), strings.TrimSpace(c.PostForm("target_id")), c.PostForm("note")
	if kind == supersededBy {
		// The later recommendation supersedes this one: the link is made from its end.
		if target == "" {
			err = casereview.Invalid("target_id", casereview.FieldRequired, "target_id is required")
		} else if _, err = h.svc.AddLink(ctx, target, casereview.LinkDraft{Type: "supersedes", TargetID: v.Rec.ID, Note: note}); casereview.IsCode(err, casereview.CodeNotFound) {
			err = casereview.Invalid("target_id", casereview.FieldNotFound, "no recommendation has id %s", target)
		}
	} else {
		_, err = h.svc.AddLink(ctx, v.Rec.ID, casereview.LinkDraft{Type: casereview.LinkType(kind), TargetID: target, Note: note})
	}
	if casereview.IsCode(err, casereview.CodeConflict) { // the only conflict: the same link again
		h.showLinkForm(c, http.StatusUnprocessableEntity, v, []FieldProblem{{Field: "type", Message: "These recommendations are already linked that way"}})
		return
	}
	if err != nil {
		probs := plainProblems(err, linkWords)
		if probs == nil {
			h.fail(c, err)
			return
		}
		h.showLinkForm(c, http.StatusUnprocessableEntity, v, probs)
		return
	}
	h.done(c, "Link added", v.Cancel())
}

func (h *Handler) removeLink(c *gin.Context) {
	if err := h.svc.RemoveLink(c.Request.Context(), c.Param("id")); err != nil {
		h.fail(c, err)
		return
	}
	h.done(c, "Link removed", safeNext(c.PostForm("return")))
}

// searchCandidates finds recommendations by their words with the search service. A query the
// search cannot read, or a search that is not running, finds nothing here: the form still offers
// the review reference and the id.
func (h *Handler) searchCandidates(ctx context.Context, q string) ([]casereview.Recommendation, error) {
	limit, none := maxLinkCandidates+1, "none"
	found, err := h.o.Search.Find(ctx, search.Params{Q: q, Limit: &limit, Facets: &none})
	if err != nil {
		switch casereview.ErrorCode(err) {
		case casereview.CodeInvalid, casereview.CodeMalformed, casereview.CodeUnavailable:
			return nil, nil
		}
		return nil, err
	}
	out := make([]casereview.Recommendation, 0, len(found.Items))
	for _, m := range found.Items {
		out = append(out, m.Recommendation)
	}
	return out, nil
}
