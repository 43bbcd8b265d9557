package casereview

import (
	"context"
	"math"
	"strconv"
	"time"
)

// Equality monitoring's figures (issue 15 §2): closure by group of a protected characteristic,
// and disproportionality against an area's baseline population. Every figure counts only what
// the caller may read and only for those EqualityScope lets through; shareable outputs publish
// each count under the cell key method (cellkey.go) and work ratios out from published counts.

// ClosureGroup is one row of a closure comparison.
type ClosureGroup struct {
	Key, Label      string
	Recommendations Tally // recommendations of reviews with a subject in the group
	VerifiedClosed  Tally // of which closed as done and verified
	ClosureDays     []int // days from issue to verified closure, one per closed recommendation
}

// Median is the median of the group's days to verified closure (nil when none closed).
func (g ClosureGroup) Median() *float64 { return Median(g.ClosureDays) }

// Comparison keys: the chosen groups, everyone else recorded, and not recorded.
const (
	ComparisonChosen      = "chosen"
	ComparisonRest        = "rest"
	ComparisonNotRecorded = NotRecorded
)

// ClosureComparison compares how recommendations about people of chosen groups of a
// characteristic are closed against the rest: each recommendation counts once, under the chosen
// groups when its review has a person at the centre in one of them, else under the rest when
// one has the characteristic recorded, else under not recorded.
type ClosureComparison struct {
	Characteristic CharacteristicDef
	Chosen         []string
	Groups         [3]ClosureGroup // chosen, rest, not recorded
}

// CheckComparison validates a characteristic and its chosen groups (not "not recorded").
func CheckComparison(characteristic string, chosen []string) (CharacteristicDef, error) {
	c, ok := CharacteristicByKey(characteristic)
	if !ok {
		return c, Invalid("characteristic", FieldUnknownValue, "%q is not a characteristic", characteristic)
	}
	var p Problems
	if len(chosen) == 0 {
		p.Add("group", FieldRequired, "choose at least one group to compare with the rest")
	}
	for i, g := range chosen {
		if g == NotRecorded || !c.Has(g) {
			p.Add("group["+strconv.Itoa(i)+"]", FieldUnknownValue, "%q is not a group of %s", g, c.Key)
		}
	}
	return c, p.Err()
}

// ComparisonLabels names the three rows of a comparison.
func ComparisonLabels(c CharacteristicDef, chosen []string) [3]string {
	names := make([]string, 0, len(chosen))
	for _, g := range chosen {
		names = append(names, c.GroupLabel(g))
	}
	first := "The chosen groups"
	if len(names) == 1 {
		first = names[0]
	} else if len(names) > 1 {
		first = joinAnd(names)
	}
	return [3]string{first, "Everyone else (recorded)", "Not recorded"}
}

func joinAnd(s []string) string {
	out := ""
	for i, x := range s {
		switch {
		case i == 0:
		case i == len(s)-1:
			out += " and "
		default:
			out += ", "
		}
		out += x
	}
	return out
}

// BaselineGroup is one group's population in an area.
type BaselineGroup struct {
	Key, Label string
	Population int64
}

// Baseline is an area's population by group of one characteristic.
type Baseline struct {
	PartnershipID  string
	Characteristic string
	Groups         []BaselineGroup
	Source         string
	UploadedAt     time.Time
}

// RateRatio is the relative rate of a group: its share of the people counted (a of n) over
// its share of the population (b of m), with a 95% confidence interval by the log method
// (Katz): SE(ln RR) = sqrt(1/a - 1/n + 1/b - 1/m), the interval exp(ln RR ± 1.96 SE). ok is
// false when the ratio or its interval cannot be worked out (nothing counted, or an empty
// group or population).
func RateRatio(a, n int, b, m int64) (rr, lo, hi float64, ok bool) {
	if a <= 0 || n <= 0 || b <= 0 || m <= 0 || a > n || b > m {
		return 0, 0, 0, false
	}
	rr = (float64(a) / float64(n)) / (float64(b) / float64(m))
	se := math.Sqrt(1/float64(a) - 1/float64(n) + 1/float64(b) - 1/float64(m))
	return rr, rr * math.Exp(-1.96*se), rr * math.Exp(1.96*se), true
}

// DisproportionRow is one group's line: the people at the centre of the area's reviews in the
// group, its population, and the relative rate.
type DisproportionRow struct {
	Key, Label string
	Subjects   Tally
	Population int64
}

// Disproportion is a characteristic's disproportionality in one area: Rows are the recorded
// groups with a baseline, NotRecorded the people whose value nobody recorded (left out of the
// shares), Recorded the people counted in the shares.
type Disproportion struct {
	PartnershipID  string
	Characteristic CharacteristicDef
	Baseline       Baseline
	Rows           []DisproportionRow
	NotRecorded    Tally
	Recorded       Tally
}

// EqualityService gives the equality figures; every method checks EqualityScope.
type EqualityService interface {
	EqualityClosure(ctx context.Context, f SummaryFilter, characteristic string, chosen []string) (ClosureComparison, error)
	// Disproportionality counts the people at the centre of one partnership's reviews by group.
	Disproportionality(ctx context.Context, partnershipID, characteristic string) (Disproportion, error)
	// Baselines lists one partnership's baselines (every characteristic with one).
	Baselines(ctx context.Context, partnershipID string) ([]Baseline, error)
	// UploadBaseline replaces a partnership's baseline for a characteristic (admins; audited).
	UploadBaseline(ctx context.Context, b Baseline) error
}

// CanUploadBaseline: admins (and the system) upload baseline populations.
func CanUploadBaseline(a Actor) bool { return a.IsSystem() || a.IsAdmin() }
