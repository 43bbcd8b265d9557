package bleve

import (
	"container/heap"
	"context"
	"strconv"

	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	index "github.com/blevesearch/bleve_index_api"
)

// The relevance order's tie-break, without loading every candidate's id. Sorted by score and
// then id (so equal scores come in a stable order and a page's cursor, [score, id], says exactly
// where the next page starts), bleve loads the id of every candidate from the stored fields
// before it compares it: on a broad query, tens of thousands of decompressions for a page of 20.
// But the id decides only between equal scores. So bleve is asked to sort on the score alone
// (its fast path), and a document match handler keeps the page itself, ordered by score and
// then id, loading a candidate's id only when its score equals the score it is compared with: the
// page's lowest, or the cursor's. Its page is then handed to bleve's own top-N handler in order,
// numbered so that bleve's tie-break on the order of arrival keeps it. Hits, order, totals and
// cursors are those of the sort on score and id (a test compares both).

// afterKey is a relevance cursor: the score and id of the last hit of the previous page.
type afterKey struct {
	score float64
	id    string
}

// parseAfter reads a relevance cursor as the sort keys gave it; false when it is not one (bleve
// read an unparsable score as 0, and so does this).
func parseAfter(after []string) (afterKey, bool) {
	if len(after) != 2 {
		return afterKey{}, false
	}
	s, err := strconv.ParseFloat(after[0], 64)
	if err != nil {
		s = 0
	}
	return afterKey{score: s, id: after[1]}, true
}

// pageHeap holds the best matches seen so far, the lowest (by score, then the greater id) on
// top.
type pageHeap struct {
	docs   []*bsearch.DocumentMatch
	reader index.IndexReader
	err    error
}

func (h *pageHeap) Len() int { return len(h.docs) }

// Less says docs[i] ranks below docs[j]: a lower score, or the same score and a greater id.
func (h *pageHeap) Less(i, j int) bool { return h.below(h.docs[i], h.docs[j]) }

func (h *pageHeap) Swap(i, j int) { h.docs[i], h.docs[j] = h.docs[j], h.docs[i] }

func (h *pageHeap) Push(x any) { h.docs = append(h.docs, x.(*bsearch.DocumentMatch)) }

func (h *pageHeap) Pop() any {
	d := h.docs[len(h.docs)-1]
	h.docs = h.docs[:len(h.docs)-1]
	return d
}

// below says a ranks below b, loading ids only for equal scores.
func (h *pageHeap) below(a, b *bsearch.DocumentMatch) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return h.id(a) > h.id(b)
}

func (h *pageHeap) id(d *bsearch.DocumentMatch) string {
	if d.ID == "" && h.err == nil {
		d.ID, h.err = h.reader.ExternalID(d.IndexInternalID)
	}
	return d.ID
}

// withLazyTieBreak returns ctx carrying a document match handler that keeps the best size
// matches after the cursor (if any) by score and then id, as above.
func withLazyTieBreak(ctx context.Context, size int, after *afterKey) context.Context {
	maker := bsearch.MakeDocumentMatchHandler(func(sctx *bsearch.SearchContext) (bsearch.DocumentMatchHandler, bool, error) {
		inner, loadID, err := collector.MakeTopNDocumentMatchHandler(sctx)
		if err != nil {
			return nil, false, err
		}
		h := &pageHeap{reader: sctx.IndexReader, docs: make([]*bsearch.DocumentMatch, 0, size)}
		return func(d *bsearch.DocumentMatch) error {
			if d == nil { // the end: hand the page to bleve in order
				n := len(h.docs)
				page := make([]*bsearch.DocumentMatch, n)
				for i := n - 1; i >= 0; i-- {
					page[i] = heap.Pop(h).(*bsearch.DocumentMatch)
				}
				for i, p := range page {
					p.HitNumber = uint64(i + 1)
					if err := inner(p); err != nil {
						return err
					}
				}
				if h.err != nil {
					return h.err
				}
				return inner(nil)
			}
			if after != nil && (d.Score > after.score || d.Score == after.score && h.id(d) <= after.id) {
				sctx.DocumentMatchPool.Put(d) // on an earlier page
				return h.err
			}
			if len(h.docs) < size {
				heap.Push(h, d)
				return h.err
			}
			if !h.below(h.docs[0], d) {
				sctx.DocumentMatchPool.Put(d)
				return h.err
			}
			out := h.docs[0]
			h.docs[0] = d
			heap.Fix(h, 0)
			sctx.DocumentMatchPool.Put(out)
			return h.err
		}, loadID, nil
	})
	return context.WithValue(ctx, bsearch.MakeDocumentMatchHandlerKey, maker)
}
