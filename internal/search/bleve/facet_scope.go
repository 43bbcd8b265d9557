package bleve

import (
	"context"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/casereview/casereview/internal/casereview"
)

// The permission filter, from the same columns. scopeQuery states who may see what as a bleve
// disjunction (visibility public, or shared, or restricted and one of the caller's partnerships)
// that matches nearly every document, so bleve advances it, term by term with positions, for every
// candidate of every search: about half of a broad search's time. scopeFilter matches exactly the
// same documents by looking at the visibility and partnership columns of each candidate, and
// gives each match exactly the score the bleve query would: that score depends only on which
// clause matched (single-valued keyword fields: one term, the same frequency and norm in every
// document), so it is asked of the bleve query once per kind of document and reused. Its weight,
// query norm and count are the bleve query's own, so the conjunction above it orders its
// children and adds their scores exactly as before.

// The same filter also leaves out what the database says the caller may not read
// (search.Request.Unreadable), from the review id column: unreadableQuery states it as a
// disjunction of one term query per hidden review, whose searchers cost a dictionary look-up per
// review and segment on every search, in proportion to the database rather than to the matches
// (at 1M, about 38,000 hidden reviews in 21 segments for a panel member). Here it is one look-up
// per hidden review in the review id dictionary, and a slice lookup per candidate.

// scopeFilter is the bleve query for a read scope.
type scopeFilter struct {
	table      *facetTable
	scope      casereview.ReadScope
	unreadable casereview.Unreadable
	orig       bq.Query // scopeQuery(scope): used for weights and scores, and when there are no columns
}

// scopeFilter is the query that keeps what sc may read and the database does not hide (u). The
// second result is false when u is not applied by it, and the caller must add unreadableQuery(u).
func (x *Index) scopeFilter(sc casereview.ReadScope, u casereview.Unreadable) (bq.Query, bool) {
	orig := scopeQuery(sc)
	if x.facets == nil || x.tuned().BleveOnly {
		return orig, false
	}
	if x.tuned().UnreadableQuery {
		return &scopeFilter{table: x.facets, scope: sc, orig: orig}, false
	}
	return &scopeFilter{table: x.facets, scope: sc, unreadable: u, orig: orig}, true
}

func (q *scopeFilter) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, o bsearch.SearcherOptions) (bsearch.Searcher, error) {
	orig, err := q.orig.Searcher(ctx, r, m, o)
	if err != nil {
		return nil, err
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		// No columns to read: the bleve queries, the database's exclusions included.
		u := unreadableQuery(q.unreadable)
		if u == nil {
			return orig, nil
		}
		orig.Close()
		return bq.NewConjunctionQuery([]bq.Query{q.orig, u}).Searcher(ctx, r, m, o)
	}
	v, err := q.table.view(snap)
	if err != nil {
		orig.Close()
		return nil, err
	}
	s := &scopeSearcher{orig: orig, view: v, scores: map[[2]uint32]float64{}, reader: r}
	for _, sg := range snap.Segments() {
		s.deleted = append(s.deleted, sg.Deleted())
	}
	s.end = uint64(0)
	if n := len(v.offsets); n > 0 {
		s.end = v.offsets[n-1] + v.segs[n-1].docs
	}
	visField, partField, orgField := facetFieldPos[fVisibility], facetFieldPos[fPartnershipID], facetFieldPos[fOrganisationIDs]
	s.vis, s.part, s.org = visField, partField, orgField
	s.all = q.scope.All
	s.visOK = make([]bool, len(v.terms[visField])+1)
	s.partOK = make([]bool, len(v.terms[partField])+1)
	restricted := -1
	for i, t := range v.terms[visField] {
		for _, want := range q.scope.Visibilities {
			if t == string(want) {
				s.visOK[i+1] = true
			}
		}
		if t == string(casereview.VisibilityRestricted) {
			restricted = i + 1
		}
	}
	s.restricted = uint32(max(restricted, 0))
	for i, t := range v.terms[partField] {
		for _, want := range q.scope.Partnerships {
			if t == want {
				s.partOK[i+1] = true
			}
		}
	}
	s.rev = facetFieldPos[fReviewID]
	if hidden := q.table.known(fReviewID, q.unreadable.Reviews); len(hidden) > 0 {
		s.hiddenRev = make([]bool, len(v.terms[s.rev])+1)
		for _, n := range hidden {
			if int(n) < len(s.hiddenRev) { // a review first indexed after this snapshot
				s.hiddenRev[n] = true
			}
		}
		if len(q.unreadable.Except) > 0 {
			s.except = make(map[string]bool, len(q.unreadable.Except))
			for _, id := range q.unreadable.Except {
				s.except[id] = true
			}
		}
	}
	if len(q.scope.Organisations) > 0 {
		s.orgOK = make([]bool, len(v.terms[orgField])+1)
		for i, t := range v.terms[orgField] {
			for _, want := range q.scope.Organisations {
				if t == want {
					s.orgOK[i+1] = true
				}
			}
		}
	}
	return s, nil
}

// scopeSearcher walks the documents of one snapshot in order and yields those the scope allows.
type scopeSearcher struct {
	orig    bsearch.Searcher
	view    *snapshotView
	deleted []*roaring.Bitmap

	all              bool
	vis, part, org   int // column positions
	visOK, partOK    []bool
	orgOK            []bool // nil when the scope names no organisations
	rev              int    // the review id column's position
	hiddenRev        []bool // by review ordinal+1: the reviews the database hides; nil for none
	except           map[string]bool
	reader           index.IndexReader
	restricted       uint32 // the visibility column's value (ordinal+1) for restricted; 0 if none
	scores           map[[2]uint32]float64
	next, end        uint64 // next document to look at; one past the last
	seg              int
	segStart, segEnd uint64
}

// allowed reports whether global document n is live, visible and not hidden by the database, and
// its kind for scoring.
func (s *scopeSearcher) allowed(n uint64) (bool, [2]uint32) {
	ok, kind := s.visible(n)
	if !ok || s.hiddenRev == nil {
		return ok, kind
	}
	local := uint32(n - s.segStart)
	if !s.hiddenRev[s.view.segs[s.seg].cols[s.rev].value(local)] {
		return ok, kind
	}
	// On a review the database hides: only a recommendation it names as readable stays. Its id
	// is read from the index for these documents alone, which are none unless the index lags.
	if s.except == nil {
		return false, [2]uint32{}
	}
	id, err := s.reader.ExternalID(index.NewIndexInternalID(nil, n))
	if err != nil || !s.except[id] {
		return false, [2]uint32{}
	}
	return ok, kind
}

// visible reports whether global document n is live and visible by the index's own columns,
// and its kind for scoring.
func (s *scopeSearcher) visible(n uint64) (bool, [2]uint32) {
	if n < s.segStart || n >= s.segEnd {
		s.seg = s.view.segment(n)
		s.segStart = s.view.offsets[s.seg]
		s.segEnd = s.segStart + s.view.segs[s.seg].docs
	}
	local := uint32(n - s.segStart)
	if d := s.deleted[s.seg]; d != nil && d.Contains(local) {
		return false, [2]uint32{}
	}
	cols := s.view.segs[s.seg].cols
	vis := cols[s.vis].value(local)
	part := cols[s.part].value(local)
	if s.all {
		return true, [2]uint32{}
	}
	if s.visOK[vis] {
		return true, [2]uint32{vis, 0}
	}
	if vis == 0 || vis != s.restricted {
		return false, [2]uint32{}
	}
	if s.orgOK != nil && s.addressed(cols[s.org], local) {
		// Addressed to one of the caller's organisations: the bleve query's score depends on
		// how many organisations the document names, so it is asked for this document alone.
		return true, kindAddressed
	}
	if s.partOK[part] {
		return true, [2]uint32{vis, part}
	}
	return false, [2]uint32{}
}

// kindAddressed marks a document whose score is not shared by its kind.
var kindAddressed = [2]uint32{^uint32(0), ^uint32(0)}

// addressed reports whether document d names one of the scope's organisations.
func (s *scopeSearcher) addressed(c column, d uint32) bool {
	if c.single != nil {
		return s.orgOK[c.single[d]]
	}
	for _, o := range c.ords[c.start[d]:c.start[d+1]] {
		if s.orgOK[o+1] {
			return true
		}
	}
	return false
}

func (s *scopeSearcher) match(ctx *bsearch.SearchContext, from uint64) (*bsearch.DocumentMatch, error) {
	for n := from; n < s.end; n++ {
		ok, kind := s.allowed(n)
		if !ok {
			continue
		}
		s.next = n + 1
		score, known := s.scores[kind]
		if !known || kind == kindAddressed {
			// Ask the bleve query for this kind of document's score, once.
			dm, err := s.orig.Advance(ctx, index.NewIndexInternalID(nil, n))
			if err != nil {
				return nil, err
			}
			if dm == nil || dm.IndexInternalID.Value() != n {
				// The bleve query disagrees about n: fail loudly rather than return other results.
				return nil, errScopeMismatch
			}
			score = dm.Score
			if kind != kindAddressed {
				s.scores[kind] = score
			}
			ctx.DocumentMatchPool.Put(dm)
		}
		dm := ctx.DocumentMatchPool.Get()
		dm.IndexInternalID = index.NewIndexInternalID(dm.IndexInternalID, n)
		dm.Score = score
		return dm, nil
	}
	s.next = s.end
	return nil, nil
}

type scopeError string

func (e scopeError) Error() string { return string(e) }

const errScopeMismatch = scopeError("the permission filter and the index disagree; searching is unsafe")

func (s *scopeSearcher) Next(ctx *bsearch.SearchContext) (*bsearch.DocumentMatch, error) {
	return s.match(ctx, s.next)
}

func (s *scopeSearcher) Advance(ctx *bsearch.SearchContext, id index.IndexInternalID) (*bsearch.DocumentMatch, error) {
	return s.match(ctx, max(id.Value(), s.next))
}

func (s *scopeSearcher) Close() error               { return s.orig.Close() }
func (s *scopeSearcher) Weight() float64            { return s.orig.Weight() }
func (s *scopeSearcher) SetQueryNorm(qnorm float64) { s.orig.SetQueryNorm(qnorm) }
func (s *scopeSearcher) Count() uint64              { return s.orig.Count() }
func (s *scopeSearcher) Min() int                   { return 0 }
func (s *scopeSearcher) Size() int                  { return s.orig.Size() }
func (s *scopeSearcher) DocumentMatchPoolSize() int { return s.orig.DocumentMatchPoolSize() + 1 }

// value is document d's single value (ordinal+1, 0 for none) of a single-valued column; for a
// column that holds several values it is the first.
func (c *column) value(d uint32) uint32 {
	if c.single != nil {
		return c.single[d]
	}
	if c.start[d] == c.start[d+1] {
		return 0
	}
	return c.ords[c.start[d]] + 1
}

// segment is the index of the segment holding global document n.
func (v *snapshotView) segment(n uint64) int {
	lo, hi := 0, len(v.offsets)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if v.offsets[mid] <= n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}
