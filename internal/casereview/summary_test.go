package casereview

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func ip(v int) *int { return &v }

func TestSummaryFilterValidate(t *testing.T) {
	const org = "0190a0b0-0000-7000-8000-000000000001"
	cases := []struct {
		name  string
		f     SummaryFilter
		field string // "" when valid
	}{
		{name: "empty", f: SummaryFilter{}},
		{name: "everything", f: SummaryFilter{Themes: []string{"stalking"}, ThemeGroups: []string{"a"}, ReviewTypes: []string{"dhr"},
			Organisations: []string{org}, Sectors: []Sector{"Police"}, Scopes: []Scope{"national"}, Responses: []ResponseStatus{"accepted"},
			Implementations: []ImplementationStatus{"planned"}, Oversights: []OversightStatus{"open_unassessed"}, Years: []int{2020},
			YearFrom: ip(2019), YearTo: ip(2022), Flag: FlagResponseOverdue}},
		{name: "inverted years", f: SummaryFilter{YearFrom: ip(2022), YearTo: ip(2019)}, field: "year_to"},
		{name: "year out of range", f: SummaryFilter{Years: []int{20}}, field: "year[0]"},
		{name: "year_from out of range", f: SummaryFilter{YearFrom: ip(99999)}, field: "year_from"},
		{name: "unknown group", f: SummaryFilter{ThemeGroups: []string{"D"}}, field: "theme_group[0]"},
		{name: "unknown sector", f: SummaryFilter{Sectors: []Sector{"police", "army"}}, field: "sector[1]"},
		{name: "unknown scope", f: SummaryFilter{Scopes: []Scope{"planet"}}, field: "scope[0]"},
		{name: "unknown response", f: SummaryFilter{Responses: []ResponseStatus{"maybe"}}, field: "response[0]"},
		{name: "unknown implementation", f: SummaryFilter{Implementations: []ImplementationStatus{"done"}}, field: "implementation[0]"},
		{name: "unknown oversight", f: SummaryFilter{Oversights: []OversightStatus{"closed"}}, field: "oversight[0]"},
		{name: "unknown flag", f: SummaryFilter{Flag: "late"}, field: "flag"},
		{name: "bad organisation id", f: SummaryFilter{Organisations: []string{"x"}}, field: "organisation[0]"},
		{name: "bad partnership id", f: SummaryFilter{Partnerships: []string{"x"}}, field: "partnership[0]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.f.Validate()
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			assertField(t, err, c.field)
		})
	}
}

func assertField(t *testing.T, err error, field string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalid {
		t.Fatalf("got %v, want an invalid error on %s", err, field)
	}
	for _, f := range e.Fields {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("errors %+v do not name %s", e.Fields, field)
}

func TestSummaryFilterNormalises(t *testing.T) {
	f := SummaryFilter{ReviewTypes: []string{" dhr"}, Sectors: []Sector{"Police"}, ThemeGroups: []string{"b"}}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if f.ReviewTypes[0] != "DHR" || f.Sectors[0] != "police" || f.ThemeGroups[0] != "B" {
		t.Fatalf("not normalised: %+v", f)
	}
}

func TestCrossTabRequestCheck(t *testing.T) {
	cases := []struct {
		name  string
		r     CrossTabRequest
		f     SummaryFilter
		field string
		code  string
	}{
		{name: "theme by type", r: CrossTabRequest{DimTheme, DimReviewType}},
		{name: "unknown rows", r: CrossTabRequest{"colour", DimReviewType}, field: "rows", code: FieldUnknownValue},
		{name: "unknown cols", r: CrossTabRequest{DimTheme, "size"}, field: "cols", code: FieldUnknownValue},
		{name: "missing rows", r: CrossTabRequest{"", DimTheme}, field: "rows", code: FieldRequired},
		{name: "same twice", r: CrossTabRequest{DimYear, DimYear}, field: "cols", code: FieldDuplicate},
		// 55 themes × 47 years = 2585 cells, over the limit.
		{name: "too many cells", r: CrossTabRequest{DimTheme, DimYear}, f: SummaryFilter{YearFrom: ip(1980), YearTo: ip(2026)}, field: "cols", code: "too_many_cells"},
		{name: "narrowed enough", r: CrossTabRequest{DimTheme, DimYear}, f: SummaryFilter{YearFrom: ip(2015), YearTo: ip(2026)}},
		{name: "narrowed by theme", r: CrossTabRequest{DimTheme, DimYear}, f: SummaryFilter{Themes: []string{"A09"}, YearFrom: ip(1980), YearTo: ip(2026)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.r.Check(c.f, 55)
			if c.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertField(t, err, c.field)
			if e := (*Error)(nil); !errors.As(err, &e) || e.Fields[0].Code != c.code {
				t.Fatalf("code %s, want %s", e.Fields[0].Code, c.code)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	cases := []struct {
		xs   []int
		want float64
		none bool
	}{
		{none: true},
		{xs: []int{7}, want: 7},
		{xs: []int{9, 1, 5}, want: 5},
		{xs: []int{4, 1, 3, 2}, want: 2.5},
		{xs: []int{10, 10, 0, 0}, want: 5},
		{xs: []int{-3, 3}, want: 0},
	}
	for _, c := range cases {
		before := append([]int(nil), c.xs...)
		got := Median(c.xs)
		if c.none {
			if got != nil {
				t.Errorf("Median(%v) = %v, want nil", c.xs, *got)
			}
			continue
		}
		if got == nil || *got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.xs, got, c.want)
		}
		for i := range before {
			if before[i] != c.xs[i] {
				t.Errorf("Median changed its input")
			}
		}
	}
}

func TestLift(t *testing.T) {
	cases := []struct {
		both, a, b, n int
		want          float64
	}{
		{both: 10, a: 10, b: 10, n: 100, want: 10}, // always together, rare: strong
		{both: 25, a: 50, b: 50, n: 100, want: 1},  // independent
		{both: 0, a: 50, b: 50, n: 100, want: 0},
		{both: 1, a: 0, b: 1, n: 1, want: 0}, // undefined
		{both: 3, a: 4, b: 6, n: 12, want: 1.5},
	}
	for _, c := range cases {
		if got := Lift(c.both, c.a, c.b, c.n); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Lift(%d,%d,%d,%d) = %v, want %v", c.both, c.a, c.b, c.n, got, c.want)
		}
	}
}

func TestBuildCrossTab(t *testing.T) {
	cells := []Cell{{"accepted", "DHR", 3, 0}, {"awaiting_response", "DHR", 5, 0}, {"awaiting_response", "SAR", 2, 0}, {"not_accepted", "PFD", 1, 0}}
	label := func(d Dimension, k string) string { return string(d) + ":" + k }
	ct := BuildCrossTab(DimResponse, DimReviewType, cells, label, 11)
	wantRows := []string{"awaiting_response", "accepted", "not_accepted"} // lifecycle order, not alphabetical
	for i, w := range wantRows {
		if ct.RowValues[i].Key != w {
			t.Fatalf("rows %v, want %v", ct.RowValues, wantRows)
		}
	}
	if ct.RowValues[0].Label != "response:awaiting_response" {
		t.Errorf("label %q", ct.RowValues[0].Label)
	}
	wantCols := []string{"DHR", "PFD", "SAR"}
	for j, w := range wantCols {
		if ct.ColValues[j].Key != w {
			t.Fatalf("cols %v, want %v", ct.ColValues, wantCols)
		}
	}
	want := [][]int{{5, 0, 2}, {3, 0, 0}, {0, 1, 0}}
	for i := range want {
		for j := range want[i] {
			if ct.Counts[i][j] != want[i][j] {
				t.Fatalf("counts %v, want %v", ct.Counts, want)
			}
		}
	}
	if ct.RowTotals[0] != 7 || ct.ColTotals[0] != 8 || ct.Total != 11 || ct.Recommendations != 11 {
		t.Fatalf("totals %v %v %d", ct.RowTotals, ct.ColTotals, ct.Total)
	}
}

func TestClosedYearOrdersOpenLast(t *testing.T) {
	ct := BuildCrossTab(DimClosedYear, DimScope, []Cell{{OpenKey, "local", 1, 0}, {"2021", "local", 1, 0}, {"2019", "national", 1, 0}},
		func(_ Dimension, k string) string { return k }, 3)
	got := []string{ct.RowValues[0].Key, ct.RowValues[1].Key, ct.RowValues[2].Key}
	if got[0] != "2019" || got[1] != "2021" || got[2] != OpenKey {
		t.Fatalf("rows %v", got)
	}
	if ct.ColValues[0].Key != "local" || ct.ColValues[1].Key != "national" {
		t.Fatalf("scope order %v", ct.ColValues)
	}
}

func TestSortPairs(t *testing.T) {
	ps := []ThemePair{
		{A: Value{Key: "A01"}, B: Value{Key: "B01"}, Count: 2, CountA: 10, CountB: 10},
		{A: Value{Key: "A09"}, B: Value{Key: "B01"}, Count: 4, CountA: 4, CountB: 10},
		{A: Value{Key: "A02"}, B: Value{Key: "C01"}, Count: 4, CountA: 40, CountB: 40},
	}
	SortPairs(ps, 100)
	if ps[0].A.Key != "A09" || ps[1].A.Key != "A02" || ps[2].A.Key != "A01" {
		t.Fatalf("order %v", ps)
	}
	if math.Abs(ps[0].Lift-10) > 1e-12 || math.Abs(ps[1].Lift-0.25) > 1e-12 {
		t.Fatalf("lifts %v %v", ps[0].Lift, ps[1].Lift)
	}
}

func TestStatusGroups(t *testing.T) {
	for _, s := range OversightStatuses {
		want := s == "closed_acceptable_action" || s == "closed_exceeds" || s == "closed_acceptable_alternative_action"
		if s.IsVerifiedClosure() != want {
			t.Errorf("%s verified closure = %v", s, !want)
		}
	}
	for _, s := range ResponseStatuses {
		want := s == "accepted" || s == "accepted_in_part" || s == "accepted_alternative"
		if s.Accepted() != want {
			t.Errorf("%s accepted = %v", s, !want)
		}
	}
	for _, s := range ImplementationStatuses {
		want := s == "planned" || s == "in_progress" || s == "implemented_pending_verification"
		if s.InProgress() != want {
			t.Errorf("%s in progress = %v", s, !want)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	for in, want := range map[string]string{"accepted_in_part": "Accepted in part", "open": "Open", "": ""} {
		if got := StatusLabel(in); got != want {
			t.Errorf("StatusLabel(%q) = %q, want %q", in, got, want)
		}
	}
}

// KeepsAll holds for a filter of nothing but the date, and fails once any other field is set:
// each field of SummaryFilter is set in turn by reflection, so a field added later and not
// handled by KeepsAll fails here.
func TestSummaryFilterKeepsAll(t *testing.T) {
	today := MustDate("2026-12-07")
	if !(SummaryFilter{AsOf: today}).KeepsAll() || !(SummaryFilter{Themes: []string{}}).KeepsAll() {
		t.Fatal("a filter of nothing (or of empty lists) keeps all")
	}
	if (SummaryFilter{IDs: []string{}}).KeepsAll() {
		t.Error("an empty, non-nil list of ids matches nothing, so it does not keep all")
	}
	typ := reflect.TypeOf(SummaryFilter{})
	for i := range typ.NumField() {
		fd := typ.Field(i)
		if fd.Name == "AsOf" {
			continue
		}
		var f SummaryFilter
		v := reflect.ValueOf(&f).Elem().Field(i)
		switch v.Kind() {
		case reflect.Slice:
			v.Set(reflect.MakeSlice(fd.Type, 1, 1))
		case reflect.Pointer:
			v.Set(reflect.New(fd.Type.Elem()))
		case reflect.String:
			v.SetString("x")
		default:
			t.Fatalf("%s: a %s field: teach this test (and KeepsAll) about it", fd.Name, v.Kind())
		}
		if f.KeepsAll() {
			t.Errorf("with %s set, KeepsAll still holds", fd.Name)
		}
	}
}
