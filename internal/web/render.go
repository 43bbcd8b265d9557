package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/httplog"
)

// Page is what every template receives. Data holds the page's own view model.
type Page struct {
	Title    string // the page's <title> (the service name is added) and, usually, its h1
	Nonce    string
	CSRF     string
	Viewer   *Viewer // nil before sign-in, and on the public pages
	Public   bool    // a page of the public transparency view
	Nav      string  // the navigation item this page belongs to
	Flash    string  // a success message from the previous post (notification banner)
	Errors   []FieldProblem
	Form     url.Values // what the person typed, re-shown after an error
	Data     any
	Path     string
	AssetVer string
	// IdleSeconds is how long the session lasts unused; the script warns before it ends.
	IdleSeconds int
}

// FieldProblem is one line of the error summary and the message at its field.
type FieldProblem struct {
	Field   string // the domain's field path, e.g. "addressees[1].role"
	Message string
}

// Href is the link from the error summary to the field.
func (p FieldProblem) Href() string { return "#" + fieldID(p.Field) }

// ErrorFor returns the message for field, or "".
func (p *Page) ErrorFor(field string) string {
	var msgs []string
	for _, e := range p.Errors {
		if e.Field == field {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, ". ")
}

// ErrorUnder returns the messages of field and of every field below it (prefix match), for a
// fieldset that groups several inputs.
func (p *Page) ErrorUnder(prefix string) string {
	var msgs []string
	for _, e := range p.Errors {
		if e.Field == prefix || strings.HasPrefix(e.Field, prefix+".") || strings.HasPrefix(e.Field, prefix+"[") {
			msgs = append(msgs, e.Message)
		}
	}
	return strings.Join(msgs, ". ")
}

// Value returns what the person typed in field, or def when the form has not been posted.
func (p *Page) Value(field, def string) string {
	if p.Form != nil {
		if _, ok := p.Form[field]; ok {
			return p.Form.Get(field)
		}
	}
	return def
}

// Checked reports whether value is among the posted values of field (or in defs before a post).
func (p *Page) Checked(field, value string, defs ...string) bool {
	vals := defs
	if p.Form != nil {
		if v, ok := p.Form[field]; ok {
			vals = v
		}
	}
	for _, v := range vals {
		if v == value {
			return true
		}
	}
	return false
}

// Viewer is the signed-in person as the header shows them.
type Viewer struct {
	UserID      string
	Name        string
	Email       string
	Roles       []casereview.Role
	Memberships []casereview.Membership
	Scope       string // "Eastmere Police", "all partnerships" …
	Unread      int    // unread notifications, for the header's link
}

// IsAdmin reports whether the viewer is an admin (the Administration pages).
func (v *Viewer) IsAdmin() bool { return v.Has(casereview.RoleAdmin) }

// ReadsAudit reports whether the viewer may read the audit trail (casereview.CanReadAudit).
func (v *Viewer) ReadsAudit() bool {
	return v.Has(casereview.RoleOversight) || v.Has(casereview.RoleAdmin)
}

// Reports reports whether the viewer may use the dashboard and the explorer
// (casereview.CanUseDashboard).
func (v *Viewer) Reports() bool {
	return v.Has(casereview.RoleOversight) || v.Has(casereview.RoleAdmin) || v.Has(casereview.RolePanel)
}

// Has reports whether the viewer holds role anywhere.
func (v *Viewer) Has(role casereview.Role) bool {
	if v == nil {
		return false
	}
	for _, r := range v.Roles {
		if r == role {
			return true
		}
	}
	return false
}

func (h *Handler) loadTemplates() error {
	if h.o.Templates == nil {
		return errors.New("web: no templates")
	}
	var err error
	h.pages, err = onceFor(h.o.Templates, "pages", func() (*pageSet, error) {
		return parsePages(h.o.Templates, h.funcs())
	})
	return err
}

// pageSet is the layout and partials, parsed once, and each page parsed on a clone of them the
// first time it is rendered. html/template's Clone copies every parse tree of the set (its
// escaper rewrites them), so parsing all 72 pages at start held 72 copies of the layout and the
// partials, about 24 MB of heap in every process before it served a page (a third of the live
// heap of a dry-run import of the largest action plan, docs/performance.md).
type pageSet struct {
	folder fs.FS
	base   *template.Template
	paths  map[string]string // page name -> its file

	mu     sync.RWMutex
	parsed map[string]*template.Template
}

// parsePages parses the layout and partials, and checks that every page parses on a clone of
// them, so that a broken template stops the start rather than a request; the pages themselves
// are kept only once rendered (pageSet.get).
func parsePages(folder fs.FS, funcs template.FuncMap) (*pageSet, error) {
	base := template.New("").Funcs(funcs)
	partials, err := fs.Glob(folder, "partials/*.html")
	if err != nil {
		return nil, err
	}
	layout := append([]string{"layout.html"}, partials...)
	if base, err = base.ParseFS(folder, layout...); err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(folder, "pages/*.html")
	if err != nil {
		return nil, err
	}
	s := &pageSet{folder: folder, base: base, paths: map[string]string{}, parsed: map[string]*template.Template{}}
	for _, p := range names {
		if _, err := s.parse(p); err != nil {
			return nil, err
		}
		s.paths[strings.TrimSuffix(path.Base(p), ".html")] = p
	}
	return s, nil
}

func (s *pageSet) parse(file string) (*template.Template, error) {
	t, err := s.base.Clone()
	if err != nil {
		return nil, err
	}
	if t, err = t.ParseFS(s.folder, file); err != nil {
		return nil, fmt.Errorf("web: template %s: %w", file, err)
	}
	return t, nil
}

// get returns the named page's template, parsing it on first use; false when there is no such
// page.
func (s *pageSet) get(name string) (*template.Template, bool, error) {
	file, ok := s.paths[name]
	if !ok {
		return nil, false, nil
	}
	s.mu.RLock()
	t := s.parsed[name]
	s.mu.RUnlock()
	if t != nil {
		return t, true, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.parsed[name]; t != nil {
		return t, true, nil
	}
	t, err := s.parse(file)
	if err != nil {
		return nil, true, err
	}
	s.parsed[name] = t
	return t, true, nil
}

// page starts the view model of a page for this request.
func (h *Handler) page(c *gin.Context, title string, data any) *Page {
	p := &Page{Title: title, Data: data, Path: c.Request.URL.Path, AssetVer: h.assetVer, CSRF: h.csrfToken(c),
		IdleSeconds: int(h.o.SessionIdle.Seconds())}
	if v, ok := c.Get(keyNonce); ok {
		p.Nonce, _ = v.(string)
	}
	if isPublic(c) {
		p.Public = true // anonymous, whoever is signed in: no identity bar, no names
	} else if id, ok := identityOf(c); ok && id.Complete() {
		p.Viewer = h.viewer(c, id.User)
	}
	p.Flash = h.takeFlash(c)
	return p
}

// render writes the named page. A template error is a programming error: it is logged and the
// person sees the error page, never half a page.
func (h *Handler) render(c *gin.Context, status int, name string, p *Page) {
	t, ok, err := h.pages.get(name)
	if err != nil || !ok {
		h.fail(c, fmt.Errorf("web: page template %q: %v (found %v)", name, err, ok))
		return
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		if name == "error" {
			h.log.Error("web: rendering the error page", "error", err)
			c.String(http.StatusInternalServerError, "Sorry, there is a problem with the service.")
			return
		}
		h.fail(c, fmt.Errorf("web: render %s: %w", name, err))
		return
	}
	c.Data(status, "text/html; charset=utf-8", b.Bytes())
}

// errorPage is the view model of the error page.
type errorPage struct {
	Status  int
	Heading string
	Message string
	Next    string
}

// fail shows the page for err: sign in again, not found (also for what the caller may not see,
// so nothing's existence leaks), forbidden, too many attempts, unavailable, or a problem with the
// service (logged with its cause, never shown).
func (h *Handler) fail(c *gin.Context, err error) {
	var de *casereview.Error
	if !errors.As(err, &de) {
		de = &casereview.Error{Code: casereview.CodeInternal, Err: err}
	}
	e := errorPage{}
	switch de.Code {
	case casereview.CodeUnauthenticated:
		h.setSessionCookie(c, "", -1)
		c.Redirect(http.StatusSeeOther, "/sign-in")
		return
	case casereview.CodeNotFound:
		e = errorPage{http.StatusNotFound, "Page not found", "If you typed the web address, check it is correct. If you followed a link, the record may have been removed or you may not have access to it.", ""}
	case casereview.CodeForbidden:
		e = errorPage{http.StatusForbidden, "You cannot do this", de.Message, ""}
	case casereview.CodeRateLimited:
		e = errorPage{http.StatusTooManyRequests, "Too many attempts", de.Message, ""}
		c.Header("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds())+1))
	case casereview.CodeUnavailable:
		e = errorPage{http.StatusServiceUnavailable, "Sorry, the service is unavailable", de.Message, ""}
		if de.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(int(de.RetryAfter.Seconds())))
		}
	case casereview.CodeTooLarge:
		e = errorPage{http.StatusRequestEntityTooLarge, "The file is too large", de.Message, ""}
	case casereview.CodeConflict, casereview.CodeInvalid, casereview.CodeMalformed,
		casereview.CodePreconditionFailed, casereview.CodePreconditionRequired:
		e = errorPage{http.StatusConflict, "This could not be done", de.Message, ""}
		for _, f := range de.Fields {
			e.Message += " " + f.Message + "."
		}
	default:
		httplog.SetError(c, err)
		e = errorPage{http.StatusInternalServerError, "Sorry, there is a problem with the service",
			"Try again later. If it keeps happening, tell your administrator this reference: " + httplog.IDOf(c) + ".", ""}
	}
	p := h.page(c, e.Heading, e)
	h.render(c, e.Status, "error", p)
}

// problemsOf returns the field-level problems of a validation error, or nil when err is not one
// (the caller then shows it with fail).
func problemsOf(err error) []FieldProblem {
	var de *casereview.Error
	if !errors.As(err, &de) || (de.Code != casereview.CodeInvalid && de.Code != casereview.CodeMalformed && de.Code != casereview.CodeTooLarge) {
		return nil
	}
	var out []FieldProblem
	for _, f := range de.Fields {
		out = append(out, FieldProblem{Field: f.Field, Message: sentence(f.Message)})
	}
	if len(out) == 0 {
		out = append(out, FieldProblem{Message: sentence(de.Message)})
	}
	return out
}

// sentence capitalises a domain message for display.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldID turns a domain field path into an HTML id: "addressees[1].role" -> "addressees-1-role".
func fieldID(field string) string {
	var b strings.Builder
	dash := false
	for _, r := range field {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

const flashCookie = "casereview_flash"

// flash sets the success message the next page shows (POST/redirect/GET).
func (h *Handler) flash(c *gin.Context, msg string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", MaxAge: 60,
		HttpOnly: true, Secure: h.secure(c), SameSite: http.SameSiteLaxMode})
}

func (h *Handler) takeFlash(c *gin.Context) string {
	v, err := c.Cookie(flashCookie)
	if err != nil || v == "" {
		return ""
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secure(c), SameSite: http.SameSiteLaxMode})
	msg, err := url.QueryUnescape(v)
	if err != nil {
		return ""
	}
	return msg
}

// done finishes a successful post: the index catches up (so a search straight after sees the
// change), the next page shows msg, and the browser is sent to target.
func (h *Handler) done(c *gin.Context, msg, target string) {
	if h.o.AfterWrite != nil {
		h.o.AfterWrite(c.Request.Context())
	}
	if msg != "" {
		h.flash(c, msg)
	}
	c.Redirect(http.StatusSeeOther, target)
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// safeNext accepts only a path on this site as a place to return to after sign-in.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
