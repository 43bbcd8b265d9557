package extract

import (
	"strings"
	"testing"
)

// All documents here are fictional: invented inquiries, places and agencies.

// A lettered list with one identifier after its last item is one recommendation: the lead-in,
// back to its paragraph's start, and every item with its letter.
func TestLetteredListWithOneIdentifierIsOneRecommendation(t *testing.T) {
	ps := findText(t, `7. Recommendations
7.3. On 15 February 2012 the Commission made the following urgent recommendation:
The Commission recommends that the Director of Civil Aviation:
(a) check every balloon maintenance organisation, and
(b) satisfy himself that every registered balloon is airworthy.
(001/12)
7.4. On 1 September 2022 the Commission recommended that the Aviation Authority ensure
that managers of aerodromes understand their duties. This includes:
a. working with the district councils,
b. training aerodrome staff. (016/22)
7.5. On 2 May 2022 the Commission recommended that the Director:
a. publish the tide tables (017/22)
b. check the buoys every month (018/22).
`)
	if got := strings.Join(numbers(ps), " "); got != "001/12 016/22 017/22 018/22" {
		t.Fatalf("numbers = %q", got)
	}
	if want := "The Commission recommends that the Director of Civil Aviation: (a) check every balloon maintenance organisation, and (b) satisfy himself that every registered balloon is airworthy."; ps[0].Text != want {
		t.Errorf("text = %q\nwant   %q", ps[0].Text, want)
	}
	if want := "On 1 September 2022 the Commission recommended that the Aviation Authority ensure that managers of aerodromes understand their duties. This includes: a. working with the district councils, b. training aerodrome staff."; ps[1].Text != want {
		t.Errorf("text = %q\nwant   %q", ps[1].Text, want)
	}
	// Items with identifiers of their own stay apart, each with the lead-in.
	if want := "On 2 May 2022 the Commission recommended that the Director: publish the tide tables."; ps[2].Text != want {
		t.Errorf("text = %q\nwant   %q", ps[2].Text, want)
	}
}

// The block above an identifier starts at the first sentence that opens by recommending: the
// analysis or a reply before it is left out, and a later "it is also recommended" stays.
func TestRecommendationStartsAtTheSentenceThatRecommends(t *testing.T) {
	ps := findText(t, `7. Recommendations
7.1. In a previous report on this operator, the Commission commented that the accident rate
was high. The culture may have become normalised.
On 21 February 2018, the Commission recommended that the Director of Civil Aviation
include operating culture in the sector review. (004/18)
On 2 March 2018, the Authority replied:
We accept it. The review will start in June.
On 21 February 2018 the Commission recommended that the Director of Civil Aviation review
the audits of every operator. If the review finds unresolved issues, it is also recommended
that the Director act on them. (005/18)
`)
	if len(ps) != 2 {
		t.Fatalf("proposals = %q", numbers(ps))
	}
	if want := "On 21 February 2018, the Commission recommended that the Director of Civil Aviation include operating culture in the sector review."; ps[0].Text != want {
		t.Errorf("text = %q\nwant   %q", ps[0].Text, want)
	}
	if !strings.HasPrefix(ps[1].Text, "On 21 February 2018 the Commission recommended that the Director of Civil Aviation review") || !strings.Contains(ps[1].Text, "it is also recommended") {
		t.Errorf("text = %q: the reply before it goes, the second sentence stays", ps[1].Text)
	}
}

// A section whose numbered paragraphs are all boilerplate proposes nothing: its other lines (a
// heading in another language, "General") are not one unnumbered recommendation. The
// boilerplate is known with a word a PDF broke ("recommendation s").
func TestAllBoilerplateSectionProposesNothing(t *testing.T) {
	ps := findText(t, `6 Recommendations
Ngā tūtohutanga
General
6.1 The Commission issues recommendations to address safety issues found in its
investigations.
6.2 In the interests of transport safety, it is important that recommendation s are
implemented without delay.
Key lessons
6.3 Crews should keep a lookout.
`)
	if len(ps) != 0 {
		t.Errorf("proposals = %+v, want none", ps)
	}
}
