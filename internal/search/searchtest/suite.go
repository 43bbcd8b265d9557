// Package searchtest is the shared suite any search.Index must pass: phrase, exclusion, field
// scoping, stemming, synonyms, fuzzy matching, facets, highlight escaping, stable pagination,
// permission filtering and deletions.
package searchtest

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/search/query"
)

// Corpus is the suite's fixed set of documents.
var Corpus = []search.Document{
	doc("r01", "Police should refer every victim of stalking to a specialist service.", "Stalking referrals", "DHR", "p1", "shared", 2021,
		[]string{"A09", "C05"}, []string{"police"}, "local"),
	doc("r02", "The MARAC should review cases where the DASH risk assessment was not completed.", "MARAC review", "DHR", "p1", "shared", 2020,
		[]string{"C01", "C02"}, []string{"police", "la_childrens_services"}, "local"),
	doc("r03", "GPs should ask about domestic abuse when a patient presents with injuries; referral to IRIS.", "GP routine enquiry", "CSPR", "p2", "public", 2019,
		[]string{"C06", "C12"}, []string{"gp"}, "regional"),
	doc("r04", "Training on coercive and controlling behavior for housing officers.", "Housing training", "SAR", "p2", "public", 2022,
		[]string{"A02", "C17"}, []string{"housing"}, "local"),
	doc("r05", "Agencies must share information about non-fatal strangulation <script>alert(1)</script> at once.", "Strangulation", "PFD", "p3", "restricted", 2023,
		[]string{"A12", "C03"}, []string{"police", "ambulance"}, "national"),
	doc("r06", "The partnership should commission an independent domestic violence advisor service.", "IDVA commissioning", "DHR", "p3", "restricted", 2018,
		[]string{"C16", "C22"}, []string{"specialist_da_service"}, "local"),
	doc("r07", "Probation should record every breach of a protective order.", "Order breaches", "DHR", "p1", "public", 2021,
		[]string{"C11", "C04"}, []string{"probation"}, "local"),
}

func doc(id, text, title, typ, partnership, vis string, year int, themes, sectors []string, scope string) search.Document {
	d := search.Document{ID: id, Text: text, Title: title, Number: "1", ReviewID: "rev-" + id, ReviewType: typ, ReviewReference: "REF-" + id,
		ReviewTitle: "Review " + id, PartnershipID: partnership, PartnershipName: "Partnership " + partnership, Year: year,
		IssuedOn: time.Date(year, 6, 1, 0, 0, 0, 0, time.UTC), Visibility: vis, Sectors: sectors, Scope: scope,
		ResponseStatus: "awaiting_response", ImplementationStatus: "not_started", OversightStatus: "open_unassessed", Version: 1}
	for _, s := range sectors {
		d.OrganisationIDs = append(d.OrganisationIDs, "org-"+s)
		d.OrganisationNames = append(d.OrganisationNames, strings.ToUpper(s[:1])+s[1:]+" Agency")
	}
	for _, t := range themes {
		d.ThemeCodes = append(d.ThemeCodes, t)
		d.ThemeGroups = append(d.ThemeGroups, t[:1])
	}
	return d
}

var all = casereview.ReadScope{All: true}

// Run runs the suite against indexes made by open (each test gets a fresh one).
func Run(t *testing.T, open func(t *testing.T) search.Index) {
	ctx := context.Background()
	load := func(t *testing.T) search.Index {
		idx := open(t)
		if err := idx.Apply(ctx, Corpus, nil, 7); err != nil {
			t.Fatal(err)
		}
		return idx
	}
	ids := func(t *testing.T, idx search.Index, q string, scope casereview.ReadScope, filters map[string][]string) []string {
		t.Helper()
		n, err := query.Parse(q)
		if err != nil {
			t.Fatalf("parse %q: %v", q, err)
		}
		res, err := idx.Search(ctx, search.Request{Query: n, Scope: scope, Filters: filters, Size: 50})
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		sort.Strings(out)
		if int(res.Total) != len(out) {
			t.Errorf("%q: total %d but %d hits", q, res.Total, len(out))
		}
		return out
	}
	cases := []struct {
		name, q string
		want    []string
	}{
		{"all words required", "police stalking", []string{"r01"}},
		{"stemming", "referred", []string{"r01", "r03"}},
		{"phrase", `"risk assessment"`, []string{"r02"}},
		{"phrase is not just words", `"assessment risk"`, nil},
		{"exclusion", "police -stalking", []string{"r02", "r05"}},
		{"or", "marac OR probation", []string{"r02", "r07"}},
		{"field scoping: theme code", "theme:A09", []string{"r01"}},
		{"field scoping: type", "type:dhr police", []string{"r01", "r02"}},
		{"field scoping: sector", "sector:probation", []string{"r07"}},
		{"year range", "year:2020..2021", []string{"r01", "r02", "r07"}},
		{"abbreviation finds the long form", "idva", []string{"r06"}},
		{"long form finds the abbreviation", `"multi-agency risk assessment conference"`, []string{"r02"}},
		{"British finds American", "behaviour", []string{"r04"}},
		{"typo in a long word", "strangulaton", []string{"r05"}},
		{"prefix", "commiss*", []string{"r06"}},
		{"nothing", "zebra", nil},
		{"empty matches all", "", []string{"r01", "r02", "r03", "r04", "r05", "r06", "r07"}},
	}
	t.Run("queries", func(t *testing.T) {
		idx := load(t)
		for _, c := range cases {
			if got := ids(t, idx, c.q, all, nil); !slices.Equal(got, c.want) {
				t.Errorf("%s: %q found %v, want %v", c.name, c.q, got, c.want)
			}
		}
	})
	t.Run("permissions inside the query", func(t *testing.T) {
		idx := load(t)
		anon := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic}}
		if got := ids(t, idx, "", anon, nil); !slices.Equal(got, []string{"r03", "r04", "r07"}) {
			t.Errorf("anonymous sees %v", got)
		}
		p3 := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic, casereview.VisibilityShared}, Partnerships: []string{"p3"}}
		if got := ids(t, idx, "", p3, nil); !slices.Equal(got, []string{"r01", "r02", "r03", "r04", "r05", "r06", "r07"}) {
			t.Errorf("panel of p3 sees %v", got)
		}
		p1 := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityPublic, casereview.VisibilityShared}, Partnerships: []string{"p1"}}
		n, _ := query.Parse("")
		res, err := idx.Search(ctx, search.Request{Query: n, Scope: p1, Size: 50, Facets: []string{search.FacetReviewType}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 {
			t.Errorf("panel of p1: total %d, want 5 (the restricted p3 documents must not count)", res.Total)
		}
		counts := map[string]int{}
		for _, f := range res.Facets[search.FacetReviewType] {
			counts[f.Value] = f.Count
		}
		if counts["PFD"] != 0 || counts["DHR"] != 3 || counts["CSPR"] != 1 || counts["SAR"] != 1 {
			t.Errorf("facet counts leak or miss: %v", counts)
		}
	})
	t.Run("filters and facets", func(t *testing.T) {
		idx := load(t)
		if got := ids(t, idx, "", all, map[string][]string{search.FacetReviewType: {"DHR"}, search.FacetSector: {"police", "probation"}}); !slices.Equal(got, []string{"r01", "r02", "r07"}) {
			t.Errorf("filters: %v", got)
		}
		n, _ := query.Parse("")
		res, err := idx.Search(ctx, search.Request{Query: n, Scope: all, Size: 1, Facets: []string{search.FacetTheme, search.FacetYear, search.FacetSector}})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, f := range res.Facets[search.FacetSector] {
			got[f.Value] = f.Count
		}
		if got["police"] != 3 || got["gp"] != 1 || len(res.Hits) != 1 || res.Total != 7 {
			t.Errorf("sector facet %v, hits %d, total %d", got, len(res.Hits), res.Total)
		}
	})
	t.Run("highlights are escaped", func(t *testing.T) {
		idx := load(t)
		n, _ := query.Parse("strangulation")
		res, err := idx.Search(ctx, search.Request{Query: n, Scope: all, Size: 5})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%v %v", res, err)
		}
		frag := strings.Join(res.Hits[0].Fragments["text"], " ")
		if !strings.Contains(frag, "<mark>strangulation</mark>") || strings.Contains(frag, "<script>") || !strings.Contains(frag, "&lt;script&gt;") {
			t.Errorf("fragment %q: want the match marked and the markup escaped", frag)
		}
	})
	t.Run("stable pagination", func(t *testing.T) {
		idx := load(t)
		n, _ := query.Parse("")
		var seen []string
		var after []string
		for page := 0; page < 10; page++ {
			res, err := idx.Search(ctx, search.Request{Query: n, Scope: all, Size: 3, After: after, Sort: search.SortNewest})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				seen = append(seen, h.ID)
			}
			if len(res.Hits) < 3 {
				break
			}
			after = res.Hits[len(res.Hits)-1].SortKey
		}
		want := []string{"r05", "r04", "r01", "r07", "r02", "r03", "r06"} // newest first, ties by id
		if !slices.Equal(seen, want) {
			t.Errorf("pages %v, want %v", seen, want)
		}
	})
	t.Run("deletions and the applied sequence", func(t *testing.T) {
		idx := load(t)
		if err := idx.Apply(ctx, nil, []string{"r01"}, 8); err != nil {
			t.Fatal(err)
		}
		if got := ids(t, idx, "stalking", all, nil); len(got) != 0 {
			t.Errorf("deleted document still found: %v", got)
		}
		if seq, err := idx.AppliedSeq(); err != nil || seq != 8 {
			t.Errorf("applied seq %d %v, want 8", seq, err)
		}
		if n, _ := idx.Count(); n != 6 {
			t.Errorf("count %d, want 6", n)
		}
	})
	t.Run("more like this", func(t *testing.T) { runSimilar(t, open) })
}
