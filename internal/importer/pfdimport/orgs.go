package pfdimport

import (
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// OrgGroup is one organisation the recipients name: its canonical name, its sector, and every
// other spelling the reports use (which become its aliases).
type OrgGroup struct {
	Name     string
	Sector   casereview.Sector
	Known    bool // a national body of the curated table
	Spelling []string
}

// GroupRecipients maps every recipient spelling to one organisation: a national body of the
// curated table by its canonical name, the rest by a similarity check (the same words once
// case, punctuation, "&", filler words and "NHS … Trust" are set aside, or a difference of a
// letter or two in a long name, never in a number). It returns the groups and, for each
// spelling, its group's index.
func GroupRecipients(spellings []string) ([]OrgGroup, map[string]int) {
	var groups []OrgGroup
	of := map[string]int{}
	counts := map[string]int{}
	byName := map[string]int{}
	var unknown []string
	for _, s := range spellings {
		counts[s]++
		if _, done := of[s]; done {
			continue
		}
		name, sector, spelt, known := canonical(s)
		if !known {
			of[s] = -1
			unknown = append(unknown, s)
			continue
		}
		g, ok := byName[name]
		if !ok {
			g = len(groups)
			byName[name] = g
			groups = append(groups, OrgGroup{Name: name, Sector: sector, Known: true})
		}
		of[s] = g
		// The body's name as spelt is the alias, not the title or unit around it.
		if !strings.EqualFold(spelt, name) && !slices.Contains(groups[g].Spelling, spelt) {
			groups[g].Spelling = append(groups[g].Spelling, spelt)
		}
	}
	// The rest: union the spellings whose keys are equal or nearly so.
	parent := make([]int, len(unknown))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	keys := make([]string, len(unknown))
	byKey := map[string]int{}
	for i, s := range unknown {
		keys[i] = compactKey(s)
		if j, ok := byKey[keys[i]]; ok {
			parent[find(i)] = find(j)
		} else {
			byKey[keys[i]] = i
		}
	}
	distinct := make([]int, 0, len(byKey))
	for _, i := range byKey {
		distinct = append(distinct, i)
	}
	sort.Ints(distinct)
	for x, i := range distinct {
		for _, j := range distinct[x+1:] {
			if nearlySame(keys[i], keys[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	members := map[int][]string{}
	var roots []int
	for i, s := range unknown {
		r := find(i)
		if _, ok := members[r]; !ok {
			roots = append(roots, r)
		}
		members[r] = append(members[r], s)
	}
	for _, r := range roots {
		ss := members[r]
		// The canonical spelling: the commonest, then one not in capitals nor opening with
		// "The", then the longest, then the first.
		plain := func(s string) bool { return s != strings.ToUpper(s) && !strings.HasPrefix(s, "The ") }
		sort.SliceStable(ss, func(a, b int) bool {
			if counts[ss[a]] != counts[ss[b]] {
				return counts[ss[a]] > counts[ss[b]]
			}
			if plain(ss[a]) != plain(ss[b]) {
				return plain(ss[a])
			}
			return len(ss[a]) > len(ss[b])
		})
		g := len(groups)
		groups = append(groups, OrgGroup{Name: ss[0], Sector: GuessSector(ss[0]), Spelling: ss[1:]})
		for _, s := range ss {
			of[s] = g
		}
	}
	return groups, of
}

var (
	reKeyPunct = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	keyFillers = map[string]bool{"the": true, "of": true, "and": true, "for": true, "ltd": true, "limited": true, "plc": true,
		"nhs": true, "foundation": true, "trust": true, "service": true, "services": true, "uk": true}
)

// compactKey is a name's words without case, punctuation, "&" and filler words, run together
// ("North West" and "Northwest" alike).
func compactKey(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	s = strings.NewReplacer("’s", "s", "'s", "s", "’", "", "'", "").Replace(s)
	var b strings.Builder
	for _, w := range strings.Fields(reKeyPunct.ReplaceAllString(s, " ")) {
		if !keyFillers[w] {
			b.WriteString(w)
		}
	}
	return b.String()
}

// nearlySame: two long keys a letter apart (two in a very long one), differing in no digit.
func nearlySame(a, b string) bool {
	n := min(len([]rune(a)), len([]rune(b)))
	limit := 0
	switch {
	case n >= 24:
		limit = 2
	case n >= 12:
		limit = 1
	default:
		return false
	}
	if digits(a) != digits(b) {
		return false
	}
	return editDistance(a, b, limit) <= limit
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// editDistance is the Levenshtein distance of a and b, or limit+1 once it exceeds limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
