package casereview

import "strconv"

// Publishing the equality figures: internal outputs show every count; shareable ones publish
// each count under the cell key method and the minimum cell size (cellkey.go), and every ratio
// is worked out from published counts only, so a ratio reveals nothing its counts do not.

// PublishedCount is a count as an output shows it.
type PublishedCount struct {
	Count   int
	Hidden  bool // below the threshold: Display is "<threshold"
	Display string
}

// PublishTally publishes t: as it is, or shareable under the cell key method.
func PublishTally(t Tally, shareable bool, threshold int) PublishedCount {
	if !shareable {
		return PublishedCount{Count: t.N, Display: strconv.Itoa(t.N)}
	}
	f := Share(t, threshold)
	if f.Suppressed {
		return PublishedCount{Hidden: true, Display: f.Display(threshold)}
	}
	return PublishedCount{Count: f.Count, Display: f.Display(threshold)}
}

// PublishedClosure is one published row of a closure comparison.
type PublishedClosure struct {
	Key, Label                      string
	Recommendations, VerifiedClosed PublishedCount
	Share                           *float64 // verified closed / recommendations, from the published counts
	Median                          *float64 // days to verified closure; shareable, only over threshold or more
}

// PublishClosure publishes a comparison's three rows.
func PublishClosure(c ClosureComparison, shareable bool, threshold int) []PublishedClosure {
	out := make([]PublishedClosure, 0, len(c.Groups))
	for _, g := range c.Groups {
		p := PublishedClosure{Key: g.Key, Label: g.Label, Recommendations: PublishTally(g.Recommendations, shareable, threshold),
			VerifiedClosed: PublishTally(g.VerifiedClosed, shareable, threshold)}
		if !p.Recommendations.Hidden && !p.VerifiedClosed.Hidden && p.Recommendations.Count > 0 {
			s := min(float64(p.VerifiedClosed.Count)/float64(p.Recommendations.Count), 1)
			p.Share = &s
		}
		if !shareable || len(g.ClosureDays) >= threshold {
			p.Median = g.Median()
		}
		out = append(out, p)
	}
	return out
}

// Rate is a relative rate with its 95% confidence interval.
type Rate struct{ RR, Lo, Hi float64 }

// PublishedDisproportionRow is one published group of a disproportionality table.
type PublishedDisproportionRow struct {
	Key, Label string
	People     PublishedCount
	Population int64
	Rate       *Rate // nil when it cannot be worked out from the published figures
}

// PublishedDisproportion is a published disproportionality table.
type PublishedDisproportion struct {
	Rows                  []PublishedDisproportionRow
	Recorded, NotRecorded PublishedCount
	Population            int64 // the baseline's total over its groups
}

// PublishDisproportion publishes d; each group's rate is RateRatio of its published count over
// the published number recorded, against its share of the baseline.
func PublishDisproportion(d Disproportion, shareable bool, threshold int) PublishedDisproportion {
	out := PublishedDisproportion{Recorded: PublishTally(d.Recorded, shareable, threshold), NotRecorded: PublishTally(d.NotRecorded, shareable, threshold)}
	for _, g := range d.Baseline.Groups {
		out.Population += g.Population
	}
	for _, r := range d.Rows {
		p := PublishedDisproportionRow{Key: r.Key, Label: r.Label, People: PublishTally(r.Subjects, shareable, threshold), Population: r.Population}
		if !p.People.Hidden && !out.Recorded.Hidden {
			if rr, lo, hi, ok := RateRatio(p.People.Count, out.Recorded.Count, r.Population, out.Population); ok {
				p.Rate = &Rate{RR: rr, Lo: lo, Hi: hi}
			}
		}
		out.Rows = append(out.Rows, p)
	}
	return out
}
