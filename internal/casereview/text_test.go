package casereview_test

import (
	"slices"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestCheckText(t *testing.T) {
	cases := []struct {
		name     string
		in       string
		required bool
		max      int
		code     string // "" means accepted
	}{
		{"plain", "hello", true, 5, ""},
		{"at limit in runes, over in bytes", "ééééé", true, 5, ""},
		{"over limit by one rune", "éééééé", true, 5, cr.FieldTooLong},
		{"emoji counted as one rune each", strings.Repeat("👍", 10), true, 10, ""},
		{"emoji over", strings.Repeat("👍", 11), true, 10, cr.FieldTooLong},
		{"ascii over", "abcdef", false, 5, cr.FieldTooLong},
		{"tab newline and CR allowed", "a\tb\nc\r\nd", true, 100, ""},
		{"invalid utf-8", "abc\xff", true, 100, cr.FieldInvalid},
		{"truncated multi-byte", "caf\xc3", true, 100, cr.FieldInvalid},
		{"surrogate half encoded", "\xed\xa0\x80", false, 100, cr.FieldInvalid},
		{"NUL", "a\x00b", true, 100, cr.FieldInvalid},
		{"NUL alone", "\x00", false, 100, cr.FieldInvalid},
		{"escape", "a\x1bb", true, 100, cr.FieldInvalid},
		{"bell", "\a", true, 100, cr.FieldInvalid},
		{"DEL", "a\x7f", true, 100, cr.FieldInvalid},
		{"C1 control", "a\u0090b", true, 100, cr.FieldInvalid},
		{"vertical tab", "a\vb", true, 100, cr.FieldInvalid},
		{"form feed", "a\fb", true, 100, cr.FieldInvalid},
		{"required empty", "", true, 100, cr.FieldRequired},
		{"required whitespace", " \t\r\n ", true, 100, cr.FieldRequired},
		{"required no-break space", "\u00a0\u2003", true, 100, cr.FieldRequired},
		{"optional empty", "", false, 100, ""},
		{"optional whitespace", "  \t\n", false, 100, ""},
		// Optional whitespace is stored as given, so it still keeps the limits.
		{"optional whitespace over limit", strings.Repeat(" ", 6), false, 5, cr.FieldTooLong},
		{"optional whitespace with vertical tab", " \v ", false, 100, cr.FieldInvalid},
		{"optional whitespace with NEL", "\u0085", false, 100, cr.FieldInvalid},
		{"non-BMP letters", "𝒜𝒷𝒸", true, 3, ""},
		{"zero width joiner is not control", "a\u200db", true, 3, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var p cr.Problems
			cr.CheckText(&p, "f", c.in, c.required, c.max)
			if c.code == "" {
				wantNil(t, p.Err())
				return
			}
			wantOnly(t, p.Err(), "f", c.code)
		})
	}
}

func TestCheckTextTooLongAndControlReportsBoth(t *testing.T) {
	var p cr.Problems
	cr.CheckText(&p, "f", "abc\x00def", true, 3)
	fs := wantFields(t, p.Err(), [2]string{"f", cr.FieldTooLong}, [2]string{"f", cr.FieldInvalid})
	if want := "f is 7 characters long; the limit is 3"; fs[0].Message != want {
		t.Errorf("message %q, want %q", fs[0].Message, want)
	}
	if want := "f contains a control character (U+0000)"; fs[1].Message != want {
		t.Errorf("message %q, want %q", fs[1].Message, want)
	}
}

func TestCheckOptionalText(t *testing.T) {
	var p cr.Problems
	cr.CheckOptionalText(&p, "f", nil, 1)
	cr.CheckOptionalText(&p, "f", ptr(""), 1)
	cr.CheckOptionalText(&p, "f", ptr("x"), 1)
	wantNil(t, p.Err())
	cr.CheckOptionalText(&p, "f", ptr("xy"), 1)
	wantOnly(t, p.Err(), "f", cr.FieldTooLong)
}

// The limits of each draft's text fields, counted in runes.
func TestDraftTextLimits(t *testing.T) {
	type limit struct {
		field string
		max   int
		set   func(s string) error
	}
	limits := []limit{
		{"name", 200, func(s string) error { d := validPartnership(); d.Name = s; return d.Validate() }},
		{"area_codes[0]", 100, func(s string) error { d := validPartnership(); d.AreaCodes = []string{s}; return d.Validate() }},
		{"name", 200, func(s string) error { d := validOrganisation(); d.Name = s; return d.Validate() }},
		{"aliases[1]", 200, func(s string) error { d := validOrganisation(); d.Aliases = []string{"NP", s}; return d.Validate() }},
		{"reference", 100, func(s string) error { d := validReview(); d.Reference = s; return d.Validate(today) }},
		{"title", 300, func(s string) error { d := validReview(); d.Title = s; return d.Validate(today) }},
		{"summary", 20000, func(s string) error { d := validReview(); d.Summary = s; return d.Validate(today) }},
		{"number", 20, func(s string) error { d := validRecommendation(); d.Number = s; return d.Validate() }},
		{"title", 300, func(s string) error { d := validRecommendation(); d.Title = s; return d.Validate() }},
		{"text", 20000, func(s string) error { d := validRecommendation(); d.Text = s; return d.Validate() }},
		{"addressees[1].raw_text", 500, func(s string) error {
			d := validRecommendation()
			d.Addressees[1].RawText = s
			return d.Validate()
		}},
		{"description", 5000, func(s string) error { d := validAction(); d.Description = s; return d.Validate(today) }},
		{"owner", 200, func(s string) error { d := validAction(); d.Owner = s; return d.Validate(today) }},
		{"outcome", 10000, func(s string) error { d := validAction(); d.Outcome = &s; return d.Validate(today) }},
	}
	for _, l := range limits {
		t.Run(l.field, func(t *testing.T) {
			// "ß" is two bytes: a byte count would reject the text at the limit.
			wantNil(t, l.set(strings.Repeat("ß", l.max)))
			wantOnly(t, l.set(strings.Repeat("ß", l.max+1)), l.field, cr.FieldTooLong)
			wantOnly(t, l.set("ok\x00"), l.field, cr.FieldInvalid)
			wantOnly(t, l.set("ok\xfe"), l.field, cr.FieldInvalid)
			wantOnly(t, l.set("ok\x1f"), l.field, cr.FieldInvalid)
			wantNil(t, l.set("line one\n\tline two\r\n"))
		})
	}
}

func TestCleanList(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, []string{}},
		{"trims and drops blanks", []string{" a ", "", "  ", "\t\n", "b"}, []string{"a", "b"}},
		{"case-insensitive duplicates keep first spelling", []string{"Northshire Police", "NORTHSHIRE POLICE", " northshire police "},
			[]string{"Northshire Police"}},
		{"order kept", []string{"c", "a", "b", "A"}, []string{"c", "a", "b"}},
		{"inner spaces kept", []string{"N  P", "N P"}, []string{"N  P", "N P"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := cr.CleanList(c.in)
			if got == nil || !slices.Equal(got, c.want) {
				t.Errorf("CleanList(%q) = %#v, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestOrganisationAliasesCleaned(t *testing.T) {
	d := validOrganisation()
	d.Aliases = []string{" NP ", "", "np", "Northshire Police", "  ", "NORTHSHIRE POLICE", "N.P.", "Np"}
	wantNil(t, d.Validate())
	if want := []string{"NP", "Northshire Police", "N.P."}; !slices.Equal(d.Aliases, want) {
		t.Errorf("aliases = %q, want %q", d.Aliases, want)
	}
}

func TestOrganisationAliasLimit(t *testing.T) {
	aliases := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = "alias " + strings.Repeat("x", i)
		}
		return out
	}
	d := validOrganisation()
	d.Aliases = aliases(50)
	wantNil(t, d.Validate())

	d = validOrganisation()
	d.Aliases = aliases(51)
	wantOnly(t, d.Validate(), "aliases", cr.FieldTooLong)

	// Duplicates are dropped before counting.
	d = validOrganisation()
	d.Aliases = append(aliases(50), "ALIAS ", " alias x")
	wantNil(t, d.Validate())
	if len(d.Aliases) != 50 {
		t.Errorf("%d aliases kept, want 50", len(d.Aliases))
	}
}

func TestOrganisationAliasFieldIndexAfterCleaning(t *testing.T) {
	// The blank and the duplicate are dropped, so the bad alias is reported at its cleaned index.
	d := validOrganisation()
	d.Aliases = []string{"NP", " ", "np", "bad\x00alias"}
	wantOnly(t, d.Validate(), "aliases[1]", cr.FieldInvalid)
}

func TestPartnershipAreaCodesCleaned(t *testing.T) {
	d := validPartnership()
	d.AreaCodes = []string{" E06000001 ", "e06000001", "", "   ", "E10000002", "E06000001", "W06000015"}
	wantNil(t, d.Validate())
	if want := []string{"E06000001", "E10000002", "W06000015"}; !slices.Equal(d.AreaCodes, want) {
		t.Errorf("area codes = %q, want %q", d.AreaCodes, want)
	}

	d = validPartnership()
	d.AreaCodes = nil
	wantNil(t, d.Validate())
	if d.AreaCodes == nil || len(d.AreaCodes) != 0 {
		t.Errorf("area codes = %#v, want an empty non-nil list", d.AreaCodes)
	}

	d = validPartnership()
	d.AreaCodes = []string{"", "E1", "e1", "E2\x07"}
	wantOnly(t, d.Validate(), "area_codes[1]", cr.FieldInvalid)
}
