package bench

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Reference is the data the amplified recommendations point at.
type Reference struct {
	Partnerships  []casereview.Partnership
	Organisations []casereview.Organisation
	ReviewTypes   []string
	Interventions []string
	Themes        []casereview.Theme
}

// Amplifier turns the corpus items into review bundles of fictional metadata. The texts are the
// real concern items, reused in turn as often as the scale needs (so the benchmark's corpus is
// amplified, and says so); every other field (review type, partnership, year, addressees,
// themes, scope, intervention, statuses, dates) is drawn at random from a fixed seed.
type Amplifier struct {
	c    *Corpus
	ref  Reference
	rng  *rand.Rand
	next int // next corpus item
	revs int // reviews made
}

// NewAmplifier starts an amplifier.
func NewAmplifier(c *Corpus, ref Reference, seed uint64) *Amplifier {
	return &Amplifier{c: c, ref: ref, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// weighted picks from values by weights.
func (a *Amplifier) weighted(values []string, weights []int) string {
	return values[a.weightedInt(weights)]
}

// weightedInt picks an index into weights, in proportion to them.
func (a *Amplifier) weightedInt(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := a.rng.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// zipf picks an index in [0,n) with a skew, so some organisations and themes are common and many
// are rare, as in the real data.
func (a *Amplifier) zipf(n int) int {
	f := a.rng.Float64()
	return min(int(f*f*f*float64(n)), n-1)
}

func (a *Amplifier) date(year int) casereview.Date {
	return casereview.DateOf(time.Date(year, time.Month(1+a.rng.IntN(12)), 1+a.rng.IntN(28), 0, 0, 0, 0, time.UTC))
}

// Bundles makes review bundles holding n recommendations in all.
func (a *Amplifier) Bundles(n int) []casereview.ReviewBundle {
	var out []casereview.ReviewBundle
	for n > 0 {
		k := min(n, 2+a.rng.IntN(14))
		out = append(out, a.review(k))
		n -= k
	}
	return out
}

var reviewWeights = map[string]int{"DHR": 30, "CSPR": 18, "SCR": 8, "CDR": 4, "SAR": 20, "PFD": 40}

func (a *Amplifier) review(k int) casereview.ReviewBundle {
	a.revs++
	var weights []int
	for _, t := range a.ref.ReviewTypes {
		w, ok := reviewWeights[t]
		if !ok {
			w = 2
		}
		weights = append(weights, w)
	}
	typ := a.weighted(a.ref.ReviewTypes, weights)
	p := a.ref.Partnerships[a.zipf(len(a.ref.Partnerships))]
	year := 2010 + a.rng.IntN(16)
	published := a.date(year)
	commissioned := published.AddDays(-(120 + a.rng.IntN(500)))
	vis := casereview.Visibility(a.weighted([]string{"public", "shared", "restricted"}, []int{30, 55, 15}))
	status := casereview.ReviewPublished
	var pub *casereview.Date = &published
	if vis != casereview.VisibilityPublic && a.rng.IntN(10) == 0 {
		status, pub = casereview.ReviewInProgress, nil
	}
	b := casereview.ReviewBundle{Review: casereview.ReviewDraft{Type: typ, PartnershipID: p.ID,
		Reference: fmt.Sprintf("BENCH-%s-%06d", typ, a.revs), Title: fmt.Sprintf("Amplified review %06d", a.revs),
		Status: status, CommissionedOn: &commissioned, PublishedOn: pub, Visibility: vis,
		Summary: "Benchmark review: real PFD concern text, amplified with invented metadata."}}
	for i := range k {
		b.Recommendations = append(b.Recommendations, a.recommendation(i+1, published))
	}
	return b
}

var responseStatuses = []string{"awaiting_response", "response_received", "accepted", "accepted_in_part", "accepted_alternative", "not_accepted"}
var actionStatuses = []string{"not_started", "planned", "in_progress", "implemented_pending_verification", "not_implemented"}

func (a *Amplifier) recommendation(number int, issued casereview.Date) casereview.RecommendationBundle {
	item := a.c.Items[a.next%len(a.c.Items)]
	a.next++
	d := casereview.RecommendationDraft{Number: fmt.Sprint(number), Title: titleOf(item), Text: item,
		Scope: casereview.Scope(a.weighted([]string{"local", "regional", "national"}, []int{70, 15, 15}))}
	if a.rng.IntN(5) > 0 {
		it := a.ref.Interventions[a.rng.IntN(len(a.ref.Interventions))]
		d.InterventionType = &it
	}
	if a.rng.IntN(3) == 0 {
		due := issued.AddDays(56 + a.rng.IntN(60))
		d.ResponseDue = &due
	}
	seen := map[string]bool{}
	for j := range 1 + a.weightedInt([]int{50, 30, 15, 5}) {
		o := a.ref.Organisations[a.zipf(len(a.ref.Organisations))]
		if seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		role := casereview.RoleSupporting
		if j == 0 {
			role = casereview.RoleLead
		}
		notified := issued
		d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: o.ID, Role: role, RawText: o.Name, NotifiedOn: &notified})
	}
	seenTheme := map[string]bool{}
	for range 1 + a.weightedInt([]int{35, 35, 20, 10}) {
		t := a.ref.Themes[a.zipf(len(a.ref.Themes))]
		if !seenTheme[t.Code] {
			seenTheme[t.Code] = true
			d.Themes = append(d.Themes, casereview.ThemeDraft{Code: t.Code})
		}
	}
	rb := casereview.RecommendationBundle{Draft: d, ResponseStatus: casereview.ResponseStatus(responseStatuses[a.rng.IntN(len(responseStatuses))])}
	for range a.weightedInt([]int{40, 35, 20, 5}) {
		owner := d.Addressees[a.rng.IntN(len(d.Addressees))].OrganisationID
		target := issued.AddDays(90 + a.rng.IntN(700))
		rb.Actions = append(rb.Actions, casereview.ActionDraft{OrganisationID: owner, Description: "Action plan line for " + titleOf(item),
			Owner: "Named lead", TargetDate: &target})
		rb.ActionStatuses = append(rb.ActionStatuses, casereview.ImplementationStatus(actionStatuses[a.rng.IntN(len(actionStatuses))]))
	}
	return rb
}
