package query

import (
	"strings"
	"unicode/utf8"
)

type tokKind int

const (
	tWord   tokKind = iota // a bare word, or the value after a field
	tPhrase                // a quoted phrase
	tField                 // "name:"; always followed by tWord, tPhrase or tLParen
	tLParen
	tRParen
	tOr
	tSign // a run of + and - directly before a word, phrase, field or bracket
)

type token struct {
	kind   tokKind
	pos    int
	text   string // tWord: the word without edge punctuation; tPhrase: the phrase; tField: the name
	raw    string // tWord: as typed (year values need their dots)
	prefix bool   // tWord: a * follows the last letter or digit
	neg    bool   // tSign: contains a "-"
}

// lex splits s, which is valid UTF-8, into tokens. Punctuation that is not part of any word (a
// lone "-", "&", "...") is dropped.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case isSpace(r):
			i += size
		case r == '(':
			toks = append(toks, token{kind: tLParen, pos: i})
			i++
		case r == ')':
			toks = append(toks, token{kind: tRParen, pos: i})
			i++
		case isQuote(r):
			t, next, err := lexPhrase(s, i)
			if err != nil {
				return nil, err
			}
			toks = append(toks, t)
			i = next
		case r == '+' || r == '-':
			sign := token{kind: tSign, pos: i}
			j := i
			for j < len(s) && (s[j] == '+' || s[j] == '-') {
				sign.neg = sign.neg || s[j] == '-'
				j++
			}
			if j == len(s) {
				i = j
				continue
			}
			r2, _ := utf8.DecodeRuneInString(s[j:])
			switch {
			case isSpace(r2) || r2 == ')': // "a - b", "a -- b": a dash, not an exclusion
				i = j
			case r2 == '(' || isQuote(r2):
				toks = append(toks, sign)
				i = j
			default:
				ts, next, err := lexBare(s, j)
				if err != nil {
					return nil, err
				}
				if len(ts) > 0 {
					toks = append(toks, sign)
					toks = append(toks, ts...)
				}
				i = next
			}
		default:
			ts, next, err := lexBare(s, i)
			if err != nil {
				return nil, err
			}
			if len(ts) == 1 && ts[0].kind == tWord && ts[0].raw == "NOT" && operandFollows(s, next) {
				// NOT in capitals before something to exclude is the "-" of other search boxes.
				ts[0] = token{kind: tSign, pos: ts[0].pos, neg: true}
			}
			toks = append(toks, ts...)
			i = next
		}
	}
	return toks, nil
}

// operandFollows reports whether, after spaces, s[i:] starts with something a sign can apply to:
// a word, a phrase, a field or an opening bracket (not a closing one, a sign, OR or the end).
func operandFollows(s string, i int) bool {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isSpace(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == '(' || isQuote(r) {
		return true
	}
	if r == ')' || r == '-' || r == '+' {
		return false
	}
	ts, _, err := lexBare(s, i)
	return err == nil && len(ts) > 0 && ts[0].kind != tOr
}

// lexPhrase reads the phrase whose opening quote is at s[i].
func lexPhrase(s string, i int) (token, int, error) {
	_, qsize := utf8.DecodeRuneInString(s[i:])
	for j := i + qsize; j < len(s); {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isQuote(r) {
			text := strings.Join(strings.FieldsFunc(s[i+qsize:j], isSpace), " ")
			if strings.IndexFunc(text, isWordRune) < 0 {
				return token{}, 0, errAt(i, msgEmptyPhrase, "put words between the quotes, or remove them")
			}
			return token{kind: tPhrase, pos: i, text: text}, j + size, nil
		}
		j += size
	}
	return token{}, 0, errAt(i, msgUnclosedQuote, `add a closing " after the phrase, or remove this quote`)
}

// lexBare reads the run of characters from s[i] up to a space, bracket or quote: a word, an OR,
// or a field with its value. A run without letters or digits gives no tokens.
func lexBare(s string, i int) ([]token, int, error) {
	j := i
	for j < len(s) {
		r, size := utf8.DecodeRuneInString(s[j:])
		if isSpace(r) || r == '(' || r == ')' || isQuote(r) {
			break
		}
		j += size
	}
	raw := s[i:j]
	start := strings.IndexFunc(raw, isWordRune)
	if start < 0 {
		return nil, j, nil
	}
	// A field is ASCII letters and a colon at the start of the word. Anything else with a colon
	// (10:30) is a word.
	k := start
	for k < len(raw) && isASCIILetter(raw[k]) {
		k++
	}
	if k > start && k < len(raw) && raw[k] == ':' {
		return lexField(s, i+start, raw[start:k], raw[k+1:], j)
	}
	text, prefix := trimWord(raw)
	if text == "OR" {
		return []token{{kind: tOr, pos: i + start}}, j, nil
	}
	return []token{{kind: tWord, pos: i + start, text: text, raw: raw, prefix: prefix}}, j, nil
}

// lexField reads name:value where name starts at s[pos] and the run ends at s[end].
func lexField(s string, pos int, name, value string, end int) ([]token, int, error) {
	lname := strings.ToLower(name)
	if !knownField(lname) {
		return nil, 0, errAt(pos, msgUnknownField(name), unknownFieldHint(lname))
	}
	field := token{kind: tField, pos: pos, text: lname}
	if value == "" {
		if end < len(s) {
			r, _ := utf8.DecodeRuneInString(s[end:])
			if isQuote(r) {
				ph, next, err := lexPhrase(s, end)
				if err != nil {
					return nil, 0, err
				}
				return []token{field, ph}, next, nil
			}
			if r == '(' {
				return []token{field}, end, nil
			}
		}
		return nil, 0, errAt(pos, msgEmptyValue(lname),
			"write the value straight after the colon, as in "+lname+`:word or `+lname+`:"two words"`)
	}
	text, prefix := trimWord(value)
	if text == "" && lname != "year" { // year values are checked whole, dots included
		return nil, 0, errAt(pos, msgEmptyValue(lname),
			"write the value straight after the colon, as in "+lname+`:word or `+lname+`:"two words"`)
	}
	w := token{kind: tWord, pos: pos + len(name) + 1, text: text, raw: value, prefix: prefix}
	return []token{field, w}, end, nil
}

// trimWord drops the punctuation at the edges of raw; prefix reports a "*" right after the last
// letter or digit.
func trimWord(raw string) (text string, prefix bool) {
	start := strings.IndexFunc(raw, isWordRune)
	if start < 0 {
		return "", false
	}
	end := strings.LastIndexFunc(raw, isWordRune)
	_, size := utf8.DecodeRuneInString(raw[end:])
	end += size
	return raw[start:end], end < len(raw) && raw[end] == '*'
}

func isASCIILetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// unknownFieldHint suggests the field the user probably meant, then lists them all.
func unknownFieldHint(name string) string {
	var b strings.Builder
	if m := closestField(name); m != "" {
		b.WriteString("did you mean " + m + ":? ")
	}
	b.WriteString("known fields: " + strings.Join(fieldNames[:], ", "))
	b.WriteString(`; to search for text with a colon in it, put it in quotes`)
	return b.String()
}

var fieldAliases = map[string]string{
	"organisation": "agency", "organization": "agency", "agencies": "agency", "orgs": "org",
	"review": "type", "reviewtype": "type", "kind": "type", "date": "year", "themes": "theme",
	"tag": "theme", "tags": "theme", "ref": "reference", "no": "number", "flags": "flag",
}

func closestField(name string) string {
	if a, ok := fieldAliases[name]; ok {
		return a
	}
	if len(name) < 3 {
		return ""
	}
	best, bestD := "", 3
	for _, f := range fieldNames {
		if d := editDistance(name, f); d < bestD {
			best, bestD = f, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between two short ASCII strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
