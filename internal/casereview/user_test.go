package casereview_test

import (
	"reflect"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

func TestUserDraftEmailNormalised(t *testing.T) {
	cases := []struct{ in, want string }{
		{"pat@example.org", "pat@example.org"},
		{"Pat.Panel@Example.ORG", "pat.panel@example.org"},
		{"  pat@example.org\t\n", "pat@example.org"},
		{" PAT+DHR@Northshire.Police.UK ", "pat+dhr@northshire.police.uk"},
		{"o'brien@example.gov.uk", "o'brien@example.gov.uk"},
		{"Élodie.Ŵyn@Example.ORG", "élodie.ŵyn@example.org"},
		{"E\u0301lodie@example.org", "élodie@example.org"}, // decomposed É: one address, however typed
	}
	for _, c := range cases {
		d := cr.UserDraft{Email: c.in, DisplayName: "Pat"}
		wantNil(t, d.Validate())
		if d.Email != c.want {
			t.Errorf("%q normalised to %q, want %q", c.in, d.Email, c.want)
		}
		if got := cr.NormaliseEmail(c.in); got != c.want {
			t.Errorf("NormaliseEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestUserDraftEmailRejected(t *testing.T) {
	local := strings.Repeat("a", 64)
	long := local + "@" + strings.Repeat("b", 60) + "." + strings.Repeat("c", 60) + "." + strings.Repeat("d", 60) + ".example" // 255 characters
	if len(long) != 255 {
		t.Fatalf("long address is %d characters", len(long))
	}
	cases := []struct{ name, email, code string }{
		{"empty", "", cr.FieldRequired},
		{"blank", " \t ", cr.FieldRequired},
		{"no @", "pat.example.org", cr.FieldInvalid},
		{"no local part", "@example.org", cr.FieldInvalid},
		{"no domain", "pat@", cr.FieldInvalid},
		{"no dot in the domain", "pat@localhost", cr.FieldInvalid},
		{"trailing dot", "pat@example.", cr.FieldInvalid},
		{"two @", "pat@x@example.org", cr.FieldInvalid},
		{"display name", "A <a@b.c>", cr.FieldInvalid},
		{"quoted display name", `"Pat Panel" <pat@example.org>`, cr.FieldInvalid},
		{"angle brackets only", "<pat@example.org>", cr.FieldInvalid},
		{"comment", "pat@example.org (Pat)", cr.FieldInvalid},
		{"two addresses", "pat@example.org, sam@example.org", cr.FieldInvalid},
		{"quoted local part", `"pat panel"@example.org`, cr.FieldInvalid},
		{"space inside", "pat panel@example.org", cr.FieldInvalid},
		{"double dot", "pat..panel@example.org", cr.FieldInvalid},
		{"newline inside", "pat@example.org\nBcc: x@y.z", cr.FieldInvalid},
		{"too long", long, cr.FieldInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := cr.UserDraft{Email: c.email, DisplayName: "Pat Panel"}
			wantOnly(t, d.Validate(), "email", c.code)
		})
	}
	// The longest address allowed still passes.
	d := cr.UserDraft{Email: long[1:], DisplayName: "Pat"}
	wantNil(t, d.Validate())
}

func TestUserDraftDisplayName(t *testing.T) {
	cases := []struct {
		name, displayName, code string
	}{
		{"empty", "", cr.FieldRequired},
		{"blank", "  \t", cr.FieldRequired},
		{"too long", strings.Repeat("é", 201), cr.FieldTooLong},
		{"control character", "Pat\x00Panel", cr.FieldInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := cr.UserDraft{Email: "pat@example.org", DisplayName: c.displayName}
			wantOnly(t, d.Validate(), "display_name", c.code)
		})
	}
	d := cr.UserDraft{Email: "pat@example.org", DisplayName: strings.Repeat("é", 200)}
	wantNil(t, d.Validate())
}

func TestUserDraftReportsEveryProblem(t *testing.T) {
	d := cr.UserDraft{Email: "not an address", DisplayName: ""}
	wantFields(t, d.Validate(), [2]string{"email", cr.FieldInvalid}, [2]string{"display_name", cr.FieldRequired})
}

func TestMembershipDraft(t *testing.T) {
	const bad = "not-a-uuid"
	upper := strings.ToUpper(idA)
	type f = [2]string
	cases := []struct {
		name string
		d    cr.MembershipDraft
		want []f // nil: valid
	}{
		// role
		{"role missing", cr.MembershipDraft{}, []f{{"role", cr.FieldRequired}}},
		{"role unknown", cr.MembershipDraft{Role: "superuser"}, []f{{"role", cr.FieldUnknownValue}}},
		{"role in the wrong case", cr.MembershipDraft{Role: "Admin"}, []f{{"role", cr.FieldUnknownValue}}},
		{"role unknown with a malformed id", cr.MembershipDraft{Role: "owner", OrganisationID: bad},
			[]f{{"role", cr.FieldUnknownValue}, {"organisation_id", cr.FieldInvalid}}},

		// admin and oversight are system-wide
		{"admin", cr.MembershipDraft{Role: cr.RoleAdmin}, nil},
		{"oversight", cr.MembershipDraft{Role: cr.RoleOversight}, nil},
		{"admin with organisation", cr.MembershipDraft{Role: cr.RoleAdmin, OrganisationID: idA}, []f{{"role", cr.FieldInvalid}}},
		{"admin with partnership", cr.MembershipDraft{Role: cr.RoleAdmin, PartnershipID: idB}, []f{{"role", cr.FieldInvalid}}},
		{"oversight with organisation", cr.MembershipDraft{Role: cr.RoleOversight, OrganisationID: idA}, []f{{"role", cr.FieldInvalid}}},
		{"oversight with partnership", cr.MembershipDraft{Role: cr.RoleOversight, PartnershipID: idB}, []f{{"role", cr.FieldInvalid}}},
		{"oversight with both", cr.MembershipDraft{Role: cr.RoleOversight, OrganisationID: idA, PartnershipID: idB},
			[]f{{"role", cr.FieldInvalid}}},

		// panel names a partnership
		{"panel", cr.MembershipDraft{Role: cr.RolePanel, PartnershipID: idB}, nil},
		{"panel without partnership", cr.MembershipDraft{Role: cr.RolePanel}, []f{{"partnership_id", cr.FieldRequired}}},
		{"panel with organisation instead", cr.MembershipDraft{Role: cr.RolePanel, OrganisationID: idA},
			[]f{{"partnership_id", cr.FieldRequired}, {"organisation_id", cr.FieldInvalid}}},
		{"panel with both", cr.MembershipDraft{Role: cr.RolePanel, OrganisationID: idA, PartnershipID: idB},
			[]f{{"organisation_id", cr.FieldInvalid}}},
		{"panel with malformed partnership", cr.MembershipDraft{Role: cr.RolePanel, PartnershipID: bad},
			[]f{{"partnership_id", cr.FieldInvalid}}},
		{"panel with blank partnership", cr.MembershipDraft{Role: cr.RolePanel, PartnershipID: "   "},
			[]f{{"partnership_id", cr.FieldInvalid}}},

		// agency editor names an organisation
		{"agency editor", cr.MembershipDraft{Role: cr.RoleAgencyEditor, OrganisationID: idA}, nil},
		{"agency editor without organisation", cr.MembershipDraft{Role: cr.RoleAgencyEditor}, []f{{"organisation_id", cr.FieldRequired}}},
		{"agency editor with partnership instead", cr.MembershipDraft{Role: cr.RoleAgencyEditor, PartnershipID: idB},
			[]f{{"organisation_id", cr.FieldRequired}, {"partnership_id", cr.FieldInvalid}}},
		{"agency editor with both", cr.MembershipDraft{Role: cr.RoleAgencyEditor, OrganisationID: idA, PartnershipID: idB},
			[]f{{"partnership_id", cr.FieldInvalid}}},
		{"agency editor with malformed organisation", cr.MembershipDraft{Role: cr.RoleAgencyEditor, OrganisationID: bad},
			[]f{{"organisation_id", cr.FieldInvalid}}},

		// viewer: system-wide, or one organisation, or one partnership
		{"viewer system-wide", cr.MembershipDraft{Role: cr.RoleViewer}, nil},
		{"viewer of an organisation", cr.MembershipDraft{Role: cr.RoleViewer, OrganisationID: idA}, nil},
		{"viewer of a partnership", cr.MembershipDraft{Role: cr.RoleViewer, PartnershipID: idB}, nil},
		{"viewer of both", cr.MembershipDraft{Role: cr.RoleViewer, OrganisationID: idA, PartnershipID: idB},
			[]f{{"partnership_id", cr.FieldInvalid}}},
		{"viewer with malformed partnership", cr.MembershipDraft{Role: cr.RoleViewer, PartnershipID: bad},
			[]f{{"partnership_id", cr.FieldInvalid}}},
		{"viewer with two malformed ids", cr.MembershipDraft{Role: cr.RoleViewer, OrganisationID: bad, PartnershipID: "42"},
			[]f{{"organisation_id", cr.FieldInvalid}, {"partnership_id", cr.FieldInvalid}}},

		// ids are normalised
		{"upper-case id accepted", cr.MembershipDraft{Role: cr.RoleAgencyEditor, OrganisationID: upper}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := c.d
			err := d.Validate()
			if c.want == nil {
				wantNil(t, err)
				return
			}
			wantFields(t, err, c.want...)
		})
	}
}

func TestMembershipDraftIDsNormalised(t *testing.T) {
	d := cr.MembershipDraft{Role: cr.RoleViewer, PartnershipID: " " + strings.ToUpper(idB) + " "}
	wantNil(t, d.Validate())
	if d.PartnershipID != idB {
		t.Errorf("partnership id normalised to %q, want %q", d.PartnershipID, idB)
	}
	for _, id := range malformedIDs {
		d := cr.MembershipDraft{Role: cr.RoleAgencyEditor, OrganisationID: id}
		fs := fieldsOf(t, d.Validate())
		if len(fs) != 1 || fs[0].Field != "organisation_id" || fs[0].Code != cr.FieldInvalid {
			t.Errorf("organisation_id %q: want exactly organisation_id [invalid]; got:%s", id, describe(fs))
		}
	}
}

func TestMembershipDraftAcceptsEveryRole(t *testing.T) {
	scope := map[cr.Role]cr.MembershipDraft{
		cr.RoleAdmin:        {},
		cr.RoleOversight:    {},
		cr.RolePanel:        {PartnershipID: idB},
		cr.RoleAgencyEditor: {OrganisationID: idA},
		cr.RoleViewer:       {},
	}
	for _, r := range cr.Roles {
		d, ok := scope[r]
		if !ok {
			t.Errorf("role %q has no case in this test", r)
			continue
		}
		d.Role = r
		wantNil(t, d.Validate())
	}
	if len(scope) != len(cr.Roles) {
		t.Errorf("the test knows %d roles, the domain %d", len(scope), len(cr.Roles))
	}
}

func TestUserActorCopiesMemberships(t *testing.T) {
	u := cr.User{ID: idC, DisplayName: "Pat", Memberships: []cr.Membership{{ID: "m1", Role: cr.RolePanel, PartnershipID: idB}}}
	a := u.Actor()
	want := cr.Actor{UserID: idC, Name: "Pat", Memberships: []cr.Membership{{ID: "m1", Role: cr.RolePanel, PartnershipID: idB}}}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("Actor() = %+v, want %+v", a, want)
	}
	u.Memberships[0].Role = cr.RoleAdmin
	if a.IsAdmin() {
		t.Error("the actor shares its memberships with the user it came from")
	}
	if !a.SignedIn() || a.IsSystem() {
		t.Errorf("a user's actor: SignedIn %v, IsSystem %v", a.SignedIn(), a.IsSystem())
	}
}
