package bleve

import (
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// The facet path. bleve counts a facet by visiting every matching document's doc values and
// adding each term to a map of strings: about a fifth of a microsecond per matching document per
// facet field, which at 100k documents and twelve facets is most of a broad query's time. This
// path counts the same thing from columns instead. A segment of a scorch index never changes once
// written (deletions are a separate bitmap, and deleted documents never match), so for each
// segment we read the facet fields' terms and postings once into columns of small integers
// (ordinals into one dictionary per field for the whole index), keyed by the segment's number
// in the document's internal id. A search then only notes the internal ids of its matches,
// while bleve runs the query, scores and sorts as before; counting is a walk down those ids,
// adding one to an array slot per value. The query still decides which documents match, so the
// permission filter inside it bounds the counts exactly as it bounds bleve's.

// facetFieldList fixes the order of the fields in a segment's columns: the facets' fields, and
// visibility and review id for the permission filter (facet_scope.go).
var facetFieldList = func() []string {
	var out []string
	seen := map[string]bool{}
	for _, name := range []string{fThemeCodes, fThemeGroups, fReviewType, fOrganisationIDs, fSectors, fScope, fIntervention,
		fResponse, fImplementation, fOversight, fYearKeyword, fPartnershipID, fVisibility, fRecordKey, fReviewID} {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}()

var facetFieldPos = func() map[string]int {
	m := map[string]int{}
	for i, f := range facetFieldList {
		m[f] = i
	}
	return m
}()

// ordinals is one field's dictionary for the whole index: value <-> small integer. It only
// grows; a value no document holds any more simply counts zero.
type ordinals struct {
	ids   map[string]uint32
	terms []string
}

func (o *ordinals) of(term string) uint32 {
	if n, ok := o.ids[term]; ok {
		return n
	}
	n := uint32(len(o.terms))
	o.ids[term] = n
	o.terms = append(o.terms, term)
	return n
}

// column holds one field's values for every document of one segment. A field where no document
// has more than one value keeps single (ordinal+1, 0 for none); otherwise the values of document
// d are ords[start[d]:start[d+1]].
type column struct {
	single []uint32
	start  []uint32
	ords   []uint32
}

// segColumns are the columns of one segment, in facetFieldList order.
type segColumns struct {
	docs uint64
	cols []column
}

// facetTable caches the columns of the segments an index is made of.
type facetTable struct {
	mu    sync.Mutex // guards segs and dicts, and serialises building
	idle  sync.Mutex // held by warm
	segs  map[uint64]*segColumns
	dicts []*ordinals // parallel to facetFieldList
}

func newFacetTable() *facetTable {
	t := &facetTable{segs: map[uint64]*segColumns{}}
	for range facetFieldList {
		t.dicts = append(t.dicts, &ordinals{ids: map[string]uint32{}})
	}
	return t
}

// snapshotView is what one search counts with: the columns of each segment of the snapshot the
// search reads, their offsets in the internal id space, and the dictionaries' sizes and terms as
// they were (later growth only appends).
type snapshotView struct {
	offsets []uint64
	segs    []*segColumns
	terms   [][]string
}

// known returns the ordinals (plus one) of those of terms that field's dictionary holds: a term
// no document of the index has ever held has none.
func (t *facetTable) known(field string, terms []string) []uint32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.dicts[facetFieldPos[field]]
	out := make([]uint32, 0, len(terms))
	for _, term := range terms {
		if n, ok := d.ids[term]; ok {
			out = append(out, n+1)
		}
	}
	return out
}

// view returns the columns for snap's segments, building those it has not seen.
func (t *facetTable) view(snap *scorch.IndexSnapshot) (*snapshotView, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ss := snap.Segments()
	v := &snapshotView{offsets: make([]uint64, len(ss)), segs: make([]*segColumns, len(ss))}
	var running uint64
	live := make(map[uint64]bool, len(ss))
	for i, s := range ss {
		seg := s.Segment()
		v.offsets[i] = running
		running += seg.Count()
		live[s.Id()] = true
		c, ok := t.segs[s.Id()]
		if !ok || c.docs != seg.Count() {
			var err error
			if c, err = t.build(seg); err != nil {
				return nil, err
			}
			t.segs[s.Id()] = c
		}
		v.segs[i] = c
	}
	// Forget segments merged away. A search still reading an older snapshot holds its own view.
	if len(t.segs) > len(ss) {
		for id := range t.segs {
			if !live[id] {
				delete(t.segs, id)
			}
		}
	}
	v.terms = make([][]string, len(t.dicts))
	for i, d := range t.dicts {
		v.terms[i] = d.terms[:len(d.terms):len(d.terms)]
	}
	return v, nil
}

// build reads one segment's facet fields, term by term, from its postings.
func (t *facetTable) build(seg segment.Segment) (*segColumns, error) {
	n := seg.Count()
	c := &segColumns{docs: n, cols: make([]column, len(facetFieldList))}
	perDoc := make([]uint32, n)
	for fi, field := range facetFieldList {
		dict, err := seg.Dictionary(field)
		if err != nil {
			return nil, fmt.Errorf("facet field %s: %w", field, err)
		}
		type posting struct{ doc, ord uint32 }
		var all []posting
		clear(perDoc)
		it := dict.AutomatonIterator(nil, nil, nil)
		var pl segment.PostingsList
		var pi segment.PostingsIterator
		for {
			e, err := it.Next()
			if err != nil {
				return nil, fmt.Errorf("facet field %s: %w", field, err)
			}
			if e == nil {
				break
			}
			ord := t.dicts[fi].of(e.Term)
			if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
				return nil, fmt.Errorf("facet field %s: %w", field, err)
			}
			pi = pl.Iterator(false, false, false, pi)
			for {
				p, err := pi.Next()
				if err != nil {
					return nil, fmt.Errorf("facet field %s: %w", field, err)
				}
				if p == nil {
					break
				}
				d := uint32(p.Number())
				perDoc[d]++
				all = append(all, posting{d, ord})
			}
		}
		multi := false
		for _, k := range perDoc {
			if k > 1 {
				multi = true
				break
			}
		}
		col := &c.cols[fi]
		if !multi {
			col.single = make([]uint32, n)
			for _, p := range all {
				col.single[p.doc] = p.ord + 1
			}
			continue
		}
		col.start = make([]uint32, n+1)
		for d, k := range perDoc {
			col.start[d+1] = col.start[d] + k
		}
		col.ords = make([]uint32, len(all))
		next := append([]uint32(nil), col.start[:n]...)
		for _, p := range all { // terms come in order, so each document's values stay sorted
			col.ords[next[p.doc]] = p.ord
			next[p.doc]++
		}
	}
	return c, nil
}

// warm builds the columns of segments the index has gained, so that the writer (the indexer,
// after a batch) pays for them rather than the next search. It does nothing when a search or
// another warm is building at the moment: that one will do.
func (t *facetTable) warm(idx bleve.Index) {
	if t == nil || !t.idle.TryLock() {
		return
	}
	defer t.idle.Unlock()
	adv, err := idx.Advanced()
	if err != nil {
		return
	}
	r, err := adv.Reader()
	if err != nil {
		return
	}
	defer r.Close()
	if snap, ok := r.(*scorch.IndexSnapshot); ok {
		_, _ = t.view(snap) // an error here surfaces again in the search that needs the columns
	}
}
