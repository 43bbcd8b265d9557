package casereview

import (
	"fmt"
	"slices"
	"strings"
)

// The subject filter of the summaries (issue 15 §2: the dashboard, explore and the thematic
// summary offer the equality dimensions to oversight). `subject_sex=female` keeps the
// recommendations the cross-tab by subject_sex counts under "female": those whose review has a
// person at the centre (victim, child, adult at risk; never a perpetrator) with that value.
// `not_recorded` keeps those whose review has such a person with it not recorded, or records
// nobody at the centre, as the cross-tab counts them. Several values of one characteristic are
// OR-ed; different characteristics are AND-ed, each over the review's people independently
// (the cross-tab by two subject dimensions counts the same way). The parameter's name is the
// dimension's (CharacteristicDef.Dimension), so one name serves the table and the filter.

// SubjectCondition keeps the recommendations about a person at the centre of their review whose
// Characteristic is one of Values.
type SubjectCondition struct {
	Characteristic Characteristic
	Values         []string
}

// FilterName is the query parameter of the subject filter by c: its dimension, subject_<key>.
func (c CharacteristicDef) FilterName() string { return string(c.Dimension()) }

// SubjectFilterNames are the query parameters of the subject filter, in form order.
func SubjectFilterNames() []string {
	out := make([]string, len(Characteristics))
	for i, c := range Characteristics {
		out[i] = c.FilterName()
	}
	return out
}

// SubjectConditionsFrom reads the subject filter from a request's parameters (get returns the
// values of one name): one condition per characteristic named, blank values left out, in form
// order. Validate checks the values.
func SubjectConditionsFrom(get func(name string) []string) []SubjectCondition {
	var out []SubjectCondition
	for _, c := range Characteristics {
		var vs []string
		for _, v := range get(c.FilterName()) {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(vs, v) {
				vs = append(vs, v)
			}
		}
		if len(vs) > 0 {
			out = append(out, SubjectCondition{Characteristic: c.Key, Values: vs})
		}
	}
	return out
}

// BySubject reports whether f narrows by a subject's characteristic: special category data, so
// only those EqualityScope lets through may use it.
func (f SummaryFilter) BySubject() bool { return len(f.Subjects) > 0 }

// checkSubjects validates and lower-cases the subject filter, reporting at subject_<key>[i].
func (f *SummaryFilter) checkSubjects(p *Problems) {
	for i := range f.Subjects {
		s := &f.Subjects[i]
		c, ok := CharacteristicByKey(string(s.Characteristic))
		if !ok {
			p.Add(subjectDimPrefix+string(s.Characteristic), FieldUnknownValue, "%q is not a characteristic", s.Characteristic)
			continue
		}
		for j, v := range s.Values {
			v = strings.ToLower(strings.TrimSpace(v))
			s.Values[j] = v
			if !c.Has(v) {
				keys := make([]string, len(c.Groups))
				for k, g := range c.Groups {
					keys[k] = g.Key
				}
				p.Add(fmt.Sprintf("%s[%d]", c.FilterName(), j), FieldUnknownValue, "%q is not one of: %s", v, strings.Join(keys, ", "))
			}
		}
	}
}
