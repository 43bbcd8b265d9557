package query

import (
	"errors"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics, that its errors point into the input, and that the
// query as understood reads back as itself. More seeds are in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"stalking training",
		`"coercive control" -"risk assessment"`,
		"+stalking +(marac OR idva) -training theme:stalking year:2019..2022",
		"a b OR c",
		"(a -b) OR c",
		`agency:"Metropolitan Police" type:DHR`,
		"theme:(stalking OR honour) -year:..2015",
		"refer* victim's non-fatal A&E",
		"year:2022..2019",
		"foo:bar",
		`"unclosed`,
		"((a)",
		"a OR",
		"-a -b",
		"a\xffb",
		"“smart quotes” — dashes -- and … ellipses",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): %T %v, want a *SyntaxError", s, err, err)
			}
			if se.Pos < 0 || se.Pos > len(s) {
				t.Fatalf("Parse(%q): error position %d outside [0, %d]: %v", s, se.Pos, len(s), err)
			}
			if se.Msg == "" || se.Hint == "" {
				t.Fatalf("Parse(%q): error without a message or hint: %#v", s, se)
			}
			if n != nil {
				t.Fatalf("Parse(%q): a tree and an error", s)
			}
			return
		}
		out := String(n)
		if !utf8.ValidString(out) {
			t.Fatalf("String(Parse(%q)) = %q is not UTF-8", s, out)
		}
		if (n == nil) != (out == "") {
			t.Fatalf("Parse(%q) = %#v renders as %q", s, n, out)
		}
		n2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) understood as %q, which does not parse: %v", s, out, err)
		}
		if out2 := String(n2); out2 != out {
			t.Fatalf("Parse(%q) understood as %q, which is understood as %q", s, out, out2)
		}
	})
}
