package bleve_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// TestCombinedFieldFindsWhatTheFieldsFind compares matching in the combined text field (the
// default) with matching in each text field apart (Tuning.SeparateTextFields): the scores differ,
// but every query must find the same documents, so the totals, the facet counts and the set of
// hits, read page by page to the end, must be the same. The documents' review titles and
// addressees hold words of their own, so a word found only there is compared too.
func TestCombinedFieldFindsWhatTheFieldsFind(t *testing.T) {
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	rng := rand.New(rand.NewPCG(11, 12))
	docs := generated(rng, 1200, 1)
	orgs := [][]string{{"Metropolitan Police Service", "Met Police"}, {"NHS England"}, {"Care Quality Commission", "CQC"}, {"Ofsted"}}
	for i := range docs {
		docs[i].ReviewTitle = []string{"Review", "Adult D: neglect out of hours", "Child H: a serious case review", "Domestic homicide of Ms K"}[i%4]
		o := orgs[rng.IntN(len(orgs))]
		docs[i].OrganisationNames, docs[i].OrganisationAliases = o[:1], o[1:]
	}
	for start := 0; start < len(docs); start += 300 {
		if err := idx.Apply(t.Context(), docs[start:start+300], nil, int64(start+1)); err != nil {
			t.Fatal(err)
		}
	}
	scope := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic, casereview.VisibilityShared}, Partnerships: []string{"p3"}}
	for _, q := range []string{"police", "risk assessment", `"information sharing"`, "police -housing", "custody OR stalking", "refer*",
		"neglect", `"out of hours"`, "homicide training", "CQC", `"quality commission"`, "england", "assesment", "MARAC referral",
		"serious case review", "nomatchwordatall"} {
		parsed, err := query.Parse(q)
		if err != nil {
			t.Fatal(err)
		}
		r := search.Request{Query: parsed, Scope: scope, Facets: search.AllFacets, Size: casereview.MaxPageSize}
		all := func(tu bleveindex.Tuning) (search.Result, []string) {
			idx.Tune(tu)
			defer idx.Tune(bleveindex.Tuning{})
			r := r
			var first search.Result
			var ids []string
			for page := 0; page < 20; page++ {
				res, err := idx.Search(t.Context(), r)
				if err != nil {
					t.Fatalf("%q %+v: %v", q, tu, err)
				}
				if page == 0 {
					first = res
				}
				ids = append(ids, hitIDs(res)...)
				if len(res.Hits) < r.Size {
					break
				}
				r.After = res.Hits[len(res.Hits)-1].SortKey
			}
			slices.Sort(ids)
			return first, ids
		}
		got, gotIDs := all(bleveindex.Tuning{})
		want, wantIDs := all(bleveindex.Tuning{SeparateTextFields: true})
		name := fmt.Sprintf("%q", q)
		if got.Total != want.Total || !reflect.DeepEqual(gotIDs, wantIDs) {
			t.Errorf("%s: found %d (%d read), want %d (%d read)", name, got.Total, len(gotIDs), want.Total, len(wantIDs))
		}
		if int(got.Total) != len(slices.Compact(slices.Clone(gotIDs))) {
			t.Errorf("%s: %d found but %d distinct read page by page", name, got.Total, len(slices.Compact(slices.Clone(gotIDs))))
		}
		if !reflect.DeepEqual(got.Facets, want.Facets) {
			t.Errorf("%s: facets differ:\n got %v\nwant %v", name, got.Facets, want.Facets)
		}
	}
}
