package web

import (
	"context"
	"errors"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// The search page: GET /search runs the same search as GET /api/v1/search (the shared
// search.Finder), with the whole search in the address, so it can be bookmarked and shared.
// Paging uses the Finder's cursors: the address holds the cursor of this page and, in prev, the
// cursors of the pages before it, so "Previous" is a plain link too.

// maxPrevPages bounds the pages the address remembers (and so its length): beyond it the page
// asks for a narrower search rather than grow the address without end.
const maxPrevPages = 25

// searchPageSize is how many results a page shows.
const searchPageSize = 20

// searchForm is a search as the address states it.
type searchForm struct {
	Q       string
	Filters map[string][]string // facet name (search.Facet…) -> selected values
	Flag    string
	Sort    string // as asked; "" for the default
	Cursor  string
	Prev    []string
}

func readSearchForm(v url.Values) searchForm {
	f := searchForm{Q: v.Get("q"), Filters: map[string][]string{}, Flag: v.Get("flag"), Sort: v.Get("sort"),
		Cursor: v.Get("cursor"), Prev: v["prev"]}
	for _, name := range search.AllFacets {
		for _, x := range v[name] {
			if x = strings.TrimSpace(x); x != "" && !slices.Contains(f.Filters[name], x) {
				f.Filters[name] = append(f.Filters[name], x)
			}
		}
	}
	if len(f.Prev) > maxPrevPages {
		f.Prev = f.Prev[len(f.Prev)-maxPrevPages:]
	}
	return f
}

// hasFilters reports whether any filter (a facet value or a flag) is chosen.
func (f searchForm) hasFilters() bool {
	for _, vs := range f.Filters {
		if len(vs) > 0 {
			return true
		}
	}
	return f.Flag != ""
}

// effectiveSort is the order the results come in: relevance for words, otherwise the newest first
// (when nothing is searched for, every recommendation is equally relevant).
func (f searchForm) effectiveSort() string {
	if f.Sort != "" {
		return f.Sort
	}
	if strings.TrimSpace(f.Q) == "" {
		return search.SortNewest
	}
	return search.SortRelevance
}

// params is the search for the Finder.
func (f searchForm) params() search.Params {
	sort, size := f.effectiveSort(), searchPageSize
	fs := f.Filters
	return search.Params{Q: f.Q, Theme: fs[search.FacetTheme], ThemeGroup: fs[search.FacetThemeGroup], Type: fs[search.FacetReviewType],
		Organisation: fs[search.FacetOrganisation], Sector: fs[search.FacetSector], Scope: fs[search.FacetScope],
		Intervention: fs[search.FacetIntervention], Response: fs[search.FacetResponse], Implementation: fs[search.FacetImplementation],
		Oversight: fs[search.FacetOversight], Year: fs[search.FacetYear], Partnership: fs[search.FacetPartnership],
		Flag: f.Flag, Sort: &sort, Limit: &size, Cursor: f.Cursor}
}

// values is the address of the first page of this search (no cursor).
func (f searchForm) values() url.Values {
	v := url.Values{}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	for name, vs := range f.Filters {
		if len(vs) > 0 {
			v[name] = append([]string(nil), vs...)
		}
	}
	if f.Flag != "" {
		v.Set("flag", f.Flag)
	}
	if f.Sort != "" {
		v.Set("sort", f.Sort)
	}
	return v
}

func searchHref(v url.Values) string {
	if len(v) == 0 {
		return "/search"
	}
	return "/search?" + v.Encode()
}

// without is the address of the first page of this search without one filter value.
func (f searchForm) without(name, value string) string {
	v := f.values()
	if name == "flag" {
		v.Del("flag")
	} else {
		v[name] = slices.DeleteFunc(append([]string(nil), v[name]...), func(x string) bool { return x == value })
		if len(v[name]) == 0 {
			v.Del(name)
		}
	}
	return searchHref(v)
}

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
}

type searchPair struct{ Name, Value string }

type searchOption struct {
	Value, Label string
	Selected     bool
}

// facetGroup is one facet's checkboxes: the most common values, and the rest behind "more".
type facetGroup struct {
	Name, Label string
	Options     []facetOption
	More        []facetOption
	Chosen      int
}

type facetOption struct {
	ID, Value, Label string
	Count            int
	Checked          bool
}

// selectedGroup is a facet's chosen values, each a link that removes it.
type selectedGroup struct {
	Label string
	Tags  []selectedTag
}

type selectedTag struct{ Text, Href string }

// searchHit is one result.
type searchHit struct {
	Row       recRow
	TypeLabel string
	TitleHTML template.HTML   // the title with the matched words marked, when the title matched
	Snippets  []template.HTML // the text's matching passages, matched words marked
	Opening   string          // the start of the text, when no passage matched
	Themes    []string
}

// syntaxMark shows where in the query the parser stopped.
type syntaxMark struct {
	Before, At, After string
	Column            int // 1-based character position, for people
}

// facetLabels names the facets for people.
var facetLabels = map[string]string{
	search.FacetTheme: "Theme", search.FacetThemeGroup: "Theme group", search.FacetReviewType: "Review type",
	search.FacetOrganisation: "Organisation", search.FacetSector: "Sector", search.FacetScope: "Scope",
	search.FacetIntervention: "Intervention type", search.FacetResponse: "Response", search.FacetImplementation: "Implementation",
	search.FacetOversight: "Oversight", search.FacetYear: "Year issued", search.FacetPartnership: "Partnership",
}

// themeGroupLabels names the taxonomy's three groups.
var themeGroupLabels = map[string]string{
	"A": "Forms of violence against women and girls and domestic abuse",
	"B": "Risk and vulnerability context",
	"C": "Practice and system themes",
}

// facetShown is how many values of a facet show before "more".
const facetShown = 8

func (h *Handler) search(c *gin.Context) {
	ctx := c.Request.Context()
	form := readSearchForm(c.Request.URL.Query())
	p := h.page(c, "Search recommendations", nil)
	p.Nav = "search"
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
	status := http.StatusOK

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
			return
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
		return
	}
	d.Facets = facetGroups(form, found.Facets, names)
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
			return
		}
	}
	switch {
	case p.Errors != nil:
		p.Title = "Search recommendations"
	case d.Searched && form.Q != "":
		p.Title = "Search: " + form.Q + " (" + plural(d.Total, "result", "results") + ")"
	}
	h.render(c, status, "search", p)
}

// searchResults fills the results and the paging of d from found.
func (h *Handler) searchResults(ctx context.Context, d *searchPage, form searchForm, found search.Found) error {
	d.Total = int(found.Total)
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

// searchProblems words the Finder's problems for the page. A query the parser could not read
// says where, counted in characters from 1 as people count (the Finder gives a 0-based offset).
func searchProblems(ps []FieldProblem, mark *syntaxMark) []FieldProblem {
	out := make([]FieldProblem, 0, len(ps))
	for _, p := range ps {
		if p.Field == "q" {
			msg := p.Message
			where := ""
			if i := strings.LastIndex(msg, " at position "); i >= 0 && mark != nil {
				msg, where = msg[:i], " at character "+strconv.Itoa(mark.Column)
			}
			p.Message = "Your search could not be read" + where + ": " + lowerFirst(msg)
		}
		out = append(out, p)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// markSyntax finds where the parser stopped in q, to show it.
func markSyntax(q string) *syntaxMark {
	_, err := query.Parse(q)
	var se *query.SyntaxError
	if !errors.As(err, &se) || se.Pos < 0 || se.Pos > len(q) {
		return nil
	}
	m := &syntaxMark{Before: q[:se.Pos], Column: len([]rune(q[:se.Pos])) + 1}
	rest := q[se.Pos:]
	if rest == "" {
		m.At = " " // the end of the query: mark the place after it
		return m
	}
	r := []rune(rest)
	m.At, m.After = string(r[0]), string(r[1:])
	return m
}

// searchValueLabels names every facet value on the page: from the facets the search returned,
// and for chosen values it did not return (no longer matching anything), from the records.
func (h *Handler) searchValueLabels(ctx context.Context, form searchForm, facets []search.Facet) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	for _, f := range facets {
		out[f.Name] = map[string]string{}
		for _, v := range f.Values {
			out[f.Name][v.Value] = v.Label
		}
	}
	missing := func(name string) []string {
		var ids []string
		for _, v := range form.Filters[name] {
			if _, ok := out[name][strings.ToLower(v)]; !ok {
				ids = append(ids, v)
			}
		}
		return ids
	}
	for name, kind := range map[string]string{search.FacetOrganisation: "organisation", search.FacetPartnership: "partnership"} {
		if ids := missing(name); len(ids) > 0 {
			got, err := h.svc.Names(ctx, kind, ids)
			if err != nil {
				return nil, err
			}
			if out[name] == nil {
				out[name] = map[string]string{}
			}
			for id, n := range got {
				out[name][strings.ToLower(id)] = n
			}
		}
	}
	if len(form.Filters[search.FacetTheme]) > 0 {
		themes, _, err := h.svc.ListThemes(ctx, "")
		if err != nil {
			return nil, err
		}
		if out[search.FacetTheme] == nil {
			out[search.FacetTheme] = map[string]string{}
		}
		for _, t := range themes {
			if _, ok := out[search.FacetTheme][t.Code]; !ok {
				out[search.FacetTheme][t.Code] = t.Label
			}
		}
	}
	return out, nil
}

// valueLabel names one value of a facet for people.
func valueLabel(facet, value string, names map[string]map[string]string) string {
	key := value
	switch facet {
	case search.FacetTheme, search.FacetReviewType, search.FacetThemeGroup:
		key = strings.ToUpper(value)
	case search.FacetYear:
	default:
		key = strings.ToLower(value)
	}
	if facet == search.FacetThemeGroup {
		if l, ok := themeGroupLabels[key]; ok {
			return l
		}
	}
	if l := names[facet][key]; l != "" && l != key {
		return l
	}
	if facet == search.FacetYear {
		return value
	}
	return label(key)
}

// chosen reports whether value is among the chosen values of facet, as the Finder compares them.
func chosen(form searchForm, facet, value string) bool {
	for _, v := range form.Filters[facet] {
		if strings.EqualFold(v, value) {
			return true
		}
	}
	return false
}

func facetGroups(form searchForm, facets []search.Facet, names map[string]map[string]string) []facetGroup {
	byName := map[string]search.Facet{}
	for _, f := range facets {
		byName[f.Name] = f
	}
	var out []facetGroup
	for _, name := range search.AllFacets {
		g := facetGroup{Name: name, Label: facetLabels[name]}
		var opts []facetOption
		for _, v := range byName[name].Values {
			opts = append(opts, facetOption{Value: v.Value, Label: valueLabel(name, v.Value, names), Count: v.Count,
				Checked: chosen(form, name, v.Value)})
		}
		// Chosen values that match nothing now stay on the page, ticked, so they can be unticked.
		for _, v := range form.Filters[name] {
			if !slices.ContainsFunc(opts, func(o facetOption) bool { return strings.EqualFold(o.Value, v) }) {
				opts = append(opts, facetOption{Value: v, Label: valueLabel(name, v, names), Checked: true})
			}
		}
		if name == search.FacetYear {
			slices.SortStableFunc(opts, func(a, b facetOption) int { return strings.Compare(b.Value, a.Value) })
		}
		for i := range opts {
			opts[i].ID = fieldID(name) + "-" + strconv.Itoa(i+1)
			if opts[i].Checked {
				g.Chosen++
			}
		}
		if len(opts) == 0 {
			continue
		}
		// The chosen values and the most common show; the rest are behind "more".
		for i, o := range opts {
			if i < facetShown || o.Checked {
				g.Options = append(g.Options, o)
			} else {
				g.More = append(g.More, o)
			}
		}
		out = append(out, g)
	}
	return out
}

func selectedGroups(form searchForm, names map[string]map[string]string) []selectedGroup {
	var out []selectedGroup
	for _, name := range search.AllFacets {
		if len(form.Filters[name]) == 0 {
			continue
		}
		g := selectedGroup{Label: facetLabels[name]}
		for _, v := range form.Filters[name] {
			g.Tags = append(g.Tags, selectedTag{Text: valueLabel(name, v, names), Href: form.without(name, v)})
		}
		out = append(out, g)
	}
	if form.Flag != "" {
		out = append(out, selectedGroup{Label: "Flag", Tags: []selectedTag{{Text: label(form.Flag), Href: form.without("flag", form.Flag)}}})
	}
	return out
}

// markHighlight makes a highlighted passage from the index safe to show. The index escapes the
// text and puts <mark>…</mark> around the matched words; this does not rely on that: it decodes
// the passage and escapes all of it again, so nothing but the mark tags it re-creates (balanced,
// without attributes) can reach the page as markup.
func markHighlight(fragment string) template.HTML {
	const open, close = "<mark>", "</mark>"
	var b strings.Builder
	inMark := false
	for fragment != "" {
		i := strings.Index(fragment, open)
		j := strings.Index(fragment, close)
		next, tag := -1, ""
		switch {
		case i >= 0 && (j < 0 || i < j):
			next, tag = i, open
		case j >= 0:
			next, tag = j, close
		}
		text := fragment
		if next >= 0 {
			text = fragment[:next]
		}
		b.WriteString(template.HTMLEscapeString(html.UnescapeString(text)))
		if next < 0 {
			break
		}
		fragment = fragment[next+len(tag):]
		switch {
		case tag == open && !inMark:
			b.WriteString(`<mark class="app-hit">`)
			inMark = true
		case tag == close && inMark:
			b.WriteString("</mark>")
			inMark = false
		}
	}
	if inMark {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) // #nosec G203 -- every character outside the re-created marks is escaped above
}
