package casereview

import (
	"fmt"
	"strconv"
)

// Statistical disclosure control for outputs shared beyond oversight. A count from 1 to
// threshold-1 could identify the people behind a review, so it is shown as "<threshold"
// (primary suppression). Totals are published too, so a single hidden cell in a row could be
// worked out by subtraction; secondary suppression hides further cells until no hidden value
// can be recovered from what is shown.
//
// The guarantee. Write a table with its margins as an (R+1)×(C+1) grid. Whatever is published,
// every row and every column of the grid obeys a sum rule, so the hidden entries are unknowns
// in a linear system. A hidden entry is safe when there is another table, agreeing with every
// published figure and with what the labels themselves reveal (a "<5" entry lies in 1..4, a
// secondary "[c]" entry is at least the threshold, a shown 0 is 0), in which it has another
// value. Four hidden entries at the corners of a rectangle (rows i,k; columns j,l) give such a
// table: add one at two opposite corners and take one away at the other two, and every sum
// rule still holds. ProtectTable suppresses until every hidden entry sits on such a rectangle
// whose ±1 shift keeps every label truthful. Zeros are never hidden: they are shown as 0, and
// only positive entries are chosen for secondary suppression.

// Suppression says whether and why a figure is hidden.
type Suppression uint8

const (
	Shown     Suppression = iota
	Primary               // a small count
	Secondary             // hidden so that a small count cannot be worked out from totals
)

// SecondaryMark is how a secondary suppression is shown.
const SecondaryMark = "[c]"

// Display is how a count is shown under suppression s.
func Display(n int, s Suppression, threshold int) string {
	switch s {
	case Primary:
		return "<" + strconv.Itoa(threshold)
	case Secondary:
		return SecondaryMark
	}
	return strconv.Itoa(n)
}

// String names s for JSON.
func (s Suppression) String() string {
	switch s {
	case Primary:
		return "primary"
	case Secondary:
		return "secondary"
	}
	return ""
}

// TableSuppression is the result of ProtectTable: which interior cells, row totals, column
// totals and which grand total are hidden.
type TableSuppression struct {
	Cells     [][]Suppression
	RowTotals []Suppression
	ColTotals []Suppression
	Total     Suppression
}

// Any reports whether anything is hidden.
func (t TableSuppression) Any() bool {
	return t.Total != Shown || anyOf(t.RowTotals) || anyOf(t.ColTotals) || anyGrid(t.Cells)
}

func anyOf(s []Suppression) bool {
	for _, x := range s {
		if x != Shown {
			return true
		}
	}
	return false
}

func anyGrid(g [][]Suppression) bool {
	for _, r := range g {
		if anyOf(r) {
			return true
		}
	}
	return false
}

// grid is a table with its margins: row R and column C hold the totals.
type grid struct {
	x   [][]int
	sup [][]Suppression
	R   int // index of the totals row
	C   int // index of the totals column
	t   int // threshold
}

func newGrid(counts [][]int, rowTotals, colTotals []int, total, threshold int) *grid {
	R, C := len(rowTotals), len(colTotals)
	g := &grid{R: R, C: C, t: threshold, x: make([][]int, R+1), sup: make([][]Suppression, R+1)}
	for i := 0; i <= R; i++ {
		g.x[i], g.sup[i] = make([]int, C+1), make([]Suppression, C+1)
		for j := 0; j <= C; j++ {
			switch {
			case i < R && j < C:
				g.x[i][j] = counts[i][j]
			case i < R:
				g.x[i][j] = rowTotals[i]
			case j < C:
				g.x[i][j] = colTotals[j]
			default:
				g.x[i][j] = total
			}
			if v := g.x[i][j]; v >= 1 && v < threshold {
				g.sup[i][j] = Primary
			}
		}
	}
	return g
}

// sign is +1 for interior cells and the grand total and -1 for the margins: with it, every row
// and column of the grid sums to zero, which is what makes a rectangle shift keep every total.
func (g *grid) sign(i, j int) int {
	if (i < g.R) == (j < g.C) {
		return 1
	}
	return -1
}

// fits reports whether entry (i,j), hidden with class s, may change by delta and still be
// consistent with how it is labelled.
func (g *grid) fits(i, j, delta int, s Suppression) bool {
	v := g.x[i][j] + delta
	if s == Primary {
		return v >= 1 && v < g.t
	}
	return v >= g.t // secondary: every positive count below the threshold is already primary
}

// rectOK reports whether the rectangle (i,j),(i,l),(k,j),(k,l) can be shifted by +1 or -1
// keeping every label truthful, counting entries not yet hidden as secondary.
func (g *grid) rectOK(i, j, k, l int) bool {
	corners := [4][3]int{{i, j, 1}, {i, l, -1}, {k, j, -1}, {k, l, 1}}
	for _, d := range []int{1, -1} {
		ok := true
		for _, c := range corners {
			a, b := c[0], c[1]
			if g.x[a][b] <= 0 {
				return false
			}
			s := g.sup[a][b]
			if s == Shown {
				s = Secondary
			}
			if !g.fits(a, b, d*c[2]*g.sign(a, b), s) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// protected reports whether hidden entry (i,j) sits on a rectangle of hidden entries that can
// be shifted.
func (g *grid) protected(i, j int) bool {
	for k := 0; k <= g.R; k++ {
		if k == i || g.sup[k][j] == Shown {
			continue
		}
		for l := 0; l <= g.C; l++ {
			if l == j || g.sup[i][l] == Shown || g.sup[k][l] == Shown {
				continue
			}
			if g.rectOK(i, j, k, l) {
				return true
			}
		}
	}
	return false
}

// cover hides the cheapest shiftable rectangle through (i,j): the one that hides the fewest
// people not already hidden. It reports false when there is none.
func (g *grid) cover(i, j int) bool {
	bestCost, bk, bl := -1, 0, 0
	cost := func(a, b int) int {
		if g.sup[a][b] != Shown {
			return 0
		}
		return g.x[a][b] + 1 // +1: prefer hiding fewer entries as well as fewer people
	}
	for k := 0; k <= g.R; k++ {
		if k == i {
			continue
		}
		for l := 0; l <= g.C; l++ {
			if l == j || !g.rectOK(i, j, k, l) {
				continue
			}
			c := cost(i, l) + cost(k, j) + cost(k, l)
			if bestCost < 0 || c < bestCost {
				bestCost, bk, bl = c, k, l
			}
		}
	}
	if bestCost < 0 {
		return false
	}
	for _, e := range [][2]int{{i, bl}, {bk, j}, {bk, bl}} {
		if g.sup[e[0]][e[1]] == Shown {
			g.sup[e[0]][e[1]] = Secondary
		}
	}
	return true
}

// ProtectTable decides which entries of a two-way table and its margins to hide. counts is
// [row][col]; the totals must be the sums of counts. A threshold of 1 or less hides nothing.
func ProtectTable(counts [][]int, rowTotals, colTotals []int, total, threshold int) (TableSuppression, error) {
	if err := checkTable(counts, rowTotals, colTotals, total); err != nil {
		return TableSuppression{}, err
	}
	g := newGrid(counts, rowTotals, colTotals, total, max(threshold, 1))
	for changed := true; changed; {
		changed = false
		for i := 0; i <= g.R; i++ {
			for j := 0; j <= g.C; j++ {
				if g.sup[i][j] == Shown || g.protected(i, j) {
					continue
				}
				changed = true
				if !g.cover(i, j) {
					g.hideAllPositive()
				}
			}
		}
		if changed && g.allPositiveHidden() {
			break // nothing more can be hidden; every label is already as vague as it can be
		}
	}
	out := TableSuppression{Cells: make([][]Suppression, g.R), RowTotals: make([]Suppression, g.R), ColTotals: make([]Suppression, g.C), Total: g.sup[g.R][g.C]}
	for i := 0; i < g.R; i++ {
		out.Cells[i] = append([]Suppression(nil), g.sup[i][:g.C]...)
		out.RowTotals[i] = g.sup[i][g.C]
	}
	for j := 0; j < g.C; j++ {
		out.ColTotals[j] = g.sup[g.R][j]
	}
	return out, nil
}

func (g *grid) hideAllPositive() {
	for i := range g.x {
		for j := range g.x[i] {
			if g.x[i][j] > 0 && g.sup[i][j] == Shown {
				g.sup[i][j] = Secondary
			}
		}
	}
}

func (g *grid) allPositiveHidden() bool {
	for i := range g.x {
		for j := range g.x[i] {
			if g.x[i][j] > 0 && g.sup[i][j] == Shown {
				return false
			}
		}
	}
	return true
}

func checkTable(counts [][]int, rowTotals, colTotals []int, total int) error {
	if len(counts) != len(rowTotals) {
		return fmt.Errorf("sdc: %d rows but %d row totals", len(counts), len(rowTotals))
	}
	sum := 0
	col := make([]int, len(colTotals))
	for i, r := range counts {
		if len(r) != len(colTotals) {
			return fmt.Errorf("sdc: row %d has %d cells, want %d", i, len(r), len(colTotals))
		}
		rs := 0
		for j, v := range r {
			if v < 0 {
				return fmt.Errorf("sdc: negative count at %d,%d", i, j)
			}
			rs += v
			col[j] += v
		}
		if rs != rowTotals[i] {
			return fmt.Errorf("sdc: row %d sums to %d, not its total %d", i, rs, rowTotals[i])
		}
		sum += rs
	}
	for j := range col {
		if col[j] != colTotals[j] {
			return fmt.Errorf("sdc: column %d sums to %d, not its total %d", j, col[j], colTotals[j])
		}
	}
	if sum != total {
		return fmt.Errorf("sdc: cells sum to %d, not the total %d", sum, total)
	}
	return nil
}

// ProtectVector decides which values of a one-way table and its published total to hide. The
// total must be the sum of values.
func ProtectVector(values []int, total, threshold int) ([]Suppression, Suppression, error) {
	counts := make([][]int, len(values))
	for i, v := range values {
		counts[i] = []int{v}
	}
	// A one-way table is a table of one column whose row totals repeat its cells. Publishing a
	// row total would publish the cell, so they are hidden exactly when their cell is: solve the
	// two-column table (cells, copies) and fold the copies back.
	ts, err := ProtectTable(counts, values, []int{total}, total, threshold)
	if err != nil {
		return nil, Shown, err
	}
	out := make([]Suppression, len(values))
	for i := range values {
		out[i] = max(ts.Cells[i][0], ts.RowTotals[i])
	}
	return out, max(ts.Total, ts.ColTotals[0]), nil
}

// ProtectEach hides small counts in a list that publishes no totals: there is nothing to
// subtract from, so primary suppression alone protects it.
func ProtectEach(values []int, threshold int) []Suppression {
	out := make([]Suppression, len(values))
	for i, v := range values {
		if v >= 1 && v < threshold {
			out[i] = Primary
		}
	}
	return out
}
