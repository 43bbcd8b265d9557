package taxonomy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func mustDefault(t *testing.T) *Taxonomy {
	t.Helper()
	tx, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return tx
}

func TestDefaultIsValidAndCached(t *testing.T) {
	tx := mustDefault(t)
	if err := tx.Validate(); err != nil {
		t.Fatalf("embedded taxonomy does not validate:\n%v", err)
	}
	if tx.Version < 1 {
		t.Errorf("version = %d, want >= 1", tx.Version)
	}
	if again := mustDefault(t); again != tx {
		t.Error("Default parsed the embedded file twice; want one cached value")
	}
}

func TestDefaultCounts(t *testing.T) {
	tx := mustDefault(t)
	perGroup := map[string]int{}
	for _, th := range tx.Themes {
		perGroup[th.Group]++
	}
	tests := []struct {
		name      string
		got, want int
	}{
		{"group A themes", perGroup["A"], 18},
		{"group B themes", perGroup["B"], 13},
		{"group C themes", perGroup["C"], 24},
		{"all themes", len(tx.Themes), 55},
		{"groups", len(tx.Groups), 3},
		{"review types", len(tx.ReviewTypes), 9},
		{"intervention types", len(tx.InterventionTypes), 11},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, tt.got, tt.want)
		}
	}
}

// The codes are the ones in the research taxonomy (domain.md §7); other
// packages and imported spreadsheets refer to them, so none may go missing.
func TestDefaultThemeCodesAreExactlyTheResearchCodes(t *testing.T) {
	tx := mustDefault(t)
	var want []string
	for _, g := range []struct {
		prefix string
		n      int
	}{{"A", 18}, {"B", 13}, {"C", 24}} {
		for i := 1; i <= g.n; i++ {
			want = append(want, fmt.Sprintf("%s%02d", g.prefix, i))
		}
	}
	var got []string
	for _, th := range tx.Themes {
		got = append(got, th.Code)
	}
	if !slices.Equal(got, want) {
		t.Errorf("theme codes (in file order) = %v\nwant %v", got, want)
	}
}

// Keywords match words as written (taxonomy version 3 on), so a theme lists the forms and phrases
// that say it; a list longer than 40 is a sign that single words are standing in for evidence.
func TestDefaultKeywordListsAreUsable(t *testing.T) {
	for _, th := range mustDefault(t).Themes {
		if n := len(th.Keywords); n < 4 || n > 40 {
			t.Errorf("%s (%s): %d keywords, want 4-40", th.Code, th.Slug, n)
		}
	}
}

func TestDefaultResponseWindows(t *testing.T) {
	tx := mustDefault(t)
	want := map[string]int{
		"PFD": 56, "DHR": 90, "CSPR": 90, "SCR": 90, "CDR": 90,
		"SAR": 90, "SUSR": 90, "MHHR": 90, "OTHER": 90,
	}
	for code, days := range want {
		rt, ok := tx.ReviewTypeByCode(code)
		if !ok {
			t.Errorf("review type %s missing", code)
			continue
		}
		if rt.DefaultResponseDays != days {
			t.Errorf("%s window = %d, want %d", code, rt.DefaultResponseDays, days)
		}
	}
}

func TestLookups(t *testing.T) {
	tx := mustDefault(t)
	themeTests := []struct {
		by, key  string
		wantCode string // "" means not found
	}{
		{"code", "A09", "A09"},
		{"code", "a09", "A09"},
		{"code", "A99", ""},
		{"slug", "stalking", "A09"},
		{"slug", "coercive-control", "A02"},
		{"slug", "risk-assessment", "C01"},
		{"slug", "training-awareness", "C17"},
		{"slug", "immigration-nrpf", "B10"},
		{"slug", "Stalking", "A09"},
		{"slug", "no-such-theme", ""},
	}
	for _, tt := range themeTests {
		lookup := tx.ThemeByCode
		if tt.by == "slug" {
			lookup = tx.ThemeBySlug
		}
		th, ok := lookup(tt.key)
		if ok != (tt.wantCode != "") || th.Code != tt.wantCode {
			t.Errorf("theme by %s %q = %q, %v; want %q", tt.by, tt.key, th.Code, ok, tt.wantCode)
		}
	}

	if rt, ok := tx.ReviewTypeByCode("pfd"); !ok || rt.Code != "PFD" || rt.DefaultResponseDays != 56 {
		t.Errorf(`ReviewTypeByCode("pfd") = %+v, %v`, rt, ok)
	}
	if _, ok := tx.ReviewTypeByCode("XYZ"); ok {
		t.Error(`ReviewTypeByCode("XYZ") found something`)
	}
	if it, ok := tx.InterventionTypeByCode("training"); !ok || it.Label == "" {
		t.Errorf(`InterventionTypeByCode("training") = %+v, %v`, it, ok)
	}
}

func TestThemesForCrosswalk(t *testing.T) {
	tx := mustDefault(t)
	tests := []struct {
		scheme, native string
		want           []string // nil: unknown native code
	}{
		{"pfd_category", "police", []string{"C10"}},
		{"pfd_category", "Police related deaths", []string{"C10"}},
		{"pfd_category", "  police RELATED deaths ", []string{"C10"}},
		{"pfd_category", "Suicide (from 2015)", []string{"B04"}},
		{"pfd_category", "Railway related deaths", []string{}},
		{"pfd_category", "Not a category", nil},
		{"cdop_category", "1", []string{"C13"}},
		{"cdop_category", "4", []string{}},
		{"cdop_category", "11", nil},
		{"no_such_scheme", "police", nil},
	}
	for _, tt := range tests {
		got := tx.ThemesForCrosswalk(tt.scheme, tt.native)
		if (got == nil) != (tt.want == nil) || !slices.Equal(got, tt.want) {
			t.Errorf("ThemesForCrosswalk(%q, %q) = %#v, want %#v", tt.scheme, tt.native, got, tt.want)
		}
	}

	got := tx.ThemesForCrosswalk("pfd_category", "police")
	got[0] = "changed"
	if again := tx.ThemesForCrosswalk("pfd_category", "police"); again[0] != "C10" {
		t.Error("changing a ThemesForCrosswalk result changed the shared taxonomy")
	}
}

// Imports match PFD categories by the judiciary's exact spelling, so every
// published category must be present, spelt as published.
func TestDefaultCrosswalkCoverage(t *testing.T) {
	tx := mustDefault(t)
	pfd := []string{
		"Suicide (from 2015)", "Child Death (from 2015)", "Mental Health related deaths",
		"Police related deaths", "Community health care and emergency services related deaths",
		"Alcohol, drug and medication related deaths",
		"Hospital Death (Clinical Procedures and medical management) related deaths",
		"State Custody related deaths", "Other related deaths", "Care Home Health related deaths",
		"Wales prevention of future deaths reports (2019 onwards)", "Road (Highways Safety) related deaths",
		"Emergency services related deaths (2019 onwards)", "Railway related deaths",
		"Product related deaths", "Accident at Work and Health and Safety related deaths",
		"Service Personnel related deaths",
	}
	labels := map[string]map[string]bool{}
	codes := map[string]map[string]bool{}
	for _, c := range tx.Crosswalks {
		if labels[c.Scheme] == nil {
			labels[c.Scheme], codes[c.Scheme] = map[string]bool{}, map[string]bool{}
		}
		labels[c.Scheme][c.NativeLabel] = true
		codes[c.Scheme][c.NativeCode] = true
	}
	for _, l := range pfd {
		if !labels["pfd_category"][l] {
			t.Errorf("pfd_category %q missing", l)
		}
	}
	if n := len(labels["pfd_category"]); n != len(pfd) {
		t.Errorf("pfd_category has %d entries, want %d", n, len(pfd))
	}
	for i := 1; i <= 10; i++ {
		if !codes["cdop_category"][fmt.Sprint(i)] {
			t.Errorf("cdop_category %d missing", i)
		}
	}
	if n := len(codes["cdop_category"]); n != 10 {
		t.Errorf("cdop_category has %d entries, want 10", n)
	}
}

// validYAML is the smallest taxonomy that passes; each broken case below
// changes exactly one fragment of it.
const validYAML = `version: 1
updated: 2026-01-01
review_types:
  - {code: DHR, label: Domestic homicide review, default_response_days: 90}
  - {code: CSPR, label: Child safeguarding practice review, default_response_days: 90}
  - {code: SCR, label: Serious case review, default_response_days: 90}
  - {code: CDR, label: Child death review, default_response_days: 90}
  - {code: SAR, label: Safeguarding adults review, default_response_days: 90}
  - {code: SUSR, label: Single unified safeguarding review, default_response_days: 90}
  - {code: MHHR, label: Mental health homicide review, default_response_days: 90}
  - {code: PFD, label: Prevention of future deaths report, default_response_days: 56}
  - {code: OTHER, label: Other, default_response_days: 90}
intervention_types:
  - {code: training, label: Training}
  - {code: policy_procedure, label: Policy}
  - {code: practice_tool, label: Tool}
  - {code: information_sharing_it, label: Information sharing}
  - {code: audit_assurance, label: Audit}
  - {code: service_commissioning, label: Commissioning}
  - {code: governance, label: Governance}
  - {code: legislation_national_policy, label: Legislation}
  - {code: public_awareness, label: Public awareness}
  - {code: dissemination, label: Dissemination}
  - {code: research_data, label: Research}
groups:
  - {code: A, label: Forms of abuse}
  - {code: B, label: Risk context}
  - {code: C, label: Practice}
themes:
  - {code: A09, slug: stalking, group: A, label: Stalking, definition: Fixated pursuit., keywords: [stalking, fixated]}
  - {code: B10, slug: immigration-nrpf, group: B, label: Immigration, definition: Insecure status., keywords: [nrpf, visa]}
  - {code: C01, slug: risk-assessment, group: C, label: Risk assessment, definition: Use of risk tools., keywords: [dash, risk assessment]}
crosswalks:
  - {scheme: pfd_category, native_code: police, native_label: Police related deaths, themes: [C01]}
  - {scheme: cdop_category, native_code: "1", native_label: Deliberately inflicted injury, themes: []}
`

// edit replaces old, which must occur exactly once, so a typo in a test case
// cannot silently leave the document valid.
func edit(t *testing.T, doc, old, new string) string {
	t.Helper()
	if n := strings.Count(doc, old); n != 1 {
		t.Fatalf("fragment %q occurs %d times, want 1", old, n)
	}
	return strings.Replace(doc, old, new, 1)
}

func TestValidYAMLParses(t *testing.T) {
	tx, err := Parse([]byte(validYAML))
	if err != nil {
		t.Fatalf("Parse(validYAML): %v", err)
	}
	if got := tx.ThemesForCrosswalk("pfd_category", "police"); !slices.Equal(got, []string{"C01"}) {
		t.Errorf("crosswalk = %v", got)
	}
}

func TestValidateCatchesEachProblem(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		want     []string // every one must appear in the error
	}{
		{"version below 1", "version: 1", "version: 0", []string{"version 0"}},
		{"updated not a date", "updated: 2026-01-01", "updated: 26/01/2026", []string{`updated "26/01/2026"`}},
		{"PFD window not statutory", "default_response_days: 56}", "default_response_days: 30}", []string{`"PFD"`, "must be 56"}},
		{"window zero", "Domestic homicide review, default_response_days: 90", "Domestic homicide review, default_response_days: 0", []string{`"DHR"`, "greater than 0"}},
		{"window negative", "Other, default_response_days: 90", "Other, default_response_days: -5", []string{`"OTHER"`, "greater than 0"}},
		{"review type missing", "  - {code: SUSR, label: Single unified safeguarding review, default_response_days: 90}\n", "", []string{`missing required review type "SUSR"`}},
		{"review type duplicated", "code: MHHR", "code: SAR", []string{`review_types[6] "SAR": duplicate code`, `missing required review type "MHHR"`}},
		{"review type code format", "code: OTHER", "code: other", []string{`"other": code must match`}},
		{"review type label empty", "label: Child death review", `label: ""`, []string{`"CDR": label must not be empty`}},
		{"intervention type missing", "  - {code: dissemination, label: Dissemination}\n", "", []string{`missing required intervention type "dissemination"`}},
		{"intervention type duplicated", "code: research_data", "code: governance", []string{`"governance": duplicate code`, `"research_data"`}},
		{"intervention code format", "code: practice_tool", "code: Practice-Tool", []string{`"Practice-Tool": code must match`}},
		{"group label empty", "label: Risk context", `label: "  "`, []string{`groups[1] "B": label must not be empty`}},
		{"group code format", "code: C, label: Practice", "code: CC, label: Practice", []string{`"CC": code must match`}},
		{"theme group missing", "group: B, label: Immigration", "group: D, label: Immigration", []string{`"B10": group "D" does not exist`}},
		{"theme prefix mismatch", "group: B, label: Immigration", "group: C, label: Immigration", []string{`"B10": code must start with its group "C"`}},
		{"theme code format", "code: A09", "code: A9", []string{`"A9": code must match`}},
		{"theme code duplicated", "code: C01", "code: A09", []string{`themes[2] "A09": duplicate code`}},
		{"slug format", "slug: stalking", "slug: Stalking_Theme", []string{`"A09": slug "Stalking_Theme"`}},
		{"slug trailing hyphen", "slug: immigration-nrpf", "slug: immigration-", []string{`"B10": slug "immigration-"`}},
		{"slug duplicated", "slug: risk-assessment", "slug: stalking", []string{`"C01": duplicate slug "stalking"`}},
		{"theme label empty", "label: Stalking,", `label: "",`, []string{`"A09": label must not be empty`}},
		{"definition empty", "definition: Use of risk tools.", `definition: " "`, []string{`"C01": definition must not be empty`}},
		{"keywords empty", "keywords: [nrpf, visa]", "keywords: []", []string{`"B10": keywords must not be empty`}},
		{"keyword uppercase", "keywords: [dash,", "keywords: [DASH,", []string{`"C01": keyword "DASH"`, "lowercase"}},
		{"keyword untrimmed", "keywords: [dash,", `keywords: [" dash",`, []string{`"C01": keyword " dash"`}},
		{"keyword blank", "keywords: [nrpf, visa]", `keywords: [nrpf, ""]`, []string{`"B10": blank keyword`}},
		{"keyword duplicated", "keywords: [stalking, fixated]", "keywords: [stalking, stalking]", []string{`"A09": duplicate keyword "stalking"`}},
		{"crosswalk theme missing", "themes: [C01]", "themes: [C99]", []string{`pfd_category/"police"`, `theme "C99" does not exist`}},
		{"crosswalk theme twice", "themes: [C01]", "themes: [C01, C01]", []string{`theme "C01" listed twice`}},
		{"crosswalk scheme format", "scheme: cdop_category", "scheme: CDOP", []string{`scheme "CDOP"`}},
		{"crosswalk native code empty", `native_code: "1"`, `native_code: ""`, []string{`cdop_category/"": native_code must not be empty`}},
		{"crosswalk native label empty", "native_label: Deliberately inflicted injury", `native_label: ""`, []string{`cdop_category/"1": native_label must not be empty`}},
		{"crosswalk native code duplicated", `scheme: cdop_category, native_code: "1"`, "scheme: pfd_category, native_code: police", []string{`crosswalks[1] pfd_category/"police": duplicate native_code`}},
		{"crosswalk native label duplicated", `scheme: cdop_category, native_code: "1", native_label: Deliberately inflicted injury`, "scheme: pfd_category, native_code: other, native_label: POLICE related deaths", []string{`duplicate native_label "POLICE related deaths"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(edit(t, validYAML, tt.old, tt.new)))
			if err == nil {
				t.Fatal("Parse accepted a broken taxonomy")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not mention %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	doc := edit(t, validYAML, "version: 1", "version: 0")
	doc = edit(t, doc, "default_response_days: 56}", "default_response_days: 30}")
	doc = edit(t, doc, "slug: stalking", "slug: STALKING")
	_, err := Parse([]byte(doc))
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		t.Fatalf("error %v is not a joined error", err)
	}
	if n := len(joined.Unwrap()); n != 3 {
		t.Errorf("got %d problems, want 3:\n%v", n, err)
	}
}

// Admins edit a parsed copy in memory, so Validate must work without Parse.
func TestValidateInMemoryEdit(t *testing.T) {
	tx, err := Parse(embedded)
	if err != nil {
		t.Fatal(err)
	}
	tx.Themes[0].Group = "Z"
	tx.ReviewTypes = slices.DeleteFunc(tx.ReviewTypes, func(r ReviewType) bool { return r.Code == "CDR" })
	err = tx.Validate()
	for _, w := range []string{`"A01": group "Z" does not exist`, `missing required review type "CDR"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("Validate error %v does not mention %q", err, w)
		}
	}
	if mustDefault(t).Themes[0].Group != "A" {
		t.Error("editing a parsed copy changed the default taxonomy")
	}
}

func TestParseRejectsMalformedInput(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"unknown top-level key", validYAML + "colour: blue\n", "colour"},
		{"unknown theme key", edit(t, validYAML, "keywords: [stalking, fixated]}", "keywords: [stalking, fixated], synonyms: [x]}"), "synonyms"},
		{"unknown review type key", edit(t, validYAML, "default_response_days: 56}", "default_response_days: 56, window: 3}"), "window"},
		{"duplicate key", validYAML + "version: 2\n", "version"},
		{"wrong type", edit(t, validYAML, "version: 1", "version: one"), "cannot unmarshal"},
		{"syntax error", "themes: [\n", "taxonomy:"},
		{"empty", "", "empty"},
		{"comments only", "# nothing here\n", "empty"},
		{"second document", validYAML + "---\nversion: 2\n", "more than one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tx, err := Parse([]byte(tt.doc))
			if err == nil {
				t.Fatalf("Parse accepted it: %+v", tx)
			}
			if tx != nil {
				t.Error("Parse returned a taxonomy along with an error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestKeywordSyntax(t *testing.T) {
	for kw, ok := range map[string]bool{
		"training": true, "guidance^0.5": true, "domestic abuse|domestic violence + suicide": true,
		"training^": false, "training^3": false, "training^x": false, "a + ": false, "a||b": false, " + b": false, "lgbtq+": true,
	} {
		if got := keywordSyntax(kw) == ""; got != ok {
			t.Errorf("keywordSyntax(%q) accepted = %v, want %v", kw, got, ok)
		}
	}
}
