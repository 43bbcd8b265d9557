// Package recurrence groups recommendations that ask for substantially the same thing into
// recurrence clusters, across reviews, review types and areas.
//
// Method (pure Go, nothing downloaded): each text is normalised (lower case, stop words dropped,
// a light suffix stemmer) into a set of shingles — its content-word stems and its adjacent stem
// pairs. A MinHash signature of that set is cut into LSH bands so that a new text meets only the
// earlier texts that share a band (candidates), never the whole collection. Each candidate is
// scored by the exact weighted overlap of the two shingle sets, plus small supporting bonuses
// when the two share an addressee sector or a theme. A recommendation joins the cluster of its
// best-scoring earlier recommendation when that score reaches the threshold, otherwise it starts
// a cluster of its own. Because assignment only looks backwards, adding recommendations in date
// order one by one (following the journal) gives the same clusters as a full rebuild.
package recurrence

import (
	"hash/fnv"
	"math"
	"sort"
	"strings"
	"unicode"
)

// Item is one recommendation as the clusterer sees it.
type Item struct {
	ID     string
	Text   string
	Sector string   // the addressee's sector (police, health, …); "" when unknown
	Themes []string // theme codes
}

// Match is one earlier recommendation close to a text.
type Match struct {
	ID      string
	Cluster string
	Score   float64
}

// Options tune the clusterer; Default is what the product uses and `make eval` measures.
type Options struct {
	Hashes      int     // MinHash signature length
	Rows        int     // rows per LSH band (Hashes/Rows bands)
	Threshold   float64 // score at which two recommendations are the same recurrence
	SectorBonus float64 // added when both have the same addressee sector
	ThemeBonus  float64 // added when they share a theme
	AskOver     int     // texts of more sentences are compared by their ask alone (ask.go); 0, the default: always whole
}

// Default is the configuration the product uses. It compares every text whole: comparing long
// texts by their ask (AskOver) was measured on the PFD set and did not help (docs/recurrence.md).
var Default = Options{Hashes: 64, Rows: 2, Threshold: 0.21, SectorBonus: 0.04, ThemeBonus: 0.04}

type entry struct {
	item    Item
	set     map[string]float64 // shingle -> weight
	norm    float64
	cluster string
}

// Index holds the recommendations seen so far and their clusters. It is not safe for
// concurrent use; the caller serialises (one follower per process).
type Index struct {
	opt     Options
	seeds   []uint64
	entries map[string]*entry
	buckets map[uint64][]string // band hash -> ids
	df      map[string]int      // shingle -> number of items holding it
}

// New returns an empty index.
func New(opt Options) *Index {
	if opt.Hashes <= 0 {
		opt = Default
	}
	if opt.Rows <= 0 || opt.Rows > opt.Hashes {
		opt.Rows = 1
	}
	x := &Index{opt: opt, entries: map[string]*entry{}, buckets: map[uint64][]string{}, df: map[string]int{}}
	x.seeds = make([]uint64, opt.Hashes)
	s := uint64(0x9E3779B97F4A7C15)
	for i := range x.seeds {
		s ^= s << 13
		s ^= s >> 7
		s ^= s << 17
		x.seeds[i] = s
	}
	return x
}

// Len is how many recommendations the index holds.
func (x *Index) Len() int { return len(x.entries) }

// Cluster returns the cluster of id, "" when unknown.
func (x *Index) Cluster(id string) string {
	if e := x.entries[id]; e != nil {
		return e.cluster
	}
	return ""
}

// Add places it in a cluster: the cluster of its best-scoring earlier recommendation when that
// reaches the threshold, otherwise a new cluster named after it. Adding an id again first
// removes the old entry (an edited text), keeping its cluster name if it started one.
func (x *Index) Add(it Item) string {
	x.Remove(it.ID)
	e := x.prepare(it)
	cluster := it.ID
	if best := x.nearest(e, 1, it.ID); len(best) > 0 && best[0].Score >= x.opt.Threshold {
		cluster = best[0].Cluster
	}
	e.cluster = cluster
	x.insert(e)
	return cluster
}

// Assign records an existing assignment (loading stored clusters) without scoring.
func (x *Index) Assign(it Item, cluster string) {
	x.Remove(it.ID)
	e := x.prepare(it)
	e.cluster = cluster
	x.insert(e)
}

// Remove forgets id.
func (x *Index) Remove(id string) {
	e := x.entries[id]
	if e == nil {
		return
	}
	for _, b := range x.bands(e.set) {
		ids := x.buckets[b]
		for i, v := range ids {
			if v == id {
				ids = append(ids[:i], ids[i+1:]...)
				break
			}
		}
		if len(ids) == 0 {
			delete(x.buckets, b)
		} else {
			x.buckets[b] = ids
		}
	}
	for s := range e.set {
		if x.df[s]--; x.df[s] <= 0 {
			delete(x.df, s)
		}
	}
	delete(x.entries, id)
}

// Nearest returns up to k earlier recommendations closest to a draft, best first, whose score
// is at least min (use a value under the threshold to show "close" ones too).
func (x *Index) Nearest(it Item, k int, min float64) []Match {
	e := x.prepare(it)
	var out []Match
	for _, m := range x.nearest(e, k, it.ID) {
		if m.Score >= min {
			out = append(out, m)
		}
	}
	return out
}

// Score is the similarity of two items as the clusterer computes it (for tests and eval).
func (x *Index) Score(a, b Item) float64 {
	return x.score(x.prepare(a), x.prepare(b))
}

func (x *Index) prepare(it Item) *entry {
	set := Shingles(Ask(it.Text, x.opt.AskOver))
	e := &entry{item: it, set: make(map[string]float64, len(set))}
	for _, s := range set {
		w := 1.0
		if strings.Contains(s, " ") {
			w = 1.5 // a shared word pair says more than a shared word
		}
		e.set[s] = w
		e.norm += w
	}
	return e
}

func (x *Index) insert(e *entry) {
	x.entries[e.item.ID] = e
	for s := range e.set {
		x.df[s]++
	}
	for _, b := range x.bands(e.set) {
		x.buckets[b] = append(x.buckets[b], e.item.ID)
	}
}

func (x *Index) nearest(e *entry, k int, self string) []Match {
	seen := map[string]bool{self: true}
	var out []Match
	for _, b := range x.bands(e.set) {
		for _, id := range x.buckets[b] {
			if seen[id] {
				continue
			}
			seen[id] = true
			o := x.entries[id]
			out = append(out, Match{ID: id, Cluster: o.cluster, Score: x.score(e, o)})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	if k > 0 && len(out) > k {
		out = out[:k]
	}
	return out
}

// score is the weighted Jaccard of the shingle sets, each shingle weighted down when it is
// common in the collection (a phrase every recommendation uses says little), plus the
// supporting bonuses.
func (x *Index) score(a, b *entry) float64 {
	if len(a.set) == 0 || len(b.set) == 0 {
		return 0
	}
	n := float64(len(x.entries) + 1)
	idf := func(s string) float64 { return math.Log(1 + n/float64(1+x.df[s])) }
	var inter, union float64
	for s, w := range a.set {
		f := idf(s)
		if wb, ok := b.set[s]; ok {
			inter += math.Min(w, wb) * f
			union += math.Max(w, wb) * f
		} else {
			union += w * f
		}
	}
	for s, w := range b.set {
		if _, ok := a.set[s]; !ok {
			union += w * idf(s)
		}
	}
	sc := inter / union
	if a.item.Sector != "" && a.item.Sector == b.item.Sector {
		sc += x.opt.SectorBonus
	}
	for _, t := range a.item.Themes {
		for _, u := range b.item.Themes {
			if t == u {
				sc += x.opt.ThemeBonus
				return sc
			}
		}
	}
	return sc
}

// bands returns the LSH band hashes of a shingle set's MinHash signature.
func (x *Index) bands(set map[string]float64) []uint64 {
	if len(set) == 0 {
		return nil
	}
	sig := make([]uint64, len(x.seeds))
	for i := range sig {
		sig[i] = math.MaxUint64
	}
	for s := range set {
		h := hash64(s)
		for i, seed := range x.seeds {
			if v := mix(h ^ seed); v < sig[i] {
				sig[i] = v
			}
		}
	}
	nb := len(sig) / x.opt.Rows
	out := make([]uint64, 0, nb)
	for b := 0; b < nb; b++ {
		h := fnv.New64a()
		var buf [8]byte
		buf[0] = byte(b)
		h.Write(buf[:1])
		for _, v := range sig[b*x.opt.Rows : (b+1)*x.opt.Rows] {
			for i := 0; i < 8; i++ {
				buf[i] = byte(v >> (8 * i))
			}
			h.Write(buf[:])
		}
		out = append(out, h.Sum64())
	}
	return out
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// mix is splitmix64's finaliser: a cheap, well-spread permutation of 64-bit values.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Shingles returns a text's shingles: its content-word stems and its adjacent stem pairs.
func Shingles(text string) []string {
	stems := Stems(text)
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i, s := range stems {
		add(s)
		if i > 0 {
			add(stems[i-1] + " " + s)
		}
	}
	return out
}

// Stems returns the content words of text, lower-cased and stemmed, in order.
func Stems(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var out []string
	for _, w := range words {
		if len(w) < 3 || stop[w] {
			continue
		}
		if s := stem(w); s != "" && !stop[s] {
			out = append(out, s)
		}
	}
	return out
}

// stem strips common English suffixes: enough to meet "assessments"/"assessing"/"assessed".
func stem(w string) string {
	for _, suf := range []string{"ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "ed", "es", "s", "ly", "er", "al"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 4 {
			w = strings.TrimSuffix(w, suf)
			if suf == "ies" || suf == "ied" {
				w += "y"
			}
			break
		}
	}
	return w
}

var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for that this with are was were been being have has had not but all any can
		its into from their they them there these those which who whom whose what when where why how will would should
		shall could may might must also such than then each other more most some our out own same very about above after
		again against because before below between both during further only over under until while through onto upon
		per via use used using ensure ensures ensuring review reviews recommend recommends recommendation recommendations
		board partnership consider considers including include includes make made take taken does did doing done
		within across where whether ensure appropriate relevant all agency agencies`) {
		stop[w] = true
	}
}
