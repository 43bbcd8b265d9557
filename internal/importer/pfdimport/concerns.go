package pfdimport

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Item is one numbered matter of concern.
type Item struct {
	Number string // the label as the report prints it: "1", "b", "iii"
	Text   string
}

// A list marker: "1." "2)" "(3)" "a)" "(b)" "c." "iv)" … Its label's class decides which
// list it belongs to; its form ("." ")" or parentheses) may change within a list.
type marker struct {
	start, end int // the marker with the white space after it
	label      string
	class      byte // 'n' arabic, 'a' lower-case letter, 'A' upper-case letter, 'i' lower-case roman
}

var reMarker = regexp.MustCompile(`\(([0-9]{1,2}|[a-zA-Z]|[ivx]{2,5})\)|([0-9]{1,2}|[a-zA-Z]|[ivx]{2,5})[.)]`)

// templateFooter is the footer of the judiciary's report template, which text extraction drops
// into the middle of the concerns at page breaks ("… Template Updated 30/07/2021 2. During …").
var templateFooter = regexp.MustCompile(`Regulation 28\s*[–-]\s*After Inquest Document Template\s+Updated\s+\d{1,2}/\d{1,2}/\d{4}`)

// SplitConcerns splits a report's matters of concern into its items. It finds every list the
// text numbers, in any style the reports use: "1." "1)" "(1)", "a)" "(a)" "a.", "(i)" "ii)",
// at the start of a line or inline ("… as follows: (1) Staff … (2) The …"). An inline marker
// must follow white space and open a sentence (a capital, a digit, a quote or a bracket), so
// "s135(1)" and "which (a) it" are not markers. The list whose item 1 comes first is the
// report's list (a later one is nested in its items); it needs at least two items in
// sequence. Text before item 1 stays with item 1, so nothing the report says is dropped.
// Unnumbered concerns are one item, the whole text.
func SplitConcerns(text string) []Item {
	text = strings.TrimSpace(templateFooter.ReplaceAllString(CleanText(strings.ReplaceAll(text, "\r\n", "\n")), " "))
	if text == "" {
		return nil
	}
	chain := bestChain(findMarkers(text))
	if len(chain) < 2 {
		return []Item{{Number: "1", Text: text}}
	}
	var items []Item
	for i, m := range chain {
		end := len(text)
		if i+1 < len(chain) {
			end = chain[i+1].start
		}
		body := strings.TrimSpace(text[m.end:end])
		if i == 0 {
			if pre := strings.TrimSpace(text[:m.start]); pre != "" {
				body = strings.TrimSpace(pre + "\n\n" + body)
			}
		}
		if body == "" {
			continue
		}
		items = append(items, Item{Number: m.label, Text: body})
	}
	return items
}

// findMarkers lists the candidate list markers of text, in order.
func findMarkers(text string) []marker {
	var out []marker
	for _, ix := range reMarker.FindAllStringSubmatchIndex(text, -1) {
		start, end := ix[0], ix[1]
		label, paren := "", false
		if ix[2] >= 0 {
			label, paren = text[ix[2]:ix[3]], true
		} else {
			label = text[ix[4]:ix[5]]
		}
		// White space must follow (or the text end), and is part of the marker.
		rest := text[end:]
		trimmed := strings.TrimLeft(rest, " \t\n")
		if len(trimmed) == len(rest) && rest != "" {
			continue
		}
		atLine := lineStart(text, start)
		if !atLine {
			// Inline: after white space, opening a sentence.
			if start == 0 || !isSpaceByte(text[start-1]) || !opensSentence(trimmed) {
				continue
			}
			if !paren && strings.HasSuffix(text[ix[0]:ix[1]], ".") && !afterPunctuation(text, start) {
				continue // "aged 2. He": a number ending a sentence, not a marker
			}
		}
		end += len(rest) - len(trimmed)
		for _, class := range classesOf(label) {
			if !atLine && (class == 'A' || class == 'i' || class == 'a') && !paren && strings.HasSuffix(text[ix[0]:ix[1]], ".") {
				continue // "a." and "iv." only open lines
			}
			out = append(out, marker{start: start, end: end, label: label, class: class})
		}
	}
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\n' }

// lineStart: only white space and bullets between the line's start and i.
func lineStart(text string, i int) bool {
	ls := strings.LastIndexByte(text[:i], '\n') + 1
	return strings.TrimLeft(text[ls:i], " \t•-–—*") == ""
}

// opensSentence: s starts with a capital, a digit, a quote or an opening bracket.
func opensSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'“‘[(`, r)
}

// afterPunctuation: the last non-space character before i ends a sentence or a clause.
func afterPunctuation(text string, i int) bool {
	before := strings.TrimRight(text[:i], " \t\n")
	r, _ := utf8.DecodeLastRuneInString(before)
	return before == "" || strings.ContainsRune(`.:;!?)]"'”’–—-…`, r)
}

// classesOf names the lists a label may belong to: "i" is a letter and a roman numeral.
func classesOf(label string) []byte {
	switch {
	case label[0] >= '0' && label[0] <= '9':
		return []byte{'n'}
	case len(label) > 1:
		return []byte{'i'}
	case label == "i" || label == "v" || label == "x":
		return []byte{'a', 'i'}
	case label[0] >= 'a' && label[0] <= 'z':
		return []byte{'a'}
	default:
		return []byte{'A'}
	}
}

var romans = []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv",
	"xvi", "xvii", "xviii", "xix", "xx"}

// labelAt is the k-th label (0-based) of a list of class c, or "" past its end.
func labelAt(c byte, k int) string {
	switch c {
	case 'n':
		return fmt.Sprint(k + 1)
	case 'a', 'A':
		if k >= 26 {
			return ""
		}
		if c == 'a' {
			return string(rune('a' + k))
		}
		return string(rune('A' + k))
	default:
		if k >= len(romans) {
			return ""
		}
		return romans[k]
	}
}

// bestChain picks the report's list: for each class, the longest run of markers labelled in
// sequence from the first label (the earliest such run on a tie); then, of the classes with at
// least two items, the one whose list starts first (the longer on a tie).
func bestChain(ms []marker) []marker {
	var best []marker
	for _, c := range []byte{'n', 'a', 'A', 'i'} {
		var own []marker
		for _, m := range ms {
			if m.class == c {
				own = append(own, m)
			}
		}
		var top []marker
		for i, m := range own {
			if m.label != labelAt(c, 0) {
				continue
			}
			chain := []marker{m}
			for _, n := range own[i+1:] {
				if n.start >= chain[len(chain)-1].end && n.label == labelAt(c, len(chain)) {
					chain = append(chain, n)
				}
			}
			if len(chain) > len(top) {
				top = chain
			}
		}
		if len(top) < 2 {
			continue
		}
		if best == nil || top[0].start < best[0].start || (top[0].start == best[0].start && len(top) > len(best)) {
			best = top
		}
	}
	return best
}
