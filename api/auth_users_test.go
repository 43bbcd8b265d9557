package api_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// TestAuthMeAndUserVisibility: /me shows the caller's memberships and capabilities; a user who
// is not an admin sees their own record and gets 404 for anyone else's.
func TestAuthMeAndUserVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, adminUser := authSignInAdmin(t, s, clk, "ada@example.org")
		partnership := idOf(decode(t, admin.do(t, http.StatusCreated, "POST", "/api/v1/partnerships",
			map[string]any{"name": "Eastvale Safeguarding Partnership", "kind": "community_safety_partnership"})))
		org := idOf(decode(t, admin.do(t, http.StatusCreated, "POST", "/api/v1/organisations",
			map[string]any{"name": "Eastvale Police", "sector": "police"})))

		worker := authAddUser(t, s, "sam@example.org", "Sam Worker",
			casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: org},
			casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: partnership})
		viewer := authAddUser(t, s, "vic@example.org", "Vic Viewer", authViewerRole)

		b := newAuthBrowser(s)
		m := b.login(t, "sam@example.org", authPassword)
		if m.MFAState != "not_required" {
			t.Errorf("agency editor and panel member: mfa_state %q, want not_required", m.MFAState)
		}
		m = authMeOf(t, b.do(t, http.StatusOK, "GET", "/api/v1/me", nil))
		if m.User.ID != worker.ID || m.User.Email != "sam@example.org" || len(m.User.Memberships) != 2 {
			t.Fatalf("/me: %s", m.Raw)
		}
		got := map[string]string{}
		for _, ms := range m.User.Memberships {
			switch {
			case ms.OrganisationID != nil:
				got[ms.Role] = *ms.OrganisationID
			case ms.PartnershipID != nil:
				got[ms.Role] = *ms.PartnershipID
			}
		}
		if want := map[string]string{"agency_editor": org, "panel": partnership}; !reflect.DeepEqual(got, want) {
			t.Errorf("/me memberships %v, want %v", got, want)
		}
		// Panel members may add organisations (addressees they meet while recording recommendations).
		wantCan := map[string]any{"manage_users": false, "manage_partnerships": false, "create_organisations": true,
			"manage_organisations": false, "read_audit": false, "read_all_reviews": false,
			"manage_reviews_of": []any{partnership}, "edit_actions_of": []any{org}}
		if !reflect.DeepEqual(m.Can, wantCan) {
			t.Errorf("/me can:\n got %v\nwant %v", m.Can, wantCan)
		}
		am := authMeOf(t, admin.do(t, http.StatusOK, "GET", "/api/v1/me", nil))
		if am.Can["manage_users"] != true || am.Can["read_audit"] != true || am.MFAState != "done" {
			t.Errorf("admin /me: %s", am.Raw)
		}

		// Own record: yes. Anyone else's, known or not: the same 404.
		b.do(t, http.StatusOK, "GET", "/api/v1/users/"+worker.ID, nil)
		for _, id := range []string{viewer.ID, adminUser.ID, unknownID} {
			checkProblem(t, b.send("GET", "/api/v1/users/"+id, nil), "/api/v1/users/"+id,
				problemWant{Status: http.StatusNotFound, Type: "not_found"})
		}
		if r := b.send("GET", "/api/v1/users", nil); r.Status != http.StatusForbidden {
			t.Errorf("a non-admin listing users: %d %s", r.Status, r.Body)
		}
		admin.do(t, http.StatusOK, "GET", "/api/v1/users/"+viewer.ID, nil)
		// Anonymous callers learn nothing.
		if r := s.Do("GET", "/api/v1/users/"+viewer.ID, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous GET user: %d", r.Status)
		}
		if r := s.Do("GET", "/api/v1/me", nil); r.Status != http.StatusUnauthorized {
			t.Errorf("anonymous GET /me: %d", r.Status)
		}
	})
}

// TestAuthDisableUser: users are never deleted; an admin disables one with PATCH and If-Match,
// and at once the user's sessions and tokens stop working and they cannot sign in.
func TestAuthDisableUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, adminUser := authSignInAdmin(t, s, clk, "ada@example.org")
		v := authAddUser(t, s, "leaver@example.org", "Lea Leaver", authViewerRole)
		vb := newAuthBrowser(s)
		vb.login(t, "leaver@example.org", authPassword)
		tok := vb.createToken(t, map[string]any{"name": "script"})

		path := "/api/v1/users/" + v.ID
		r := admin.send("DELETE", path, nil)
		if r.Status != http.StatusMethodNotAllowed {
			t.Errorf("DELETE %s: %d, want 405 (users are never deleted): %s", path, r.Status, r.Body)
		}
		tag := admin.do(t, http.StatusOK, "GET", path, nil).Header.Get("ETag")
		body := map[string]any{"disabled": true}
		checkProblem(t, admin.send("PATCH", path, body), path, problemWant{Status: http.StatusPreconditionRequired, Type: "precondition_required"})
		checkProblem(t, admin.send("PATCH", path, body, "If-Match", `"99"`), path, problemWant{Status: http.StatusPreconditionFailed, Type: "precondition_failed"})
		// Still working: nothing was changed by the refused requests.
		vb.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		// A non-admin cannot disable anyone, themselves included.
		if r := vb.send("PATCH", path, body, "If-Match", tag); r.Status != http.StatusForbidden {
			t.Errorf("a user disabling themself: %d %s", r.Status, r.Body)
		}
		// An admin cannot lock themself out.
		self := "/api/v1/users/" + adminUser.ID
		selfTag := admin.do(t, http.StatusOK, "GET", self, nil).Header.Get("ETag")
		checkProblem(t, admin.send("PATCH", self, body, "If-Match", selfTag), self, problemWant{Status: http.StatusUnprocessableEntity,
			Type: "invalid", Errors: []fieldErr{{Field: "disabled", Code: "invalid"}}})

		r = admin.do(t, http.StatusOK, "PATCH", path, body, "If-Match", tag)
		if u := decode(t, r); u["disabled"] != true || r.Header.Get("ETag") == tag || r.Header.Get("ETag") == "" {
			t.Errorf("PATCH disabled: ETag %q: %s", r.Header.Get("ETag"), r.Body)
		}
		vb.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		checkProblem(t, authBearer(s, tok.Token, "GET", "/api/v1/me"), "/api/v1/me", problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		clk.Advance(time.Minute)
		checkProblem(t, authLoginAttempt(s, "leaver@example.org", authPassword), "/api/v1/auth/login",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated", Detail: "the email address or password is wrong"})
		// The record remains, disabled, for the audit trail.
		if u := decode(t, admin.do(t, http.StatusOK, "GET", path, nil)); u["disabled"] != true || u["email"] != "leaver@example.org" {
			t.Errorf("disabled user: %v", u)
		}
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditUserDisabled), EntityID: v.ID})); n != 1 {
			t.Errorf("%d user.disabled events, want 1", n)
		}

		// Enabling again lets them sign in, but what was revoked stays revoked.
		tag = admin.do(t, http.StatusOK, "GET", path, nil).Header.Get("ETag")
		admin.do(t, http.StatusOK, "PATCH", path, map[string]any{"disabled": false}, "If-Match", tag)
		checkProblem(t, authBearer(s, tok.Token, "GET", "/api/v1/me"), "/api/v1/me", problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		newAuthBrowser(s).login(t, "leaver@example.org", authPassword)
	})
}

// TestAuthChangePassword: changing a password needs the current one, applies the password
// rules, and ends the user's other sessions.
func TestAuthChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		const email = "pat.change@example.org"
		authAddUser(t, s, email, "Pat Change", authViewerRole)
		a, other := newAuthBrowser(s), newAuthBrowser(s)
		a.login(t, email, authPassword)
		other.login(t, email, authPassword)
		const path = "/api/v1/me/password"

		checkProblem(t, a.send("POST", path, map[string]string{"current_password": authWrongPassword, "new_password": authPassword2}), path,
			problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "current_password", Code: "invalid"}}})
		for _, bad := range []string{"short", "password1234", "Password2024!", "pat.change@example.org!!", "aaaaaaaaaaaaaaaa"} {
			checkProblem(t, a.send("POST", path, map[string]string{"current_password": authPassword, "new_password": bad}), path,
				problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: []fieldErr{{Field: "new_password", Code: "invalid"}}})
		}
		// Nothing changed so far.
		other.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		// And the CSRF rule applies here as everywhere.
		if r := s.Do("POST", path, map[string]string{"current_password": authPassword, "new_password": authPassword2},
			"Cookie", authCookieName+"="+a.cookie); r.Status != http.StatusForbidden {
			t.Errorf("password change without CSRF token: %d", r.Status)
		}

		a.do(t, http.StatusNoContent, "POST", path, map[string]string{"current_password": authPassword, "new_password": authPassword2})
		a.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		other.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditPasswordChanged)})); n != 1 {
			t.Errorf("%d user.password_changed events, want 1", n)
		}
		for _, e := range authAuditEvents(t, s, casereview.AuditFilter{}) {
			for _, pw := range []string{authPassword, authPassword2} {
				if strings.Contains(e.Before+e.After, pw) {
					t.Errorf("audit event %s contains a password", e.Action)
				}
			}
		}

		clk.Advance(time.Minute)
		checkProblem(t, authLoginAttempt(s, email, authPassword), "/api/v1/auth/login",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})
		newAuthBrowser(s).login(t, email, authPassword2)
	})
}
