package web

// The search page's filters: every facet as checkboxes with its count, the chosen values as
// tags that remove themselves, and the names people see for each value.

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/search"
)

// facetGroup is one facet's checkboxes: the most common values, and the rest behind "more".
type facetGroup struct {
	Name, Label string
	Options     []facetOption
	More        []facetOption
	Chosen      int
}

// add puts the i-th option of the group (most common first) among those shown, if it is one of
// the first facetShown or chosen, or behind "more".
func (g *facetGroup) add(i int, o facetOption) {
	if i < facetShown || o.Checked {
		g.Options = append(g.Options, o)
	} else {
		g.More = append(g.More, o)
	}
}

type facetOption struct {
	ID, Value, Label string
	Count            int
	Display          string // the count as shown: the number, or "<5" under disclosure control
	Checked          bool
	Uncounted        bool // a value listed without a count (the explorer's panel)
}

// selectedGroup is a facet's chosen values, each a link that removes it.
type selectedGroup struct {
	Label string
	Tags  []selectedTag
}

type selectedTag struct{ Text, Href string }

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

func facetGroups(form searchForm, facets []search.Facet, threshold int, names map[string]map[string]string) []facetGroup {
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
				Display: v.Display(threshold), Checked: chosen(form, name, v.Value)})
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
			g.add(i, o)
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
