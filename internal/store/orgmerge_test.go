package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// mergeFixture: "Northfold Police Service" (dup) duplicates the fixture's Northfold Police. rec1
// is addressed to the duplicate only, rec2 to both; each has a response and an action of the
// duplicate; one editor edits the duplicate, another edits both; a child names dup as parent.
type mergeFixture struct {
	fixture
	dup, child         casereview.Organisation
	rec1, rec2         casereview.Recommendation
	editor, bothEditor casereview.User
}

func newMergeFixture(t *testing.T, s *store.Store) mergeFixture {
	t.Helper()
	ctx := sysCtx()
	m := mergeFixture{fixture: newFixture(t, s)}
	var err error
	m.dup, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police Service", Sector: "police", Aliases: []string{"NPS", "NFP"}})
	must(t, err)
	m.child, err = s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police Custody", Sector: "police", ParentID: &m.dup.ID})
	must(t, err)
	d1 := m.recDraft("1")
	d1.Addressees = []casereview.AddresseeDraft{{OrganisationID: m.dup.ID, Role: "lead", RawText: "Northfold Police Service"}}
	m.rec1, err = s.CreateRecommendation(ctx, d1)
	must(t, err)
	d2 := m.recDraft("2")
	d2.Addressees = []casereview.AddresseeDraft{{OrganisationID: m.police.ID, Role: "supporting", RawText: "NFP"},
		{OrganisationID: m.dup.ID, Role: "lead", RawText: "Northfold Police Service"}}
	m.rec2, err = s.CreateRecommendation(ctx, d2)
	must(t, err)
	for _, r := range []casereview.Recommendation{m.rec1, m.rec2} {
		_, err = s.RecordResponse(ctx, r.ID, casereview.ResponseDraft{OrganisationID: m.dup.ID, Decision: casereview.ResponseReceived})
		must(t, err)
		_, err = s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: m.dup.ID, Description: "Train staff.", Owner: "Training lead"})
		must(t, err)
	}
	m.editor, err = s.CreateUser(ctx, casereview.UserDraft{Email: "ed@example.org", DisplayName: "Ed"}, "")
	must(t, err)
	_, err = s.AddMembership(ctx, m.editor.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: m.dup.ID})
	must(t, err)
	m.bothEditor, err = s.CreateUser(ctx, casereview.UserDraft{Email: "bo@example.org", DisplayName: "Bo"}, "")
	must(t, err)
	for _, o := range []string{m.dup.ID, m.police.ID} {
		_, err = s.AddMembership(ctx, m.bothEditor.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: o})
		must(t, err)
	}
	return m
}

func TestMergeOrganisationsMovesEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		m := newMergeFixture(t, s)
		ctx := sysCtx()
		recVersion := map[string]int{}
		for _, r := range []casereview.Recommendation{m.rec1, m.rec2} {
			rec, err := s.GetRecommendation(ctx, r.ID)
			must(t, err)
			recVersion[r.ID] = rec.Version
		}
		got, err := s.MergeOrganisations(ctx, m.police.ID, m.dup.ID, m.police.Version, m.dup.Version)
		must(t, err)
		want := casereview.OrganisationMerge{MergedID: m.dup.ID, MergedName: m.dup.Name, Addressees: 2, Combined: 1, Actions: 2,
			Responses: 2, Memberships: 2, Aliases: 2, Children: 1, Recommendations: 2}
		want.Survivor = got.Survivor
		if !reflect.DeepEqual(got, want) {
			t.Errorf("merge counts %+v, want %+v", got, want)
		}
		surv, err := s.GetOrganisation(ctx, m.police.ID)
		must(t, err)
		if surv.Version != m.police.Version+1 || len(surv.Aliases) != 4 || surv.Aliases[2] != "Northfold Police Service" || surv.Aliases[3] != "NPS" {
			t.Errorf("survivor %+v: want version+1 and aliases NFP, Northfold Constabulary, Northfold Police Service, NPS", surv)
		}
		_, err = s.GetOrganisation(ctx, m.dup.ID)
		wantErr(t, err, casereview.CodeNotFound)
		if to, ok, err := s.OrganisationRedirect(ctx, m.dup.ID); err != nil || !ok || to != m.police.ID {
			t.Errorf("redirect %q %v %v, want the survivor", to, ok, err)
		}
		for _, r := range []casereview.Recommendation{m.rec1, m.rec2} {
			rec, err := s.GetRecommendation(ctx, r.ID)
			must(t, err)
			if len(rec.Addressees) != 1 || rec.Addressees[0].OrganisationID != m.police.ID || rec.Addressees[0].Role != casereview.RoleLead ||
				rec.Addressees[0].ResponseStatus != casereview.ResponseReceived {
				t.Errorf("rec %s addressees %+v: want the survivor alone, lead, response received", rec.Number, rec.Addressees)
			}
			if rec.Version != recVersion[r.ID]+1 {
				t.Errorf("rec %s version %d, want %d", rec.Number, rec.Version, recVersion[r.ID]+1)
			}
		}
		child, err := s.GetOrganisation(ctx, m.child.ID)
		must(t, err)
		if child.ParentID == nil || *child.ParentID != m.police.ID {
			t.Errorf("child's parent %v, want the survivor", child.ParentID)
		}
		for _, u := range []casereview.User{m.editor, m.bothEditor} {
			got, err := s.GetUser(ctx, u.ID)
			must(t, err)
			if len(got.Memberships) != 1 || got.Memberships[0].OrganisationID != m.police.ID {
				t.Errorf("%s memberships %+v, want one, of the survivor", u.DisplayName, got.Memberships)
			}
		}
		actions := map[casereview.AuditAction]int{}
		for _, e := range auAll(t, s) {
			actions[e.Action]++
			if e.Action == casereview.AuditOrganisationMerged && e.EntityID != m.police.ID {
				t.Errorf("organisation.merged names %s, want the survivor", e.EntityID)
			}
		}
		if actions[casereview.AuditOrganisationMerged] != 1 || actions[casereview.AuditOrganisationUpdated] != 1 || actions[casereview.AuditMembershipRemoved] != 2 {
			t.Errorf("audit %v: want one merged, one updated (the child), two memberships removed", actions)
		}
		// The survivor cannot absorb a merged organisation again, nor be merged into one.
		_, err = s.MergeOrganisations(ctx, m.police.ID, m.dup.ID, surv.Version, 1)
		wantErr(t, err, casereview.CodeConflict)
		_, err = s.MergeOrganisations(ctx, m.dup.ID, m.la.ID, 1, m.la.Version)
		wantErr(t, err, casereview.CodeConflict)
	})
}

func TestMergeOrganisationsRefuses(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		m := newMergeFixture(t, s)
		ctx := sysCtx()
		_, err := s.MergeOrganisations(ctx, m.police.ID, m.police.ID, m.police.Version, m.police.Version)
		wantErr(t, err, casereview.CodeInvalid, fe{"merge", casereview.FieldInvalid})
		_, err = s.MergeOrganisations(ctx, m.police.ID, m.dup.ID, m.police.Version+1, m.dup.Version)
		wantErr(t, err, casereview.CodePreconditionFailed)
		_, err = s.MergeOrganisations(ctx, m.police.ID, m.dup.ID, m.police.Version, m.dup.Version+1)
		wantErr(t, err, casereview.CodePreconditionFailed)
		_, err = s.MergeOrganisations(ctx, m.police.ID, "0190f0e4-0000-7000-8000-00000000dead", m.police.Version, 1)
		wantErr(t, err, casereview.CodeInvalid, fe{"merge", casereview.FieldNotFound})
		panel := casereview.WithActor(context.Background(), casereview.Actor{UserID: m.editor.ID, Name: "Pat",
			Memberships: []casereview.Membership{{Role: casereview.RolePanel, PartnershipID: m.p.ID}}})
		_, err = s.MergeOrganisations(panel, m.police.ID, m.dup.ID, m.police.Version, m.dup.Version)
		wantErr(t, err, casereview.CodeForbidden)
		_, err = s.OrganisationDuplicates(panel)
		wantErr(t, err, casereview.CodeForbidden)
		rec2, err := s.GetRecommendation(ctx, m.rec2.ID)
		must(t, err)
		before := len(auAll(t, s))
		for _, at := range []string{"addressees", "memberships", "aliases", "done"} {
			s.FailMergeAt(at)
			if _, err := s.MergeOrganisations(ctx, m.police.ID, m.dup.ID, m.police.Version, m.dup.Version); err == nil {
				t.Fatalf("failing after %s: merged", at)
			}
			rec, err := s.GetRecommendation(ctx, m.rec2.ID)
			must(t, err)
			dup, err := s.GetOrganisation(ctx, m.dup.ID)
			must(t, err)
			pol, err := s.GetOrganisation(ctx, m.police.ID)
			must(t, err)
			if len(rec.Addressees) != 2 || rec.Version != rec2.Version || dup.Version != m.dup.Version || len(pol.Aliases) != 2 {
				t.Errorf("failing after %s left changes: rec %+v, dup %+v, police %+v", at, rec.Addressees, dup, pol)
			}
			if _, ok, _ := s.OrganisationRedirect(ctx, m.dup.ID); ok {
				t.Errorf("failing after %s left a redirect", at)
			}
		}
		if after := len(auAll(t, s)); after != before {
			t.Errorf("failed merges audited %d events", after-before)
		}
	})
}

func TestOrganisationDuplicates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		m := newMergeFixture(t, s)
		got, err := s.OrganisationDuplicates(sysCtx())
		must(t, err)
		if len(got) != 1 || got[0].Reason != casereview.DuplicateAlias || got[0].AID != m.police.ID || got[0].BID != m.dup.ID {
			t.Errorf("suggestions %+v: want Northfold Police and Northfold Police Service, by their shared alias", got)
		}
	})
}
