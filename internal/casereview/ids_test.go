package casereview_test

import (
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

var malformedIDs = []string{
	"not-a-uuid",
	"3f2b8c1e9d4a4c6b8e2f1a2b3c4d5e6f",       // no hyphens
	"{3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f}", // braces
	"urn:uuid:3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f",
	"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6",   // one short
	"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f0", // one long
	"3f2b8c1g-9d4a-4c6b-8e2f-1a2b3c4d5e6f",  // not hex
	"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f; drop table reviews",
	"3f2b8c1e_9d4a_4c6b_8e2f_1a2b3c4d5e6f",
	"3f2b8c1e-9d4a-4c6b-8e2f-1a2b3c4d5e6f\x00",
	"42",
	"-",
	"   ",
}

func TestNormaliseID(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{idA, idA, true},
		{strings.ToUpper(idA), idA, true},
		{"3F2B8C1E-9d4a-4C6B-8e2f-1A2B3C4D5E6F", idA, true},
		{"  " + idA + "\n", idA, true},
		{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000", true},
	}
	for _, c := range cases {
		got, ok := cr.NormaliseID(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("NormaliseID(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for _, in := range malformedIDs {
		if _, ok := cr.NormaliseID(in); ok {
			t.Errorf("NormaliseID(%q) accepted a malformed id", in)
		}
	}
}

func TestCheckID(t *testing.T) {
	var p cr.Problems
	if got := cr.CheckID(&p, "x", "", false); got != "" {
		t.Errorf("optional empty id gave %q", got)
	}
	if got := cr.CheckID(&p, "x", strings.ToUpper(idB), true); got != idB {
		t.Errorf("CheckID normalised to %q, want %q", got, idB)
	}
	wantNil(t, p.Err())

	cr.CheckID(&p, "x", "", true)
	wantOnly(t, p.Err(), "x", cr.FieldRequired)

	for _, in := range malformedIDs {
		var p cr.Problems
		if got := cr.CheckID(&p, "parent_id", in, false); got != "" {
			t.Errorf("CheckID(%q) returned %q for a malformed id", in, got)
		}
		fe := wantOnly(t, p.Err(), "parent_id", cr.FieldInvalid)
		if !strings.Contains(fe.Message, "is not a valid id") {
			t.Errorf("message %q", fe.Message)
		}
	}
}

func TestDraftIDsRejectedAndNormalised(t *testing.T) {
	up := strings.ToUpper
	t.Run("malformed", func(t *testing.T) {
		cases := []struct {
			field string
			check func(id string) error
		}{
			{"partnership_id", func(id string) error { d := validReview(); d.PartnershipID = id; return d.Validate(today) }},
			{"parent_id", func(id string) error { d := validOrganisation(); d.ParentID = &id; return d.Validate() }},
			{"review_id", func(id string) error { d := validRecommendation(); d.ReviewID = id; return d.Validate() }},
			{"addressees[1].organisation_id", func(id string) error {
				d := validRecommendation()
				d.Addressees[1].OrganisationID = id
				return d.Validate()
			}},
			{"recommendation_id", func(id string) error { d := validAction(); d.RecommendationID = id; return d.Validate(today) }},
			{"organisation_id", func(id string) error { d := validAction(); d.OrganisationID = id; return d.Validate(today) }},
			{"parent_id", func(id string) error { f := cr.OrganisationFilter{ParentID: id}; return f.Validate() }},
			{"partnership_id", func(id string) error { f := cr.ReviewFilter{PartnershipID: id}; return f.Validate() }},
			{"review_id", func(id string) error { f := cr.RecommendationFilter{ReviewID: id}; return f.Validate() }},
			{"partnership_id", func(id string) error { f := cr.RecommendationFilter{PartnershipID: id}; return f.Validate() }},
			{"organisation_id", func(id string) error { f := cr.RecommendationFilter{OrganisationID: id}; return f.Validate() }},
			{"recommendation_id", func(id string) error { f := cr.ActionFilter{RecommendationID: id}; return f.Validate() }},
			{"organisation_id", func(id string) error { f := cr.ActionFilter{OrganisationID: id}; return f.Validate() }},
		}
		for _, c := range cases {
			for _, id := range []string{"not-a-uuid", idA + "0", "3f2b8c1e9d4a4c6b8e2f1a2b3c4d5e6f"} {
				wantOnly(t, c.check(id), c.field, cr.FieldInvalid)
			}
			wantNil(t, c.check(idA))
		}
	})
	t.Run("normalised", func(t *testing.T) {
		r := validReview()
		r.PartnershipID = up(idA)
		wantNil(t, r.Validate(today))
		o := validOrganisation()
		o.ParentID = ptr(" " + up(idC))
		wantNil(t, o.Validate())
		rec := validRecommendation()
		rec.ReviewID = up(idA)
		rec.Addressees[0].OrganisationID = up(idB)
		wantNil(t, rec.Validate())
		a := validAction()
		a.RecommendationID, a.OrganisationID = up(idA), up(idB)
		wantNil(t, a.Validate(today))
		of := cr.OrganisationFilter{ParentID: up(idC)}
		wantNil(t, of.Validate())
		rf := cr.ReviewFilter{PartnershipID: up(idA)}
		wantNil(t, rf.Validate())
		cf := cr.RecommendationFilter{ReviewID: up(idA), PartnershipID: up(idB), OrganisationID: up(idC)}
		wantNil(t, cf.Validate())
		af := cr.ActionFilter{RecommendationID: up(idA), OrganisationID: up(idB)}
		wantNil(t, af.Validate())

		got := []string{r.PartnershipID, *o.ParentID, rec.ReviewID, rec.Addressees[0].OrganisationID,
			a.RecommendationID, a.OrganisationID, of.ParentID, rf.PartnershipID, cf.ReviewID, cf.PartnershipID,
			cf.OrganisationID, af.RecommendationID, af.OrganisationID}
		want := []string{idA, idC, idA, idB, idA, idB, idC, idA, idA, idB, idC, idA, idB}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("id %d normalised to %q, want %q", i, got[i], want[i])
			}
		}
	})
}
