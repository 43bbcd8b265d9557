package bleve_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// "More like this" learns a corpus's boilerplate from the corpus: words in a large share of the
// recommendations are not what makes two alike, whatever they are (issue 16 §2).
func TestSimilarLearnsBoilerplateFromTheCorpus(t *testing.T) {
	topics := []string{"ligature points on the ward", "level crossing barriers", "carbon monoxide alarms", "sepsis screening in triage",
		"bed rails for frail patients", "scooter batteries in flats", "insulin prescribing at discharge", "lone working for bailiffs"}
	for i := len(topics); i < 25; i++ { // each topic in 4% of the corpus
		topics = append(topics, fmt.Sprintf("subject%c of kind%c", 'a'+i, 'a'+i))
	}
	var docs []search.Document
	for i := range 400 {
		text := fmt.Sprintf("Recommendation %d concerns %s.", i, topics[i%len(topics)])
		if i%3 == 0 { // a third of the corpus carries the tracker's boilerplate
			text += " A response has been received and an update is awaited."
		}
		docs = append(docs, rec(fmt.Sprintf("d%03d", i), text))
	}
	idx := relevanceIndex(t, docs...)
	res, err := idx.Similar(context.Background(), search.SimilarRequest{
		Text: "A response has been received and an update is awaited on ligature points on the ward.", Scope: casereview.ReadScope{All: true}, Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, boiler := range []string{"respons", "receiv", "updat", "await"} {
		if slices.Contains(res.Terms, boiler) {
			t.Errorf("boilerplate %q used as a distinctive term: %v", boiler, res.Terms)
		}
	}
	if !slices.Contains(res.Terms, "ligatur") {
		t.Errorf("terms %v lack ligature", res.Terms)
	}
	for _, h := range res.Hits {
		var i int
		fmt.Sscanf(h.ID, "d%d", &i)
		if i%len(topics) != 0 {
			t.Errorf("%s is about %s, not ligatures (terms %v)", h.ID, topics[i%len(topics)], res.Terms)
		}
	}
}
