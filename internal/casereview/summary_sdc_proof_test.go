package casereview

import (
	"math"
	"math/rand/v2"
	"testing"
)

// knowledge is what a reader of the published table knows about one entry of the grid.
type knowledge struct {
	lo, hi int // inclusive; hi < 0 means exact value lo
}

// TestNoSuppressedValueCanBeRecovered proves, by enumerating every table a reader could
// believe, that each hidden figure of many random small tables can take at least two values
// consistent with everything published: the shown cells and totals, and the labels themselves
// ("<5" means 1 to 4, "[c]" at least 5, a shown 0 is 0). It does not use the code's own
// reasoning about rectangles: it searches the possibilities directly.
func TestNoSuppressedValueCanBeRecovered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const threshold = 5
	pool := []int{0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 11}
	checked := 0
	for trial := 0; trial < 400; trial++ {
		R, C := 1+rng.IntN(3), 1+rng.IntN(3)
		counts := make([][]int, R)
		for i := range counts {
			counts[i] = make([]int, C)
			for j := range counts[i] {
				counts[i][j] = pool[rng.IntN(len(pool))]
			}
		}
		rows, cols, total := sums(counts, C)
		s, err := ProtectTable(counts, rows, cols, total, threshold)
		if err != nil {
			t.Fatal(err)
		}
		// What the reader knows of each entry, and the range of each hidden interior cell.
		know := func(v int, sup Suppression) knowledge {
			switch sup {
			case Primary:
				return knowledge{1, threshold - 1}
			case Secondary:
				return knowledge{threshold, v + 4} // a finite cap: it only makes finding alternatives harder
			}
			return knowledge{v, -1}
		}
		fits := func(k knowledge, v int) bool {
			if k.hi < 0 {
				return v == k.lo
			}
			return v >= k.lo && v <= k.hi
		}
		cellK := make([][]knowledge, R)
		for i := range cellK {
			cellK[i] = make([]knowledge, C)
			for j := range cellK[i] {
				cellK[i][j] = know(counts[i][j], s.Cells[i][j])
			}
		}
		rowK, colK := make([]knowledge, R), make([]knowledge, C)
		for i := range rowK {
			rowK[i] = know(rows[i], s.RowTotals[i])
		}
		for j := range colK {
			colK[j] = know(cols[j], s.ColTotals[j])
		}
		totK := know(total, s.Total)
		// seen[entry] collects the values each hidden entry takes across consistent tables.
		type key struct{ i, j int } // j == C is a row total, i == R a column total
		seen := map[key]map[int]bool{}
		add := func(k key, v int) {
			if seen[k] == nil {
				seen[k] = map[int]bool{}
			}
			seen[k][v] = true
		}
		cur := make([][]int, R)
		for i := range cur {
			cur[i] = make([]int, C)
		}
		var walk func(pos int)
		walk = func(pos int) {
			if pos == R*C {
				_, cs, tot := sums(cur, C)
				for j := range cs {
					if !fits(colK[j], cs[j]) {
						return
					}
				}
				if !fits(totK, tot) {
					return
				}
				for i := 0; i < R; i++ {
					for j := 0; j < C; j++ {
						if s.Cells[i][j] != Shown {
							add(key{i, j}, cur[i][j])
						}
					}
					if s.RowTotals[i] != Shown {
						rs := 0
						for _, v := range cur[i] {
							rs += v
						}
						add(key{i, C}, rs)
					}
				}
				for j := range cs {
					if s.ColTotals[j] != Shown {
						add(key{R, j}, cs[j])
					}
				}
				if s.Total != Shown {
					add(key{R, C}, tot)
				}
				return
			}
			i, j := pos/C, pos%C
			k := cellK[i][j]
			lo, hi := k.lo, k.hi
			if hi < 0 {
				hi = lo
			}
			for v := lo; v <= hi; v++ {
				cur[i][j] = v
				if j == C-1 { // a row is complete: its total must agree
					rs := 0
					for _, x := range cur[i] {
						rs += x
					}
					if !fits(rowK[i], rs) {
						continue
					}
				}
				walk(pos + 1)
			}
		}
		walk(0)
		for i := 0; i <= R; i++ {
			for j := 0; j <= C; j++ {
				var sup Suppression
				switch {
				case i < R && j < C:
					sup = s.Cells[i][j]
				case i < R:
					sup = s.RowTotals[i]
				case j < C:
					sup = s.ColTotals[j]
				default:
					sup = s.Total
				}
				if sup == Shown {
					continue
				}
				checked++
				if len(seen[key{i, j}]) < 2 {
					t.Fatalf("trial %d: hidden entry (%d,%d) of %v can only be %v: recoverable (suppression %+v)", trial, i, j, counts, seen[key{i, j}], s)
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d hidden entries were checked; the random tables are too easy", checked)
	}
}

// TestSuppressedValuesAreNotLinearlyDetermined checks larger tables by linear algebra: a hidden
// entry is recoverable from the published totals exactly when its unit vector lies in the row
// space of the sum rules restricted to the hidden entries.
func TestSuppressedValuesAreNotLinearlyDetermined(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for trial := 0; trial < 60; trial++ {
		R, C := 2+rng.IntN(6), 2+rng.IntN(8)
		counts := make([][]int, R)
		for i := range counts {
			counts[i] = make([]int, C)
			for j := range counts[i] {
				if rng.IntN(3) == 0 {
					counts[i][j] = rng.IntN(5)
				} else {
					counts[i][j] = rng.IntN(40)
				}
			}
		}
		rows, cols, total := sums(counts, C)
		s, err := ProtectTable(counts, rows, cols, total, 5)
		if err != nil {
			t.Fatal(err)
		}
		hidden := func(i, j int) bool {
			switch {
			case i < R && j < C:
				return s.Cells[i][j] != Shown
			case i < R:
				return s.RowTotals[i] != Shown
			case j < C:
				return s.ColTotals[j] != Shown
			}
			return s.Total != Shown
		}
		// Unknowns: hidden entries. Equations: each interior row sums to its total, each
		// interior column likewise, and the row totals sum to the grand total, as do the
		// column totals.
		idx := map[[2]int]int{}
		for i := 0; i <= R; i++ {
			for j := 0; j <= C; j++ {
				if hidden(i, j) {
					idx[[2]int{i, j}] = len(idx)
				}
			}
		}
		if len(idx) == 0 {
			continue
		}
		var eqs [][]float64
		row := func(entries [][2]int, coef []float64) {
			e := make([]float64, len(idx))
			nonzero := false
			for k, en := range entries {
				if n, ok := idx[en]; ok {
					e[n] += coef[k]
					nonzero = true
				}
			}
			if nonzero {
				eqs = append(eqs, e)
			}
		}
		for i := 0; i <= R; i++ { // row i: cells minus its total
			var en [][2]int
			var co []float64
			for j := 0; j < C; j++ {
				en, co = append(en, [2]int{i, j}), append(co, 1)
			}
			row(append(en, [2]int{i, C}), append(co, -1))
		}
		for j := 0; j <= C; j++ {
			var en [][2]int
			var co []float64
			for i := 0; i < R; i++ {
				en, co = append(en, [2]int{i, j}), append(co, 1)
			}
			row(append(en, [2]int{R, j}), append(co, -1))
		}
		base := rank(eqs)
		for en, n := range idx {
			unit := make([]float64, len(idx))
			unit[n] = 1
			if rank(append(append([][]float64{}, eqs...), unit)) == base {
				t.Fatalf("trial %d: hidden entry %v of %v is determined by the published totals", trial, en, counts)
			}
		}
	}
}

func rank(m [][]float64) int {
	a := make([][]float64, len(m))
	for i := range m {
		a[i] = append([]float64(nil), m[i]...)
	}
	r := 0
	if len(a) == 0 {
		return 0
	}
	for c := 0; c < len(a[0]) && r < len(a); c++ {
		p := -1
		for i := r; i < len(a); i++ {
			if math.Abs(a[i][c]) > 1e-9 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		for i := range a {
			if i != r && math.Abs(a[i][c]) > 1e-9 {
				f := a[i][c] / a[r][c]
				for k := c; k < len(a[i]); k++ {
					a[i][k] -= f * a[r][k]
				}
			}
		}
		r++
	}
	return r
}
