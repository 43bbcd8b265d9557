package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// After an admin resets a password, its owner may do nothing but read who they are, sign out or
// choose a new password; choosing one frees them.
func TestAuthResetPasswordMustBeChanged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada.must@example.org")
		u := authAddUser(t, s, "must@example.org", "Mus Tchange", authViewerRole)
		admin.do(t, http.StatusOK, "POST", "/api/v1/users/"+u.ID+"/password", map[string]string{"password": authPassword2})
		b := newAuthBrowser(s)
		b.login(t, u.Email, authPassword2)
		r := b.do(t, http.StatusForbidden, "GET", "/api/v1/reviews", nil)
		if !strings.Contains(string(r.Body), "choose a new one") {
			t.Errorf("problem does not say what to do: %s", r.Body)
		}
		b.do(t, http.StatusForbidden, "GET", "/api/v1/me/tokens", nil)
		var me struct {
			User struct {
				MustChange bool `json:"must_change_password"`
			} `json:"user"`
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/me", nil).JSON(t, &me)
		if !me.User.MustChange {
			t.Errorf("me does not say the password must change")
		}
		b.do(t, http.StatusNoContent, "POST", "/api/v1/me/password", map[string]string{"current_password": authPassword2, "new_password": authPassword})
		b.do(t, http.StatusOK, "GET", "/api/v1/reviews", nil)
		c, err := s.App.Store().CredentialsByID(authSystemCtx(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.User.MustChangePassword {
			t.Errorf("still must change after changing")
		}
	})
}

// An admin's MFA reset clears the authenticator, ends every session and token, is audited, and
// the user must enrol again at their next sign-in where their role requires it.
func TestAuthResetMFA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		admin, _ := authSignInAdmin(t, s, clk, "ada.mfa@example.org")
		other, u := authSignInAdmin(t, s, clk, "oz.mfa@example.org")
		other.do(t, http.StatusOK, "GET", "/api/v1/me", nil)
		// Only admins reset; a viewer cannot even see the user.
		v := authAddUser(t, s, "vee.mfa@example.org", "Vee", authViewerRole)
		vb := newAuthBrowser(s)
		vb.login(t, v.Email, authPassword)
		vb.do(t, http.StatusNotFound, "POST", "/api/v1/users/"+u.ID+"/mfa/reset", nil)

		var out struct {
			MFAEnabled bool `json:"mfa_enabled"`
		}
		admin.do(t, http.StatusOK, "POST", "/api/v1/users/"+u.ID+"/mfa/reset", nil).JSON(t, &out)
		if out.MFAEnabled {
			t.Errorf("mfa still enabled after reset")
		}
		other.do(t, http.StatusUnauthorized, "GET", "/api/v1/me", nil)
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditMFAReset)})); n != 1 {
			t.Errorf("%d user.mfa_reset events, want 1", n)
		}
		again := newAuthBrowser(s)
		if m := again.login(t, u.Email, authPassword); m.MFAState != "enrol" {
			t.Errorf("after the reset, sign-in mfa_state %q, want enrol", m.MFAState)
		}
		again.enrol(t, clk)
		again.do(t, http.StatusOK, "GET", "/api/v1/users", nil)
	})
}
