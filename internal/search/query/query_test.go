package query

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseString(t *testing.T) {
	cases := []struct{ in, want string }{
		// words, phrases, exclusions
		{"stalking", "stalking"},
		{"stalking training", "+stalking +training"},
		{"  stalking \t training\n", "+stalking +training"},
		{`"coercive control"`, `"coercive control"`},
		{`"  coercive   control "`, `"coercive control"`},
		{`"stalking"`, `"stalking"`},
		{`“coercive control” police`, `+"coercive control" +police`},
		{`„coercive control“`, `"coercive control"`},
		{"stalking -training", "+stalking -training"},
		{`stalking -"risk assessment"`, `+stalking -"risk assessment"`},
		{"stalking -theme:housing", "+stalking -theme:housing"},
		{"+stalking +training", "+stalking +training"},
		{"-training stalking", "+stalking -training"},
		{"--training stalking", "+stalking -training"},
		{"-+training stalking", "+stalking -training"},
		{"stalking -'training'", "+stalking -training"},
		{"stalking NOT police", "+stalking -police"},
		{"NOT police stalking", "+stalking -police"},
		{`stalking NOT "risk assessment"`, `+stalking -"risk assessment"`},
		{"stalking NOT (police OR probation)", "+stalking -(police OR probation)"},
		{"stalking NOT theme:housing", "+stalking -theme:housing"},
		{"stalking NOT", "+stalking +NOT"},
		{"stalking not police", "+stalking +not +police"},
		{"NOT OR stalking", "NOT OR stalking"},

		// OR and brackets
		{"marac OR idva", "marac OR idva"},
		{"a b OR c", "+a +(b OR c)"},
		{"a OR b c", "+(a OR b) +c"},
		{"a OR b OR c", "a OR b OR c"},
		{"a OR (b OR c)", "a OR b OR c"},
		{"(a OR b) OR c", "a OR b OR c"},
		{"(marac OR idva) -training", "+(marac OR idva) -training"},
		{"(a -b) OR c", "(+a -b) OR c"},
		{"(a b) OR (c d)", "(+a +b) OR (+c +d)"},
		{"(a b) c", "+a +b +c"},
		{"(a)", "a"},
		{"((a))", "a"},
		{"x (-a -b)", "+x -a -b"},
		{"-(a OR b) c", "+c -(a OR b)"},
		{"-(a b) c", "+c -(+a +b)"},
		{"-(a -b) c", "+c -(+a -b)"},
		{"+(a b) c", "+a +b +c"},
		{"a OR(b)", "a OR b"},
		{"(a)OR(b)", "a OR b"},
		{"((((((((((a b OR c))))))))))", "+a +(b OR c)"},

		// the example from the design
		{"stalking (marac OR idva) -training theme:stalking year:2019..2022",
			"+stalking +(marac OR idva) -training theme:stalking year:2019..2022"},
		{"theme:stalking year:2019..2022 -training stalking (marac OR idva)",
			"+stalking +(marac OR idva) -training theme:stalking year:2019..2022"},

		// fields
		{"theme:stalking", "theme:stalking"},
		{"THEME:Stalking", "theme:Stalking"},
		{`agency:"Metropolitan Police"`, `agency:"Metropolitan Police"`},
		{`agency:“Metropolitan Police”`, `agency:"Metropolitan Police"`},
		{"type:dhr police", "+police type:dhr"},
		{"org:3f2a-99 status:open flag:overdue visibility:restricted", "org:3f2a-99 status:open flag:overdue visibility:restricted"},
		{"reference:DHR/2021/03", "reference:DHR/2021/03"},
		{"number:3.2", "number:3.2"},
		{"theme:a:b", "theme:a:b"},
		{"theme:stalking,", "theme:stalking"},
		{"theme:OR", "theme:OR"},
		{"theme:(stalking OR harassment)", "theme:stalking OR theme:harassment"},
		{"theme:(a b) c", "+c theme:a theme:b"},
		{`theme:(a "b c" -d) x`, `+x -theme:d theme:a theme:"b c"`},
		{"-theme:(a OR b) x", "+x -(theme:a OR theme:b)"},
		{"x OR theme:(a b)", "x OR (theme:a theme:b)"},
		{"scope:national intervention:training partnership:P1 area:E09000001", "scope:national intervention:training partnership:P1 area:E09000001"},
		{"response:accepted implementation:done oversight:verified sector:police", "response:accepted implementation:done oversight:verified sector:police"},

		// years
		{"year:2020", "year:2020"},
		{"year:2019..2022", "year:2019..2022"},
		{"year:2019..", "year:2019.."},
		{"year:..2022", "year:..2022"},
		{"year:2019..2019", "year:2019"},
		{`year:"2019..2022"`, "year:2019..2022"},
		{"year:(2019 OR 2021)", "year:2019 OR year:2021"},
		{"-year:2020 police", "+police -year:2020"},

		// prefixes
		{"refer*", "refer*"},
		{"refer**", "refer*"},
		{"refer*,", "refer*"},
		{"ref*", "ref*"},
		{"A&E*", "A&E*"},
		{"ref*er", "ref*er"},

		// literal words
		{"victim's", "victim's"},
		{"victim’s", "victim’s"},
		{"'victim's'", "victim's"},
		{"non-fatal", "non-fatal"},
		{"A&E", "A&E"},
		{"Zoë café", "+Zoë +café"},
		{"Ελλάδα 東京", "+Ελλάδα +東京"},
		{"stalking, training.", "+stalking +training"},
		{"a - b", "+a +b"},
		{"a -- b", "+a +b"},
		{"A & E", "+A +E"},
		{"a ... b", "+a +b"},
		{"10:30", "10:30"},
		{"s.11", "s.11"},
		{"DVPN/DVPO", "DVPN/DVPO"},
		{"a or b", "+a +or +b"},
		{"Or", "Or"},
		{"a AND b", "+a +AND +b"},
		{"a\x00b", "+a +b"},
		{"a .OR. b", "a OR b"},
		{"a\u00a0b", "+a +b"},
		{`a"b c"`, `+a +"b c"`},

		// the empty query matches everything
		{"", ""},
		{"   \t\n", ""},

		// limits
		{strings.Repeat("(", 10) + "a" + strings.Repeat(")", 10), "a"},
		{strings.Repeat("w ", 49) + "w", strings.TrimSpace(strings.Repeat("+w ", 50))},
		{strings.Repeat("x", 500), strings.Repeat("x", 500)},
		{strings.Repeat("é", 500), strings.Repeat("é", 500)},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if got := String(n); got != c.want {
			t.Errorf("String(Parse(%q)) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("(", 11) + "a" + strings.Repeat(")", 11)
	cases := []struct {
		in  string
		pos int
		msg string
	}{
		{`"coercive control`, 0, msgUnclosedQuote},
		{`police "coercive control`, 7, msgUnclosedQuote},
		{`theme:"coercive control`, 6, msgUnclosedQuote},
		{`a "" b`, 2, msgEmptyPhrase},
		{`a "..." b`, 2, msgEmptyPhrase},
		{"(a b", 0, msgUnclosedParen},
		{"x (a (b)", 2, msgUnclosedParen},
		{"a b)", 3, msgUnexpectedParen},
		{")", 0, msgUnexpectedParen},
		{"()", 0, msgEmptyGroup},
		{"a ( ... )", 2, msgEmptyGroup},
		{"a OR", 2, msgDanglingOR},
		{"OR a", 0, msgDanglingOR},
		{"OR", 0, msgDanglingOR},
		{"a OR OR b", 2, msgDanglingOR},
		{"(a OR) b", 3, msgDanglingOR},
		{"a (OR b)", 3, msgDanglingOR},
		{"a -OR b", 3, msgDanglingOR},
		{"a .OR.", 3, msgDanglingOR},
		{"x OR -a", 5, msgNotInOR},
		{"-a OR x", 0, msgNotInOR},
		{"x OR (-a)", 6, msgNotInOR},
		{"x OR (-a -b)", 6, msgNoWords},
		{"-a", 0, msgNoWords},
		{"NOT a", 0, msgNoWords},
		{"-a -b", 0, msgNoWords},
		{"  -theme:x -year:2020", 2, msgNoWords},
		{"-(-a) b", 2, msgNoWords},
		{"...", 0, msgNoWords},
		{"  & -", 2, msgNoWords},
		{"theme:", 0, msgEmptyValue("theme")},
		{"a theme: b", 2, msgEmptyValue("theme")},
		{"(theme:)", 1, msgEmptyValue("theme")},
		{"theme:...", 0, msgEmptyValue("theme")},
		{"a Agency:", 2, msgEmptyValue("agency")},
		{"foo:bar", 0, msgUnknownField("foo")},
		{"police Themes:stalking", 7, msgUnknownField("Themes")},
		{"https://example.org", 0, msgUnknownField("https")},
		{"theme:(agency:x)", 7, msgNestedField("theme")},
		{"year:2022..2019", 0, msgYearBackwards},
		{"police year:abc", 7, msgBadYear},
		{"year:..", 0, msgBadYear},
		{"year:19", 0, msgBadYear},
		{"year:0999", 0, msgBadYear},
		{"year:2019...2022", 0, msgBadYear},
		{"year:2019-2022", 0, msgBadYear},
		{"year:2020*", 0, msgBadYear},
		{`year:"2020 2021"`, 0, msgBadYear},
		{"ab*", 0, msgShortPrefix},
		{"x é*", 2, msgShortPrefix},
		{"theme:stalk*", 0, msgFieldPrefix},
		{"a\xffb", 1, msgInvalidUTF8},
		{"café \xe9", 6, msgInvalidUTF8},
		{"\xed\xa0\x80", 0, msgInvalidUTF8}, // a UTF-16 surrogate
		{strings.Repeat("x", 501), 500, msgTooLong},
		{strings.Repeat("é", 501), 1000, msgTooLong},
		{strings.Repeat("w ", 50) + "z", 100, msgTooManyTerms},
		{"theme:(" + strings.Repeat("w ", 51) + ")", 7 + 100, msgTooManyTerms},
		{deep, 10, msgTooDeep},
		// as typed it fits; as understood (theme: written out for each word) it does not
		// (theme:abcdefghij is 16 characters, so the 30th word crosses 500)
		{"theme:(" + strings.Repeat("abcdefghij ", 44) + ")", 7 + 11*29, msgTooLong},
	}
	for _, c := range cases {
		n, err := Parse(c.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %q, %v; want a SyntaxError", c.in, String(n), err)
			continue
		}
		if n != nil {
			t.Errorf("Parse(%q) returned a tree with its error", c.in)
		}
		if se.Pos != c.pos || se.Msg != c.msg {
			t.Errorf("Parse(%q): error at %d %q, want at %d %q", c.in, se.Pos, se.Msg, c.pos, c.msg)
		}
		if se.Hint == "" {
			t.Errorf("Parse(%q): %q has no hint", c.in, se.Msg)
		}
	}
}

func TestDepthAsUnderstood(t *testing.T) {
	// Each level of "a OR (b ...)" costs one bracket as typed but two as understood:
	// a OR (+b +(c OR ...)).
	q := "z"
	for i := 0; i < 6; i++ {
		q = "a OR (b " + q + ")"
	}
	_, err := Parse(q)
	var se *SyntaxError
	if !errors.As(err, &se) || se.Msg != msgTooDeep {
		t.Fatalf("Parse(%q) = %v, want %q", q, err, msgTooDeep)
	}
	if want := strings.LastIndex(q, "b"); se.Pos != want {
		t.Errorf("error at %d, want at the first word of the innermost group %d", se.Pos, want)
	}
	q = "z"
	for i := 0; i < 5; i++ {
		q = "a OR (b " + q + ")"
	}
	if _, err := Parse(q); err != nil {
		t.Errorf("Parse(%q): %v", q, err)
	}
}

func TestTree(t *testing.T) {
	n, err := Parse(`stalking (marac OR idva) -"risk assessment" agency:"Met Police" year:2019.. refer*`)
	if err != nil {
		t.Fatal(err)
	}
	want := &And{Children: []Node{
		&Term{Text: "stalking", Pos: 0},
		&Or{Children: []Node{&Term{Text: "marac", Pos: 10}, &Term{Text: "idva", Pos: 19}}},
		&Not{Pos: 25, Child: &Phrase{Text: "risk assessment", Pos: 26}},
		&Phrase{Field: "agency", Text: "Met Police", Pos: 44},
		&YearRange{From: 2019, Pos: 64},
		&Term{Text: "refer", Prefix: true, Pos: 76},
	}}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("got  %#v\nwant %#v", n, want)
	}

	n, _ = Parse("year:..2022")
	if !reflect.DeepEqual(n, &YearRange{To: 2022}) {
		t.Errorf("year:..2022 = %#v", n)
	}
	n, _ = Parse("  -theme:(a OR b) x")
	if !reflect.DeepEqual(n, &And{Children: []Node{
		&Not{Pos: 2, Child: &Or{Children: []Node{&Term{Field: "theme", Text: "a", Pos: 10}, &Term{Field: "theme", Text: "b", Pos: 15}}}},
		&Term{Text: "x", Pos: 18},
	}}) {
		t.Errorf("-theme:(a OR b) x = %#v", n)
	}
	n, _ = Parse("(.non-fatal!)")
	if !reflect.DeepEqual(n, &Term{Text: "non-fatal", Pos: 2}) {
		t.Errorf("(.non-fatal!) = %#v", n)
	}
}

func TestEmpty(t *testing.T) {
	for _, in := range []string{"", " ", "\t\n\r", "\u00a0\u2003"} {
		n, err := Parse(in)
		if n != nil || err != nil {
			t.Errorf("Parse(%q) = %#v, %v; want nil, nil", in, n, err)
		}
	}
	if s := String(nil); s != "" {
		t.Errorf("String(nil) = %q", s)
	}
}

func TestSyntaxErrorText(t *testing.T) {
	_, err := Parse("police foo:bar")
	if err == nil {
		t.Fatal("no error")
	}
	s := err.Error()
	for _, want := range []string{"position 7", `unknown field "foo"`, "theme, agency, org"} {
		if !strings.Contains(s, want) {
			t.Errorf("%q does not contain %q", s, want)
		}
	}
	var se *SyntaxError
	errors.As(err, &se)
	for _, f := range Fields {
		if !strings.Contains(se.Hint, f) {
			t.Errorf("hint %q does not list %q", se.Hint, f)
		}
	}
	_, err = Parse("themes:stalking")
	if errors.As(err, &se); !strings.HasPrefix(se.Hint, "did you mean theme:?") {
		t.Errorf("hint %q does not suggest theme", se.Hint)
	}
	_, err = Parse("organisation:police")
	if errors.As(err, &se); !strings.HasPrefix(se.Hint, "did you mean agency:?") {
		t.Errorf("hint %q does not suggest agency", se.Hint)
	}
}

func TestFieldsCopy(t *testing.T) {
	if len(Fields) != 18 {
		t.Errorf("Fields = %v", Fields)
	}
	saved := Fields[0]
	Fields[0] = "changed"
	defer func() { Fields[0] = saved }()
	if _, err := Parse("theme:stalking"); err != nil {
		t.Errorf("changing Fields changed the parser: %v", err)
	}
}

// String renders hand-built trees without panicking, even ones Parse would not produce.
func TestStringOddTrees(t *testing.T) {
	cases := []struct {
		n    Node
		want string
	}{
		{&And{}, ""},
		{&Or{}, ""},
		{&And{Children: []Node{nil, &Term{Text: "a"}}}, "+ +a"},
		{&Not{Child: &Not{Child: &Term{Text: "a"}}}, "-(-a)"},
		{&Or{Children: []Node{&Not{Child: &Term{Text: "a"}}, &Or{Children: []Node{&Term{Text: "b"}}}}}, "(-a) OR (b)"},
		{&YearRange{}, "year:.."},
		{&And{Children: []Node{&And{Children: []Node{&Term{Text: "a"}}}}}, "+(+a)"},
	}
	for _, c := range cases {
		if got := String(c.n); got != c.want {
			t.Errorf("String(%#v) = %q, want %q", c.n, got, c.want)
		}
	}
}
