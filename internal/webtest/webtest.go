// Package webtest drives the web UI in Go tests as a browser without JavaScript would: it keeps
// cookies, follows redirects, parses each page (goquery), and posts forms with the CSRF token of
// the page they came from. It runs the real application (apitest.Start) on either database.
package webtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
)

// Now is the clock of every web test: after the demo data's last recorded date.
var Now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// Password is every test user's password.
const Password = "violet tractor harbour lamp"

// Site is a running application with the fictional demo data.
type Site struct {
	T     testing.TB
	API   *apitest.Server
	Clock *Clock
	h     http.Handler
	// secrets are the authenticator keys of the users who enrolled here, by email.
	secrets sync.Map
}

// Clock is the site's time, which tests may move on.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the current time on the site.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Start runs the application with the demo data on dialect; callers without a session are
// anonymous, as in a deployment.
func Start(t testing.TB, dialect string) *Site {
	t.Helper()
	clk := &Clock{t: Now}
	s := apitest.Start(t, dialect, apitest.Options{Demo: true, DemoTemplate: true, Anonymous: true, Now: clk.Now})
	return &Site{T: t, API: s, Clock: clk, h: s.App.Handler()}
}

var (
	hashOnce sync.Once
	hash     string
)

// System is a context acting as the application itself, for set-up.
func System() context.Context { return casereview.WithActor(context.Background(), casereview.System) }

// User creates a user with Password and one membership: role for the organisation or the
// partnership named (by name, among the demo data's), or for everything when scope is "".
func (s *Site) User(email string, role casereview.Role, scope string) casereview.User {
	s.T.Helper()
	st := s.API.App.Store()
	hashOnce.Do(func() {
		h, err := s.API.App.Auth().NewPasswordHash(Password)
		if err != nil {
			s.T.Fatal(err)
		}
		hash = h
	})
	u, err := st.CreateUser(System(), casereview.UserDraft{Email: email, DisplayName: strings.Split(email, "@")[0]}, hash)
	if err != nil {
		s.T.Fatalf("create user %s: %v", email, err)
	}
	m := casereview.MembershipDraft{Role: role}
	if scope != "" {
		m.OrganisationID, m.PartnershipID = s.ScopeID(scope)
	}
	if _, err := st.AddMembership(System(), u.ID, m); err != nil {
		s.T.Fatalf("membership for %s: %v", email, err)
	}
	u, err = st.GetUser(System(), u.ID)
	if err != nil {
		s.T.Fatal(err)
	}
	return u
}

// ScopeID finds the demo organisation or partnership called name.
func (s *Site) ScopeID(name string) (orgID, partnershipID string) {
	s.T.Helper()
	st := s.API.App.Store()
	orgs, err := st.ListOrganisations(System(), casereview.OrganisationFilter{Name: name}, casereview.PageRequest{Limit: 5})
	if err == nil {
		for _, o := range orgs.Items {
			if o.Name == name {
				return o.ID, ""
			}
		}
	}
	ps, err := st.ListPartnerships(System(), casereview.PartnershipFilter{Name: name}, casereview.PageRequest{Limit: 5})
	if err == nil {
		for _, p := range ps.Items {
			if p.Name == name {
				return "", p.ID
			}
		}
	}
	s.T.Fatalf("no demo organisation or partnership is called %q", name)
	return "", ""
}

// Browser is one person's browser: its cookies and the last page it saw.
type Browser struct {
	site    *Site
	T       testing.TB
	cookies map[string]*http.Cookie
	Last    *Page
}

// Browser opens a browser with no cookies.
func (s *Site) Browser() *Browser {
	return &Browser{site: s, T: s.T, cookies: map[string]*http.Cookie{}}
}

// Page is a response, parsed.
type Page struct {
	T      testing.TB
	Status int
	Header http.Header
	URL    string // where the browser ended up after redirects
	Body   string
	Doc    *goquery.Document
}

// Get fetches path, following redirects.
func (b *Browser) Get(path string) *Page {
	b.T.Helper()
	return b.do(http.MethodGet, path, nil, "")
}

// Post submits form to path with the CSRF token of the last page (unless form has one),
// following the redirect that answers it.
func (b *Browser) Post(path string, form url.Values) *Page {
	b.T.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" && b.Last != nil {
		form.Set("csrf_token", b.Last.CSRF())
	}
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// PostRaw sends a body of the given content type (a multipart upload) to path.
func (b *Browser) PostRaw(path, contentType string, body io.Reader) *Page {
	b.T.Helper()
	return b.do(http.MethodPost, path, body, contentType)
}

func (b *Browser) do(method, path string, body io.Reader, contentType string) *Page {
	b.T.Helper()
	for hops := 0; hops < 10; hops++ {
		req := httptest.NewRequest(method, path, body)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		for _, c := range b.cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		b.site.h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.MaxAge < 0 || c.Value == "" {
				delete(b.cookies, c.Name)
			} else {
				b.cookies[c.Name] = &http.Cookie{Name: c.Name, Value: c.Value}
			}
		}
		if rec.Code == http.StatusSeeOther || rec.Code == http.StatusFound || rec.Code == http.StatusMovedPermanently {
			loc := rec.Header().Get("Location")
			u, err := url.Parse(loc)
			if err != nil || u.Host != "" {
				b.T.Fatalf("%s %s redirected off the site to %q", method, path, loc)
			}
			method, path, body, contentType = http.MethodGet, loc, nil, ""
			continue
		}
		p := &Page{T: b.T, Status: rec.Code, Header: rec.Header(), URL: path, Body: rec.Body.String()}
		if strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(p.Body))
			if err != nil {
				b.T.Fatalf("%s: not HTML: %v", path, err)
			}
			p.Doc = doc
			b.Last = p
		}
		return p
	}
	b.T.Fatalf("%s %s: too many redirects", method, path)
	return nil
}

// SignIn signs in with Password; for roles that need a second factor it sets up an
// authenticator (the first time) or enters its code, as a person would.
func (b *Browser) SignIn(email string) *Page {
	b.T.Helper()
	b.Get("/sign-in")
	p := b.Post("/sign-in", url.Values{"email": {email}, "password": {Password}})
	if strings.HasPrefix(p.URL, "/account/authenticator") {
		secret := strings.ReplaceAll(p.Text("#secret"), " ", "")
		if secret == "" {
			b.T.Fatalf("the authenticator page shows no key:\n%s", p.Body)
		}
		b.setSecret(email, secret)
		code, err := auth.TOTPCode(secret, b.site.API.App.Now())
		if err != nil {
			b.T.Fatal(err)
		}
		p = b.Post("/account/authenticator", url.Values{"code": {code}})
		if p.Doc.Find("#recovery-codes li").Length() == 0 {
			b.T.Fatalf("no recovery codes after setting up the authenticator:\n%s", p.Body)
		}
		p = b.Get("/")
	} else if strings.HasPrefix(p.URL, "/sign-in/code") {
		secret := b.secret(email)
		b.site.Clock.Advance(31 * time.Second) // a code is accepted once: wait for the next
		code, err := auth.TOTPCode(secret, b.site.API.App.Now())
		if err != nil {
			b.T.Fatal(err)
		}
		p = b.Post("/sign-in/code", url.Values{"code": {code}})
	}
	if p.Status != http.StatusOK || p.Doc.Find(".moj-identity-bar").Length() == 0 {
		b.T.Fatalf("signing in as %s ended at %s (%d) without the identity bar:\n%s", email, p.URL, p.Status, p.Body)
	}
	return p
}

// The authenticator secrets are the site's own: tests run in parallel, on both databases, and
// enrol the same addresses, so one process-wide map let one site's sign-in use another's secret.
func (b *Browser) setSecret(email, secret string) { b.site.secrets.Store(email, secret) }

func (b *Browser) secret(email string) string {
	v, _ := b.site.secrets.Load(email)
	s, _ := v.(string)
	return s
}

// CSRF is the csrf_token of the page's first form.
func (p *Page) CSRF() string {
	v, _ := p.Doc.Find(`input[name="csrf_token"]`).First().Attr("value")
	return v
}

// Text is the trimmed text of the elements matching selector.
func (p *Page) Text(selector string) string {
	if p.Doc == nil {
		return ""
	}
	return strings.Join(strings.Fields(p.Doc.Find(selector).Text()), " ")
}

// Has reports whether selector matches anything.
func (p *Page) Has(selector string) bool { return p.Doc != nil && p.Doc.Find(selector).Length() > 0 }

// Errors returns the error summary's messages.
func (p *Page) Errors() []string {
	var out []string
	if p.Doc == nil {
		return nil
	}
	p.Doc.Find(".govuk-error-summary__list li").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// Must fails the test unless the page's status is want.
func (p *Page) Must(want int) *Page {
	p.T.Helper()
	if p.Status != want {
		p.T.Fatalf("%s: status %d, want %d\n%s", p.URL, p.Status, want, p.Body)
	}
	return p
}

// Cookie is the value of the browser's cookie name ("" when it has none).
func (b *Browser) Cookie(name string) string {
	if c, ok := b.cookies[name]; ok {
		return c.Value
	}
	return ""
}

// SetCookie sets a cookie as if the site had, e.g. to replay an old session.
func (b *Browser) SetCookie(name, value string) {
	b.cookies[name] = &http.Cookie{Name: name, Value: value}
}
