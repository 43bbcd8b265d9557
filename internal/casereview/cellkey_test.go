package casereview

import (
	"math/rand/v2"
	"testing"
)

// The published table must be what docs/summaries.md says it is.
func TestPerturbationTable(t *testing.T) {
	for n := 0; n < 50; n++ {
		row := PerturbationRowFor(n)
		weights, sum := 0, 0
		for i, d := range row.Noise {
			if d < -MaxPerturbation || d > MaxPerturbation {
				t.Errorf("count %d: noise %d is beyond ±%d", n, d, MaxPerturbation)
			}
			if n+d < 0 && row.Weights[i] > 0 {
				t.Errorf("count %d: noise %d publishes a negative count", n, d)
			}
			weights += row.Weights[i]
			sum += row.Weights[i] * d
		}
		if weights != RecordKeyModulus {
			t.Errorf("count %d: weights add up to %d, not %d", n, weights, RecordKeyModulus)
		}
		if sum != 0 {
			t.Errorf("count %d: the noise is biased (weighted sum %d)", n, sum)
		}
		// Over every cell key the noise takes each value exactly as often as its weight says.
		seen := map[int]int{}
		for k := uint32(0); k < RecordKeyModulus; k++ {
			seen[Noise(n, k)]++
		}
		for i, d := range row.Noise {
			if seen[d] != row.Weights[i] {
				t.Errorf("count %d: noise %d comes from %d keys, want %d", n, d, seen[d], row.Weights[i])
			}
		}
	}
	if Perturb(0, 123) != 0 {
		t.Error("an empty cell must publish 0")
	}
	// One publication never pins a count: every value that can be published has two sources.
	for p := 0; p < 50; p++ {
		if pre := Preimages(p); len(pre) > 0 && len(pre) < 2 {
			t.Errorf("published %d can only come from %v", p, pre)
		}
	}
}

// The same records give the same published count whatever order they are summed in.
func TestCellKeyConsistent(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := make([]int64, 40)
	for i := range keys {
		keys[i] = int64(r.IntN(RecordKeyModulus))
	}
	var a, b Tally
	for i := range keys {
		a = a.Add(Tally{N: 1, KeySum: keys[i]})
		b = b.Add(Tally{N: 1, KeySum: keys[len(keys)-1-i]})
	}
	if a.Published() != b.Published() || a.Key() != b.Key() {
		t.Fatalf("same records, different publication: %v %v", a, b)
	}
	if CellKey(-3) != RecordKeyModulus-3 {
		t.Errorf("CellKey(-3) = %d", CellKey(-3))
	}
}

func TestShareLabels(t *testing.T) {
	for n := 0; n < 30; n++ {
		for k := uint32(0); k < RecordKeyModulus; k++ {
			f := Share(Tally{N: n, KeySum: int64(k)}, 5)
			if f.Suppressed != (f.Count >= 1 && f.Count < 5) {
				t.Fatalf("%d/%d: %+v", n, k, f)
			}
			if !CanShow(n, f, 5) {
				t.Fatalf("CanShow(%d, %+v) is false for a figure %d produced", n, f, n)
			}
		}
	}
	if got := (SharedFigure{Count: 3, Suppressed: true}).Display(5); got != "<5" {
		t.Errorf("display %q", got)
	}
}

func TestDisclosureRisk(t *testing.T) {
	for _, c := range []struct {
		matched, visible int
		refused          bool
	}{{0, 100, false}, {3, 100, true}, {5, 100, false}, {97, 100, true}, {95, 100, false}, {100, 100, false}, {4, 4, false}, {4, 6, true}} {
		if err := DisclosureRisk(c.matched, c.visible, 5); (err != nil) != c.refused {
			t.Errorf("%d of %d: %v", c.matched, c.visible, err)
		}
	}
}
