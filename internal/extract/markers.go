package extract

import (
	"regexp"
	"strconv"
	"strings"
)

// marker is the number (or bullet) that starts a list item, in one of the styles reports use.
type marker struct {
	style string // rec ("Recommendation 3"), R ("R3"), dotted ("3.1"), dot ("3."), close ("3)"), paren ("(3)"), bullet
	label string // the number as written, without its punctuation
	rest  string // the text after it on the line
	cands []cand // what the label can count as
}

// cand is one reading of a label: "i" is roman 1 or the ninth letter; "(I)" in a list that goes
// on "(2)" is a scanned "(1)".
type cand struct {
	kind string // digit, letter, roman
	val  int
}

var (
	recMarkRe    = regexp.MustCompile(`(?i)^recommendation\s+(?:no\.?\s*|number\s+)?(\d{1,3}|[a-z])\b\s*[:.)\-–—]?\s*(.*)$`)
	rMarkRe      = regexp.MustCompile(`^R\s?(\d{1,3})\b\s*[:.)\-–—]?\s*(.*)$`)
	dottedMarkRe = regexp.MustCompile(`^(\d{1,2}(?:\.\d{1,3})+)\.?\s+(.*)$`)
	dotMarkRe    = regexp.MustCompile(`^(\d{1,3}|[a-zA-Z]|[ivxlIVXL]{2,6})([.)])\s+(.*)$`)
	parenMarkRe  = regexp.MustCompile(`^\((\d{1,3}|[a-zA-Z]|[ivxlIVXL]{2,6})\)\s*(.*)$`)
	bulletMarkRe = regexp.MustCompile("^(?:[•●▪■◦‣∙·\uf0b7\uf0a7\uf076\uf0d8\uf0fc]\\s*|[-–*]\\s+)(.*)$")
)

func parseMarker(s string) (marker, bool) {
	if m := recMarkRe.FindStringSubmatch(s); m != nil {
		return marker{style: "rec", label: m[1], rest: m[2], cands: readLabel(m[1])}, true
	}
	if m := rMarkRe.FindStringSubmatch(s); m != nil {
		return marker{style: "R", label: "R" + m[1], rest: m[2], cands: readLabel(m[1])}, true
	}
	if m := dottedMarkRe.FindStringSubmatch(s); m != nil {
		return marker{style: "dotted", label: m[1], rest: m[2]}, true
	}
	if m := dotMarkRe.FindStringSubmatch(s); m != nil {
		style := "dot"
		if m[2] == ")" {
			style = "close"
		}
		return marker{style: style, label: m[1], rest: m[3], cands: readLabel(m[1])}, true
	}
	if m := parenMarkRe.FindStringSubmatch(s); m != nil {
		return marker{style: "paren", label: m[1], rest: m[2], cands: readLabel(m[1])}, true
	}
	if m := bulletMarkRe.FindStringSubmatch(s); m != nil {
		return marker{style: "bullet", rest: m[1]}, true
	}
	return marker{}, false
}

func readLabel(t string) []cand {
	if n, err := strconv.Atoi(t); err == nil {
		return []cand{{"digit", n}}
	}
	var out []cand
	if t == "I" || t == "l" {
		out = append(out, cand{"digit", 1})
	}
	if v := romanValue(strings.ToLower(t)); v > 0 {
		out = append(out, cand{"roman", v})
	}
	if len(t) == 1 {
		out = append(out, cand{"letter", int(strings.ToLower(t)[0]-'a') + 1})
	}
	return out
}

func romanValue(s string) int {
	vals := map[byte]int{'i': 1, 'v': 5, 'x': 10, 'l': 50}
	total := 0
	for i := 0; i < len(s); i++ {
		v, ok := vals[s[i]]
		if !ok {
			return 0
		}
		if i+1 < len(s) && vals[s[i+1]] > v {
			total -= v
		} else {
			total += v
		}
	}
	if roman(total) != s { // "iiii" or "vx" is not a roman number
		return 0
	}
	return total
}

// start is the reading of the first marker of a list: the one that counts as 1 if any does.
func (m marker) start() (kind string, val int) {
	if len(m.cands) == 0 {
		return "", 0
	}
	for _, c := range m.cands {
		if c.val == 1 {
			return c.kind, 1
		}
	}
	return m.cands[0].kind, m.cands[0].val
}

// follows says whether m is the next item after prev in a list counted in kind. Markers without
// a count (bullets, "3.1") always are.
func (m marker) follows(kind string, prev int) bool {
	if m.style == "bullet" || m.style == "dotted" {
		return true
	}
	for _, c := range m.cands {
		if c.kind == kind && c.val == prev+1 {
			return true
		}
	}
	return false
}
