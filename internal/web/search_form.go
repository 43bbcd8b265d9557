package web

import (
	"net/url"
	"slices"
	"strings"

	"github.com/casereview/casereview/internal/search"
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
