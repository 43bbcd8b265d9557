package web

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// searchPage is the view model of the search page.
type searchPage struct {
	Q, Sort, Flag string
	SortChosen    string // the order chosen on purpose ("" for the default), kept by a new search
	Sorts         []searchOption
	Keep          []searchPair // the search without its order, for the sort form
	Flags         []searchOption
	Facets        []facetGroup
	Selected      []selectedGroup
	ClearHref     string
	Hits          []searchHit
	Total         int
	Shared        bool // the total and counts are published under disclosure control (search.Found.Shared)
	Threshold     int  // with Shared: the smallest count shown
	From, To      int
	Searched      bool // the search ran (no syntax error, not unavailable)
	Browse        bool // no words and no filters: everything the caller may read
	FromDatabase  bool // the index is being built: a plain listing from the database
	Unavailable   string
	Syntax        *syntaxMark
	// Paging.
	Page                          int
	NextHref, PrevHref, FirstHref string
	PagingEnds                    bool // more results than the address can page through
	CursorProblem                 bool
	// DownloadQuery is the search's address for /search.csv and /search.xlsx ("" on the
	// public pages, which offer no download).
	DownloadQuery string
	// SummaryQuery is the same search for the summaries API's document (/api/v1/summaries/
	// document.html, .csv, .xlsx), which takes the search's filters but no order.
	SummaryQuery string
	// CanSave offers "Save this search" (a signed-in person), with SaveQuery the search to keep.
	CanSave   bool
	SaveQuery string
}

type searchPair struct{ Name, Value string }

type searchOption struct {
	Value, Label string
	Selected     bool
}

// searchHit is one result.
type searchHit struct {
	Row       recRow
	TypeLabel string
	TitleHTML template.HTML   // the title with the matched words marked, when the title matched
	Snippets  []template.HTML // the text's matching passages, matched words marked
	Opening   string          // the start of the text, when no passage matched
	MatchedOn template.HTML   // the addressee a hit was found by, when nothing in its text matched
	Themes    []string
}

func (h *Handler) search(c *gin.Context) {
	p, status, ok := h.runSearch(c, h.page(c, "Search recommendations", nil))
	if !ok {
		return
	}
	p.Nav = "search"
	if d, ok := p.Data.(*searchPage); ok && d.Searched {
		v := readSearchForm(c.Request.URL.Query()).values()
		d.DownloadQuery = "?" + v.Encode()
		if _, signed := identityOf(c); signed {
			d.CanSave, d.SaveQuery = true, v.Encode()
		}
		v.Del("sort")
		d.SummaryQuery = "?" + v.Encode()
	}
	h.render(c, status, "search", p)
}

// runSearch runs the search the address asks for, as the actor in the context, and fills p with
// the results. ok is false when it has already answered (with the error page).
func (h *Handler) runSearch(c *gin.Context, p *Page) (_ *Page, status int, ok bool) {
	ctx := c.Request.Context()
	form := readSearchForm(c.Request.URL.Query())
	d := &searchPage{Q: form.Q, Sort: form.effectiveSort(), SortChosen: form.Sort, Flag: form.Flag, ClearHref: searchHref(url.Values{"q": {form.Q}}),
		Browse: strings.TrimSpace(form.Q) == "" && !form.hasFilters()}
	if form.Q == "" {
		d.ClearHref = "/search"
	}
	p.Data = d
	keep := form.values()
	keep.Del("sort")
	for _, name := range append([]string{"q", "flag"}, search.AllFacets...) {
		for _, v := range keep[name] {
			d.Keep = append(d.Keep, searchPair{name, v})
		}
	}
	status = http.StatusOK

	var found search.Found
	var err error
	if h.o.Search == nil {
		err = &casereview.Error{Code: casereview.CodeUnavailable, Message: "search is not running"}
	} else {
		found, err = h.o.Search.Find(ctx, form.params())
	}
	var de *casereview.Error
	switch {
	case err == nil:
		d.Searched = true
	case errors.As(err, &de) && de.Code == casereview.CodeUnavailable:
		// The index is being built and cannot answer this search faithfully: say so on the
		// page itself, which still offers everything else.
		d.Unavailable = sentence(de.Message)
		status = http.StatusServiceUnavailable
		if de.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds())))
		}
	default:
		problems := problemsOf(err)
		if problems == nil {
			h.fail(c, err)
			return p, 0, false
		}
		status = http.StatusUnprocessableEntity
		for _, pr := range problems {
			switch pr.Field {
			case "q":
				d.Syntax = markSyntax(form.Q)
			case "cursor":
				d.CursorProblem = true
			}
		}
		p.Errors = searchProblems(problems, d.Syntax)
	}

	names, err := h.searchValueLabels(ctx, form, found.Facets)
	if err != nil {
		h.fail(c, err)
		return p, 0, false
	}
	d.Facets = facetGroups(form, found.Facets, found.Threshold, names)
	d.Selected = selectedGroups(form, names)
	d.Flags = []searchOption{{Value: "", Label: "Any", Selected: form.Flag == ""}}
	for _, fl := range casereview.Flags {
		d.Flags = append(d.Flags, searchOption{Value: string(fl), Label: label(fl), Selected: form.Flag == string(fl)})
	}
	for _, s := range []searchOption{{search.SortRelevance, "Relevance", false}, {search.SortNewest, "Newest first", false}, {search.SortOldest, "Oldest first", false}} {
		s.Selected = d.Sort == s.Value
		d.Sorts = append(d.Sorts, s)
	}

	if d.Searched {
		if err := h.searchResults(ctx, d, form, found); err != nil {
			h.fail(c, err)
			return p, 0, false
		}
	}
	switch {
	case p.Errors != nil:
		p.Title = "Search recommendations"
	case d.Searched && form.Q != "":
		p.Title = "Search: " + form.Q + " (" + plural(d.Total, "result", "results") + ")"
	}
	return p, status, true
}

// searchResults fills the results and the paging of d from found.
func (h *Handler) searchResults(ctx context.Context, d *searchPage, form searchForm, found search.Found) error {
	d.Total, d.Shared, d.Threshold = int(found.Total), found.Shared, found.Threshold
	d.FromDatabase = found.Source == search.SourceDatabase
	recs := make([]casereview.Recommendation, len(found.Items))
	for i, m := range found.Items {
		recs[i] = m.Recommendation
	}
	reviews, err := h.reviewsOf(ctx, recs)
	if err != nil {
		return err
	}
	rows := rowsOf(recs, reviews)
	for i, m := range found.Items {
		hit := searchHit{Row: rows[i], TypeLabel: label(rows[i].ReviewType)}
		if rows[i].ReviewType == "" {
			hit.TypeLabel = ""
		}
		if t := m.Highlights["title"]; len(t) > 0 && strings.TrimSpace(m.Recommendation.Title) != "" {
			hit.TitleHTML = markHighlight(t[0])
		}
		for _, s := range m.Highlights["text"] {
			hit.Snippets = append(hit.Snippets, markHighlight(s))
		}
		if len(hit.Snippets) == 0 {
			hit.Opening = firstWords(m.Recommendation.Text, 40)
		}
		if o := m.Highlights["organisation"]; len(o) > 0 {
			hit.MatchedOn = markHighlight(o[0])
		}
		for _, t := range m.Recommendation.Themes {
			if t.Primary {
				hit.Themes = append([]string{t.Label}, hit.Themes...)
			} else {
				hit.Themes = append(hit.Themes, t.Label)
			}
		}
		d.Hits = append(d.Hits, hit)
	}

	// Paging: this page's number follows from the cursors the address remembers.
	d.Page = 1
	if form.Cursor != "" {
		d.Page = len(form.Prev) + 2
	}
	if len(d.Hits) > 0 {
		d.From = (d.Page-1)*searchPageSize + 1
		d.To = d.From + len(found.Items) - 1
	}
	first := form.values()
	d.FirstHref = searchHref(first)
	if form.Cursor != "" {
		prev := form.values()
		if n := len(form.Prev); n > 0 {
			prev.Set("cursor", form.Prev[n-1])
			prev["prev"] = append([]string(nil), form.Prev[:n-1]...)
		}
		d.PrevHref = searchHref(prev)
	}
	if found.NextCursor != "" {
		if len(form.Prev) >= maxPrevPages {
			d.PagingEnds = true
		} else {
			next := form.values()
			next.Set("cursor", found.NextCursor)
			if form.Cursor != "" {
				next["prev"] = append(append([]string(nil), form.Prev...), form.Cursor)
			}
			d.NextHref = searchHref(next)
		}
	}
	return nil
}
