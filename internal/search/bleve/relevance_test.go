package bleve_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
	bleveindex "github.com/casereview/casereview/internal/search/bleve"
	"github.com/casereview/casereview/internal/search/query"
)

// The defects of issue 16 §2, each on fictional recommendations written for it.

func relevanceIndex(t *testing.T, docs ...search.Document) *bleveindex.Index {
	t.Helper()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if err := idx.Apply(context.Background(), docs, nil, 1); err != nil {
		t.Fatal(err)
	}
	return idx
}

// rec is a fictional recommendation; orgs are "Name|alias|alias" addressees.
func rec(id, text string, orgs ...string) search.Document {
	d := search.Document{ID: id, Text: text, Title: "Recommendation " + id, ReviewID: "rv-" + id, PartnershipID: "p1",
		Visibility: "public", ReviewType: "PFD", Scope: "local", Version: 1}
	for _, o := range orgs {
		parts := strings.Split(o, "|")
		d.OrganisationIDs = append(d.OrganisationIDs, "org-"+id)
		d.OrganisationNames = append(d.OrganisationNames, parts[0])
		d.OrganisationAliases = append(d.OrganisationAliases, parts[1:]...)
	}
	return d
}

func hits(t *testing.T, idx *bleveindex.Index, q string) []search.Hit {
	t.Helper()
	n, err := query.Parse(q)
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	res, err := idx.Search(context.Background(), search.Request{Query: n, Scope: casereview.ReadScope{All: true}, Size: 50})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res.Hits
}

func ranked(t *testing.T, idx *bleveindex.Index, q string) []string {
	t.Helper()
	var out []string
	for _, h := range hits(t, idx, q) {
		out = append(out, h.ID)
	}
	return out
}

func found(t *testing.T, idx *bleveindex.Index, q string) []string {
	t.Helper()
	out := ranked(t, idx, q)
	slices.Sort(out)
	return out
}

func TestHyphenatedWordsMatchAsAPhrase(t *testing.T) {
	idx := relevanceIndex(t,
		rec("h1", "Officers should switch on body-worn cameras at every domestic call."),
		rec("h2", "The kerb outside the body shop was worn down and unsafe."),
		rec("h3", "A multi-agency meeting should be held within a week."),
		rec("h4", "The multi lane motorway is managed by the Highways Agency."),
		rec("h5", "Self-harm should be asked about at each contact."),
		rec("h6", "Staff should do no harm; self referral is open to all."),
		rec("h7", "Cameras worn on the body should record every call."),
	)
	for q, want := range map[string][]string{
		"body-worn":      {"h1"},
		"multi-agency":   {"h3"},
		"self-harm":      {"h5"},
		"self-harm call": nil,
		"body worn":      {"h1", "h2", "h7"}, // separate words stay separate
	} {
		if got := found(t, idx, q); !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", q, got, want)
		}
	}
}

func TestWordsTogetherRankAboveScatteredWords(t *testing.T) {
	idx := relevanceIndex(t,
		rec("p1", "Safeguarding leads said the school referred the family on; agencies referred me to training on safeguarding, and referrals were slow."),
		rec("p2", "A safeguarding referral should be made on the day the concern is raised."),
		rec("p3", "Risk assessment training should be given to every call handler; the risk of harm was never written into an assessment of the family."),
		rec("p4", "Staff should be trained in risk assessment."),
	)
	for q, first := range map[string]string{"safeguarding referral": "p2", "risk assessment": "p4"} {
		if got := ranked(t, idx, q); len(got) < 2 || got[0] != first {
			t.Errorf("%q ranked %v, want %s first (the words together)", q, got, first)
		}
	}
}

func TestSynonymAndFuzzyMatchesRankBelowExactOnes(t *testing.T) {
	idx := relevanceIndex(t,
		rec("s1", "An independent domestic violence advisor should be offered to every victim referred by the police."),
		rec("s2", "An IDVA should be offered to every victim."),
		rec("s3", "Paramedics should ask about strangulaton."), // a typo in the record itself
		rec("s4", "Paramedics should ask about strangulation."),
	)
	if got := ranked(t, idx, "idva"); len(got) != 2 || got[0] != "s2" {
		t.Errorf("idva ranked %v, want s2 (the word itself) above s1 (its long form)", got)
	}
	if got := ranked(t, idx, "strangulation"); len(got) != 2 || got[0] != "s4" {
		t.Errorf("strangulation ranked %v, want s4 (exact) above s3 (one typo)", got)
	}
}

func TestTextOutranksAddresseeNames(t *testing.T) {
	idx := relevanceIndex(t,
		rec("c1", "The trust should review how discharge letters reach the GP.", "Care Quality Commission|CQC"),
		rec("c2", "The CQC should inspect ward staffing at night, when the evidence heard at the inquest showed that a single nurse was left in charge of two wards, that handovers were verbal and unrecorded, and that the escalation policy had not been read by agency staff.", "Department of Health and Social Care"),
		rec("c3", "Inspectors should check staffing at night.", "Eastvale Police|EVP"),
	)
	if got := ranked(t, idx, "CQC"); len(got) != 2 || got[0] != "c2" {
		t.Errorf("CQC ranked %v, want c2 (about the CQC) above c1 (addressed to it)", got)
	}
	for q, want := range map[string][]string{
		"agency:CQC":                       {"c1"},
		`agency:"care quality commission"`: {"c1"},
		"agency:EVP":                       {"c3"},
		"agency:eastvale":                  {"c3"},
	} {
		if got := found(t, idx, q); !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", q, got, want)
		}
	}
}

func TestAmpersandAbbreviationsAreNotALoneLetter(t *testing.T) {
	idx := relevanceIndex(t,
		rec("a1", "Patients waiting in A&E should be seen within four hours."),
		rec("a2", "Staff should check e-mail and the e-scooter policy, plan e and the vitamin E dose."),
		rec("a3", "The accident and emergency department should triage faster."),
		rec("a4", "Accident & emergency staff should record the handover."),
	)
	for q, want := range map[string][]string{
		"A&E":                      {"a1", "a3", "a4"},
		"ED":                       {"a1", "a3", "a4"},
		`"accident & emergency"`:   {"a1", "a3", "a4"}, // the phrase finds its abbreviation too
		`"accident and emergency"`: {"a1", "a3", "a4"},
		"accident & emergency":     {"a3", "a4"}, // the lone & is dropped: accident and emergency, anywhere
	} {
		got := found(t, idx, q)
		if slices.Contains(got, "a2") || !slices.Equal(got, want) {
			t.Errorf("%q found %v, want %v", q, got, want)
		}
	}
}

func TestNotIsAnOperator(t *testing.T) {
	idx := relevanceIndex(t,
		rec("n1", "Stalking should be reported to the police."),
		rec("n2", "Stalking advocates should be funded."),
	)
	if got := found(t, idx, "stalking NOT police"); !slices.Equal(got, []string{"n2"}) {
		t.Errorf("stalking NOT police found %v, want n2", got)
	}
}
