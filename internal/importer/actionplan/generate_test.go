package actionplan_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// gen makes fictional reviews through the domain services, as the API does, with the variety
// an action plan must carry: unicode, line breaks, commas and quotes, text that looks like a
// formula or opens with a number, surrounding white space, empty optional fields, joint and
// for-information addressees with notified dates, actions with owners, targets and every
// implementation status.
type gen struct {
	t     *testing.T
	rng   *rand.Rand
	s     *store.Store
	ctx   context.Context
	today time.Time
	parts []casereview.Partnership
	orgs  []casereview.Organisation
	types []string
	its   []string
}

var words = []string{"agencies", "should", "share", "risk", "information", "Ællen", "Łódź", "Zoë", "naïve", "café", "müssen",
	"Ōkland", "ŷ", "日本語", "Ελλάδα", "כן", "emoji 🙂", "“quoted”", `"plain quoted"`, "comma,", "semi;colon", "tab\there",
	"line\nbreak", "crlf\r\nbreak", "O'Neil", "50%", "£20", "€5", "•", "–", "—", "MARAC", "MASH", "&", "and", "<b>", "a/b"}

var openers = []string{"", "", "", "=SUM(A1:A2) ", "+44 ", "-", "@home ", "'=x ", "''=y ", "3 ", "2a) ", "Recommendation 4: ",
	" ", "  ", "\t", "\n", "Completed ", "In progress ", "TBC", "31/03/2025 ", "Note: ", "Red = ", "Key: ", "Signed off by "}

func (g *gen) text(min, max int) string {
	n := min + g.rng.IntN(max-min+1)
	var w []string
	for range n {
		w = append(w, words[g.rng.IntN(len(words))])
	}
	s := openers[g.rng.IntN(len(openers))] + strings.Join(w, " ")
	if g.rng.IntN(6) == 0 {
		s += []string{" ", "\n", "  \n", "."}[g.rng.IntN(4)]
	}
	if strings.TrimSpace(s) == "" {
		s = "x" + s
	}
	return s
}

func (g *gen) maybe(p int) bool { return g.rng.IntN(100) < p }

func (g *gen) day(from time.Time, maxDays int) casereview.Date {
	return casereview.DateOf(from.AddDate(0, 0, g.rng.IntN(maxDays+1)))
}

func (g *gen) must(err error, what string, args ...any) {
	g.t.Helper()
	if err != nil {
		g.t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}

func newGen(t *testing.T, s *store.Store, ctx context.Context, seed uint64) *gen {
	g := &gen{t: t, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), s: s, ctx: ctx, today: time.Now().UTC().Truncate(24 * time.Hour)}
	for i, name := range []string{"Ystrad Ōkland Community Safety Partnership", "Northfold & Sæby Safeguarding Partnership"} {
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: fmt.Sprintf("%s %d-%d", name, seed, i), Kind: "community_safety_partnership"})
		g.must(err, "partnership")
		g.parts = append(g.parts, p)
	}
	for i, o := range []casereview.OrganisationDraft{
		{Name: "Ystrad Police", Sector: "police", Aliases: []string{"YP"}},
		{Name: "Ōkland Health and Care NHS Trust", Sector: "nhs_trust"},
		{Name: "Sæby Council Children's Services", Sector: "la_childrens_services"},
		{Name: "Zoë's Refuge, Ystrad", Sector: "other"},
		{Name: "Northfold Probation Service", Sector: "other", Aliases: []string{"NPS"}},
		{Name: "日本語 Interpreting Co-operative", Sector: "other"},
	} {
		o.Name = fmt.Sprintf("%s %d-%d", o.Name, seed, i)
		for k := range o.Aliases {
			o.Aliases[k] = fmt.Sprintf("%s-%d-%d", o.Aliases[k], seed, i)
		}
		x, err := s.CreateOrganisation(ctx, o)
		g.must(err, "organisation %s", o.Name)
		g.orgs = append(g.orgs, x)
	}
	types, err := s.ListReviewTypes(ctx)
	g.must(err, "review types")
	for _, rt := range types {
		g.types = append(g.types, rt.Code)
	}
	its, err := s.ListInterventionTypes(ctx)
	g.must(err, "intervention types")
	for _, it := range its {
		g.its = append(g.its, it.Code)
	}
	return g
}

var numberForms = []string{"%d", "%d", "R%d", "%da", "%d.1", "%d"}

// review creates one review with its recommendations and actions and moves the actions
// through their statuses; it returns the review's id.
func (g *gen) review(i int) string {
	commissioned := g.today.AddDate(-4, 0, -g.rng.IntN(400))
	d := casereview.ReviewDraft{Type: g.types[g.rng.IntN(len(g.types))], PartnershipID: g.parts[g.rng.IntN(len(g.parts))].ID,
		Reference: fmt.Sprintf("GEN-%d-ß%d", i, g.rng.IntN(1000)), Title: g.text(1, 4), Visibility: casereview.VisibilityRestricted,
		Status: casereview.ReviewInProgress}
	if g.maybe(70) {
		c := casereview.DateOf(commissioned)
		d.CommissionedOn = &c
	}
	var published *casereview.Date
	if g.maybe(75) {
		p := g.day(commissioned, 300)
		published, d.PublishedOn, d.Status = &p, &p, casereview.ReviewPublished
		if g.maybe(30) {
			d.Visibility = casereview.VisibilityShared
		}
	}
	if g.maybe(50) {
		d.Summary = g.text(3, 12)
	}
	if g.maybe(40) {
		y := commissioned.Year() - 1
		d.IncidentYear = &y
	}
	if g.maybe(30) {
		u := "https://example.invalid/reports/" + d.Reference
		d.ReportURL = &u
	}
	rv, err := g.s.CreateReview(g.ctx, d)
	g.must(err, "review %s", d.Reference)
	base := commissioned
	if published != nil {
		base = published.Time()
	}
	nrec := 1 + g.rng.IntN(5)
	for n := 1; n <= nrec; n++ {
		rd := casereview.RecommendationDraft{ReviewID: rv.ID, Number: fmt.Sprintf(numberForms[g.rng.IntN(len(numberForms))], n),
			Text: g.text(2, 14), Scope: casereview.Scopes[g.rng.IntN(len(casereview.Scopes))]}
		if g.maybe(60) {
			rd.Title = g.text(1, 5)
		}
		if g.maybe(60) {
			it := g.its[g.rng.IntN(len(g.its))]
			rd.InterventionType = &it
		}
		perm := g.rng.Perm(len(g.orgs))[:1+g.rng.IntN(3)]
		for k, oi := range perm {
			a := casereview.AddresseeDraft{OrganisationID: g.orgs[oi].ID, Role: casereview.RoleLead}
			if k > 0 {
				a.Role = casereview.AddresseeRoles[g.rng.IntN(len(casereview.AddresseeRoles))]
			}
			if g.maybe(40) {
				a.RawText = g.text(1, 3)
			}
			if g.maybe(70) {
				nd := g.day(base, 30)
				a.NotifiedOn = &nd
				if g.maybe(50) {
					ad := g.day(nd.Time(), 20)
					a.AcknowledgedOn = &ad
				}
			}
			rd.Addressees = append(rd.Addressees, a)
		}
		if g.maybe(20) {
			due := g.day(base, 120)
			rd.ResponseDue = &due
		}
		rec, err := g.s.CreateRecommendation(g.ctx, rd)
		g.must(err, "recommendation %s", rd.Number)
		for range g.rng.IntN(4) {
			a := rd.Addressees[g.rng.IntN(len(rd.Addressees))]
			ad := casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: a.OrganisationID, Description: g.text(2, 10)}
			if g.maybe(60) {
				ad.Owner = g.text(1, 3)
			}
			if g.maybe(75) {
				td := g.day(base, 700)
				ad.TargetDate = &td
			}
			if g.maybe(15) {
				o := g.text(1, 6)
				ad.Outcome = &o
			}
			act, err := g.s.CreateAction(g.ctx, ad)
			g.must(err, "action")
			g.progress(act)
		}
	}
	return rv.ID
}

// progress moves an action along a random path of the implementation machine.
func (g *gen) progress(a casereview.Action) {
	steps := g.rng.IntN(5)
	for range steps {
		var p casereview.ActionProgress
		switch a.ImplementationStatus {
		case casereview.ImplNotStarted, casereview.ImplPlanned:
			p.Status = casereview.ImplInProgress
			if a.TargetDate != nil && a.ImplementationStatus == casereview.ImplNotStarted && g.maybe(40) {
				p.Status = casereview.ImplPlanned
			} else if g.maybe(15) {
				p.Status, p.Reason = casereview.ImplNotImplemented, g.text(1, 4)
			}
		case casereview.ImplInProgress:
			_, err := g.s.AddEvidence(g.ctx, a.ID, casereview.EvidenceDraft{Title: g.text(1, 3), EvidenceType: "other", URL: "https://example.invalid/e"})
			g.must(err, "evidence")
			o := g.text(1, 8)
			p.Status, p.Outcome = casereview.ImplPending, &o
			if g.maybe(50) {
				cd := casereview.DateOf(g.today.AddDate(0, 0, -g.rng.IntN(60)))
				p.CompletionDate = &cd
			}
		case casereview.ImplPending:
			p.Status = casereview.ImplVerified
			if g.maybe(30) {
				p.Status, p.Reason = casereview.ImplInProgress, g.text(1, 4)
			}
		default:
			return
		}
		if p.Narrative == "" {
			p.Narrative = g.text(1, 5)
		}
		x, err := g.s.ProgressAction(g.ctx, a.ID, a.Version, p)
		g.must(err, "progress %s -> %s", a.ImplementationStatus, p.Status)
		a = x
	}
}
