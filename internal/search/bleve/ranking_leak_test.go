package bleve_test

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// The ranking side channel of issue 13 §9b, measured. bleve's score multiplies each query word's
// weight by its inverse document frequency over the whole index, restricted documents included.
// A panel member of P1 searches; P2's restricted review gains documents holding the query's
// words one by one.
//
//   - One word: the idf is one factor common to every hit, so the order of what P1 sees never
//     moves; only the score does, which is why the API shows no score to such callers. This is
//     the attack of the issue (a rare word's score falling as restricted documents hold it): with
//     the score gone, it learns nothing.
//   - Several words: the words' idfs weigh them against each other, so a near tie between a
//     document that matches only one word and one that matches only the other can flip. To read
//     anything from that the caller must build such near ties (documents with words and lengths
//     tuned to the exact weights), and learns at most, per crafted pair, whether restricted
//     documents hold one word more often than another: never which review, how many, or any text,
//     item or count. We accept that residue (the notes of the trust-access branch say why); removing it would need
//     per-caller term statistics, which bleve cannot give without a second index per scope.
func TestRankingOrderAndRestrictedDocuments(t *testing.T) {
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	doc := func(id, vis, partnership, text string) search.Document {
		return search.Document{ID: id, Text: text, Title: "Recommendation", ReviewID: "rv-" + partnership + "-" + vis,
			PartnershipID: partnership, Visibility: vis, ReviewType: "DHR", Scope: "local", Version: 1}
	}
	shared := []search.Document{
		doc("s1", "shared", "p1", "Commission a zanzibar pathway for the whole area with every partner agency involved"),
		doc("s2", "shared", "p1", "Commission a zanzibar pathway"),
		doc("s3", "shared", "p1", "Zanzibar zanzibar training for staff"),
		doc("s4", "shared", "p1", "Quokka assessment for every referral"),
		doc("s5", "shared", "p1", "Quokka zanzibar review"),
		doc("s6", "shared", "p1", "Ordinary text about housing"),
	}
	if err := idx.Apply(t.Context(), shared, nil, 1); err != nil {
		t.Fatal(err)
	}
	scope := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic, casereview.VisibilityShared}, Partnerships: []string{"p1"}}
	run := func(q string) ([]string, []float64) {
		parsed, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		res, err := idx.Search(t.Context(), search.Request{Query: parsed, Scope: scope, Size: 20})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		var scores []float64
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
			scores = append(scores, h.Score)
		}
		return ids, scores
	}
	order, scores := run("zanzibar")
	if len(order) != 4 {
		t.Fatalf("zanzibar matches %v, want four shared documents", order)
	}
	for n := 1; n <= 5; n++ {
		d := doc(fmt.Sprintf("r%d", n), "restricted", "p2", "A restricted zanzibar finding")
		if err := idx.Apply(t.Context(), []search.Document{d}, nil, int64(1+n)); err != nil {
			t.Fatal(err)
		}
		o, sc := run("zanzibar")
		if !slices.Equal(o, order) {
			t.Fatalf("with %d restricted documents holding the word, P1's order moved: %v, was %v", n, o, order)
		}
		if sc[0] == scores[0] {
			t.Fatalf("with %d restricted documents the score did not move (%v): the premise of hiding it is gone; revisit", n, sc[0])
		}
		scores = sc
	}
}
