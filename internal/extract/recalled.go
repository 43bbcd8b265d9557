package extract

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// A report often recalls recommendations that other investigations made: to show that an issue
// has been raised before, or what became of it. They are recommendations in the text, with
// identifiers, but not the report's own, and a panel that added them would record them twice.
// The finder proposes them marked Recalled, which the proposals form leaves unticked, when:
//
//   - they sit under a heading of recommendations made before ("Previous recommendations",
//     "Earlier recommendations"), wherever else the report mentions them; or
//   - their identifier carries a year (the "023/14" form) older than every identifier in the
//     report's own recommendations section, and they are not in that section. The report's own
//     section is the first recommendations section that holds identifiers; its earliest year
//     bounds the report's series, since a report makes its recommendations (urgent ones during
//     the inquiry, the rest when it is published) from the inquiry's start on.

// idYear is the year an identifier such as "023/14" was issued in, or 0 when it has none.
func idYear(id string) int {
	_, yy, ok := strings.Cut(id, "/")
	if !ok || len(yy) != 2 {
		return 0
	}
	n, err := strconv.Atoi(yy)
	if err != nil {
		return 0
	}
	if n >= 50 {
		return 1900 + n
	}
	return 2000 + n
}

// olderThanOwn returns the identifiers outside the report's own recommendations section whose
// year is before every year in it.
func olderThanOwn(order []string, occ []idOccurrence, chosen map[string]int, sec []int, recalled map[string]bool) map[string]bool {
	own, first := -1, -1
	for _, id := range order {
		o := occ[chosen[id]]
		if recalled[id] || sec[o.line] < 0 {
			continue
		}
		if first < 0 || o.line < first {
			first, own = o.line, sec[o.line]
		}
	}
	if own < 0 {
		return nil
	}
	earliest := 0
	for _, id := range order {
		o := occ[chosen[id]]
		if recalled[id] || sec[o.line] != own {
			continue
		}
		y := idYear(id)
		if y == 0 {
			return nil // an identifier without a year: the series cannot be told
		}
		if earliest == 0 || y < earliest {
			earliest = y
		}
	}
	out := map[string]bool{}
	for _, id := range order {
		o := occ[chosen[id]]
		if y := idYear(id); sec[o.line] != own && y > 0 && y < earliest {
			out[id] = true
		}
	}
	return out
}

var headingNumRe = regexp.MustCompile(`^(\d{1,2}(?:\.\d{1,3})*)\.?\s+`)

// headingDepth is how many numbers a heading's number has ("8.2." is 2), 0 when it has none.
func headingDepth(s string) int {
	m := headingNumRe.FindStringSubmatch(s)
	if m == nil {
		return 0
	}
	return strings.Count(m[1], ".") + 1
}

// numberedHeading says whether s is a short numbered heading ("4.3. Stacking distances",
// "9. Citations") rather than the first line of a numbered paragraph.
func numberedHeading(s string) bool {
	loc := headingNumRe.FindStringIndex(s)
	if loc == nil {
		return false
	}
	rest := strings.TrimSpace(s[loc[1]:])
	if len(rest) < 3 || len(rest) > 60 || strings.ContainsAny(rest[len(rest)-1:], ".,;:") {
		return false
	}
	for _, r := range rest {
		return unicode.IsUpper(r)
	}
	return false
}
