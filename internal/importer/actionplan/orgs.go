package actionplan

import (
	"regexp"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// OrgIndex matches lead-agency text to organisations through their names and aliases: exactly
// (ignoring case and spacing) first, then after normalising punctuation, "&" and filler words.
type OrgIndex struct {
	exact map[string]string
	norm  map[string]string
	names map[string]string // id -> canonical name
	keys  []orgKey
}

type orgKey struct{ norm, id string }

// NewOrgIndex indexes orgs by name and every alias.
func NewOrgIndex(orgs []casereview.Organisation) *OrgIndex {
	ix := &OrgIndex{exact: map[string]string{}, norm: map[string]string{}, names: map[string]string{}}
	for _, o := range orgs {
		ix.Add(o)
	}
	return ix
}

// Add indexes one more organisation (one just created, say).
func (ix *OrgIndex) Add(o casereview.Organisation) {
	ix.names[o.ID] = o.Name
	for _, n := range append([]string{o.Name}, o.Aliases...) {
		e, k := exactKey(n), normKey(n)
		if _, taken := ix.exact[e]; !taken {
			ix.exact[e] = o.ID
		}
		if _, taken := ix.norm[k]; !taken && k != "" {
			ix.norm[k] = o.ID
			ix.keys = append(ix.keys, orgKey{k, o.ID})
		}
	}
}

// Alias makes text match the organisation id, for one import (the store is not changed).
func (ix *OrgIndex) Alias(text, id string) {
	if k := exactKey(text); k != "" {
		ix.exact[k] = id
	}
}

func exactKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

var (
	rePunct  = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	fillers  = map[string]bool{"the": true, "of": true, "and": true, "for": true, "ltd": true, "limited": true, "plc": true, "service": true, "services": true}
	synonyms = map[string]string{"constabulary": "police", "council": "council", "cc": "council", "nhsft": "nhs foundation trust", "ft": "foundation trust"}
)

func normKey(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	s = strings.ReplaceAll(s, "’", "'")
	s = strings.ReplaceAll(s, "'s", "s")
	var out []string
	for _, w := range strings.Fields(rePunct.ReplaceAllString(s, " ")) {
		if syn, ok := synonyms[w]; ok {
			w = syn
		}
		if !fillers[w] {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// Match returns the organisation raw names, how it matched ("exact" or "normalised"), and,
// when nothing matched, up to three closest names.
func (ix *OrgIndex) Match(raw string) (id, how string, suggestions []string) {
	if id, how := ix.Find(raw); id != "" {
		return id, how, nil
	}
	return "", "", ix.closest(raw, 3)
}

// Find is Match without the (slower) suggestions.
func (ix *OrgIndex) Find(raw string) (id, how string) {
	if id, ok := ix.exact[exactKey(raw)]; ok {
		return id, "exact"
	}
	if k := normKey(raw); k != "" {
		if id, ok := ix.norm[k]; ok {
			return id, "normalised"
		}
	}
	return "", ""
}

// Name is the canonical name of id.
func (ix *OrgIndex) Name(id string) string { return ix.names[id] }

// closest ranks the known names by similarity of their normalised words and letters.
func (ix *OrgIndex) closest(raw string, n int) []string {
	k := normKey(raw)
	type scored struct {
		name  string
		score float64
	}
	best := map[string]float64{}
	for _, key := range ix.keys {
		s := similarity(k, key.norm)
		if s > best[key.id] {
			best[key.id] = s
		}
	}
	var all []scored
	for id, s := range best {
		if s >= 0.3 {
			all = append(all, scored{ix.names[id], s})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].name < all[j].name
	})
	var out []string
	for i := 0; i < len(all) && i < n; i++ {
		out = append(out, all[i].name)
	}
	return out
}

// similarity mixes word overlap with letter-bigram overlap (Dice), so both "Northfold Police"
// for "Police" and "Northfeld Council" for "Northfold Council" rank high.
func similarity(a, b string) float64 {
	if a == "" || b == "" {
		return 0
	}
	wa, wb := strings.Fields(a), strings.Fields(b)
	set := map[string]bool{}
	for _, w := range wb {
		set[w] = true
	}
	common := 0
	for _, w := range wa {
		if set[w] {
			common++
		}
	}
	words := 2 * float64(common) / float64(len(wa)+len(wb))
	return 0.5*words + 0.5*dice(a, b)
}

func dice(a, b string) float64 {
	bg := func(s string) map[string]int {
		m := map[string]int{}
		r := []rune(s)
		for i := 0; i+1 < len(r); i++ {
			m[string(r[i:i+2])]++
		}
		return m
	}
	x, y := bg(a), bg(b)
	common, total := 0, 0
	for k, v := range x {
		common += min(v, y[k])
		total += v
	}
	for _, v := range y {
		total += v
	}
	if total == 0 {
		return 0
	}
	return 2 * float64(common) / float64(total)
}

// Agency names are split first at the separators no name contains (/ ; and line breaks), and
// only a part that names no organisation is split again at those a name may contain (commas,
// "&", "and", "with", "supported by"): "Health and Care Trust / Police" is two agencies.
var (
	reAgencySplit = regexp.MustCompile(`\s*(?:/|;|\n)\s*`)
	reAgencyWords = regexp.MustCompile(`\s*(?:,|\s&\s|\s+and\s+|\s+with\s+|\s+supported by\s+)\s*`)
)

// SplitAgencies splits a lead-agency cell that names several agencies ("Police / Children's
// Services") at every separator. The whole text is tried first by the caller; this is the
// fallback.
func SplitAgencies(raw string) []string {
	var out []string
	for _, p := range splitOn(reAgencySplit, raw) {
		out = append(out, splitOn(reAgencyWords, p)...)
	}
	return out
}

func splitOn(re *regexp.Regexp, s string) []string {
	var out []string
	for _, p := range re.Split(s, -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// agency is one organisation a lead-agency cell names, with the text to keep as the
// addressee's raw text: the organisation's name where the cell names it exactly (as an export
// writes it), the whole cell otherwise.
type agency struct{ id, raw string }

// resolveCell matches a lead-agency cell: whole, then part by part (see reAgencySplit), and
// returns the agencies found, each once, and the parts that match nothing (the whole cell when
// nothing matches at all).
func (ix *OrgIndex) resolveCell(raw string) (found []agency, missing []string) {
	if id, _ := ix.Find(raw); id != "" {
		return []agency{{id, raw}}, nil
	}
	seen := map[string]bool{}
	add := func(id, part string) {
		if seen[id] {
			return
		}
		seen[id] = true
		text := raw
		if exactKey(part) == exactKey(ix.Name(id)) {
			text = ix.Name(id)
		}
		found = append(found, agency{id, text})
	}
	for _, part := range splitOn(reAgencySplit, raw) {
		if id, _ := ix.Find(part); id != "" {
			add(id, part)
			continue
		}
		words := splitOn(reAgencyWords, part)
		hit := false
		var miss []string
		for _, w := range words {
			if id, _ := ix.Find(w); id != "" && len(words) > 1 {
				add(id, w)
				hit = true
			} else {
				miss = append(miss, w)
			}
		}
		if !hit {
			miss = []string{part}
		}
		missing = append(missing, miss...)
	}
	if len(found) == 0 {
		return nil, []string{raw}
	}
	return found, missing
}
