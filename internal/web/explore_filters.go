package web

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// The explorer's filter panel: search's (search_filters.go, the "filter-…" templates of
// results.html), so a search's address opens here with the same filters ticked. Every filter
// takes several values; the search words narrow the figures as the summaries API's q does
// (matchWords). Search's checkboxes list the values the index found, with their counts; here they
// list every value (no counts), and the long lists (partnerships, organisations) show the chosen
// ones ticked and a list to add another, so the page stays small with thousands of organisations.

// filterPanel is the panel's content.
type filterPanel struct {
	Q             string
	Facets        []facetGroup // checkboxes of every value
	Subjects      []facetGroup // the subject filter, for those who may use it (subject_filters.go)
	Partnerships  addGroup
	Organisations addGroup
	Flags         []searchOption
	Selected      []selectedGroup
	ClearHref     string
}

// addGroup is a long list: the chosen values ticked, and a list to add one more.
type addGroup struct {
	Name, Label, AddLabel string
	Chosen                []facetOption
	Options               []option      // a flat list, or
	Groups                []optionGroup // a list in groups
}

// explorePageParams are the explorer's own parameters, kept when a filter's tag removes it (the
// dashboard has none).
var explorePageParams = []string{"view", "rows", "cols", "sort", "min", "by"}

// exploreFacets are the panel's checkbox filters, in search's order (search.AllFacets) less the
// long lists and the year (the explorer takes a span of years).
var exploreFacets = []string{search.FacetTheme, search.FacetThemeGroup, search.FacetReviewType, search.FacetSector, search.FacetScope,
	search.FacetIntervention, search.FacetResponse, search.FacetImplementation, search.FacetOversight}

// filterPanel builds the panel of the page at path (its tags lead back there).
func (h *Handler) filterPanel(ctx context.Context, path string, form summaryForm, opts filterOptions, q url.Values) (filterPanel, error) {
	fp := filterPanel{Q: form.Q}
	interventions, err := h.svc.ListInterventionTypes(ctx)
	if err != nil {
		return fp, err
	}
	var ivs []option
	for _, t := range interventions {
		ivs = append(ivs, option{Value: t.Code, Text: t.Label})
	}
	byFacet := map[string][]option{search.FacetTheme: opts.Themes, search.FacetThemeGroup: opts.ThemeGroups, search.FacetReviewType: opts.Types,
		search.FacetSector: opts.Sectors, search.FacetScope: opts.Scopes, search.FacetIntervention: ivs, search.FacetResponse: opts.Responses,
		search.FacetImplementation: opts.Implementations, search.FacetOversight: opts.Oversights, search.FacetPartnership: opts.Partnerships}
	for _, g := range opts.Organisations {
		byFacet[search.FacetOrganisation] = append(byFacet[search.FacetOrganisation], g.Options...)
	}
	// names[facet][value] names every value, as the tags and the search page name them.
	names := map[string]map[string]string{}
	for facet, os := range byFacet {
		names[facet] = map[string]string{}
		for _, o := range os {
			names[facet][nameKey(facet, o.Value)] = o.Text
		}
	}
	chosen := func(name, value string) bool {
		return slices.ContainsFunc(form.Values[name], func(v string) bool { return strings.EqualFold(v, value) })
	}
	for _, name := range exploreFacets {
		g := facetGroup{Name: name, Label: facetLabels[name]}
		var all []facetOption
		for _, o := range byFacet[name] {
			all = append(all, facetOption{Value: o.Value, Label: o.Text, Checked: chosen(name, o.Value), Uncounted: true})
		}
		// A chosen value the lists do not hold (a theme's slug, a retired code) stays, ticked.
		for _, v := range form.Values[name] {
			if !slices.ContainsFunc(all, func(o facetOption) bool { return strings.EqualFold(o.Value, v) }) {
				all = append(all, facetOption{Value: v, Label: valueLabel(name, v, names), Checked: true, Uncounted: true})
			}
		}
		for i, o := range all {
			o.ID = fieldID(name) + "-" + strconv.Itoa(i+1)
			if o.Checked {
				g.Chosen++
			}
			g.add(i, o)
		}
		if len(g.Options) > 0 {
			fp.Facets = append(fp.Facets, g)
		}
	}
	addGroupOf := func(name, lbl, add string) addGroup {
		g := addGroup{Name: name, Label: lbl, AddLabel: add}
		for i, v := range form.Values[name] {
			g.Chosen = append(g.Chosen, facetOption{ID: fieldID(name) + "-chosen-" + strconv.Itoa(i+1), Value: v,
				Label: valueLabel(name, v, names), Checked: true, Uncounted: true})
		}
		return g
	}
	fp.Partnerships = addGroupOf(search.FacetPartnership, "Partnership", "Add a partnership")
	fp.Partnerships.Options = opts.Partnerships
	fp.Organisations = addGroupOf(search.FacetOrganisation, "Organisation addressed", "Add an organisation")
	fp.Organisations.Groups = opts.Organisations

	fp.Subjects = subjectFacets(ctx, form)

	fp.Flags = []searchOption{{Value: "", Label: "Any", Selected: form.Filter.Flag == ""}}
	for _, fl := range casereview.Flags {
		fp.Flags = append(fp.Flags, searchOption{Value: string(fl), Label: label(fl), Selected: string(form.Filter.Flag) == string(fl)})
	}

	// The chosen filters as tags, each a link to this view without it.
	keep := url.Values{}
	for _, k := range explorePageParams {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	without := func(name, value string) string {
		v := url.Values{}
		for k, xs := range form.Values {
			v[k] = slices.Clone(xs)
		}
		v[name] = slices.DeleteFunc(v[name], func(x string) bool { return x == value })
		if len(v[name]) == 0 {
			v.Del(name)
		}
		for k, xs := range keep {
			v[k] = xs
		}
		return path + "?" + v.Encode()
	}
	tagNames := []struct{ name, label string }{{"q", "Search words"}}
	for _, n := range search.AllFacets {
		tagNames = append(tagNames, struct{ name, label string }{n, facetLabels[n]})
	}
	tagNames = append(tagNames, struct{ name, label string }{"year_from", "Issued from"}, struct{ name, label string }{"year_to", "Issued to"},
		struct{ name, label string }{"flag", "Needs attention"})
	tagNames = append(tagNames, subjectTagNames()...)
	for _, t := range tagNames {
		if len(form.Values[t.name]) == 0 {
			continue
		}
		g := selectedGroup{Label: t.label}
		for _, v := range form.Values[t.name] {
			text := v
			switch t.name {
			case "q", "year_from", "year_to", "year":
			case "flag":
				text = label(v)
			default:
				if l, ok := subjectValueLabel(t.name, v); ok {
					text = l
					break
				}
				text = valueLabel(t.name, v, names)
			}
			g.Tags = append(g.Tags, selectedTag{Text: text, Href: without(t.name, v)})
		}
		fp.Selected = append(fp.Selected, g)
	}
	if len(fp.Selected) > 0 {
		fp.ClearHref = path
		if len(keep) > 0 {
			fp.ClearHref += "?" + keep.Encode()
		}
	}
	return fp, nil
}

// nameKey is the key valueLabel looks a facet's value up by.
func nameKey(facet, value string) string {
	switch facet {
	case search.FacetTheme, search.FacetReviewType, search.FacetThemeGroup:
		return strings.ToUpper(value)
	case search.FacetYear:
		return value
	}
	return strings.ToLower(value)
}
