// Package query parses the search box language into a small syntax tree.
//
// The language is what a review panel member expects of a good search box:
//
//	stalking training            both words are required
//	"coercive control"           an exact phrase
//	-training -"risk assessment" exclusions (also -theme:housing, -(a OR b), NOT training)
//	marac OR idva                either; OR binds tighter than the implicit AND
//	(marac OR idva) -training    brackets group
//	theme:stalking               a field; agency:"Metropolitan Police" quotes a value
//	theme:(stalking OR honour)   a field applied to every word in the brackets
//	year:2019..2022              year ranges: year:2020, year:2019.., year:..2022
//	refer*                       a prefix (at least 3 characters before the star)
//
// Everything else is a literal word: letters and digits of any script, with apostrophes, hyphens
// and ampersands inside a word kept (victim's, non-fatal, A&E). Punctuation at the edges of a word
// is dropped, so "stalking, training." searches for two words. Upper-case "OR" is an operator, and
// so is upper-case "NOT" before something to exclude: stalking NOT police is stalking -police.
// "AND" is a literal word (a stop word, so the words around it are required anyway), as are
// lower-case "or" and "not".
//
// The tree uses pointers (*Term, *Phrase, *YearRange, *Not, *And, *Or). The parser never produces
// an And or Or with fewer than two children, an And directly inside an And, an Or directly inside
// an Or, or a Not directly inside an Or or a Not; every And has at least one child that is not a
// Not. An empty query parses to a nil Node, which matches everything.
package query

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a query. They keep a search cheap and the parser's recursion shallow.
const (
	MaxLength = 500 // characters (runes), of the query as typed and of the query as understood
	MaxTerms  = 50  // words, phrases and year ranges
	MaxDepth  = 10  // brackets inside brackets
)

// Node is one element of a parsed query.
type Node interface{ node() }

// Term is a word. Field is "" for all text fields, otherwise one of Fields. Prefix is set for a
// trailing star (refer*) and only on words without a field.
type Term struct {
	Field, Text string
	Prefix      bool
	Pos         int // byte offset of the word, or of its field name
}

// Phrase is a quoted sequence of words, to be matched exactly and in order. Text has its
// whitespace collapsed to single spaces.
type Phrase struct {
	Field, Text string
	Pos         int // byte offset of the opening quote, or of the field name
}

// YearRange is year:From..To, both inclusive; 0 is an open end. year:2020 is From = To = 2020.
type YearRange struct {
	From, To int
	Pos      int // byte offset of "year:"
}

// Not excludes what its child matches.
type Not struct {
	Child Node
	Pos   int // byte offset of the "-"
}

// And requires all of its children.
type And struct{ Children []Node }

// Or requires at least one of its children.
type Or struct{ Children []Node }

func (*Term) node()      {}
func (*Phrase) node()    {}
func (*YearRange) node() {}
func (*Not) node()       {}
func (*And) node()       {}
func (*Or) node()        {}

// fieldNames is the private copy the parser trusts; Fields may be changed by its users.
var fieldNames = [...]string{
	"theme", "agency", "org", "sector", "type", "status", "response", "implementation",
	"oversight", "scope", "intervention", "partnership", "area", "reference", "number", "year",
	"flag", "visibility",
}

// Fields lists the field names the language knows, in the order used in documentation and hints.
// Field names are matched case-insensitively; the tree always holds them in lower case.
var Fields = append([]string(nil), fieldNames[:]...)

func knownField(name string) bool {
	for _, f := range fieldNames {
		if f == name {
			return true
		}
	}
	return false
}

// SyntaxError says why a query could not be read. Pos is the byte offset (0-based) of the offending
// token in the input; Msg says what is wrong and Hint how to fix it.
type SyntaxError struct {
	Pos       int
	Msg, Hint string
}

func (e *SyntaxError) Error() string {
	s := fmt.Sprintf("search query: %s at position %d", e.Msg, e.Pos)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func errAt(pos int, msg, hint string) *SyntaxError {
	return &SyntaxError{Pos: pos, Msg: msg, Hint: hint}
}

// Parse reads a query. Empty or whitespace-only input gives (nil, nil), which matches everything.
// Any other failure is a *SyntaxError.
func Parse(s string) (Node, error) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, errAt(i, msgInvalidUTF8, "retype the query, or paste it again as plain text")
		}
		i += size
	}
	if utf8.RuneCountInString(s) > MaxLength {
		return nil, errAt(runeOffset(s, MaxLength), msgTooLong, "shorten the query")
	}
	start := strings.IndexFunc(s, func(r rune) bool { return !isSpace(r) })
	if start < 0 {
		return nil, nil
	}
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	items, err := p.sequence("", 0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t != nil { // sequence stops early only at a ")"
		return nil, errAt(t.pos, msgUnexpectedParen, "remove it, or add a matching ( before it")
	}
	if len(items) == 0 {
		return nil, errAt(start, msgNoWords, noWordsHint)
	}
	n, err := conjunction(items)
	if err != nil {
		return nil, err
	}
	// The query as understood must itself be a valid query (String(n) is shown to the user and may
	// be sent back). It can be longer or deeper than what was typed: "+" marks, brackets around
	// OR inside AND, and theme:(a b) written out as theme:a theme:b.
	pr := newPrinter()
	pr.root(n)
	if pr.deepPos >= 0 {
		return nil, errAt(pr.deepPos, msgTooDeep, "use fewer brackets inside brackets")
	}
	if pr.longPos >= 0 {
		return nil, errAt(pr.longPos, msgTooLong,
			"shorten the query; as understood it is longer, since theme:(a b) counts as theme:a theme:b")
	}
	return n, nil
}

// conjunction builds the And of items, which must include something to search for.
func conjunction(items []Node) (Node, error) {
	for _, it := range items {
		if _, ok := it.(*Not); !ok {
			if len(items) == 1 {
				return it, nil
			}
			return &And{Children: items}, nil
		}
	}
	return nil, errAt(items[0].(*Not).Pos, msgNoWords,
		"a search can't be only exclusions: add a word to look for, as in stalking -training")
}

// String renders n canonically: the query as understood, which Parse reads back to the same tree
// (up to the order of AND-ed items). Inside an AND, required words, phrases and groups come first,
// marked "+", then the exclusions, marked "-", then the field filters; a nil Node renders as "".
func String(n Node) string {
	p := newPrinter()
	p.root(n)
	return p.b.String()
}

// The messages of SyntaxError, named so the tests need not repeat the wording.
const (
	msgInvalidUTF8     = "the query contains invalid UTF-8"
	msgTooLong         = "the query is too long (at most 500 characters)"
	msgTooManyTerms    = "too many search terms (at most 50)"
	msgTooDeep         = "brackets are nested too deeply (at most 10 levels)"
	msgNoWords         = "add at least one word to search for"
	msgUnclosedQuote   = "missing closing quote"
	msgEmptyPhrase     = "nothing to search for between the quotes"
	msgUnclosedParen   = "missing closing bracket"
	msgUnexpectedParen = "unexpected closing bracket"
	msgEmptyGroup      = "nothing to search for between the brackets"
	msgDanglingOR      = "OR needs a search term on each side"
	msgNotInOR         = "an exclusion can't be one side of OR"
	msgShortPrefix     = "a prefix search needs at least 3 characters before the *"
	msgFieldPrefix     = "a prefix search (*) works only on plain words, not on field values"
	msgBadYear         = "year needs a year like 2020 or a range like 2019..2022"
	msgYearBackwards   = "the year range ends before it starts"
)

func msgUnknownField(name string) string { return fmt.Sprintf("unknown field %q", name) }
func msgEmptyValue(name string) string   { return "missing value after " + name + ":" }
func msgNestedField(name string) string {
	return "a field can't be used inside " + name + ":( )"
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }

// isWordRune reports whether r can start or end a word; other runes are kept only inside one.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) }

// isQuote accepts typographic quotes too: queries are often pasted from word processors.
func isQuote(r rune) bool { return r == '"' || r == '“' || r == '”' || r == '„' }

// runeOffset is the byte offset of the n-th rune (0-based) of s, or len(s).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
}
