package bleve

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"

	"github.com/casereview/casereview/internal/search"
)

// facetSize is how many values of each facet a search returns, most frequent first.
const facetSize = 50

// Tuning switches an index between the fast paths and bleve's own, which give the same results;
// the benchmark sets it to print both, and tests compare them. The zero value is the default.
type Tuning struct {
	// BleveOnly uses bleve's own facet counting and permission query instead of the column paths:
	// facet counts from columns (this file) and the permission filter from columns
	// (facet_scope.go).
	BleveOnly bool
	// HighlightInOnePass highlights while collecting, as bleve does by default, instead of
	// highlighting the page's hits afterwards.
	HighlightInOnePass bool
	// IDTieBreak has bleve sort the relevance order on score and id, loading every candidate's
	// id, instead of loading ids only to break ties (tiebreak.go).
	IDTieBreak bool
	// HighlightWithFilters highlights the page's hits by running the whole query again
	// (restricted to their ids), its scope, facet and flag filters included, instead of the
	// text query alone.
	HighlightWithFilters bool
	// HighlightWholeQuery highlights with the text query as it is, instead of with the parts of
	// it that search the highlighted fields (highlightLeaves).
	HighlightWholeQuery bool
	// FuzzyAlways adds the one-typo clauses to every search, instead of only when the words as
	// written find fewer than fuzzyBelow matches.
	FuzzyAlways bool
	// UnreadableQuery leaves out what the database hides with unreadableQuery (a term query per
	// hidden review) instead of from the review id column in the permission filter.
	UnreadableQuery bool
}

// Tune sets this index's tuning (and no other's); searches already running keep the old one.
func (x *Index) Tune(t Tuning) { x.tuning.Store(&t) }

func (x *Index) tuned() Tuning {
	if t := x.tuning.Load(); t != nil {
		return *t
	}
	return Tuning{}
}

// facetCounter notes the internal ids of a search's matches while bleve collects them.
type facetCounter struct {
	table *facetTable
	view  *snapshotView
	hits  []uint64
}

var hitPool = sync.Pool{New: func() any { return make([]uint64, 0, 4096) }}

// withFacetCounting returns ctx carrying a document match handler that wraps bleve's own top-N
// handler (or the one ctx already carries): every match, whether or not it makes the page (search-after skips included, as in
// bleve's facets), is noted before bleve's handler sees it.
func (t *facetTable) withFacetCounting(ctx context.Context) (context.Context, *facetCounter) {
	fc := &facetCounter{table: t, hits: hitPool.Get().([]uint64)[:0]}
	next := bsearch.MakeDocumentMatchHandler(collector.MakeTopNDocumentMatchHandler)
	if m, ok := ctx.Value(bsearch.MakeDocumentMatchHandlerKey).(bsearch.MakeDocumentMatchHandler); ok {
		next = m // the lazy tie-break's (tiebreak.go)
	}
	maker := bsearch.MakeDocumentMatchHandler(func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		inner, loadID, err := next(sctx)
		if err != nil {
			return nil, false, err
		}
		snap, ok := sctx.IndexReader.(*scorch.IndexSnapshot)
		if !ok {
			return nil, false, fmt.Errorf("facet counting needs a scorch index, not %T", sctx.IndexReader)
		}
		if fc.view, err = t.view(snap); err != nil {
			return nil, false, err
		}
		return func(d *bsearch.DocumentMatch) error {
			if d != nil {
				fc.hits = append(fc.hits, d.IndexInternalID.Value())
			}
			return inner(d)
		}, loadID, nil
	})
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, maker), fc
}

// release returns the hit buffer to the pool.
func (fc *facetCounter) release() {
	if cap(fc.hits) <= 1<<20 {
		hitPool.Put(fc.hits[:0])
	}
	fc.hits = nil
}

// counts tallies the noted matches for each of the named facets, sorted as bleve sorts them (most
// frequent first, then by value) and cut to facetSize. A facet with no values maps to nil. With
// keys, each value also carries the sum of its documents' record keys.
func (fc *facetCounter) counts(names []string, keys bool) map[string][]search.FacetCount {
	out := make(map[string][]search.FacetCount, len(names))
	if fc.view == nil { // the search never ran its collector
		for _, name := range names {
			out[name] = nil
		}
		return out
	}
	if !slices.IsSorted(fc.hits) {
		slices.Sort(fc.hits)
	}
	var keyOf []int64
	if keys {
		keyOf = fc.view.recordKeys()
	}
	for _, name := range names {
		fi := facetFieldPos[facetFields[name]]
		terms := fc.view.terms[fi]
		tally := make([]int, len(terms)+1)
		var sums []int64
		if keys {
			sums = make([]int64, len(terms)+1)
		}
		fc.tally(fi, tally, sums, keyOf)
		var values []search.FacetCount
		for ord, n := range tally[1:] {
			if n > 0 {
				v := search.FacetCount{Value: terms[ord], Count: n}
				if keys {
					v.KeySum = sums[ord+1]
				}
				values = append(values, v)
			}
		}
		sort.Slice(values, func(i, j int) bool {
			if values[i].Count != values[j].Count {
				return values[i].Count > values[j].Count
			}
			return strings.Compare(values[i].Value, values[j].Value) < 0
		})
		if len(values) > facetSize {
			values = values[:facetSize]
		}
		out[name] = values
	}
	return out
}

// keySum is the sum of the record keys of every noted match.
func (fc *facetCounter) keySum() int64 {
	if fc.view == nil {
		return 0
	}
	keyOf := fc.view.recordKeys()
	var sum int64
	fc.walk(func(seg *segColumns, d uint64) { sum += keyAt(seg, d, keyOf) })
	return sum
}

// recordKeyPos is the record key's column.
var recordKeyPos = facetFieldPos[fRecordKey]

// recordKeys maps the record key column's values (ordinal+1, 0 for none) to the keys they hold.
func (v *snapshotView) recordKeys() []int64 {
	terms := v.terms[recordKeyPos]
	out := make([]int64, len(terms)+1)
	for i, t := range terms {
		out[i+1], _ = strconv.ParseInt(t, 10, 64) // written by bodyFields from an int
	}
	return out
}

// walk calls fn with the segment and segment-local number of each noted match; the hits are in
// ascending order, so the segment only moves forward.
func (fc *facetCounter) walk(fn func(seg *segColumns, d uint64)) {
	v := fc.view
	if !slices.IsSorted(fc.hits) {
		slices.Sort(fc.hits)
	}
	seg, end := -1, uint64(0)
	var base uint64
	for _, h := range fc.hits {
		if seg < 0 || h >= end {
			seg = sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > h }) - 1
			base = v.offsets[seg]
			end = ^uint64(0)
			if seg+1 < len(v.offsets) {
				end = v.offsets[seg+1]
			}
		}
		fn(v.segs[seg], h-base)
	}
}

// keyAt is the record key of document d of seg (0 if it has none).
func keyAt(seg *segColumns, d uint64, keyOf []int64) int64 {
	if col := &seg.cols[recordKeyPos]; col.single != nil {
		return keyOf[col.single[d]]
	}
	return 0 // every document has exactly one key; an index without them counts them as 0
}

// tally adds one to tally[ord+1] for each value of field fi of each noted match, and, with sums,
// the match's record key (keyOf) to sums[ord+1]. The hits are in ascending order, so the segment
// only moves forward. (The loop is walk's, written out: it is the broad query's hot path.)
func (fc *facetCounter) tally(fi int, tally []int, sums []int64, keyOf []int64) {
	v := fc.view
	seg, end := -1, uint64(0)
	var sc *segColumns
	var col *column
	var base uint64
	for _, h := range fc.hits {
		if seg < 0 || h >= end {
			seg = sort.Search(len(v.offsets), func(i int) bool { return v.offsets[i] > h }) - 1
			base = v.offsets[seg]
			end = ^uint64(0)
			if seg+1 < len(v.offsets) {
				end = v.offsets[seg+1]
			}
			sc = v.segs[seg]
			col = &sc.cols[fi]
		}
		d := h - base
		if sums == nil {
			if col.single != nil {
				tally[col.single[d]]++
				continue
			}
			for _, o := range col.ords[col.start[d]:col.start[d+1]] {
				tally[o+1]++
			}
			continue
		}
		key := keyAt(sc, d, keyOf)
		if col.single != nil {
			tally[col.single[d]]++
			sums[col.single[d]] += key
			continue
		}
		for _, o := range col.ords[col.start[d]:col.start[d+1]] {
			tally[o+1]++
			sums[o+1] += key
		}
	}
}
