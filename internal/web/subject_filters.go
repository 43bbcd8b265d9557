package web

import (
	"context"
	"slices"
	"strconv"

	"github.com/casereview/casereview/internal/casereview"
)

// The subject filter on the reporting pages (issue 15 §2): the dashboard, the explorer, the
// recurring report and the thematic summary builder narrow their figures to the
// recommendations about people at the centre of reviews with chosen characteristics, under the
// API's names (subject_sex=female, casereview.SubjectConditionsFrom). The panel offers it only
// to those who may see figures by protected characteristic (casereview.CanUseEquality); the
// store refuses it to anyone else whatever the address says, and narrows a panel member's
// figures to their own partnerships.

// subjectFacets are the subject filter's checkbox groups, one per characteristic, for those who
// may use them (none for anyone else).
func subjectFacets(ctx context.Context, form summaryForm) []facetGroup {
	if !casereview.CanUseEquality(casereview.ActorFrom(ctx)) {
		return nil
	}
	var out []facetGroup
	for _, c := range casereview.Characteristics {
		name := c.FilterName()
		g := facetGroup{Name: name, Label: c.Label}
		groups := slices.Clone(c.Groups)
		// A chosen value the characteristic does not hold stays, ticked, beside its error.
		for _, v := range form.Values[name] {
			if !c.Has(v) {
				groups = append(groups, casereview.Group{Key: v, Label: v})
			}
		}
		for i, grp := range groups {
			o := facetOption{ID: fieldID(name) + "-" + strconv.Itoa(i+1), Value: grp.Key, Label: grp.Label, Uncounted: true,
				Checked: slices.Contains(form.Values[name], grp.Key)}
			if o.Checked {
				g.Chosen++
			}
			g.add(i, o)
		}
		out = append(out, g)
	}
	return out
}

// subjectTagNames are the subject filter's parameters and their names, for the chosen tags.
func subjectTagNames() []struct{ name, label string } {
	var out []struct{ name, label string }
	for _, c := range casereview.Characteristics {
		out = append(out, struct{ name, label string }{c.FilterName(), "People at the centre: " + c.Label})
	}
	return out
}

// subjectValueLabel names a value of the subject filter name (false when name is not one).
func subjectValueLabel(name, value string) (string, bool) {
	d, ok := casereview.Dimension(name).Characteristic()
	if !ok {
		return "", false
	}
	return d.GroupLabel(value), true
}

// SubjectsChosen reports whether the panel's subject filter has a value ticked (its details open).
func (p filterPanel) SubjectsChosen() bool {
	return slices.ContainsFunc(p.Subjects, func(g facetGroup) bool { return g.Chosen > 0 })
}
