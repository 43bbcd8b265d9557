package casereview

import (
	"cmp"
	"slices"
	"strings"
)

// Median returns the median of xs (the mean of the two middle values when there is an even
// number), or nil when xs is empty. xs is not changed.
func Median(xs []int) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	m := float64(s[n/2])
	if n%2 == 0 {
		m = (float64(s[n/2-1]) + float64(s[n/2])) / 2
	}
	return &m
}

// Lift says how much more often two themes occur together than they would if they were
// independent: P(A and B) / (P(A) P(B)) = both·total / (a·b). It is 0 when undefined.
func Lift(both, a, b, total int) float64 {
	if a == 0 || b == 0 || total == 0 {
		return 0
	}
	return float64(both) * float64(total) / (float64(a) * float64(b))
}

// Cell is one counted combination of two dimension values.
type Cell struct {
	Row, Col string
	N        int
	KeySum   int64 // the sum of the record keys of what N counts (cellkey.go)
}

// BuildCrossTab lays cells out as a table. Rows and columns appear in the order of rowOrder and
// colOrder where those name them, then in key order; values no cell has are left out, except
// those in keep (so a filter's years appear even when empty). labels names keys for people.
func BuildCrossTab(rows, cols Dimension, cells []Cell, labels func(Dimension, string) string, distinct int) CrossTab {
	rk, ck := map[string]bool{}, map[string]bool{}
	for _, c := range cells {
		rk[c.Row], ck[c.Col] = true, true
	}
	order := func(d Dimension, keys map[string]bool) []Value {
		ks := make([]string, 0, len(keys))
		for k := range keys {
			ks = append(ks, k)
		}
		rank := dimensionOrder(d)
		slices.SortFunc(ks, func(a, b string) int {
			ra, oka := rank[a]
			rb, okb := rank[b]
			if !oka {
				ra = 1 << 29 // values without a natural place come after those with one, by key
			}
			if !okb {
				rb = 1 << 29
			}
			if c := cmp.Compare(ra, rb); c != 0 {
				return c
			}
			return cmp.Compare(a, b)
		})
		out := make([]Value, len(ks))
		for i, k := range ks {
			out[i] = Value{Key: k, Label: labels(d, k)}
		}
		return out
	}
	t := CrossTab{Rows: rows, Cols: cols, RowValues: order(rows, rk), ColValues: order(cols, ck), Recommendations: distinct}
	ri, ci := map[string]int{}, map[string]int{}
	for i, v := range t.RowValues {
		ri[v.Key] = i
	}
	for j, v := range t.ColValues {
		ci[v.Key] = j
	}
	t.Counts = make([][]int, len(t.RowValues))
	for i := range t.Counts {
		t.Counts[i] = make([]int, len(t.ColValues))
	}
	t.RowTotals, t.ColTotals = make([]int, len(t.RowValues)), make([]int, len(t.ColValues))
	t.Keys = make([][]int64, len(t.RowValues))
	for i := range t.Keys {
		t.Keys[i] = make([]int64, len(t.ColValues))
	}
	t.RowKeys, t.ColKeys = make([]int64, len(t.RowValues)), make([]int64, len(t.ColValues))
	for _, c := range cells {
		i, j := ri[c.Row], ci[c.Col]
		t.Counts[i][j] += c.N
		t.RowTotals[i] += c.N
		t.ColTotals[j] += c.N
		t.Total += c.N
		t.Keys[i][j] += c.KeySum
		t.RowKeys[i] += c.KeySum
		t.ColKeys[j] += c.KeySum
		t.TotalKey += c.KeySum
	}
	return t
}

// dimensionOrder ranks the values of enumerated dimensions in their natural (lifecycle) order.
func dimensionOrder(d Dimension) map[string]int {
	var vs []string
	switch d {
	case DimResponse:
		vs = names(ResponseStatuses)
	case DimImplementation:
		vs = names(ImplementationStatuses)
	case DimOversight:
		vs = names(OversightStatuses)
	case DimScope:
		vs = names(Scopes)
	case DimClosedYear:
		vs = nil // years sort as text, and "open" after them
	}
	out := map[string]int{}
	for i, v := range vs {
		out[v] = i
	}
	if d == DimClosedYear {
		out[OpenKey] = 1 << 30
	}
	return out
}

// OpenKey is the closed_year value of a recommendation that is not closed, and NoneKey the
// intervention value of one with no intervention type.
const (
	OpenKey = "open"
	NoneKey = "none"
)

func names[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// SortPairs orders theme pairs by count, then lift, then codes, and computes each lift.
func SortPairs(pairs []ThemePair, total int) {
	for i := range pairs {
		pairs[i].Lift = Lift(pairs[i].Count, pairs[i].CountA, pairs[i].CountB, total)
	}
	slices.SortFunc(pairs, func(x, y ThemePair) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Lift, x.Lift); c != 0 {
			return c
		}
		if c := cmp.Compare(x.A.Key, y.A.Key); c != 0 {
			return c
		}
		return cmp.Compare(x.B.Key, y.B.Key)
	})
}

// StatusLabel names an enumerated value for people: "accepted_in_part" is "Accepted in part".
func StatusLabel(k string) string {
	if k == "" {
		return k
	}
	s := strings.ReplaceAll(k, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}
