package extract

import (
	"regexp"
	"strings"
	"unicode"
)

// line is one line of a document, with the page it is on (from 1) and its indentation.
type line struct {
	text   string // trimmed
	page   int
	indent int
}

func (l line) blank() bool { return l.text == "" }

var (
	digitsRe     = regexp.MustCompile(`\d+`)
	spacesRe     = regexp.MustCompile(`\s+`)
	pageNumberRe = regexp.MustCompile(`(?i)^(?:page\s+)?[-–(]?\s*\d{1,4}\s*[-–)]?(?:\s+of\s+\d{1,4})?$`)
)

// headerKey is how a running header or footer is recognised from page to page: its page number
// (and any other digits) may change.
func headerKey(s string) string {
	s = strings.ToLower(spacesRe.ReplaceAllString(strings.TrimSpace(s), " "))
	return digitsRe.ReplaceAllString(s, "#")
}

// lines turns the pages into lines, leaving out page numbers and the running headers and footers
// (a short line that starts or ends three or more pages), which would otherwise split a
// recommendation that runs over a page.
func (d Document) lines() []line {
	pages := make([][]string, len(d.Pages))
	for i, p := range d.Pages {
		p = strings.ReplaceAll(p, "\r\n", "\n")
		pages[i] = strings.Split(p, "\n")
	}
	edge := map[string]int{}
	for _, ls := range pages {
		seen := map[string]bool{}
		for _, s := range edgeLines(ls) {
			k := headerKey(s)
			if k != "" && len(k) < 120 && !seen[k] {
				seen[k] = true
				edge[k]++
			}
		}
	}
	running := map[string]bool{}
	var prefixes []string // running headers as text, to strip from a line a header was glued to
	for k, n := range edge {
		if n >= 3 && n*10 >= len(pages)*3 {
			running[k] = true
		}
	}
	for _, ls := range pages {
		for _, s := range edgeLines(ls) {
			if running[headerKey(s)] {
				prefixes = append(prefixes, spacesRe.ReplaceAllString(strings.TrimSpace(s), " "))
			}
		}
	}
	var out []line
	for i, ls := range pages {
		pageNo := i + 1
		if i < len(d.Numbers) {
			pageNo = d.Numbers[i]
		}
		first := true
		for _, raw := range ls {
			raw = strings.ReplaceAll(raw, "\t", "    ")
			t := strings.TrimSpace(raw)
			if t == "" {
				out = append(out, line{page: pageNo})
				continue
			}
			if running[headerKey(t)] || pageNumberRe.MatchString(t) {
				continue
			}
			if first {
				// A text export can glue the page's running header to its first line.
				norm := spacesRe.ReplaceAllString(t, " ")
				for _, p := range prefixes {
					if len(p) < len(norm) && strings.HasPrefix(norm, p+" ") {
						t = strings.TrimSpace(norm[len(p):])
						break
					}
				}
				first = false
			}
			indent := len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
			out = append(out, line{text: t, page: pageNo, indent: indent})
		}
	}
	return out
}

// edgeLines are the first and last three non-blank lines of a page.
func edgeLines(ls []string) []string {
	var nb []string
	for _, s := range ls {
		if strings.TrimSpace(s) != "" {
			nb = append(nb, s)
		}
	}
	if len(nb) <= 6 {
		return nb
	}
	return append(append([]string{}, nb[:3]...), nb[len(nb)-3:]...)
}

// joinText joins a recommendation's lines into running text: a word broken with a hyphen at a
// line's end is joined again, and runs of spaces become one.
func joinText(ls []string) string {
	var b strings.Builder
	for i, s := range ls {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			cur := b.String()
			if strings.HasSuffix(cur, "-") && len(cur) > 1 && unicode.IsLetter(rune(cur[len(cur)-2])) && s != "" && unicode.IsLower([]rune(s)[0]) {
				// "multi-\nagency" keeps its hyphen; "assess-\nment" loses it. Without a
				// dictionary the lower-case rule is the best guess, and a person reads it.
				if !strings.HasSuffix(cur, "multi-") && !strings.HasSuffix(cur, "inter-") && !strings.HasSuffix(cur, "cross-") {
					b.Reset()
					b.WriteString(strings.TrimSuffix(cur, "-"))
					b.WriteString(s)
					continue
				}
				b.WriteString(s)
				continue
			}
			b.WriteString(" ")
		}
		b.WriteString(s)
	}
	return strings.TrimSpace(spacesRe.ReplaceAllString(b.String(), " "))
}
