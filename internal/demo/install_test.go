package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/demo"
	"github.com/casereview/casereview/internal/store"
)

// now is after the demo's last recorded date, as in the web tests.
var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// tracking counts what the file asks the installer to replay.
type tracking struct{ responses, progress, evidence, reviews, links, assessments, closed int }

func count(ds *demo.Dataset) tracking {
	var n tracking
	for _, r := range ds.Reviews {
		for _, rec := range r.Recommendations {
			for _, a := range rec.Addressees {
				n.responses += len(a.Responses)
			}
			for _, a := range rec.Actions {
				for _, st := range a.Progress {
					n.evidence += len(st.Evidence)
					n.reviews += len(st.ReviewEvidence)
					if st.Status != "" || st.Narrative != "" {
						n.progress++
					}
				}
			}
			n.links += len(rec.Links)
			n.assessments += len(rec.Assessments)
			if k := len(rec.Assessments); k > 0 && casereview.OversightStatus(rec.Assessments[k-1].Classification).IsClosed() {
				n.closed++
			}
		}
	}
	return n
}

// people creates the demo's acting users the way the app does: an oversight officer, a panel
// member of the Eastmere CSP and an agency editor of the police.
func people(s *store.Store) func(ctx context.Context) ([]casereview.Actor, error) {
	return func(ctx context.Context) ([]casereview.Actor, error) {
		ps, err := s.ListPartnerships(ctx, casereview.PartnershipFilter{Name: "Eastmere Community Safety"}, casereview.PageRequest{Limit: 1})
		if err != nil {
			return nil, err
		}
		orgs, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{Sector: "police"}, casereview.PageRequest{Limit: 1})
		if err != nil {
			return nil, err
		}
		var out []casereview.Actor
		for _, p := range []struct {
			email, name string
			m           casereview.MembershipDraft
		}{
			{"agency@test.invalid", "Test Agency Editor", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: orgs.Items[0].ID}},
			{"panel@test.invalid", "Test Panel Member", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: ps.Items[0].ID}},
			{"oversight@test.invalid", "Test Oversight Officer", casereview.MembershipDraft{Role: casereview.RoleOversight}},
		} {
			u, err := s.CreateUser(ctx, casereview.UserDraft{Email: p.email, DisplayName: p.name}, "not-a-real-hash")
			if err != nil {
				return nil, err
			}
			if u, err = s.AddMembership(ctx, u.ID, p.m); err != nil {
				return nil, err
			}
			out = append(out, u.Actor())
		}
		return out, nil
	}
}

func TestInstallReplaysTheTracking(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := dbtest.Open(t, dialect, dbtest.Options{Now: func() time.Time { return now }})
		ctx := casereview.WithActor(context.Background(), casereview.System)
		ds, err := demo.Load()
		if err != nil {
			t.Fatal(err)
		}
		st, err := demo.InstallWith(ctx, s, ds, demo.Options{People: people(s)})
		if err != nil {
			t.Fatalf("install: %v", err)
		}
		want := count(ds)
		got := tracking{st.Responses, st.Progress, st.Evidence, st.EvidenceReviews, st.Links, st.Assessments, 0}
		want.closed = 0
		if got != want {
			t.Errorf("installed %+v, the file asks for %+v", got, want)
		}
		if want.responses < 15 || want.evidence < 5 || want.links < 2 || want.assessments < 5 {
			t.Errorf("the demo tracks too little: %+v", want)
		}

		list := func(f casereview.RecommendationFilter) casereview.Page[casereview.Recommendation] {
			t.Helper()
			p, err := s.ListRecommendations(ctx, f, casereview.PageRequest{Limit: 100})
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			return p
		}
		total := list(casereview.RecommendationFilter{}).Total
		awaiting := list(casereview.RecommendationFilter{ResponseStatus: casereview.ResponseAwaiting}).Total
		if answered := total - awaiting; answered*4 < total || answered*2 > total {
			t.Errorf("%d of %d recommendations have a response, want about a third", answered, total)
		}
		for _, rs := range []casereview.ResponseStatus{casereview.ResponseAccepted, casereview.ResponseInPart,
			casereview.ResponseAlternative, casereview.ResponseNotAccepted} {
			if n := list(casereview.RecommendationFilter{ResponseStatus: rs}).Total; n == 0 {
				t.Errorf("no recommendation whose response is %s", rs)
			}
		}
		closed := list(casereview.RecommendationFilter{OversightStatus: "closed_acceptable_action"})
		if closed.Total != 2 {
			t.Errorf("closed_acceptable_action = %d, want 2", closed.Total)
		}
		for _, r := range closed.Items {
			if r.ImplementationStatus != casereview.ImplVerified || r.ClosureRationale == "" || r.ClosedOn == nil {
				t.Errorf("closed %s: implementation %s, rationale %q, closed on %v", r.Title, r.ImplementationStatus, r.ClosureRationale, r.ClosedOn)
			}
		}
		if n := list(casereview.RecommendationFilter{OversightStatus: "open_unacceptable"}).Total; n != 1 {
			t.Errorf("open_unacceptable = %d, want 1", n)
		}
		if n := list(casereview.RecommendationFilter{ImplementationStatus: casereview.ImplInProgress}).Total; n < 4 {
			t.Errorf("in progress = %d, want several", n)
		}

		// The police (the demo agency editor's organisation): some actions under way, at least
		// one recommendation still awaiting its response, and overdue work.
		police, err := s.ListOrganisations(ctx, casereview.OrganisationFilter{Sector: "police"}, casereview.PageRequest{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		evp := police.Items[0].ID
		acts, err := s.ListActions(ctx, casereview.ActionFilter{OrganisationID: evp, ImplementationStatus: casereview.ImplInProgress}, casereview.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if acts.Total < 3 {
			t.Errorf("police actions in progress = %d, want at least 3", acts.Total)
		}
		if n := list(casereview.RecommendationFilter{OrganisationID: evp, AddresseeRole: casereview.RoleLead, ResponseStatus: casereview.ResponseAwaiting}).Total; n == 0 {
			t.Error("no recommendation led by the police awaits its response")
		}

		w, err := s.Work(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.EvidenceToVerify) != 4 || len(w.ResponsesToAssess) == 0 || len(w.Overdue) == 0 || len(w.AwaitingResponse) == 0 {
			t.Errorf("work list: %d evidence to verify (want 4), %d responses to assess, %d overdue, %d awaiting",
				len(w.EvidenceToVerify), len(w.ResponsesToAssess), len(w.Overdue), len(w.AwaitingResponse))
		}
		// The people acted where their roles allow: the police editor submitted the police's
		// evidence; the rest came from the system.
		byName := map[string]int{}
		for _, e := range w.EvidenceToVerify {
			byName[e.SubmittedByName]++
		}
		if byName["Test Agency Editor"] != 2 || byName["system"] != 2 {
			t.Errorf("evidence awaiting verification submitted by %v, want 2 by the police editor and 2 by the system", byName)
		}
		for _, r := range closed.Items {
			tl, err := s.Timeline(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := tl[len(tl)-1]
			if last.Kind != casereview.ProgressAssessment || last.AuthorName != "Test Oversight Officer" {
				t.Errorf("%s: last timeline entry %s by %q, want the oversight officer's assessment", r.Title, last.Kind, last.AuthorName)
			}
		}
	})
}
