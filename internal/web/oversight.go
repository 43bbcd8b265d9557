package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// What the oversight officer's screens share: the recommendation they are about (shown at the top
// of each), error wording for people, and the GOV.UK date input. The screens themselves are in
// evidence_review.go, assess.go, links.go and suggestions.go.

// recHeading is a recommendation with its review: enough to say which recommendation a page is
// about ("EM-DHR-2021-02, recommendation 3") and to link back to it.
type recHeading struct {
	Rec    casereview.Recommendation
	Review casereview.Review
}

// Href is the recommendation's page.
func (r recHeading) Href() string { return "/recommendations/" + r.Rec.ID }

// Name is how people refer to the recommendation: its review's reference and its number.
func (r recHeading) Name() string { return recName(r.Review.Reference, r.Rec.Number) }

func recName(reference, number string) string {
	if reference == "" {
		return "Recommendation " + number
	}
	return reference + ", recommendation " + number
}

// loadRec reads a recommendation and its review as the caller may see them.
func (h *Handler) loadRecHeading(c *gin.Context, id string) (recHeading, error) {
	ctx := c.Request.Context()
	rec, err := h.svc.GetRecommendation(ctx, id)
	if err != nil {
		return recHeading{}, err
	}
	rv, err := h.svc.GetReview(ctx, rec.ReviewID)
	if err != nil {
		return recHeading{}, err
	}
	return recHeading{Rec: rec, Review: rv}, nil
}

// recLine is another recommendation as a line of a list: a link target, a search hit, the
// other end of a link.
type recLine struct {
	ID     string
	Name   string
	Title  string
	Text   string
	Status casereview.OversightStatus
}

// Href is the recommendation's page.
func (r recLine) Href() string { return "/recommendations/" + r.ID }

// Excerpt is the start of the recommendation's text, for a hint under its name.
func (r recLine) Excerpt() string { return shorten(r.Text, 220) }

func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := strings.LastIndexByte(string(r), ' '); i > n/2 {
		return string(r)[:i] + "…"
	}
	return string(r) + "…"
}

// recLines describes recommendations with their reviews' references, keeping the order of recs.
// Reviews are read once each; one the caller may no longer see leaves the reference out.
func (h *Handler) recLines(c *gin.Context, recs []casereview.Recommendation) []recLine {
	refs := map[string]string{}
	out := make([]recLine, 0, len(recs))
	for _, r := range recs {
		ref, ok := refs[r.ReviewID]
		if !ok {
			if rv, err := h.svc.GetReview(c.Request.Context(), r.ReviewID); err == nil {
				ref = rv.Reference
			}
			refs[r.ReviewID] = ref
		}
		out = append(out, recLine{ID: r.ID, Name: recName(ref, r.Number), Title: r.Title, Text: r.Text, Status: r.OversightStatus})
	}
	return out
}

// recLinesByID describes the recommendations with ids, in that order, leaving out any the caller
// may not read.
func (h *Handler) recLinesByID(c *gin.Context, ids []string) ([]recLine, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	got, err := h.svc.RecommendationsByID(c.Request.Context(), ids)
	if err != nil {
		return nil, err
	}
	var recs []casereview.Recommendation
	for _, id := range ids {
		if r, ok := got[id]; ok {
			recs = append(recs, r)
		}
	}
	return h.recLines(c, recs), nil
}

// plainProblems rewrites the domain's field problems, which are written for API clients and name codes,
// in the words of a GOV.UK error message. Keys are "field" or "field:code"; a problem with no key
// keeps the domain's message. It returns nil when err is not a validation error.
func plainProblems(err error, words map[string]string) []FieldProblem {
	var de *casereview.Error
	if !errors.As(err, &de) || problemsOf(err) == nil {
		return nil
	}
	if len(de.Fields) == 0 {
		return problemsOf(err)
	}
	out := make([]FieldProblem, 0, len(de.Fields))
	for _, f := range de.Fields {
		msg, ok := words[f.Field+":"+f.Code]
		if !ok {
			msg, ok = words[f.Field]
		}
		if !ok {
			msg = sentence(f.Message)
		}
		out = append(out, FieldProblem{Field: f.Field, Message: msg})
	}
	return out
}

// postedVersion reads the hidden version field; 0 when it is missing or not a number, which the
// service then refuses as stale rather than writing over whatever is there now.
func postedVersion(c *gin.Context, field string) int {
	v, err := strconv.Atoi(strings.TrimSpace(c.PostForm(field)))
	if err != nil || v < 0 {
		return 0
	}
	return v
}

// postedDate reads a GOV.UK date input (field-day, field-month, field-year). All three empty is no
// date; anything else must be a real date, or it is a problem worded with name ("Follow-up date").
func postedDate(form url.Values, field, name string) (*casereview.Date, *FieldProblem) {
	get := func(part string) string { return strings.TrimSpace(form.Get(field + "-" + part)) }
	day, month, year := get("day"), get("month"), get("year")
	if day == "" && month == "" && year == "" {
		return nil, nil
	}
	var missing []string
	for _, p := range []struct{ v, n string }{{day, "day"}, {month, "month"}, {year, "year"}} {
		if p.v == "" {
			missing = append(missing, p.n)
		}
	}
	if len(missing) > 0 {
		return nil, &FieldProblem{Field: field, Message: fmt.Sprintf("%s must include a %s", name, strings.Join(missing, " and "))}
	}
	d, errD := strconv.Atoi(day)
	m, errM := strconv.Atoi(month)
	if errM != nil {
		m = monthNamed(month)
	}
	y, errY := strconv.Atoi(year)
	if errD != nil || m == 0 || errY != nil || y < 1000 || y > 9999 {
		return nil, &FieldProblem{Field: field, Message: name + " must be a real date"}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return nil, &FieldProblem{Field: field, Message: name + " must be a real date"}
	}
	out := casereview.DateOf(t)
	return &out, nil
}

// monthNamed accepts "March" or "mar" as well as 3, as the Design System asks.
func monthNamed(s string) int {
	s = strings.ToLower(s)
	if len(s) < 3 {
		return 0
	}
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), s) {
			return int(m)
		}
	}
	return 0
}
