package taxonomy

import (
	"slices"
	"testing"
)

func TestSynonymsExpandBothWays(t *testing.T) {
	s, err := DefaultSynonyms()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ term, want string }{
		{"MARAC", "multi-agency risk assessment conference"},
		{"multi-agency risk assessment conference", "marac"},
		{"behaviour", "behavior"},
		{"behavior", "behaviour"},
		{"Clare's Law", "dvds"},
		{"hba", "honour based violence"},
	}
	for _, c := range cases {
		got := s.Expand(c.term)
		if got[0] != c.term || !slices.Contains(got, c.want) {
			t.Errorf("Expand(%q) = %v, want it first and %q among the rest", c.term, got, c.want)
		}
	}
	if got := s.Expand("stalking"); len(got) != 1 || got[0] != "stalking" {
		t.Errorf("a word without synonyms expands to itself only, got %v", got)
	}
	if s.Len() < 100 {
		t.Errorf("only %d terms have synonyms", s.Len())
	}
}

func TestParseSynonymsRefusesBadFiles(t *testing.T) {
	for _, bad := range []string{"version: 0\ngroups: [[a, b]]\n", "version: 1\ngroups: [[a]]\n", "version: 1\ngroups: [[a, '']]\n",
		"version: 1\ngroups: [[a, b]]\nextra: 1\n"} {
		if _, err := ParseSynonyms([]byte(bad)); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
