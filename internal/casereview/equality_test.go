package casereview

import (
	"errors"
	"math"
	"testing"
)

// Hand-computed: 30 of 100 people in the group against 1,000 of 10,000 in the population:
// RR = 0.30 / 0.10 = 3; SE(ln RR) = sqrt(1/30 - 1/100 + 1/1000 - 1/10000) = sqrt(0.0242333) =
// 0.155671; exp(1.96 × 0.155671) = exp(0.305114) = 1.356784, so the interval is 3 / 1.356784 =
// 2.2111 to 3 × 1.356784 = 4.0703. And 5 of 40 against 2,000 of 10,000: RR = 0.125 / 0.2 =
// 0.625; SE = sqrt(0.2 - 0.025 + 0.0005 - 0.0001) = sqrt(0.1754) = 0.418808; exp(0.820864) =
// 2.272464: 0.2750 to 1.4203, which takes in 1 (no evidence of a difference).
func TestRateRatio(t *testing.T) {
	for _, c := range []struct {
		a, n       int
		b, m       int64
		rr, lo, hi float64
	}{
		{30, 100, 1000, 10000, 3, 2.2111, 4.0703},
		{5, 40, 2000, 10000, 0.625, 0.2750, 1.4203},
	} {
		rr, lo, hi, ok := RateRatio(c.a, c.n, c.b, c.m)
		if !ok || math.Abs(rr-c.rr) > 1e-4 || math.Abs(lo-c.lo) > 1e-4 || math.Abs(hi-c.hi) > 1e-4 {
			t.Errorf("RateRatio(%d, %d, %d, %d) = %.4f (%.4f–%.4f) %v, want %.4f (%.4f–%.4f)", c.a, c.n, c.b, c.m, rr, lo, hi, ok, c.rr, c.lo, c.hi)
		}
	}
	for _, bad := range [][4]int64{{0, 10, 5, 100}, {3, 10, 0, 100}, {3, 0, 5, 100}, {11, 10, 5, 100}} {
		if _, _, _, ok := RateRatio(int(bad[0]), int(bad[1]), bad[2], bad[3]); ok {
			t.Errorf("RateRatio%v: want no ratio", bad)
		}
	}
}

func TestParseBaselineCSV(t *testing.T) {
	got, err := ParseBaselineCSV("ethnic_group", []byte("group,population\nWhite,\"80,000\"\nblack,6000\nAsian, Asian British or Asian Welsh,9000\n"))
	if err == nil {
		t.Fatalf("a label with commas must be quoted; got %v", got)
	}
	got, err = ParseBaselineCSV("ethnic_group", []byte("\xef\xbb\xbfGroup,Population\nWhite,\"80,000\"\nblack,6000\n\"Asian, Asian British or Asian Welsh\",9000\n"))
	if err != nil || len(got) != 3 || got[0].Key != "white" || got[0].Population != 80000 || got[2].Key != "asian" {
		t.Fatalf("got %+v, %v", got, err)
	}
	_, err = ParseBaselineCSV("ethnic_group", []byte("group,population\nwhite,12\nmartian,3\nwhite,4\nblack,-1\nnot_recorded,5\nmixed\n"))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want field errors, got %v", err)
	}
	want := map[string]string{"row[3].group": FieldUnknownValue, "row[4].group": FieldDuplicate, "row[5].population": FieldInvalid,
		"row[6].group": FieldInvalid, "row[7].group": FieldInvalid}
	for _, f := range e.Fields {
		if want[f.Field] == f.Code {
			delete(want, f.Field)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing field errors %v in %+v", want, e.Fields)
	}
	for _, bad := range []string{"", "name,count\nwhite,3\n", "group,population\n"} {
		if _, err := ParseBaselineCSV("ethnic_group", []byte(bad)); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
	if _, err := ParseBaselineCSV("shoe_size", []byte("group,population\n")); err == nil {
		t.Error("an unknown characteristic must be refused")
	}
}

func TestSubjectDraft(t *testing.T) {
	d := SubjectDraft{Role: SubjectVictim, Traits: map[Characteristic]string{"ethnicity": "black_caribbean", "sex": ""}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Traits["sex"] != NotRecorded || d.Traits["religion"] != NotRecorded {
		t.Errorf("unrecorded traits must say so: %v", d.Traits)
	}
	s := Subject{Role: d.Role, Traits: d.Traits}
	if s.Trait("minoritised") != "black_minoritised" || s.Trait("ethnic_group") != "black" {
		t.Errorf("derived: %s %s", s.Trait("minoritised"), s.Trait("ethnic_group"))
	}
	for _, bad := range []SubjectDraft{{Role: "witness"}, {Role: SubjectVictim, Traits: map[Characteristic]string{"ethnicity": "martian"}},
		{Role: SubjectVictim, Traits: map[Characteristic]string{"minoritised": "white_british"}}} {
		if err := bad.Validate(); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
	if MinoritisedOf("white_irish") != "black_minoritised" || MinoritisedOf("white_british") != "white_british" || MinoritisedOf(NotRecorded) != NotRecorded {
		t.Error("MinoritisedOf")
	}
}

func TestEqualityScope(t *testing.T) {
	panel := Actor{UserID: "u", Memberships: []Membership{{Role: RolePanel, PartnershipID: "p1"}}}
	f := SummaryFilter{}
	if err := EqualityScope(panel, &f); err != nil || len(f.Partnerships) != 1 || f.Partnerships[0] != "p1" {
		t.Errorf("a panel member's figures are narrowed to their partnership: %v %v", f.Partnerships, err)
	}
	f = SummaryFilter{Partnerships: []string{"p2"}}
	if err := EqualityScope(panel, &f); err == nil {
		t.Error("a panel member may not see another partnership's figures")
	}
	for _, a := range []Actor{Anonymous, {UserID: "v", Memberships: []Membership{{Role: RoleViewer}}},
		{UserID: "e", Memberships: []Membership{{Role: RoleAgencyEditor, OrganisationID: "o"}}}} {
		if err := EqualityScope(a, &SummaryFilter{}); err == nil {
			t.Errorf("%v: want refused", a.Memberships)
		}
	}
	admin := Actor{UserID: "a", Memberships: []Membership{{Role: RoleAdmin}}}
	if err := EqualityScope(admin, &SummaryFilter{}); err != nil {
		t.Error(err)
	}
	if CanReadSubjects(admin, "p1") || !CanReadSubjects(panel, "p1") || CanReadSubjects(panel, "p2") {
		t.Error("CanReadSubjects: oversight and the partnership's panel only")
	}
}
