package casereview

import "strconv"

// The cell key method (the Office for National Statistics' method for the 2021 Census outputs)
// makes shareable counts consistent across requests, so that subtracting one published figure
// from another gives a range, never a hidden count.
//
//   - Every recommendation carries a record key: a random whole number from 0 to
//     RecordKeyModulus-1, drawn once when it is created and never changed (column
//     recommendations.record_key).
//   - A cell's key is the sum of the record keys of the records it counts, modulo
//     RecordKeyModulus. The same records give the same key, whatever query counted them.
//   - The perturbation table (PerturbationTable) maps (count, cell key) to a noise from -2 to +2
//     whose mean over the keys of each count is exactly zero. The published count is the true
//     count plus that noise. The same records therefore always publish the same figure.
//   - A shareable output then applies the minimum cell size to the perturbed count: from 1 to
//     threshold-1 it shows "<threshold"; 0 shows 0.
//
// The table is public on purpose (docs/summaries.md prints it): the protection comes from the
// record keys, which never leave the database.

// RecordKeyModulus is the number of record keys, and the modulus of a cell key.
const RecordKeyModulus = 256

// MaxPerturbation bounds the noise added to any published count.
const MaxPerturbation = 2

// PerturbationRow is one count's noise distribution: Weights[i] of the RecordKeyModulus cell
// keys add Noise[i].
type PerturbationRow struct {
	Noise   []int
	Weights []int
}

// PerturbationTable is the published table, indexed by count. Counts beyond its last row use the
// last row. Each row's weights add up to RecordKeyModulus, its weighted noise adds up to zero
// (unbiased), no noise takes a count below zero, and every published value can come from at
// least two true counts (TestPerturbationTable checks all four).
var PerturbationTable = []PerturbationRow{
	{Noise: []int{0}, Weights: []int{256}},                               // 0: nothing counted stays 0
	{Noise: []int{-1, 0, 1, 2}, Weights: []int{64, 144, 32, 16}},         // 1
	{Noise: []int{-2, -1, 0, 1, 2}, Weights: []int{16, 56, 112, 56, 16}}, // 2 and more
}

// keySpread decorrelates the noise of neighbouring counts with the same cell key: the key's
// position in a row's weights is (key + keySpread*count) mod RecordKeyModulus.
const keySpread = 97

// PerturbationRowFor is the row that applies to count n.
func PerturbationRowFor(n int) PerturbationRow {
	return PerturbationTable[min(max(n, 0), len(PerturbationTable)-1)]
}

// Noise is the perturbation the table adds to count n whose cell key is key.
func Noise(n int, key uint32) int {
	row := PerturbationRowFor(n)
	pos := int((uint64(key) + uint64(keySpread)*uint64(max(n, 0))) % RecordKeyModulus)
	for i, w := range row.Weights {
		if pos < w {
			return row.Noise[i]
		}
		pos -= w
	}
	return 0 // unreachable while the weights add up to RecordKeyModulus
}

// Perturb is the count published for n records whose cell key is key.
func Perturb(n int, key uint32) int { return n + Noise(n, key) }

// CellKey is the key of a set of records from the sum of their record keys.
func CellKey(sum int64) uint32 {
	k := sum % RecordKeyModulus
	if k < 0 {
		k += RecordKeyModulus
	}
	return uint32(k)
}

// Tally is a count with the sum of the record keys of what it counts: enough to publish it
// under the cell key method.
type Tally struct {
	N      int
	KeySum int64
}

// Add combines two tallies over disjoint sets of records (or assignments).
func (t Tally) Add(u Tally) Tally { return Tally{N: t.N + u.N, KeySum: t.KeySum + u.KeySum} }

// Key is the tally's cell key.
func (t Tally) Key() uint32 { return CellKey(t.KeySum) }

// Published is the count a shareable output publishes for t.
func (t Tally) Published() int { return Perturb(t.N, t.Key()) }

// SharedFigure is a count as a shareable output publishes it: the perturbed count, and whether
// the minimum cell size hides it.
type SharedFigure struct {
	Count      int
	Suppressed bool
}

// Share perturbs t and applies the minimum cell size.
func Share(t Tally, threshold int) SharedFigure {
	p := t.Published()
	return SharedFigure{Count: p, Suppressed: p >= 1 && p < threshold}
}

// Display is how f is shown.
func (f SharedFigure) Display(threshold int) string {
	if f.Suppressed {
		return "<" + strconv.Itoa(threshold)
	}
	return strconv.Itoa(f.Count)
}

// MeanAbsolutePerturbation is the expected absolute noise the table adds to count n, over the
// cell keys.
func MeanAbsolutePerturbation(n int) float64 {
	row := PerturbationRowFor(n)
	s := 0
	for i, w := range row.Weights {
		s += w * abs(row.Noise[i])
	}
	return float64(s) / RecordKeyModulus
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Preimages are the true counts that can publish p (counts up to p+MaxPerturbation can).
func Preimages(p int) []int {
	var out []int
	for n := max(p-MaxPerturbation, 0); n <= p+MaxPerturbation; n++ {
		if CanPublish(n, p) {
			out = append(out, n)
		}
	}
	return out
}

// CanPublish reports whether some cell key makes count n publish p.
func CanPublish(n, p int) bool {
	row := PerturbationRowFor(n)
	for i, d := range row.Noise {
		if row.Weights[i] > 0 && n+d == p {
			return true
		}
	}
	return false
}

// CanShow reports whether count n can be shown as f's label: the same number, "<threshold", or 0.
// It is what a reader who knows the table can say about the true count behind a label.
func CanShow(n int, f SharedFigure, threshold int) bool {
	if !f.Suppressed {
		return CanPublish(n, f.Count)
	}
	for p := 1; p < threshold; p++ {
		if CanPublish(n, p) {
			return true
		}
	}
	return false
}

// DisclosureRisk is the refusal rule for shareable outputs: a filter that keeps, or leaves out,
// between 1 and threshold-1 of the recommendations the caller could count isolates too few
// people to publish anything about them. matched is what the filter keeps, visible what the
// caller could count without it. Without a narrowing filter (matched == visible) nothing is
// isolated: a small whole is published perturbed and below the threshold, as any small count.
func DisclosureRisk(matched, visible, threshold int) error {
	isolates := func(n int) bool { return n >= 1 && n < threshold }
	switch {
	case isolates(matched) && matched < visible:
		return Invalid("filter", "too_few_records", "the filters keep fewer than %d recommendations: a shareable summary of so few could identify the people behind them; widen the filters, or ask for disclosure=internal if you may", threshold)
	case isolates(visible - matched):
		return Invalid("filter", "too_few_records", "the filters leave out fewer than %d recommendations: compared with the unfiltered figures, a shareable summary would describe those few; widen what the filters leave out, or drop them", threshold)
	}
	return nil
}
