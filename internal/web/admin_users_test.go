package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// Only admins manage users: everyone else is refused every page and every post.
func TestAdminUsersRefusesOthers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		v := s.User("viewer@example.test", casereview.RoleViewer, "")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		o := s.Browser()
		o.SignIn("oversight@example.test")
		for _, path := range []string{"/admin/users", "/admin/users/new", "/admin/users/" + v.ID, "/admin/users/" + v.ID + "/mfa-reset",
			"/admin/users/" + v.ID + "/password", "/admin/users/" + v.ID + "/disable"} {
			if st := o.Get(path).Status; st != http.StatusForbidden {
				t.Errorf("oversight GET %s: %d", path, st)
			}
		}
		o.Get("/")
		for _, path := range []string{"/admin/users/new", "/admin/users/" + v.ID + "/mfa-reset", "/admin/users/" + v.ID + "/password",
			"/admin/users/" + v.ID + "/disable", "/admin/users/" + v.ID + "/memberships"} {
			if st := o.Post(path, url.Values{"email": {"x@example.test"}, "display_name": {"X"}, "role": {"admin"}, "how": {"generate"}}).Status; st != http.StatusForbidden {
				t.Errorf("oversight POST %s: %d", path, st)
			}
		}
		if got, _ := s.API.App.Store().GetUser(webtest.System(), v.ID); got.Disabled || len(got.Memberships) != 1 || got.MustChangePassword {
			t.Errorf("a refused post changed the user: %+v", got)
		}
	})
}

// An admin finds people, adds one with a temporary password shown once, and that person must
// choose their own password before anything else.
func TestAdminUsersFindAndAdd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("admin@example.test", casereview.RoleAdmin, "")
		s.User("pat.panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		b := s.Browser()
		b.SignIn("admin@example.test")
		if p := b.Get("/admin").Must(http.StatusOK); !p.Has(`#admin-links a[href="/admin/users"]`) {
			t.Error("the hub does not lead to users")
		}
		p := b.Get("/admin/users?q=PAT.PANEL").Must(http.StatusOK)
		rows := p.Doc.Find("#users tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "Panel: Eastmere Community Safety Partnership") || !strings.Contains(rows.Text(), "Never") {
			t.Errorf("search by name: %q", rows.Text())
		}
		if p = b.Get("/admin/users?q=pat.panel&role=admin").Must(http.StatusOK); !p.Has("#no-users") {
			t.Error("the role filter is ignored")
		}
		if st := b.Get("/admin/users?role=king").Status; st != http.StatusUnprocessableEntity {
			t.Errorf("bad role: %d", st)
		}

		// Problems at their fields, nothing created.
		b.Get("/admin/users/new").Must(http.StatusOK)
		p = b.Post("/admin/users/new", url.Values{"email": {"not an address"}, "display_name": {" "}, "role": {"panel"}}).Must(http.StatusUnprocessableEntity)
		for _, id := range []string{"#email-error", "#display_name-error", "#partnership_id-error"} {
			if !p.Has(id) {
				t.Errorf("no %s: %q", id, p.Errors())
			}
		}
		if p.Text("#display_name-error") != "Error: Enter the person's name" {
			t.Errorf("name error %q", p.Text("#display_name-error"))
		}
		if n, _ := s.API.App.Store().ListUsers(webtest.System(), casereview.UserFilter{Email: "not an address"}, casereview.PageRequest{Limit: 5}); len(n.Items) != 0 {
			t.Error("a refused form created a user")
		}
		_, pid := s.ScopeID("Eastmere Community Safety Partnership")
		p = b.Post("/admin/users/new", url.Values{"email": {"Nia.New@Example.test"}, "display_name": {"Nia New"}, "role": {"panel"},
			"partnership_id": {pid}, "organisation_id": {""}}).Must(http.StatusOK)
		temp := p.Text("#temporary-password")
		if len(temp) != 19 || p.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("temporary password %q, cache %q", temp, p.Header.Get("Cache-Control"))
		}

		// Nia signs in with it, and is held at the password page until she changes it.
		n := s.Browser()
		n.Get("/sign-in")
		p = n.Post("/sign-in", url.Values{"email": {"nia.new@example.test"}, "password": {temp}}).Must(http.StatusOK)
		if p.URL != "/account/password" || !p.Has("#must-change") {
			t.Fatalf("after signing in: %s %q", p.URL, p.Text("h1"))
		}
		for _, path := range []string{"/", "/reviews", "/account/tokens"} {
			if p = n.Get(path); p.URL != "/account/password" {
				t.Errorf("GET %s ended at %s", path, p.URL)
			}
		}
		const mine = "quartz meadow lantern orbit"
		n.Post("/account/password", url.Values{"current_password": {temp}, "new_password": {mine}, "confirm_password": {mine}}).Must(http.StatusOK)
		if p = n.Get("/reviews").Must(http.StatusOK); p.URL != "/reviews" {
			t.Errorf("after the change: %s", p.URL)
		}
		if p = n.Get("/account/password").Must(http.StatusOK); p.Has("#must-change") {
			t.Error("still told to change it")
		}
	})
}

// On a person's page an admin gives and takes away roles, disables and enables the account,
// resets the password and resets the authenticator app, each confirmed and audited.
func TestAdminUserPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("admin@example.test", casereview.RoleAdmin, "")
		u := s.User("olive@example.test", casereview.RoleOversight, "")
		ob := s.Browser()
		ob.SignIn("olive@example.test") // sets up her authenticator
		b := s.Browser()
		b.SignIn("admin@example.test")
		p := b.Get("/admin/users/" + u.ID).Must(http.StatusOK)
		if p.Text("#mfa-status") != "Set up" || p.Doc.Find("#memberships tbody tr").Length() != 1 {
			t.Fatalf("user page: %q", p.Text("#user-details"))
		}

		// Roles: a viewer needs nothing more; an agency editor needs an organisation.
		p = b.Post("/admin/users/"+u.ID+"/memberships", url.Values{"role": {"agency_editor"}}).Must(http.StatusUnprocessableEntity)
		if p.Text("#organisation_id-error") != "Error: Choose the organisation" {
			t.Errorf("errors %q", p.Errors())
		}
		p = b.Post("/admin/users/"+u.ID+"/memberships", url.Values{"role": {"viewer"}}).Must(http.StatusOK)
		rows := p.Doc.Find("#memberships tbody tr")
		if rows.Length() != 2 || !strings.Contains(rows.Text(), "Viewer") {
			t.Fatalf("after adding: %q", rows.Text())
		}
		got, _ := st.GetUser(webtest.System(), u.ID)
		p = b.Post("/admin/users/"+u.ID+"/memberships/"+got.Memberships[1].ID+"/remove", nil).Must(http.StatusOK)
		if p.Doc.Find("#memberships tbody tr").Length() != 1 {
			t.Error("the role was not removed")
		}

		// Reset the authenticator: a confirmation with a warning button first.
		p = b.Get("/admin/users/" + u.ID + "/mfa-reset").Must(http.StatusOK)
		if !p.Has("button#confirm.govuk-button--warning") {
			t.Error("no warning button on the confirmation")
		}
		p = b.Post("/admin/users/"+u.ID+"/mfa-reset", nil).Must(http.StatusOK)
		if p.Text("#mfa-status") != "Not set up" {
			t.Errorf("after the reset: %q", p.Text("#mfa-status"))
		}
		if p = ob.Get("/"); !strings.HasPrefix(p.URL, "/sign-in") {
			t.Errorf("her session survived the reset: %s", p.URL)
		}
		ob.Get("/sign-in")
		if p = ob.Post("/sign-in", url.Values{"email": {u.Email}, "password": {webtest.Password}}); !strings.HasPrefix(p.URL, "/account/authenticator") {
			t.Errorf("next sign-in ended at %s, not the authenticator set-up", p.URL)
		}

		// Disable (confirmed), then enable.
		b.Get("/admin/users/" + u.ID + "/disable").Must(http.StatusOK)
		if p = b.Post("/admin/users/"+u.ID+"/disable", url.Values{"version": {"0"}}); p.Status != http.StatusConflict {
			t.Errorf("a stale disable: %d", p.Status)
		}
		b.Get("/admin/users/" + u.ID + "/disable")
		p = b.Post("/admin/users/"+u.ID+"/disable", url.Values{"version": {p.Doc.Find(`input[name="version"]`).AttrOr("value", "")}})
		if p = b.Last; p.Text("#account-status") != "Disabled" {
			t.Fatalf("after disabling: %d %q", p.Status, p.Text("#account-status"))
		}
		b.Get("/admin/users/" + u.ID + "/enable")
		b.Post("/admin/users/"+u.ID+"/enable", url.Values{"version": {b.Last.Doc.Find(`input[name="version"]`).AttrOr("value", "")}}).Must(http.StatusOK)
		if b.Last.Text("#account-status") != "Active" {
			t.Errorf("after enabling: %q", b.Last.Text("#account-status"))
		}

		// Reset the password to one the admin types: a weak one is refused at its field.
		b.Get("/admin/users/" + u.ID + "/password").Must(http.StatusOK)
		p = b.Post("/admin/users/"+u.ID+"/password", url.Values{"how": {"type"}, "password": {"short"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#password-error") {
			t.Errorf("errors %q", p.Errors())
		}
		b.Post("/admin/users/"+u.ID+"/password", url.Values{"how": {"type"}, "password": {"orbit lantern meadow quartz"}}).Must(http.StatusOK)
		if got, _ = st.GetUser(webtest.System(), u.ID); !got.MustChangePassword {
			t.Error("the reset does not make her change it")
		}

		var actions []string
		res, err := st.ListAudit(webtest.System(), casereview.AuditFilter{EntityType: "user", EntityID: u.ID}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Items {
			actions = append(actions, string(e.Action))
		}
		for _, want := range []string{"membership.added", "membership.removed", "user.mfa_reset", "user.disabled", "user.enabled", "user.password_reset"} {
			if !strings.Contains(strings.Join(actions, " "), want) {
				t.Errorf("no %s in the audit: %v", want, actions)
			}
		}
	})
}
