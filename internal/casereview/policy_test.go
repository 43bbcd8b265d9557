package casereview_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// Scopes used by the policy matrix. pOther and oOther belong to nobody in the table.
const (
	pOne   = "11111111-1111-4111-8111-111111111111"
	pTwo   = "22222222-2222-4222-8222-222222222222"
	pOther = "33333333-3333-4333-8333-333333333333"
	oOne   = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
	oTwo   = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
	oOther = "cccccccc-cccc-4ccc-8ccc-cccccccccccc"
)

var (
	policyPartnerships  = []string{pOne, pTwo, pOther, ""}
	policyOrganisations = []string{oOne, oTwo, oOther, ""}
)

func policyUser(id string, ms ...cr.Membership) cr.Actor {
	return cr.Actor{UserID: id, Name: id, Memberships: ms}
}

func policyMember(role cr.Role, org, partnership string) cr.Membership {
	return cr.Membership{ID: string(role) + org + partnership, Role: role, OrganisationID: org, PartnershipID: partnership}
}

// policyViewerOpen is a viewer's membership of a partnership that lets its viewers read its
// restricted reviews.
func policyViewerOpen(partnership string) cr.Membership {
	m := policyMember(cr.RoleViewer, "", partnership)
	m.ViewerSeesRestricted = true
	return m
}

// policyCase is one actor and everything it may do. The lists name the partnerships and
// organisations an actor reaches; allScopes stands for "every one, including ones it never met".
type policyCase struct {
	name  string
	actor cr.Actor

	signedIn       bool     // reads shared reviews; Deny says forbidden rather than unauthenticated
	readRestricted []string // partnerships whose restricted reviews it reads
	manageReview   []string // partnerships whose reviews it manages
	editorOf       []string // organisations whose actions it writes (besides the panel rule)

	partnerships, createOrg, organisations, users, audit bool
	oversee, importer, allWork                           bool // CanOversee, CanStartImport, CanSeeAllWork
}

var allScopes = []string{"*"}

func reaches(list []string, id string) bool {
	return slices.Equal(list, allScopes) || (id != "" && slices.Contains(list, id))
}

func policyCases() []policyCase {
	return []policyCase{
		{name: "anonymous", actor: cr.Anonymous},
		{name: "system", actor: cr.System, signedIn: true, readRestricted: allScopes, manageReview: allScopes,
			editorOf: allScopes, partnerships: true, createOrg: true, organisations: true, users: true, audit: true,
			oversee: true, importer: true, allWork: true},
		{name: "admin", actor: policyUser("admin", policyMember(cr.RoleAdmin, "", "")), signedIn: true, readRestricted: allScopes,
			partnerships: true, createOrg: true, organisations: true, users: true, audit: true, allWork: true},
		{name: "oversight", actor: policyUser("oversight", policyMember(cr.RoleOversight, "", "")), signedIn: true,
			readRestricted: allScopes, audit: true, oversee: true, allWork: true},
		{name: "panel P1", actor: policyUser("panel1", policyMember(cr.RolePanel, "", pOne)), signedIn: true,
			readRestricted: []string{pOne}, manageReview: []string{pOne}, createOrg: true, importer: true},
		{name: "panel P2", actor: policyUser("panel2", policyMember(cr.RolePanel, "", pTwo)), signedIn: true,
			readRestricted: []string{pTwo}, manageReview: []string{pTwo}, createOrg: true, importer: true},
		{name: "editor O1", actor: policyUser("editor1", policyMember(cr.RoleAgencyEditor, oOne, "")), signedIn: true,
			editorOf: []string{oOne}},
		{name: "editor O2", actor: policyUser("editor2", policyMember(cr.RoleAgencyEditor, oTwo, "")), signedIn: true,
			editorOf: []string{oTwo}},
		{name: "viewer system-wide", actor: policyUser("viewer", policyMember(cr.RoleViewer, "", "")), signedIn: true},
		// A partnership's viewers read its restricted reviews only where the partnership lets
		// them (issue 3; Partnership.ViewersSeeRestricted, loaded with the membership).
		{name: "viewer of P1", actor: policyUser("viewerP1", policyMember(cr.RoleViewer, "", pOne)), signedIn: true},
		{name: "viewer of P1, open to its viewers", actor: policyUser("viewerP1open", policyViewerOpen(pOne)), signedIn: true,
			readRestricted: []string{pOne}},
		{name: "viewer of O1", actor: policyUser("viewerO1", policyMember(cr.RoleViewer, oOne, "")), signedIn: true},
		{name: "no memberships", actor: policyUser("nobody"), signedIn: true},
		{name: "panel P1 + editor O2", actor: policyUser("multi", policyMember(cr.RolePanel, "", pOne), policyMember(cr.RoleAgencyEditor, oTwo, "")),
			signedIn: true, readRestricted: []string{pOne}, manageReview: []string{pOne}, editorOf: []string{oTwo}, createOrg: true, importer: true},
		{name: "editor O1 + viewer of P2", actor: policyUser("multi2", policyMember(cr.RoleAgencyEditor, oOne, ""), policyMember(cr.RoleViewer, "", pTwo)),
			signedIn: true, editorOf: []string{oOne}},
		{name: "editor O1 + viewer of P2, open to its viewers", actor: policyUser("multi3", policyMember(cr.RoleAgencyEditor, oOne, ""), policyViewerOpen(pTwo)),
			signedIn: true, readRestricted: []string{pTwo}, editorOf: []string{oOne}},
		// The setting is the viewer's alone: a panel membership reads regardless, and an agency
		// editor's membership never carries it.
		{name: "viewer of P1 (closed) + panel P2", actor: policyUser("multi4", policyMember(cr.RoleViewer, "", pOne), policyMember(cr.RolePanel, "", pTwo)),
			signedIn: true, readRestricted: []string{pTwo}, manageReview: []string{pTwo}, createOrg: true, importer: true},
		{name: "editor O1 flagged as if open", actor: policyUser("editorflag", cr.Membership{Role: cr.RoleAgencyEditor, OrganisationID: oOne,
			PartnershipID: "", ViewerSeesRestricted: true}), signedIn: true, editorOf: []string{oOne}},
	}
}

func TestPolicyMatrix(t *testing.T) {
	for _, c := range policyCases() {
		t.Run(c.name, func(t *testing.T) {
			a := c.actor
			for _, p := range policyPartnerships {
				for _, v := range cr.Visibilities {
					var want bool
					switch v {
					case cr.VisibilityPublic:
						want = true
					case cr.VisibilityShared:
						want = c.signedIn
					case cr.VisibilityRestricted:
						want = reaches(c.readRestricted, p)
					}
					if got := cr.CanReadReview(a, cr.ReviewRef{PartnershipID: p, Visibility: v}); got != want {
						t.Errorf("CanReadReview(%s review of %q) = %v, want %v", v, p, got, want)
					}
				}
				if got, want := cr.CanManageReview(a, p), reaches(c.manageReview, p); got != want {
					t.Errorf("CanManageReview(%q) = %v, want %v", p, got, want)
				}
				for _, o := range policyOrganisations {
					want := reaches(c.editorOf, o) || reaches(c.manageReview, p)
					if got := cr.CanWriteAction(a, p, o); got != want {
						t.Errorf("CanWriteAction(partnership %q, organisation %q) = %v, want %v", p, o, got, want)
					}
					if got, want := cr.CanNoteAction(a, p, o), want || c.oversee; got != want {
						t.Errorf("CanNoteAction(partnership %q, organisation %q) = %v, want %v", p, o, got, want)
					}
				}
			}
			checks := []struct {
				name      string
				got, want bool
			}{
				{"CanManagePartnerships", cr.CanManagePartnerships(a), c.partnerships},
				{"CanCreateOrganisation", cr.CanCreateOrganisation(a), c.createOrg},
				{"CanManageOrganisations", cr.CanManageOrganisations(a), c.organisations},
				{"CanMergeOrganisations", cr.CanMergeOrganisations(a), c.organisations},
				{"CanManageUsers", cr.CanManageUsers(a), c.users},
				{"CanReadAudit", cr.CanReadAudit(a), c.audit},
				{"CanDownloadCheckpoints", cr.CanDownloadCheckpoints(a), c.users},
				{"CanManageTaxonomy", cr.CanManageTaxonomy(a), c.users},
				{"CanRebuildSearch", cr.CanRebuildSearch(a), c.users},
				{"SignedIn", a.SignedIn(), c.signedIn},
				{"CanOversee", cr.CanOversee(a), c.oversee},
				{"CanStartImport", cr.CanStartImport(a), c.importer},
				{"CanSeeAllWork", cr.CanSeeAllWork(a), c.allWork},
				// An import's report: its starter's (any signed-in user who started one), and
				// oversight's and admins'; nobody else's, and never through an empty id.
				{"CanReadImportJob(own)", cr.CanReadImportJob(a, a.UserID), c.signedIn},
				{"CanReadImportJob(another's)", cr.CanReadImportJob(a, "someone-else"), c.audit},
				{"CanReadImportJob(no starter)", cr.CanReadImportJob(a, ""), c.audit},
				// Its progress: recorded by its runner alone, as its starter; admins and
				// oversight read it but never rewrite it.
				{"CanUpdateImportJob(own)", cr.CanUpdateImportJob(a, a.UserID), c.signedIn},
				{"CanUpdateImportJob(another's)", cr.CanUpdateImportJob(a, "someone-else"), false},
				{"CanUpdateImportJob(no starter)", cr.CanUpdateImportJob(a, ""), c.name == "system"},
			}
			for _, ch := range checks {
				if ch.got != ch.want {
					t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
				}
			}
		})
	}
}

// The rules stated once more, in the words of DESIGN §1, so a matrix edited along with a
// regression still meets a second statement.
func TestPolicyNamedRules(t *testing.T) {
	restrictedP1 := cr.ReviewRef{PartnershipID: pOne, Visibility: cr.VisibilityRestricted}
	byName := map[string]cr.Actor{}
	for _, c := range policyCases() {
		byName[c.name] = c.actor
	}
	never := []struct {
		actor, why string
		can        func(cr.Actor) bool
	}{
		{"panel P2", "a panel reads another partnership's restricted review", func(a cr.Actor) bool { return cr.CanReadReview(a, restrictedP1) }},
		{"editor O1", "an agency editor reads a restricted review", func(a cr.Actor) bool { return cr.CanReadReview(a, restrictedP1) }},
		{"viewer system-wide", "a system-wide viewer reads a restricted review", func(a cr.Actor) bool { return cr.CanReadReview(a, restrictedP1) }},
		{"viewer of P1", "a partnership's viewer reads its restricted review when the partnership has not opened them to viewers",
			func(a cr.Actor) bool { return cr.CanReadReview(a, restrictedP1) }},
		{"viewer of P1", "a partnership's viewer reads its restricted recommendation when the partnership has not opened them to viewers",
			func(a cr.Actor) bool {
				return cr.CanReadRecommendation(a, cr.ReviewRef{PartnershipID: pOne, Visibility: cr.VisibilityRestricted, Addressees: []string{oOne}})
			}},
		{"viewer of P1, open to its viewers", "an opened viewer writes an action", func(a cr.Actor) bool { return cr.CanWriteAction(a, pOne, oOne) }},
		{"viewer of P1, open to its viewers", "an opened viewer manages a review", func(a cr.Actor) bool { return cr.CanManageReview(a, pOne) }},
		{"anonymous", "an anonymous caller reads a shared review", func(a cr.Actor) bool {
			return cr.CanReadReview(a, cr.ReviewRef{PartnershipID: pOne, Visibility: cr.VisibilityShared})
		}},
		{"admin", "an admin manages a review", func(a cr.Actor) bool { return cr.CanManageReview(a, pOne) }},
		{"admin", "an admin rewrites the progress of another user's import", func(a cr.Actor) bool { return cr.CanUpdateImportJob(a, "someone-else") }},
		{"anonymous", "an anonymous caller rewrites a job nobody started", func(a cr.Actor) bool { return cr.CanUpdateImportJob(a, "") }},
		{"oversight", "oversight manages a review", func(a cr.Actor) bool { return cr.CanManageReview(a, pOne) }},
		{"editor O1", "an agency editor writes another agency's action", func(a cr.Actor) bool { return cr.CanWriteAction(a, pTwo, oTwo) }},
		{"viewer of P1", "a viewer writes an action", func(a cr.Actor) bool { return cr.CanWriteAction(a, pOne, oOne) }},
		{"viewer of P1", "a viewer manages a review", func(a cr.Actor) bool { return cr.CanManageReview(a, pOne) }},
		{"panel P1", "a panel manages users", cr.CanManageUsers},
		{"oversight", "oversight manages partnerships", cr.CanManagePartnerships},
		{"editor O1", "an agency editor creates an organisation", cr.CanCreateOrganisation},
		{"panel P1", "a panel renames organisations", cr.CanManageOrganisations},
		{"panel P1", "a panel merges organisations", cr.CanMergeOrganisations},
		{"oversight", "oversight merges organisations", cr.CanMergeOrganisations},
		{"editor O1", "an agency editor merges organisations", cr.CanMergeOrganisations},
		{"panel P1 + editor O2", "a panel member reads the audit trail", cr.CanReadAudit},
		{"panel P1 + editor O2", "a panel of P1 manages P2's review", func(a cr.Actor) bool { return cr.CanManageReview(a, pTwo) }},
		{"panel P1 + editor O2", "an editor of O2 writes O1's action elsewhere", func(a cr.Actor) bool { return cr.CanWriteAction(a, pTwo, oOne) }},
	}
	for _, n := range never {
		a, ok := byName[n.actor]
		if !ok {
			t.Fatalf("no actor %q", n.actor)
		}
		if n.can(a) {
			t.Errorf("%s: %s", n.actor, n.why)
		}
	}
}

// inScope is the SQL filter the store builds from a ReadScope.
func inScope(s cr.ReadScope, r cr.ReviewRef) bool {
	return s.All || slices.Contains(s.Visibilities, r.Visibility) ||
		(r.Visibility == cr.VisibilityRestricted && r.PartnershipID != "" && slices.Contains(s.Partnerships, r.PartnershipID))
}

func TestScopeOfAgreesWithCanReadReview(t *testing.T) {
	for _, c := range policyCases() {
		s := cr.ScopeOf(c.actor)
		if slices.Contains(s.Visibilities, cr.VisibilityRestricted) {
			t.Errorf("%s: scope lists restricted as an open visibility: %+v", c.name, s)
		}
		for _, p := range policyPartnerships {
			for _, v := range cr.Visibilities {
				r := cr.ReviewRef{PartnershipID: p, Visibility: v}
				if got, want := inScope(s, r), cr.CanReadReview(c.actor, r); got != want {
					t.Errorf("%s: %s review of %q: scope %+v lets through %v, CanReadReview says %v", c.name, v, p, s, got, want)
				}
			}
		}
	}
}

func TestScopeOfShapes(t *testing.T) {
	pub := []cr.Visibility{cr.VisibilityPublic}
	open := []cr.Visibility{cr.VisibilityPublic, cr.VisibilityShared}
	cases := []struct {
		name  string
		actor cr.Actor
		want  cr.ReadScope
	}{
		{"anonymous", cr.Anonymous, cr.ReadScope{Visibilities: pub}},
		{"system", cr.System, cr.ReadScope{All: true}},
		{"admin", policyUser("a", policyMember(cr.RoleAdmin, "", "")), cr.ReadScope{All: true}},
		{"oversight", policyUser("o", policyMember(cr.RoleOversight, "", "")), cr.ReadScope{All: true}},
		{"editor", policyUser("e", policyMember(cr.RoleAgencyEditor, oOne, "")), cr.ReadScope{Visibilities: open, Organisations: []string{oOne}}},
		{"panel and viewer of the same partnership, listed once", policyUser("pv", policyMember(cr.RolePanel, "", pOne),
			policyMember(cr.RoleViewer, "", pOne), policyMember(cr.RolePanel, "", pTwo)), cr.ReadScope{Visibilities: open, Partnerships: []string{pOne, pTwo}}},
		{"viewer of a partnership closed to its viewers", policyUser("vc", policyMember(cr.RoleViewer, "", pOne)), cr.ReadScope{Visibilities: open}},
		{"viewer of a partnership open to its viewers", policyUser("vo", policyViewerOpen(pOne)), cr.ReadScope{Visibilities: open, Partnerships: []string{pOne}}},
	}
	for _, c := range cases {
		if got := cr.ScopeOf(c.actor); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: ScopeOf = %+v, want %+v", c.name, got, c.want)
		}
	}
}

// inScopeRec is the read scope applied to a recommendation, as the store and the index apply it.
func inScopeRec(s cr.ReadScope, r cr.ReviewRef) bool {
	if inScope(s, r) {
		return true
	}
	if r.Visibility != cr.VisibilityRestricted {
		return false
	}
	for _, o := range r.Addressees {
		if o != "" && slices.Contains(s.Organisations, o) {
			return true
		}
	}
	return false
}

// An agency addressed by a recommendation of a restricted review reads that recommendation, and
// only that (issue 13 §10): its editors, not its viewers; the scope says the same as the rule.
func TestCanReadRecommendationAddressees(t *testing.T) {
	addressees := [][]string{nil, {oOne}, {oTwo}, {oOne, oOther}, {""}}
	for _, c := range policyCases() {
		s := cr.ScopeOf(c.actor)
		for _, p := range policyPartnerships {
			for _, v := range cr.Visibilities {
				for _, as := range addressees {
					r := cr.ReviewRef{PartnershipID: p, Visibility: v, Addressees: as}
					got := cr.CanReadRecommendation(c.actor, r)
					want := cr.CanReadReview(c.actor, r)
					if !want && v == cr.VisibilityRestricted && c.actor.SignedIn() {
						for _, o := range as {
							want = want || reaches(c.editorOf, o)
						}
					}
					if got != want {
						t.Errorf("%s: %s recommendation of %q to %v: CanReadRecommendation %v, want %v", c.name, v, p, as, got, want)
					}
					if sc := inScopeRec(s, r); sc != got {
						t.Errorf("%s: %s recommendation of %q to %v: scope %+v lets through %v, rule says %v", c.name, v, p, as, s, sc, got)
					}
				}
			}
		}
	}
	editor := policyUser("e", policyMember(cr.RoleAgencyEditor, oOne, ""))
	viewer := policyUser("v", policyMember(cr.RoleViewer, oOne, ""))
	to := cr.ReviewRef{PartnershipID: pTwo, Visibility: cr.VisibilityRestricted, Addressees: []string{oOne}}
	if !cr.CanReadRecommendation(editor, to) || cr.CanReadReview(editor, to) {
		t.Error("the addressee's editor reads the recommendation, and not its restricted review")
	}
	if cr.CanReadRecommendation(viewer, to) {
		t.Error("the addressee's viewer reads a restricted recommendation")
	}
	if cr.CanReadRecommendation(editor, cr.ReviewRef{PartnershipID: pTwo, Visibility: cr.VisibilityRestricted, Addressees: []string{oTwo}}) {
		t.Error("an editor reads a restricted recommendation addressed to another organisation")
	}
}

// A review whose visibility is not one of the known values is treated as restricted.
func TestUnknownVisibilityFailsClosed(t *testing.T) {
	for _, v := range []cr.Visibility{"", "PUBLIC", "internal"} {
		r := cr.ReviewRef{PartnershipID: pOne, Visibility: v}
		for _, c := range policyCases() {
			if c.readRestricted == nil && cr.CanReadReview(c.actor, r) {
				t.Errorf("%s reads a review of visibility %q", c.name, v)
			}
			if s := cr.ScopeOf(c.actor); !s.All && inScope(s, r) {
				t.Errorf("%s: scope lets through a review of visibility %q", c.name, v)
			}
		}
	}
}

func TestDeny(t *testing.T) {
	for _, c := range policyCases() {
		err := cr.Deny(c.actor, "not yours")
		want := cr.CodeForbidden
		if !c.signedIn {
			want = cr.CodeUnauthenticated
		}
		var e *cr.Error
		if !errors.As(err, &e) {
			t.Fatalf("%s: Deny returned %T", c.name, err)
		}
		if e.Code != want {
			t.Errorf("%s: Deny code %q, want %q", c.name, e.Code, want)
		}
		if want == cr.CodeForbidden && e.Message != "not yours" {
			t.Errorf("%s: Deny message %q", c.name, e.Message)
		}
	}
}

func TestActorFromFailsClosed(t *testing.T) {
	a := cr.ActorFrom(context.Background())
	if !reflect.DeepEqual(a, cr.Anonymous) {
		t.Fatalf("ActorFrom(empty context) = %+v, want Anonymous", a)
	}
	if a.SignedIn() || a.IsSystem() || a.IsAdmin() || a.IsOversight() || len(a.Partnerships()) != 0 {
		t.Fatalf("the actor of an empty context holds powers: %+v", a)
	}
	if cr.CanReadReview(a, cr.ReviewRef{PartnershipID: pOne, Visibility: cr.VisibilityShared}) {
		t.Error("the actor of an empty context reads shared reviews")
	}
	if cr.IsCode(cr.Deny(a, "x"), cr.CodeForbidden) {
		t.Error("the actor of an empty context is treated as signed in")
	}

	// Something else stored in the context is not an actor either.
	type foreignKey struct{}
	ctx := context.WithValue(context.Background(), foreignKey{}, cr.System)
	if cr.ActorFrom(ctx).IsSystem() {
		t.Error("a System value under a foreign key was taken for the actor")
	}

	want := policyUser("u", policyMember(cr.RolePanel, "", pOne))
	if got := cr.ActorFrom(cr.WithActor(context.Background(), want)); !reflect.DeepEqual(got, want) {
		t.Errorf("ActorFrom(WithActor(a)) = %+v, want %+v", got, want)
	}
	if !cr.ActorFrom(cr.WithActor(context.Background(), cr.System)).IsSystem() {
		t.Error("System does not survive the context")
	}
}

func TestActorScopesIgnoreEmptyIDs(t *testing.T) {
	// A viewer scoped to an organisation has an empty partnership id; it must not match a
	// review whose partnership is missing.
	a := policyUser("v", policyMember(cr.RoleViewer, oOne, ""), policyMember(cr.RoleAgencyEditor, oTwo, ""))
	if a.PanelOf("") || a.EditorOf("") {
		t.Error("an empty id matched a membership")
	}
	if got := a.Partnerships(); len(got) != 0 {
		t.Errorf("Partnerships() = %v, want none", got)
	}
	if got := a.EditorOrganisations(); !slices.Equal(got, []string{oTwo}) {
		t.Errorf("EditorOrganisations() = %v, want [%s]", got, oTwo)
	}
	if cr.CanReadReview(a, cr.ReviewRef{Visibility: cr.VisibilityRestricted}) {
		t.Error("a restricted review with no partnership is readable by a scoped viewer")
	}

	// Memberships that lost their scope (the database forbids them, but the rules must not
	// depend on it) match nothing.
	unscoped := policyUser("u", cr.Membership{Role: cr.RolePanel}, cr.Membership{Role: cr.RoleAgencyEditor})
	if unscoped.PanelOf("") || unscoped.EditorOf("") || cr.CanManageReview(unscoped, "") || cr.CanWriteAction(unscoped, "", "") {
		t.Error("an unscoped panel or editor membership matched an empty id")
	}
	if cr.CanReadReview(unscoped, cr.ReviewRef{Visibility: cr.VisibilityRestricted}) {
		t.Error("an unscoped panel membership reads a restricted review with no partnership")
	}
	if got := unscoped.PanelPartnerships(); len(got) != 0 {
		t.Errorf("an unscoped panel membership sits on the panels of %v (its work list would be the whole service's)", got)
	}
}

// TestPanelPartnerships: the partnerships whose work a panel member's work list follows.
func TestPanelPartnerships(t *testing.T) {
	for _, c := range []struct {
		name  string
		actor cr.Actor
		want  []string
	}{
		{"anonymous", cr.Anonymous, nil},
		{"panel P1", policyUser("p1", policyMember(cr.RolePanel, "", pOne)), []string{pOne}},
		{"panel P1 and P2", policyUser("p12", policyMember(cr.RolePanel, "", pOne), policyMember(cr.RolePanel, "", pTwo)), []string{pOne, pTwo}},
		{"panel P1 twice", policyUser("p11", policyMember(cr.RolePanel, "", pOne), policyMember(cr.RolePanel, "", pOne)), []string{pOne}},
		{"viewer of P1, open to its viewers", policyUser("v1", policyViewerOpen(pOne)), nil},
		{"panel P1 + editor O2 + viewer of P2", policyUser("m", policyMember(cr.RolePanel, "", pOne), policyMember(cr.RoleAgencyEditor, oTwo, ""),
			policyMember(cr.RoleViewer, "", pTwo)), []string{pOne}},
		{"admin", policyUser("a", policyMember(cr.RoleAdmin, "", "")), nil},
	} {
		if got := c.actor.PanelPartnerships(); !slices.Equal(got, c.want) {
			t.Errorf("%s: PanelPartnerships() = %v, want %v", c.name, got, c.want)
		}
	}
}
