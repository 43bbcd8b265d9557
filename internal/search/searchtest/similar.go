package searchtest

import (
	"context"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// similarCorpus has two pairs of recommendations that are alike in substance, one pair that
// shares only generic words, and one restricted look-alike.
var similarCorpus = []search.Document{
	doc("s1", "Police should refer victims of stalking to a specialist stalking advocate and record every breach of a stalking protection order.",
		"", "DHR", "p1", "shared", 2021, []string{"A09"}, []string{"police"}, "local"),
	doc("s2", "Stalking protection orders should be applied for whenever a stalking victim reports a breach; refer victims to an advocate.",
		"", "DHR", "p2", "shared", 2022, []string{"A09"}, []string{"police"}, "local"),
	doc("s3", "Agencies should review their training policy and ensure staff attend training on the new procedure.",
		"", "SAR", "p1", "shared", 2020, nil, []string{"housing"}, "local"),
	doc("s4", "The agency should review its training policy so that staff receive training on procedure.",
		"", "CSPR", "p2", "shared", 2019, nil, []string{"housing"}, "local"),
	doc("s5", "A stalking advocate should be offered to every stalking victim and breaches of stalking protection orders recorded.",
		"", "PFD", "p3", "restricted", 2023, []string{"A09"}, []string{"police"}, "national"),
	doc("s6", "GPs should ask about non-fatal strangulation when a patient presents with neck injuries.",
		"", "CSPR", "p2", "public", 2019, nil, []string{"gp"}, "regional"),
}

func runSimilar(t *testing.T, open func(t *testing.T) search.Index) {
	ctx := context.Background()
	idx := open(t)
	docs := append([]search.Document(nil), similarCorpus...)
	docs[1].ReviewID = docs[0].ReviewID // s2 is in the same review as s1 for the exclusion case below
	if err := idx.Apply(ctx, docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	hits := func(r search.SimilarRequest) ([]string, []string) {
		t.Helper()
		res, err := idx.Similar(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		return out, res.Terms
	}
	text := similarCorpus[0].Text
	got, terms := hits(search.SimilarRequest{Text: text, ExcludeID: "s1", Scope: all})
	if len(got) < 2 || !slices.Contains(got[:2], "s2") || !slices.Contains(got[:2], "s5") {
		t.Errorf("like s1: got %v (terms %v), want s2 and s5 first", got, terms)
	}
	for _, id := range got {
		if id == "s1" || id == "s3" || id == "s4" || id == "s6" {
			t.Errorf("like s1: %s is not alike but was found (terms %v)", id, terms)
		}
	}
	if !slices.Contains(terms, "stalk") {
		t.Errorf("distinctive terms %v lack the stem of stalking", terms)
	}
	for _, generic := range []string{"review", "train", "ensur", "staff", "everi"} {
		if slices.Contains(terms, generic) {
			t.Errorf("generic word %q used as a distinctive term: %v", generic, terms)
		}
	}
	// The same review's own recommendations are left out when asked.
	got, _ = hits(search.SimilarRequest{Text: text, ExcludeID: "s1", ExcludeReviewID: docs[0].ReviewID, Scope: all})
	if slices.Contains(got, "s2") || !slices.Contains(got, "s5") {
		t.Errorf("excluding the review: got %v, want s5 without s2", got)
	}
	// Scope is part of the query: the restricted look-alike is not found by someone who may not see it.
	shared := casereview.ReadScope{Visibilities: []casereview.Visibility{casereview.VisibilityShared, casereview.VisibilityPublic}}
	got, _ = hits(search.SimilarRequest{Text: text, ExcludeID: "s1", Scope: shared})
	if slices.Contains(got, "s5") || !slices.Contains(got, "s2") {
		t.Errorf("shared scope: got %v, want s2 and never the restricted s5", got)
	}
	// Recommendations alike only in generic words are not alike.
	got, terms = hits(search.SimilarRequest{Text: similarCorpus[2].Text, ExcludeID: "s3", Scope: all})
	if slices.Contains(got, "s4") {
		t.Errorf("generic-only text matched s4: %v (terms %v)", got, terms)
	}
}
