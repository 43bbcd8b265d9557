package web

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The public transparency view: anonymous, read-only pages over the reviews whose visibility is
// public, as the Preventable Deaths Tracker and NTSB CAROL give the public. They go through the
// same services as the signed-in pages, always as casereview.Anonymous (even for a person who is
// signed in), so the store's read scope, not these handlers, keeps restricted and shared reviews
// out. The pages show only what a published report already says and what became of it: the
// recommendation's text, its review's reference, type and title, the organisations addressed and
// the three status layers with the date each last changed. Never a person: no editor, author,
// note, evidence or response text. Figures are published under disclosure control.

const keyPublic = "web.public"

// publicPrefix is where the public pages live; publicPath reports whether p is one of them.
const publicPrefix = "/public"

func publicPath(p string) bool { return p == publicPrefix || strings.HasPrefix(p, publicPrefix+"/") }

func (h *Handler) publicRoutes(r *gin.Engine) {
	r.GET(publicPrefix, h.publicScope(), func(c *gin.Context) { c.Redirect(303, publicPrefix+"/search") })
	g := r.Group(publicPrefix, h.publicScope())
	g.GET("/search", h.publicSearch)
	g.GET("/recommendations/:id", h.publicRecommendation)
	g.GET("/figures", h.publicFigures)
}

// publicScope limits each client's rate and makes the request anonymous whoever sent it.
func (h *Handler) publicScope() gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(keyPublic, true)
		c.Request = c.Request.WithContext(casereview.WithActor(c.Request.Context(), casereview.Anonymous))
		if ok, retry := h.limit.take(c.ClientIP()); !ok {
			h.fail(c, &casereview.Error{Code: casereview.CodeRateLimited, RetryAfter: retry,
				Message: "You have asked for a lot of pages in a short time. Wait a minute, then try again."})
			c.Abort()
			return
		}
		c.Next()
	}
}

func isPublic(c *gin.Context) bool { return c.GetBool(keyPublic) }

// publicSearch is the signed-in search, run as an anonymous caller.
func (h *Handler) publicSearch(c *gin.Context) {
	p, status, ok := h.runSearch(c, h.page(c, "Search published recommendations", nil))
	if !ok {
		return
	}
	if p.Errors == nil && p.Title == "Search recommendations" {
		p.Title = "Search published recommendations"
	}
	p.Nav = "public-search"
	rebasePublic(p.Data.(*searchPage))
	h.render(c, status, "public-search", p)
}

// rebasePublic points the links of a search page at the public pages.
func rebasePublic(d *searchPage) {
	re := func(s string) string {
		switch {
		case s == "/search" || strings.HasPrefix(s, "/search?"):
			return publicPrefix + s
		case strings.HasPrefix(s, "/recommendations/"):
			return publicPrefix + s
		}
		return s
	}
	d.ClearHref, d.FirstHref, d.PrevHref, d.NextHref = re(d.ClearHref), re(d.FirstHref), re(d.PrevHref), re(d.NextHref)
	for i := range d.Selected {
		for j := range d.Selected[i].Tags {
			d.Selected[i].Tags[j].Href = re(d.Selected[i].Tags[j].Href)
		}
	}
	for i := range d.Hits {
		d.Hits[i].Row.Href = re(d.Hits[i].Row.Href)
	}
}

// publicRecView is the public recommendation page: nothing but what it lists.
type publicRecView struct {
	Heading     string
	Number      string
	Title       string
	Text        string
	IssuedOn    casereview.Date
	ReviewRef   string
	ReviewType  string
	ReviewTitle string
	Published   *casereview.Date
	Addressees  []publicAddressee
	Layers      []publicLayer
}

type publicAddressee struct {
	Name string
	Role casereview.AddresseeRole
}

// publicLayer is one status layer and the day it last changed (nil: not since it was issued).
type publicLayer struct {
	Name    string
	Status  string
	Changed *casereview.Date
}

func (h *Handler) publicRecommendation(c *gin.Context) {
	v, err := h.loadPublicRecommendation(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	p := h.page(c, v.Heading, v)
	p.Nav = "public-search"
	h.render(c, 200, "public-recommendation", p)
}

func (h *Handler) loadPublicRecommendation(ctx context.Context, id string) (*publicRecView, error) {
	rec, err := h.svc.GetRecommendation(ctx, id)
	if err != nil {
		return nil, err
	}
	rv, err := h.svc.GetReview(ctx, rec.ReviewID)
	if err != nil {
		return nil, err
	}
	if rv.Visibility != casereview.VisibilityPublic {
		// The anonymous read scope already ensures this; a page that would show anything else
		// is not found, whatever a future change to the scope does.
		return nil, casereview.NotFound("recommendation")
	}
	entries, err := h.svc.Timeline(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	v := &publicRecView{Heading: recommendationHeading(rec), Number: rec.Number, Title: strings.TrimSpace(rec.Title),
		Text: rec.Text, IssuedOn: rec.IssuedOn, ReviewRef: rv.Reference, ReviewType: rv.Type, ReviewTitle: rv.Title,
		Published: rv.PublishedOn}
	for _, a := range rec.Addressees {
		v.Addressees = append(v.Addressees, publicAddressee{Name: a.OrganisationName, Role: a.Role})
	}
	response, implementation, oversight := lastChanged(entries)
	if rec.ClosedOn != nil && (oversight == nil || oversight.Before(*rec.ClosedOn)) {
		oversight = rec.ClosedOn
	}
	v.Layers = []publicLayer{
		{"Response", string(rec.ResponseStatus), response},
		{"Implementation", string(rec.ImplementationStatus), implementation},
		{"Oversight", string(rec.OversightStatus), oversight},
	}
	return v, nil
}

// lastChanged finds, in a recommendation's timeline, the last day each status layer moved: a
// response received, an action's status changed, an oversight assessment. Only the day is
// kept: who did it and what they wrote are not public.
func lastChanged(entries []casereview.ProgressUpdate) (response, implementation, oversight *casereview.Date) {
	for _, e := range entries {
		d := casereview.DateOf(e.CreatedAt)
		switch {
		case e.Kind == casereview.ProgressResponse:
			response = later(response, d)
		case e.Kind == casereview.ProgressAction && e.NewStatus != "" && e.NewStatus != e.OldStatus:
			implementation = later(implementation, d)
		case e.Kind == casereview.ProgressAssessment:
			oversight = later(oversight, d)
		}
	}
	return response, implementation, oversight
}

func later(cur *casereview.Date, d casereview.Date) *casereview.Date {
	if cur == nil || cur.Before(d) {
		return &d
	}
	return cur
}
