package casereview

import (
	"slices"
	"strings"
)

// Characteristic is one protected characteristic (or circumstance) recorded of a subject, or
// derived from one: ethnic_group and minoritised are groupings of ethnicity.
type Characteristic string

// Group is one value of a characteristic.
type Group struct {
	Key, Label string
}

// CharacteristicDef describes a characteristic: its values in the order people read them, the
// last always NotRecorded.
type CharacteristicDef struct {
	Key    Characteristic
	Label  string // for people: "Ethnicity (ONS 2021)"
	Groups []Group
	// Derived characteristics are worked out from From by DeriveFrom, never recorded by hand.
	Derived bool
	From    Characteristic
	derive  map[string]string
}

// Has reports whether v is one of c's values.
func (c CharacteristicDef) Has(v string) bool {
	return slices.ContainsFunc(c.Groups, func(g Group) bool { return g.Key == v })
}

// GroupLabel names value v of c.
func (c CharacteristicDef) GroupLabel(v string) string {
	for _, g := range c.Groups {
		if g.Key == v {
			return g.Label
		}
	}
	return v
}

// DeriveFrom is the derived value for value v of c.From (NotRecorded stays NotRecorded).
func (c CharacteristicDef) DeriveFrom(v string) string {
	if d, ok := c.derive[v]; ok {
		return d
	}
	return NotRecorded
}

// Derivation returns the derived value of every value of c.From: the store builds its SQL from
// it, so the grouping is stated once, here.
func (c CharacteristicDef) Derivation() map[string]string {
	out := map[string]string{}
	for k, v := range c.derive {
		out[k] = v
	}
	return out
}

// Dimension is the cross-tab dimension of c.
func (c CharacteristicDef) Dimension() Dimension { return Dimension(subjectDimPrefix + string(c.Key)) }

var notRecorded = Group{NotRecorded, "Not recorded"}

func groups(kv ...string) []Group {
	out := make([]Group, 0, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Group{kv[i], kv[i+1]})
	}
	return append(out, notRecorded)
}

// onsEthnicities are the 19 ethnic groups of the 2021 Census of England and Wales (ONS), each
// keyed by its high-level group.
var onsEthnicities = groups(
	"asian_bangladeshi", "Asian: Bangladeshi", "asian_chinese", "Asian: Chinese", "asian_indian", "Asian: Indian",
	"asian_pakistani", "Asian: Pakistani", "asian_other", "Asian: any other Asian background",
	"black_african", "Black: African", "black_caribbean", "Black: Caribbean", "black_other", "Black: any other Black, Black British or Caribbean background",
	"mixed_white_asian", "Mixed: White and Asian", "mixed_white_black_african", "Mixed: White and Black African",
	"mixed_white_black_caribbean", "Mixed: White and Black Caribbean", "mixed_other", "Mixed: any other Mixed or multiple ethnic background",
	"white_british", "White: English, Welsh, Scottish, Northern Irish or British", "white_irish", "White: Irish",
	"white_gypsy_traveller", "White: Gypsy or Irish Traveller", "white_roma", "White: Roma", "white_other", "White: any other White background",
	"other_arab", "Other ethnic group: Arab", "other_any", "Other ethnic group: any other ethnic group")

// Characteristics lists every characteristic in the order forms and pages show them.
var Characteristics = []CharacteristicDef{
	{Key: "age_band", Label: "Age band at the time", Groups: groups("under_18", "Under 18", "18_24", "18 to 24", "25_34", "25 to 34",
		"35_44", "35 to 44", "45_54", "45 to 54", "55_64", "55 to 64", "65_74", "65 to 74", "75_plus", "75 and over")},
	{Key: "sex", Label: "Sex", Groups: groups("female", "Female", "male", "Male")},
	{Key: "gender_identity", Label: "Gender identity", Groups: groups("same_as_sex", "Same as sex registered at birth",
		"different", "Different from sex registered at birth")},
	{Key: "ethnicity", Label: "Ethnicity (ONS 2021)", Groups: onsEthnicities},
	{Key: "ethnic_group", Label: "Ethnic group (ONS 2021 high-level)", Derived: true, From: "ethnicity",
		Groups: groups("asian", "Asian, Asian British or Asian Welsh", "black", "Black, Black British, Black Welsh, Caribbean or African",
			"mixed", "Mixed or multiple ethnic groups", "white", "White", "other", "Other ethnic group")},
	{Key: "minoritised", Label: "Black and minoritised", Derived: true, From: "ethnicity",
		Groups: groups("black_minoritised", "Black and minoritised", "white_british", "White British")},
	{Key: "disability", Label: "Disability", Groups: groups("yes", "Disabled", "no", "Not disabled")},
	{Key: "sexual_orientation", Label: "Sexual orientation", Groups: groups("heterosexual", "Straight or heterosexual",
		"gay_lesbian", "Gay or lesbian", "bisexual", "Bisexual", "other", "Another sexual orientation")},
	{Key: "religion", Label: "Religion", Groups: groups("no_religion", "No religion", "christian", "Christian", "buddhist", "Buddhist",
		"hindu", "Hindu", "jewish", "Jewish", "muslim", "Muslim", "sikh", "Sikh", "other", "Any other religion")},
	{Key: "immigration_status", Label: "Immigration status", Groups: groups("british_or_irish", "British or Irish citizen",
		"settled", "Settled or pre-settled status", "visa", "On a visa (for example a spouse or partner visa)",
		"asylum", "Asylum seeker or refugee", "insecure", "Insecure or undocumented status")},
	{Key: "relationship", Label: "Relationship of the victim to the perpetrator", Groups: groups("current_partner", "Current partner",
		"former_partner", "Former partner", "child_of_victim", "Son or daughter of the victim", "parent_of_victim", "Parent of the victim",
		"other_family", "Other family member", "carer", "Carer", "acquaintance", "Friend or acquaintance", "stranger", "Stranger",
		"not_applicable", "Not applicable")},
	{Key: "children_in_household", Label: "Children in the household", Groups: groups("yes", "Yes", "no", "No")},
}

func init() {
	for i := range Characteristics {
		c := &Characteristics[i]
		switch c.Key {
		case "ethnic_group":
			c.derive = map[string]string{}
			for _, g := range onsEthnicities {
				if g.Key != NotRecorded {
					c.derive[g.Key], _, _ = strings.Cut(g.Key, "_")
				}
			}
		case "minoritised":
			c.derive = map[string]string{}
			for _, g := range onsEthnicities {
				if g.Key != NotRecorded {
					c.derive[g.Key] = MinoritisedOf(g.Key)
				}
			}
		}
	}
}

// MinoritisedOf groups an ONS 2021 ethnicity as this project reports "Black and minoritised":
// every group but White British, so White minorities (Irish, Gypsy or Irish Traveller, Roma,
// any other White background) are minoritised too (docs/equality.md says why).
func MinoritisedOf(ethnicity string) string {
	switch ethnicity {
	case NotRecorded, "":
		return NotRecorded
	case "white_british":
		return "white_british"
	}
	return "black_minoritised"
}

// CharacteristicByKey finds a characteristic.
func CharacteristicByKey(k string) (CharacteristicDef, bool) {
	for _, c := range Characteristics {
		if string(c.Key) == k {
			return c, true
		}
	}
	return CharacteristicDef{}, false
}

// RecordedCharacteristics are those recorded by hand (not derived), in form order.
func RecordedCharacteristics() []CharacteristicDef {
	var out []CharacteristicDef
	for _, c := range Characteristics {
		if !c.Derived {
			out = append(out, c)
		}
	}
	return out
}

// subjectDimPrefix starts the name of every cross-tab dimension by a subject's characteristic.
const subjectDimPrefix = "subject_"

// SubjectDimensions are the cross-tab dimensions by protected characteristic, one for each.
func SubjectDimensions() []Dimension {
	out := make([]Dimension, len(Characteristics))
	for i, c := range Characteristics {
		out[i] = c.Dimension()
	}
	return out
}

// Characteristic is the characteristic a subject dimension counts by (false for the others).
func (d Dimension) Characteristic() (CharacteristicDef, bool) {
	k, ok := strings.CutPrefix(string(d), subjectDimPrefix)
	if !ok {
		return CharacteristicDef{}, false
	}
	return CharacteristicByKey(k)
}

// BySubject reports whether d counts by a subject's characteristic (special category data).
func (d Dimension) BySubject() bool {
	_, ok := d.Characteristic()
	return ok
}
