package bleve_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// generated makes n fictional documents with random facet values: multi-valued fields with
// repeats, missing values and more distinct organisations than a facet returns.
func generated(rng *rand.Rand, n, version int) []search.Document {
	words := []string{"police", "referral", "stalking", "housing", "training", "risk", "assessment", "GP", "MARAC", "children",
		"school", "mental", "health", "probation", "information", "sharing", "coercive", "control", "alcohol", "custody"}
	pick := func(vals []string) string { return vals[rng.IntN(len(vals))] }
	some := func(prefix string, max, distinct int) []string {
		var out []string
		for range rng.IntN(max + 1) {
			out = append(out, fmt.Sprintf("%s%02d", prefix, rng.IntN(distinct)))
		}
		return out
	}
	docs := make([]search.Document, n)
	for i := range docs {
		text := ""
		for range 6 + rng.IntN(10) {
			text += pick(words) + " "
		}
		year := 2010 + rng.IntN(15)
		d := search.Document{ID: fmt.Sprintf("doc-%05d", i), Text: text, Title: pick(words) + " " + pick(words), Number: "1",
			ReviewID: fmt.Sprintf("rev-%d", i/7), ReviewType: pick([]string{"DHR", "CSPR", "SAR", "PFD"}), ReviewTitle: "Review",
			PartnershipID: fmt.Sprintf("p%d", rng.IntN(9)), Year: year, IssuedOn: time.Date(year, 3, 1, 0, 0, 0, 0, time.UTC),
			Visibility:      pick([]string{"public", "shared", "restricted"}),
			OrganisationIDs: some("org", 3, 80), ThemeCodes: some("C", 4, 30), Sectors: some("sector", 3, 6),
			Scope: pick([]string{"local", "regional", "national"}), ResponseStatus: pick([]string{"awaiting_response", "accepted", "rejected"}),
			ImplementationStatus: pick([]string{"not_started", "in_progress", "completed"}), OversightStatus: "open_unassessed", Version: version}
		if rng.IntN(4) > 0 {
			d.InterventionType = pick([]string{"training", "policy", "practice_tool", "commissioning"})
		}
		for _, c := range d.ThemeCodes {
			d.ThemeGroups = append(d.ThemeGroups, c[:1]+fmt.Sprint(len(c)%3))
		}
		docs[i] = d
	}
	return docs
}

// oldPaths are the tunings that turn each fast path off, one at a time: each must give what the
// default gives.
var oldPaths = []bleveindex.Tuning{{BleveOnly: true}, {IDTieBreak: true}, {HighlightWithFilters: true}, {HighlightWholeQuery: true}, {UnreadableQuery: true}}

// TestColumnFacetsMatchBleveFacets compares the column paths (facet counts and the permission
// filter) with bleve's own facet counting and permission query, and the other fast paths
// (oldPaths) with bleve's own ways, on an index of several segments with updates and deletions,
// across queries, filters, scopes and pages (the empty query ties every score).
func TestColumnFacetsMatchBleveFacets(t *testing.T) {
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	docs := generated(rng, 3000, 1)
	for start := 0; start < len(docs); start += 400 { // several batches: several segments
		if err := idx.Apply(t.Context(), docs[start:min(start+400, len(docs))], nil, int64(start+1)); err != nil {
			t.Fatal(err)
		}
	}
	// Change some documents' facet values and delete others, so old segments hold dead versions.
	changed := generated(rand.New(rand.NewPCG(3, 4)), 300, 2)
	var deletes []string
	for i := range changed {
		changed[i].ID = docs[i*7].ID
		deletes = append(deletes, docs[i*7+3].ID)
	}
	if err := idx.Apply(t.Context(), changed, deletes, 9999); err != nil {
		t.Fatal(err)
	}

	scopes := map[string]casereview.ReadScope{
		"all":    {All: true},
		"public": {Visibilities: []casereview.Visibility{casereview.VisibilityPublic}},
		"panel":  {Visibilities: []casereview.Visibility{casereview.VisibilityPublic, casereview.VisibilityShared}, Partnerships: []string{"p3"}},
	}
	queries := []string{"", "police", "risk assessment", `"information sharing"`, "police -housing", "theme:C05", "type:DHR training",
		"year:2012..2016 custody", "nomatchwordatall", "custody OR stalking", "MARAC referral", "refer*"}
	filters := []map[string][]string{nil, {search.FacetReviewType: {"SAR", "PFD"}}, {search.FacetOrganisation: {"org07"}, search.FacetScope: {"local"}}}
	// What the database hides, as a lagging index would not know: every review whose number ends
	// in 3 (public ones too), but for two recommendations on them; and a review no document has.
	reviewOf := map[string]string{}
	for _, d := range docs {
		reviewOf[d.ID] = d.ReviewID
	}
	for _, d := range changed {
		reviewOf[d.ID] = d.ReviewID
	}
	for _, id := range deletes {
		delete(reviewOf, id)
	}
	var hidden casereview.Unreadable
	for i := 3; i < 430; i += 10 {
		hidden.Reviews = append(hidden.Reviews, fmt.Sprintf("rev-%d", i))
	}
	hidden.Reviews = append(hidden.Reviews, "rev-never-indexed")
	hidden.Except = []string{docs[3*7+1].ID, docs[13*7+2].ID}
	hides := map[string]bool{}
	for _, id := range hidden.Reviews {
		hides[id] = true
	}
	excepted := map[string]bool{hidden.Except[0]: true, hidden.Except[1]: true}
	compared, withHidden := 0, 0
	for scopeName, scope := range scopes {
		for _, q := range queries {
			for fi, f := range filters {
				for ui, u := range []casereview.Unreadable{{}, hidden} {
					parsed, err := query.Parse(q)
					if err != nil {
						t.Fatal(err)
					}
					r := search.Request{Query: parsed, Scope: scope, Filters: f, Facets: search.AllFacets, Size: 20, Unreadable: u}
					if parsed == nil {
						r.Query = nil
					}
					for ti, old := range oldPaths {
						r := r
						for page := 0; page < 3; page++ {
							name := fmt.Sprintf("%s/%q/filter%d/unreadable%d/page%d/%+v", scopeName, q, fi, ui, page, oldPaths[ti])
							idx.Tune(old)
							want, err := idx.Search(t.Context(), r)
							idx.Tune(bleveindex.Tuning{})
							if err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							got, err := idx.Search(t.Context(), r)
							if err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							if got.Total != want.Total || !reflect.DeepEqual(hitIDs(got), hitIDs(want)) {
								t.Fatalf("%s: hits differ: %d %v, want %d %v", name, got.Total, hitIDs(got), want.Total, hitIDs(want))
							}
							// Scores, sort keys (the next page's cursor) and highlights too: the permission
							// filter must score exactly as the bleve query it replaces.
							if !reflect.DeepEqual(got.Hits, want.Hits) {
								t.Fatalf("%s: hit details differ:\n got %+v\nwant %+v", name, got.Hits, want.Hits)
							}
							if !reflect.DeepEqual(got.Facets, want.Facets) {
								t.Fatalf("%s: facets differ:\n got %v\nwant %v", name, got.Facets, want.Facets)
							}
							compared++
							if ui == 1 {
								for _, h := range got.Hits {
									if hides[reviewOf[h.ID]] && !excepted[h.ID] {
										t.Fatalf("%s: %s is on hidden review %s", name, h.ID, reviewOf[h.ID])
									}
								}
								withHidden += len(got.Hits)
							}
							if len(want.Hits) == 0 {
								break
							}
							r.After = want.Hits[len(want.Hits)-1].SortKey
						}
					}
				}
			}
		}
	}
	if compared < 300 || withHidden < 100 {
		t.Fatalf("only %d searches compared, %d hits with reviews hidden", compared, withHidden)
	}
}

// TestColumnFacetsCountOnlyVisibleDocuments computes the expected counts from the documents
// themselves: a caller who sees only public reviews gets counts of public documents only.
func TestColumnFacetsCountOnlyVisibleDocuments(t *testing.T) {
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := generated(rand.New(rand.NewPCG(5, 6)), 500, 1)
	if err := idx.Apply(t.Context(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	wantTotal := 0
	for _, d := range docs {
		if d.Visibility != "public" {
			continue
		}
		wantTotal++
		seen := map[string]bool{}
		for _, s := range d.Sectors {
			if !seen[s] {
				seen[s] = true
				want[s]++
			}
		}
	}
	res, err := idx.Search(t.Context(), search.Request{Scope: casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic}},
		Facets: []string{search.FacetSector}, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	if int(res.Total) != wantTotal {
		t.Fatalf("total %d, want %d", res.Total, wantTotal)
	}
	got := map[string]int{}
	for _, c := range res.Facets[search.FacetSector] {
		got[c.Value] = c.Count
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sector counts %v, want %v", got, want)
	}
	vals := res.Facets[search.FacetSector]
	if !sort.SliceIsSorted(vals, func(i, j int) bool { return vals[i].Count > vals[j].Count }) {
		t.Fatalf("not most frequent first: %v", vals)
	}
}

func hitIDs(r search.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}
