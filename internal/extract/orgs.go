package extract

import (
	"regexp"
	"sort"
	"strings"
	"unicode"

	"github.com/casereview/casereview/internal/casereview"
)

// orgMatcher finds the organisations a recommendation names, by name or alias. A name matches
// as whole words, whatever its case; an alias in capitals ("CAA", "MASH") matches only in
// capitals, so that "Police" the alias of one force does not match every mention of police in
// lower case, and an acronym is not found inside an ordinary word.
type orgMatcher struct {
	pats []orgPattern
}

type orgPattern struct {
	org casereview.Organisation
	re  *regexp.Regexp
}

func newOrgMatcher(orgs []casereview.Organisation) orgMatcher {
	var m orgMatcher
	for _, o := range orgs {
		names := append([]string{o.Name}, o.Aliases...)
		var alts []string
		for _, n := range names {
			n = strings.TrimSpace(n)
			if len([]rune(n)) < 2 {
				continue
			}
			words := strings.Fields(n)
			for i, w := range words {
				words[i] = regexp.QuoteMeta(w)
			}
			p := strings.Join(words, `\s+`)
			if isAcronym(n) {
				alts = append(alts, `(?-i:`+p+`)`)
			} else {
				alts = append(alts, p)
			}
		}
		if len(alts) == 0 {
			continue
		}
		// Longer names first, so the alternation prefers "Eastmere Council Children's Services"
		// to "Eastmere Council".
		sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
		re, err := regexp.Compile(`(?i)(?:^|[^\pL\pN])(?:` + strings.Join(alts, "|") + `)(?:$|[^\pL\pN])`)
		if err != nil {
			continue
		}
		m.pats = append(m.pats, orgPattern{org: o, re: re})
	}
	return m
}

func isAcronym(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.IsUpper(r) {
				return false
			}
		}
	}
	return letters >= 2
}

// match returns the organisations named in text, in the order they are first named. Where one
// matched name lies inside another's match ("Eastmere Council" inside "Eastmere Council
// Children's Services"), only the longer is kept.
func (m orgMatcher) match(text string) []casereview.Organisation {
	type hit struct {
		org        casereview.Organisation
		start, end int
	}
	var hits []hit
	for _, p := range m.pats {
		if loc := p.re.FindStringIndex(text); loc != nil {
			hits = append(hits, hit{p.org, loc[0], loc[1]})
		}
	}
	var out []casereview.Organisation
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	for i, h := range hits {
		inside := false
		for j, g := range hits {
			if i != j && g.start <= h.start && h.end <= g.end && (g.end-g.start) > (h.end-h.start) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, h.org)
		}
	}
	return out
}
