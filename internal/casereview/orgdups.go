package casereview

import (
	"sort"
	"strings"
	"unicode"
)

// DuplicateReason says why two organisations look like one.
type DuplicateReason string

const (
	DuplicateSameName DuplicateReason = "same_name" // the names fold to one NameKey
	DuplicateAlias    DuplicateReason = "alias"     // one's name (or an alias) is an alias of the other
	DuplicateSimilar  DuplicateReason = "similar"   // the names share their distinctive words
)

// DuplicateSuggestion is a pair of organisations that are likely one, best first.
type DuplicateSuggestion struct {
	AID, AName string
	BID, BName string
	Reason     DuplicateReason
	Score      float64 // 0..1
}

// SimilarityThreshold is the least similarity score suggested.
const SimilarityThreshold = 0.8

// genericWords are the words that name a kind of organisation rather than one organisation:
// sharing them says little ("Eastmere Police" and "Westmere Police" share "police"), so they
// weigh a quarter of a distinctive word.
var genericWords = map[string]bool{
	"nhs": true, "trust": true, "foundation": true, "council": true, "county": true, "city": true, "borough": true,
	"district": true, "metropolitan": true, "police": true, "service": true, "hospital": true, "hospitals": true,
	"university": true, "partnership": true, "board": true, "integrated": true, "care": true, "health": true,
	"children": true, "adult": true, "social": true, "department": true, "ministry": true, "office": true,
	"authority": true, "local": true, "group": true, "ltd": true, "limited": true, "cic": true, "commissioning": true,
	"ambulance": true, "probation": true, "prison": true, "housing": true, "association": true, "centre": true,
}

// stopWords carry nothing at all.
var stopWords = map[string]bool{"the": true, "of": true, "and": true, "for": true, "in": true, "on": true, "at": true}

// synonyms fold spellings that name the same thing.
var synonyms = map[string]string{
	"constabulary": "police", "services": "service", "center": "centre", "organization": "organisation",
	"organisations": "organisation", "st": "saint", "childrens": "children", "adults": "adult", "trusts": "trust",
}

// nameTokens splits a name into its folded words: punctuation and apostrophes go ("St. Mary's"
// is "saint marys"), "&" is "and", stop words are dropped and synonyms folded.
func nameTokens(name string) map[string]bool {
	key := strings.ReplaceAll(NameKey(name), "&", " and ")
	key = strings.Map(func(r rune) rune {
		switch {
		case r == '\'' || r == '’':
			return -1
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		}
		return ' '
	}, key)
	out := map[string]bool{}
	for _, w := range strings.Fields(key) {
		if stopWords[w] {
			continue
		}
		if s, ok := synonyms[w]; ok {
			w = s
		}
		out[w] = true
	}
	return out
}

func tokenWeight(w string) float64 {
	if genericWords[w] {
		return 0.25
	}
	return 1
}

// tokensMatch: the same word, or, for distinctive words of six letters or more, a one-letter
// slip (one letter added, dropped, changed, or two neighbours swapped). "Eastmere" and
// "Westmere" are two letters apart, and two places.
func tokensMatch(a, b string) bool {
	if a == b {
		return true
	}
	if genericWords[a] || genericWords[b] {
		return false
	}
	ra, rb := []rune(a), []rune(b)
	if len(ra) < 6 || len(rb) < 6 {
		return false
	}
	return osaDistance(ra, rb) <= 1
}

// osaDistance is the optimal string alignment distance: edits of one letter, and swaps of
// neighbours.
func osaDistance(a, b []rune) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// NameSimilarity scores two names from 0 to 1: a weighted Jaccard index of their words, where
// generic words weigh a quarter and words a slip apart count as shared. Names that share no
// distinctive word score 0, however many generic words they share.
func NameSimilarity(a, b string) float64 {
	ta, tb := nameTokens(a), nameTokens(b)
	var inter, union float64
	sharedDistinct := false
	matched := map[string]bool{}
	for w := range ta {
		found := ""
		if tb[w] {
			found = w
		} else {
			for v := range tb {
				if !matched[v] && tokensMatch(w, v) {
					found = v
					break
				}
			}
		}
		wt := tokenWeight(w)
		if found != "" {
			matched[found] = true
			inter += wt
			union += wt
			if !genericWords[w] {
				sharedDistinct = true
			}
		} else {
			union += wt
		}
	}
	for v := range tb {
		if !matched[v] {
			union += tokenWeight(v)
		}
	}
	if !sharedDistinct || union == 0 {
		return 0
	}
	return inter / union
}

// SuggestDuplicates returns the pairs of orgs that are likely one organisation, best first:
// names with one NameKey (score 1), a name or alias that is an alias of the other (0.95), and
// names or aliases whose NameSimilarity is at least SimilarityThreshold. It compares every pair,
// which is fine for the few thousand organisations an instance holds.
func SuggestDuplicates(orgs []Organisation) []DuplicateSuggestion {
	type prepared struct {
		nameKey string
		aliases map[string]bool
		names   []string // the name and the aliases
	}
	prep := make([]prepared, len(orgs))
	for i, o := range orgs {
		p := prepared{nameKey: NameKey(o.Name), aliases: map[string]bool{}, names: []string{o.Name}}
		for _, a := range o.Aliases {
			p.aliases[NameKey(a)] = true
			p.names = append(p.names, a)
		}
		prep[i] = p
	}
	var out []DuplicateSuggestion
	for i := range orgs {
		for j := i + 1; j < len(orgs); j++ {
			a, b := prep[i], prep[j]
			s := DuplicateSuggestion{AID: orgs[i].ID, AName: orgs[i].Name, BID: orgs[j].ID, BName: orgs[j].Name}
			switch {
			case a.nameKey == b.nameKey:
				s.Reason, s.Score = DuplicateSameName, 1
			case b.aliases[a.nameKey] || a.aliases[b.nameKey] || sharesKey(a.aliases, b.aliases):
				s.Reason, s.Score = DuplicateAlias, 0.95
			default:
				best := 0.0
				for _, x := range a.names {
					for _, y := range b.names {
						best = max(best, NameSimilarity(x, y))
					}
				}
				if best < SimilarityThreshold {
					continue
				}
				s.Reason, s.Score = DuplicateSimilar, float64(int(best*100+0.5))/100
			}
			if NameKey(s.BName) < NameKey(s.AName) {
				s.AID, s.AName, s.BID, s.BName = s.BID, s.BName, s.AID, s.AName
			}
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].AName != out[j].AName {
			return out[i].AName < out[j].AName
		}
		return out[i].BName < out[j].BName
	})
	return out
}

func sharesKey(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return true
		}
	}
	return false
}
