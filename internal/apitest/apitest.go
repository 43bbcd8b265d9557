// Package apitest starts the real application (configuration, store, migrations, router) on a
// fresh database of either dialect for API tests, and gives them a small JSON client.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer"
	"github.com/casereview/casereview/internal/search"
)

// Fixed is the clock API tests run at unless they choose another.
var Fixed = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// SecretKey seals second-factor secrets in test applications (a deployment's comes from
// CASEREVIEW_SECRET_KEY).
const SecretKey = "dGVzdCBrZXkgZm9yIGNhc2VyZXZpZXcgdGVzdHMgMzI="

// CheapPasswords are the argon2id parameters test applications hash passwords with: the
// cheapest auth accepts (8 KiB, one pass), so that a sign-in costs microseconds rather than the
// tens of milliseconds and 19 MiB of auth.DefaultParams. Deployments keep auth.DefaultParams
// (internal/app's TestPasswordParams); hashes record their parameters, so each verifies alike.
func CheapPasswords() auth.Params {
	return auth.Params{Memory: 8, Iterations: 1, Parallelism: 1, SaltLen: 16, KeyLen: 32}
}

// Server is a running application behind the real router.
type Server struct {
	T   testing.TB
	App *app.App
	h   http.Handler
}

// Options for Start.
type Options struct {
	Demo bool
	Now  func() time.Time
	// DemoTemplate says that Now stands still until the test moves it (as webtest's clock does),
	// so the demo data installed at Now's time is the same for every test: it is then installed
	// once into a template database (see demoDatabase) and each test gets a copy. Without it
	// (or with Now nil, the Fixed clock, which needs no saying) the demo data is installed afresh.
	DemoTemplate bool
	// MaxBodyBytes overrides the body limit (default 1 MiB).
	MaxBodyBytes int64
	// Anonymous makes callers without credentials anonymous, as in a deployment. By default
	// they act as the system, so tests of the data rules need not sign in; access-control
	// tests set Anonymous and sign in for real.
	Anonymous bool
	// TrustedProxies makes the router believe X-Forwarded-For from these addresses (requests
	// come from 192.0.2.1), so tests can sign in from several client addresses.
	TrustedProxies []string
	// SearchGate replaces the admission control of searches.
	SearchGate *search.Gate
	// ImportGate replaces the bound on import jobs (CASEREVIEW_IMPORT_CONCURRENCY and _QUEUE).
	ImportGate *importer.Gate
}

// Start builds the application on a fresh database of dialect.
func Start(t testing.TB, dialect string, o Options) *Server {
	t.Helper()
	now := o.Now
	if now == nil {
		now = func() time.Time { return Fixed }
	}
	var dbURL, dir string
	if o.Demo && (o.Now == nil || o.DemoTemplate) {
		dbURL, dir = demoDatabase(t, dialect, now())
	} else {
		dbURL, dir = dbtest.Migrated(t, dialect)
	}
	cfg, err := baseConfig(dir, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Demo = o.Demo
	cfg.TrustedProxies = o.TrustedProxies
	if o.MaxBodyBytes > 0 {
		cfg.MaxBodyBytes = o.MaxBodyBytes
	}
	params := CheapPasswords()
	opts := app.Options{Now: now, SearchGate: o.SearchGate, ImportGate: o.ImportGate, PasswordParams: &params, IndexMergeFloor: 1}
	if !o.Anonymous {
		opts.Unauthenticated = &casereview.System
	}
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), opts)
	if err != nil {
		t.Fatalf("start app: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	// The search indexer follows the journal in the background, as under Run; writes wait for it
	// (read-your-writes), so it must be running.
	bg, stop := context.WithCancel(context.Background())
	t.Cleanup(stop) // runs before Close: cleanups run last-in first-out
	a.Start(bg)
	// Writes made while the first index fills are not waited for (the fill may take minutes on a
	// large database), so tests start once it has: an empty or demo database takes milliseconds.
	for deadline := time.Now().Add(20 * time.Second); !a.SearchReady(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the search index was not built within 20 seconds")
		}
	}
	return &Server{T: t, App: a, h: a.Handler()}
}

// Response is a recorded response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// Map decodes the body as a JSON object.
func (r Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Do sends a request. body may be nil, a string or []byte (sent as is) or any value (encoded as
// JSON). headers are pairs: name, value, name, value…; a JSON content type is set for bodies
// unless a header names another.
func (s *Server) Do(method, path string, body any, headers ...string) Response {
	s.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			s.T.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	return Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// Must sends a request and fails the test unless the status is want; it returns the response.
func (s *Server) Must(want int, method, path string, body any, headers ...string) Response {
	s.T.Helper()
	r := s.Do(method, path, body, headers...)
	if r.Status != want {
		s.T.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// WaitForIndex waits until searches are answered from the search index (not 503, and not the
// database listing used while the first index fills), failing the test after 20 seconds.
func (s *Server) WaitForIndex() {
	s.T.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := s.Do("GET", "/api/v1/search?facets=none&limit=1", nil)
		var body struct {
			Source string `json:"source"`
		}
		if r.Status == http.StatusOK && json.Unmarshal(r.Body, &body) == nil && body.Source == "index" {
			return
		}
		if time.Now().After(deadline) {
			s.T.Fatalf("the search index never answered: status %d: %s", r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// IssueToken issues an API token for u as `casereview token create` would. When u's role
// requires a second factor they have not set up, it first gives them an authenticator (straight
// through the store), since a token of such a user would be refused: tests of the data rules
// need the token, not the sign-in journey.
func (s *Server) IssueToken(ctx context.Context, u casereview.User, name string) (string, casereview.APIToken, error) {
	c, err := s.App.Store().CredentialsByID(ctx, u.ID) // u may predate an enrolment
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	u = c.User
	tok, info, err := s.App.Auth().IssueToken(ctx, u, name, nil)
	if !casereview.IsCode(err, casereview.CodeConflict) || u.MFAEnabled || u.Disabled {
		return tok, info, err
	}
	key, err := auth.ParseSecretKey(SecretKey)
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	box, err := auth.NewSecretBox(key)
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	sealed, err := box.Seal(secret, u.ID)
	if err != nil {
		return "", casereview.APIToken{}, err
	}
	sys := casereview.WithActor(ctx, u.Actor())
	if err := s.App.Store().StartTOTP(sys, u.ID, sealed); err != nil {
		return "", casereview.APIToken{}, err
	}
	if err := s.App.Store().ConfirmTOTP(sys, u.ID, "", 1, nil); err != nil {
		return "", casereview.APIToken{}, err
	}
	u.MFAEnabled = true
	return s.App.Auth().IssueToken(ctx, u, name, nil)
}
