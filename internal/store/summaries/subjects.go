package summaries

import (
	"slices"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The cross-tab dimensions by a subject's protected characteristic (issue 15 §2). A
// recommendation counts under the characteristic of each person at the centre of its review
// (victims, children, adults at risk; never perpetrators), once per distinct value, and under
// "Not recorded" when its review records none. Only those casereview.EqualityScope lets through
// count by them; a panel member's filters are narrowed to their own partnerships.

// subjectDimension is the SQL for a subject dimension and its join (aliases suffixed with n).
func (sc *summaryScope) subjectDimension(c casereview.CharacteristicDef, n string) (string, []string) {
	a := "sj" + n
	join := "LEFT JOIN review_subjects " + a + " ON " + a + ".review_id = recommendations.review_id AND " + a + ".role <> '" +
		string(casereview.SubjectPerpetrator) + "'"
	return subjectValueSQL(c, a), []string{join}
}

// subjectValueSQL is the value of c for the subject row aliased a (NULL, no subject, is not
// recorded). A derived characteristic is a CASE over its source built from the domain's
// derivation; the keys are the domain's own, never caller text.
func subjectValueSQL(c casereview.CharacteristicDef, a string) string {
	if !c.Derived {
		return "COALESCE(" + a + "." + string(c.Key) + ", '" + casereview.NotRecorded + "')"
	}
	d := c.Derivation()
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("CASE " + a + "." + string(c.From))
	for _, k := range keys {
		b.WriteString(" WHEN '" + k + "' THEN '" + d[k] + "'")
	}
	b.WriteString(" ELSE '" + casereview.NotRecorded + "' END")
	return b.String()
}

// subjectLabels names the values of the subject dimensions.
func (sc *summaryScope) subjectLabels() {
	for _, c := range casereview.Characteristics {
		m := map[string]string{}
		for _, g := range c.Groups {
			m[g.Key] = g.Label
		}
		sc.labels[c.Dimension()] = m
	}
}

// subjectCondition is the SQL for one condition of the subject filter on the current row of
// recommendations, with its subject rows aliased a: a person at the centre of the review with
// one of the values, or, when the values include not recorded, nobody at the centre at all. It
// keeps exactly what the cross-tab by the characteristic counts under those values. The
// characteristic and values were checked against the domain's lists (SummaryFilter.Validate),
// so they are the domain's own keys, never caller text.
func subjectCondition(s casereview.SubjectCondition, a string) string {
	c, ok := casereview.CharacteristicByKey(string(s.Characteristic))
	var vs []string
	for _, v := range s.Values {
		if ok && c.Has(v) { // checked already: this keeps anything else out of the SQL regardless
			vs = append(vs, v)
		}
	}
	if len(vs) == 0 {
		return "1 = 0"
	}
	centre := "SELECT 1 FROM review_subjects " + a + " WHERE " + a + ".review_id = recommendations.review_id AND " + a + ".role <> '" +
		string(casereview.SubjectPerpetrator) + "'"
	cond := "EXISTS (" + centre + " AND " + subjectValueSQL(c, a) + " IN (" + quoted(vs) + "))"
	if slices.Contains(vs, casereview.NotRecorded) {
		cond = "(" + cond + " OR NOT EXISTS (" + centre + "))"
	}
	return cond
}
