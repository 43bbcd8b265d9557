package casereview

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// NameKeyVersion names the folding NameKey does. Stored keys record nothing of it; the store
// keeps it beside them and computes every key again when it rises (a new Unicode version in
// golang.org/x/text, a change below), so old and new keys never meet in one unique index.
const NameKeyVersion = 1

// NameKey is the form in which names (of organisations, partnerships) and aliases are compared,
// computed here rather than by the database: SQLite's lower() folds ASCII only and PostgreSQL's
// depends on the server's locale, so "Ärzteverband Öst" and "ärzteverband öst", or "Cyngor Sir
// Ŵy" and "cyngor sir ŵy", would be one organisation on one database and two on the other.
// It is Unicode canonical caseless matching (NFD, full case folding, then NFC, so a precomposed
// "ŵ" and "w" + combining circumflex agree and "ß" meets "ss"), with runs of white space made one
// space and the ends trimmed.
func NameKey(s string) string {
	folded := cases.Fold().String(norm.NFD.String(s)) // a Caser keeps state: one per call
	return norm.NFC.String(strings.Join(strings.Fields(folded), " "))
}
