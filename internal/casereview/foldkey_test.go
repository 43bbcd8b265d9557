package casereview

import "testing"

func TestNameKeyFoldsUnicodeCase(t *testing.T) {
	same := [][2]string{
		{"Ärzteverband Öst", "ärzteverband öst"},
		{"Cyngor Sir Ŵy", "cyngor sir ŵy"},
		{"Cyngor Sir Ŵy", "CYNGOR  SIR\tŴY "},
		{"Ŷr Ysgol Fôr", "ŷr ysgol fôr"},
		{"Cyngor Sir W\u0302y", "cyngor sir ŵy"}, // decomposed and precomposed circumflex
		{"Straße", "STRASSE"},
		{"ΟΔΥΣΣΕΥΣ", "οδυσσευς"},
	}
	for _, p := range same {
		if a, b := NameKey(p[0]), NameKey(p[1]); a != b {
			t.Errorf("NameKey(%q) = %q, NameKey(%q) = %q; want them equal", p[0], a, p[1], b)
		}
	}
	if a, b := NameKey("Ärzteverband Öst"), NameKey("Arzteverband Ost"); a == b {
		t.Errorf("accents must not be stripped: both keyed %q", a)
	}
	if got := NameKey("  Cyngor Sir Ŵy  "); got != "cyngor sir ŵy" {
		t.Errorf("NameKey = %q, want %q", got, "cyngor sir ŵy")
	}
}
