package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

type authNewToken struct {
	Token   string `json:"token"`
	Details struct {
		ID        string  `json:"id"`
		Name      string  `json:"name"`
		Prefix    string  `json:"prefix"`
		ExpiresAt *string `json:"expires_at"`
		RevokedAt *string `json:"revoked_at"`
	} `json:"details"`
}

func (b *authBrowser) createToken(t *testing.T, body map[string]any) authNewToken {
	t.Helper()
	var tok authNewToken
	b.do(t, http.StatusCreated, "POST", "/api/v1/me/tokens", body).JSON(t, &tok)
	if !strings.HasPrefix(tok.Token, "crv_") || !strings.HasPrefix(tok.Token, tok.Details.Prefix) || tok.Details.Prefix == tok.Token {
		t.Fatalf("token %q with prefix %q", tok.Token, tok.Details.Prefix)
	}
	return tok
}

func authBearer(s *apitest.Server, token, method, path string) apitest.Response {
	s.T.Helper()
	return s.Do(method, path, nil, "Authorization", "Bearer "+token)
}

// TestAuthTokens: an API token authenticates until it is revoked or expires; malformed,
// unknown, revoked and expired tokens all get the same 401.
func TestAuthTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s, clk := authStart(t, dialect)
		u := authAddUser(t, s, "tokens@example.org", "Token Person", authViewerRole)
		b := newAuthBrowser(s)
		b.login(t, "tokens@example.org", authPassword)

		forever := b.createToken(t, map[string]any{"name": "nightly export"})
		expiry := clk.Now().Add(time.Hour)
		short := b.createToken(t, map[string]any{"name": "one hour", "expires_at": expiry.Format(time.RFC3339)})
		if short.Details.ExpiresAt == nil {
			t.Fatalf("token created with expires_at has none: %+v", short.Details)
		}
		checkProblem(t, b.send("POST", "/api/v1/me/tokens", map[string]any{"name": "past", "expires_at": clk.Now().Add(-time.Minute).Format(time.RFC3339)}),
			"/api/v1/me/tokens", problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid",
				Errors: []fieldErr{{Field: "expires_at", Code: "invalid"}}})

		for _, tok := range []authNewToken{forever, short} {
			r := authBearer(s, tok.Token, "GET", "/api/v1/me")
			if r.Status != http.StatusOK {
				t.Fatalf("token %s: status %d: %s", tok.Details.Name, r.Status, r.Body)
			}
			m := authMeOf(t, r)
			if m.User.ID != u.ID || m.MFAState != "not_required" || m.CSRFToken != nil {
				t.Errorf("GET /me with a token: %s", r.Body)
			}
		}
		// The list shows tokens but never their secrets.
		list := b.do(t, http.StatusOK, "GET", "/api/v1/me/tokens", nil)
		if strings.Contains(string(list.Body), forever.Token) || strings.Contains(string(list.Body), short.Token) {
			t.Error("the token list reveals a secret")
		}

		bad := func(name, token string) {
			t.Helper()
			checkProblem(t, authBearer(s, token, "GET", "/api/v1/me"), "/api/v1/me",
				problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated", Detail: "the API token is not valid (unknown, expired or revoked)"})
		}
		bad("malformed", "not-a-token")
		bad("unknown", "crv_"+strings.Repeat("A", 43))
		last := "Z"
		if strings.HasSuffix(forever.Token, last) {
			last = "Y"
		}
		bad("tampered", forever.Token[:len(forever.Token)-1]+last)
		checkProblem(t, s.Do("GET", "/api/v1/me", nil, "Authorization", "Basic "+forever.Token), "/api/v1/me",
			problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"})

		// Expiry: valid a second before, refused at the moment it expires.
		clk.Advance(time.Hour - time.Second)
		if r := authBearer(s, short.Token, "GET", "/api/v1/me"); r.Status != http.StatusOK {
			t.Fatalf("token refused before it expired: %d %s", r.Status, r.Body)
		}
		clk.Advance(time.Second)
		bad("expired", short.Token)

		// Revocation: only the owner's own tokens; then the token stops working at once.
		b.login(t, "tokens@example.org", authPassword) // the first session has idled out meanwhile
		b.do(t, http.StatusNotFound, "DELETE", "/api/v1/me/tokens/"+unknownID, nil)
		b.do(t, http.StatusNoContent, "DELETE", "/api/v1/me/tokens/"+forever.Details.ID, nil)
		bad("revoked", forever.Token)
		var revoked struct {
			Items []struct {
				ID        string  `json:"id"`
				RevokedAt *string `json:"revoked_at"`
			} `json:"items"`
		}
		b.do(t, http.StatusOK, "GET", "/api/v1/me/tokens", nil).JSON(t, &revoked)
		for _, it := range revoked.Items {
			if (it.ID == forever.Details.ID) != (it.RevokedAt != nil) {
				t.Errorf("token %s revoked_at %v", it.ID, it.RevokedAt)
			}
		}
		// Another user cannot revoke (or learn of) someone else's token.
		authAddUser(t, s, "other.tokens@example.org", "Other Person", authViewerRole)
		o := newAuthBrowser(s)
		o.login(t, "other.tokens@example.org", authPassword)
		tok2 := o.createToken(t, map[string]any{"name": "theirs"})
		b.do(t, http.StatusNotFound, "DELETE", "/api/v1/me/tokens/"+tok2.Details.ID, nil)
		if r := authBearer(s, tok2.Token, "GET", "/api/v1/me"); r.Status != http.StatusOK {
			t.Errorf("another user's revocation attempt affected the token: %d", r.Status)
		}
		if n := len(authAuditEvents(t, s, casereview.AuditFilter{Action: string(casereview.AuditTokenRevoked)})); n != 1 {
			t.Errorf("%d token.revoked events, want 1", n)
		}
	})
}
