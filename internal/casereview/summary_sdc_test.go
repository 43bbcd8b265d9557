package casereview

import (
	"testing"
)

// sums returns the margins of counts, computed here rather than trusted from the code under test.
func sums(counts [][]int, cols int) (rows []int, colsT []int, total int) {
	rows, colsT = make([]int, len(counts)), make([]int, cols)
	for i, r := range counts {
		for j, v := range r {
			rows[i] += v
			colsT[j] += v
			total += v
		}
	}
	return rows, colsT, total
}

func TestProtectTableExamples(t *testing.T) {
	cases := []struct {
		name        string
		counts      [][]int
		threshold   int
		wantPrimary [][2]int // interior cells that must be primary
		hidden      int      // how many entries (cells and margins) are hidden at least
		none        bool     // nothing may be hidden
	}{
		{name: "no small counts", counts: [][]int{{10, 12}, {7, 30}}, threshold: 5, none: true},
		{name: "threshold 1 hides nothing", counts: [][]int{{1, 2}, {3, 4}}, threshold: 1, none: true},
		{name: "zeros are shown", counts: [][]int{{0, 12}, {7, 0}}, threshold: 5, none: true},
		{name: "one small cell needs three more", counts: [][]int{{2, 12}, {7, 30}}, threshold: 5, wantPrimary: [][2]int{{0, 0}}, hidden: 4},
		{name: "two small cells in a row", counts: [][]int{{2, 3, 20}, {9, 8, 30}}, threshold: 5, wantPrimary: [][2]int{{0, 0}, {0, 1}}, hidden: 4},
		{name: "threshold 10", counts: [][]int{{9, 12}, {7, 30}}, threshold: 10, wantPrimary: [][2]int{{0, 0}, {1, 0}}, hidden: 4},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, cols, total := sums(c.counts, len(c.counts[0]))
			s, err := ProtectTable(c.counts, rows, cols, total, c.threshold)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for i := range s.Cells {
				for j := range s.Cells[i] {
					if s.Cells[i][j] != Shown {
						n++
						if c.counts[i][j] == 0 {
							t.Errorf("zero at %d,%d hidden", i, j)
						}
					}
				}
				if s.RowTotals[i] != Shown {
					n++
				}
			}
			for _, x := range s.ColTotals {
				if x != Shown {
					n++
				}
			}
			if s.Total != Shown {
				n++
			}
			if c.none && (n != 0 || s.Any()) {
				t.Fatalf("hid %d entries, want none: %+v", n, s)
			}
			for _, p := range c.wantPrimary {
				if s.Cells[p[0]][p[1]] != Primary {
					t.Errorf("cell %v is %v, want primary", p, s.Cells[p[0]][p[1]])
				}
			}
			if n < c.hidden {
				t.Errorf("hid %d entries, want at least %d", n, c.hidden)
			}
		})
	}
}

func TestProtectTableRejectsInconsistentTotals(t *testing.T) {
	if _, err := ProtectTable([][]int{{1, 2}}, []int{4}, []int{1, 2}, 3, 5); err == nil {
		t.Fatal("a wrong row total was accepted")
	}
	if _, err := ProtectTable([][]int{{1, 2}}, []int{3}, []int{1, 2}, 4, 5); err == nil {
		t.Fatal("a wrong grand total was accepted")
	}
}

func TestDisplay(t *testing.T) {
	for _, c := range []struct {
		n    int
		s    Suppression
		want string
	}{{3, Primary, "<5"}, {12, Secondary, SecondaryMark}, {12, Shown, "12"}, {0, Shown, "0"}} {
		if got := Display(c.n, c.s, 5); got != c.want {
			t.Errorf("Display(%d, %v) = %q, want %q", c.n, c.s, got, c.want)
		}
	}
}

func TestProtectVector(t *testing.T) {
	cases := []struct {
		values      []int
		wantHidden  int // at least
		totalHidden bool
	}{
		{values: []int{10, 20, 30}, wantHidden: 0},
		{values: []int{2, 20, 30}, wantHidden: 2},            // the small one and a partner
		{values: []int{2, 3, 30}, wantHidden: 2},             // two small ones protect each other
		{values: []int{3}, wantHidden: 1, totalHidden: true}, // the total equals the value
		{values: []int{0, 0, 7}, wantHidden: 0},
	}
	for _, c := range cases {
		total := 0
		for _, v := range c.values {
			total += v
		}
		s, ts, err := ProtectVector(c.values, total, 5)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for i, x := range s {
			if x != Shown {
				n++
			}
			if c.values[i] >= 1 && c.values[i] < 5 && x != Primary {
				t.Errorf("%v: value %d at %d is %v, want primary", c.values, c.values[i], i, x)
			}
		}
		if n < c.wantHidden || (c.wantHidden == 0 && n != 0) {
			t.Errorf("%v: %d hidden, want %d", c.values, n, c.wantHidden)
		}
		if c.totalHidden && ts == Shown {
			t.Errorf("%v: total shown", c.values)
		}
		// Whatever is hidden, no single hidden value may be the only unknown in the sum.
		unknown := 0
		for _, x := range s {
			if x != Shown {
				unknown++
			}
		}
		if ts != Shown {
			unknown++
		}
		if unknown == 1 {
			t.Errorf("%v: exactly one unknown in the sum: recoverable", c.values)
		}
	}
}

func TestProtectEach(t *testing.T) {
	got := ProtectEach([]int{0, 1, 4, 5, 9}, 5)
	want := []Suppression{Shown, Primary, Primary, Shown, Shown}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("value %d: %v, want %v", i, got[i], want[i])
		}
	}
}
