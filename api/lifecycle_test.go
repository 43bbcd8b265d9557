package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// The life of a recommendation through the API (DESIGN §4), played by real users holding API
// tokens: the panel of the partnership, an agency editor of the addressed lead organisation,
// an editor of another agency and an oversight officer. Every step checks that the wrong role
// is refused (403, or 404 where it cannot see the record) without writing anything, that the
// right one succeeds, that the step lands on the timeline in order and that the audit trail
// gained exactly the step's event.

// lcClock is the clock the application runs on; the test moves it.
type lcClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *lcClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *lcClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// today is the clock's date, as the API writes dates.
func (c *lcClock) today() string { return c.Now().Format(time.DateOnly) }

// lcDay is the date days after the date d (YYYY-MM-DD).
func lcDay(t *testing.T, d string, days int) string {
	t.Helper()
	x, err := time.Parse(time.DateOnly, d)
	if err != nil {
		t.Fatalf("date %q: %v", d, err)
	}
	return x.AddDate(0, 0, days).Format(time.DateOnly)
}

// The roles of these tests. lcAnon sends no credentials.
const (
	lcAnon      = ""
	lcPanel     = "panel"
	lcEditor    = "editor"  // agency editor of the lead addressee (police)
	lcEditor2   = "editor2" // a second editor of the same organisation
	lcOther     = "other"   // agency editor of another organisation (health)
	lcOversight = "oversight"
)

// lcHash is every user's password hash: hashing is slow, so it is done once per test binary.
var (
	lcHashOnce sync.Once
	lcHash     string
	lcHashErr  error
)

// lcWorld is a running application with a partnership, two organisations and a user with an
// API token for each role.
type lcWorld struct {
	s      *apitest.Server
	clk    *lcClock
	st     *store.Store
	sys    context.Context
	part   string
	police string
	health string
	users  map[string]casereview.User
	tokens map[string]string
}

func lcStart(t *testing.T, dialect string) *lcWorld {
	t.Helper()
	clk := &lcClock{t: apitest.Fixed}
	s := apitest.Start(t, dialect, apitest.Options{Anonymous: true, Now: clk.Now})
	w := &lcWorld{s: s, clk: clk, st: s.App.Store(), sys: casereview.WithActor(context.Background(), casereview.System),
		users: map[string]casereview.User{}, tokens: map[string]string{}}
	p, err := w.st.CreatePartnership(w.sys, casereview.PartnershipDraft{Name: "Eastvale Community Safety Partnership", Kind: "community_safety_partnership"})
	lcOK(t, err, "create partnership")
	w.part = p.ID
	police, err := w.st.CreateOrganisation(w.sys, casereview.OrganisationDraft{Name: "Eastvale Police", Sector: "police"})
	lcOK(t, err, "create police")
	health, err := w.st.CreateOrganisation(w.sys, casereview.OrganisationDraft{Name: "Eastvale Health Trust", Sector: "nhs_trust"})
	lcOK(t, err, "create health")
	w.police, w.health = police.ID, health.ID
	lcHashOnce.Do(func() { lcHash, lcHashErr = s.App.Auth().NewPasswordHash("copper kettle orbit meadow") })
	lcOK(t, lcHashErr, "hash password")
	for _, u := range []struct {
		role, name string
		m          casereview.MembershipDraft
	}{
		{lcPanel, "Pat Panel", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: w.part}},
		{lcEditor, "Eddie Police", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: w.police}},
		{lcEditor2, "Erin Police", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: w.police}},
		{lcOther, "Olive Health", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: w.health}},
		{lcOversight, "Oscar Oversight", casereview.MembershipDraft{Role: casereview.RoleOversight}},
	} {
		user, err := w.st.CreateUser(w.sys, casereview.UserDraft{Email: u.role + "@lifecycle.example.org", DisplayName: u.name}, lcHash)
		lcOK(t, err, "create user "+u.role)
		user, err = w.st.AddMembership(w.sys, user.ID, u.m)
		lcOK(t, err, "add membership "+u.role)
		secret, _, err := s.IssueToken(context.Background(), user, "lifecycle tests")
		lcOK(t, err, "create token "+u.role)
		w.users[u.role], w.tokens[u.role] = user, secret
	}
	return w
}

func lcOK(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// send makes a request as role; headers are name, value pairs.
func (w *lcWorld) send(role, method, path string, body any, headers ...string) apitest.Response {
	var h []string
	if tok := w.tokens[role]; tok != "" {
		h = append(h, "Authorization", "Bearer "+tok)
	}
	return w.s.Do(method, path, body, append(h, headers...)...)
}

// must makes a request as role and fails t unless the status is want.
func (w *lcWorld) must(t *testing.T, want int, role, method, path string, body any, headers ...string) apitest.Response {
	t.Helper()
	r := w.send(role, method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, role, r.Status, want, r.Body)
	}
	return r
}

// get reads path as role into v.
func (w *lcWorld) get(t *testing.T, role, path string, v any) apitest.Response {
	t.Helper()
	r := w.must(t, http.StatusOK, role, "GET", path, nil)
	r.JSON(t, v)
	return r
}

// lcMultipart encodes an evidence upload; fields are name, value pairs sent before the file.
func lcMultipart(t *testing.T, filename string, content []byte, fields ...string) ([]byte, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		if err := mw.WriteField(fields[i], fields[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if content != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
		h.Set("Content-Type", "application/octet-stream")
		part, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

// upload posts a file as evidence on an action, as role.
func (w *lcWorld) upload(t *testing.T, role, actionID, filename, title string, content []byte) apitest.Response {
	t.Helper()
	body, ct := lcMultipart(t, filename, content, "title", title, "evidence_type", "policy_document")
	return w.send(role, "POST", "/api/v1/actions/"+actionID+"/evidence", body, "Content-Type", ct)
}

// auditTotal is the number of events in the trail, read as the system.
func (w *lcWorld) auditTotal(t *testing.T) int64 {
	t.Helper()
	p, err := w.st.ListAudit(w.sys, casereview.AuditFilter{}, 1, 0)
	lcOK(t, err, "list audit")
	return p.Total
}

// auditSince returns the events after the first n, oldest first.
func (w *lcWorld) auditSince(t *testing.T, n int64) []casereview.AuditEvent {
	t.Helper()
	total := w.auditTotal(t)
	if total <= n {
		return nil
	}
	p, err := w.st.ListAudit(w.sys, casereview.AuditFilter{}, int(total-n), 0)
	lcOK(t, err, "list audit")
	out := slices.Clone(p.Items)
	slices.Reverse(out)
	return out
}

// lcEvent is an audit event a step must add: action, entity type and id, by the user of role.
type lcEvent struct{ action, typ, id, role string }

// expectAudit checks that exactly the events want were added after the first n.
func (w *lcWorld) expectAudit(t *testing.T, step string, n int64, want ...lcEvent) {
	t.Helper()
	got := w.auditSince(t, n)
	if len(got) != len(want) {
		var names []string
		for _, e := range got {
			names = append(names, string(e.Action)+" "+e.EntityType)
		}
		t.Errorf("%s: the audit trail gained %d events %v, want %d", step, len(got), names, len(want))
		return
	}
	for i, e := range want {
		g := got[i]
		if string(g.Action) != e.action || g.EntityType != e.typ || (e.id != "" && g.EntityID != e.id) || g.ActorUserID != w.users[e.role].ID {
			t.Errorf("%s: audit event %d is %s %s %s by %q; want %s %s %s by %s (%q)", step, i, g.Action, g.EntityType, g.EntityID,
				g.ActorUserID, e.action, e.typ, e.id, e.role, w.users[e.role].ID)
		}
	}
}

// JSON shapes read by these tests.

type lcRec struct {
	ID                   string   `json:"id"`
	ResponseStatus       string   `json:"response_status"`
	ImplementationStatus string   `json:"implementation_status"`
	OversightStatus      string   `json:"oversight_status"`
	ResponseDue          *string  `json:"response_due"`
	ClosedOn             *string  `json:"closed_on"`
	ClosureRationale     string   `json:"closure_rationale"`
	LastActivityOn       *string  `json:"last_activity_on"`
	Flags                []string `json:"flags"`
	Links                []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		From string `json:"from_id"`
		To   string `json:"to_id"`
	} `json:"links"`
	Addressees []struct {
		OrganisationID string `json:"organisation_id"`
		ResponseStatus string `json:"response_status"`
	} `json:"addressees"`
	Version int `json:"version"`
}

type lcAction struct {
	ID                   string  `json:"id"`
	ImplementationStatus string  `json:"implementation_status"`
	TargetDate           *string `json:"target_date"`
	CompletionDate       *string `json:"completion_date"`
	Outcome              *string `json:"outcome"`
	Version              int     `json:"version"`
}

type lcEvidence struct {
	ID           string  `json:"id"`
	ActionID     string  `json:"action_id"`
	Kind         string  `json:"kind"`
	Title        string  `json:"title"`
	EvidenceType string  `json:"evidence_type"`
	Status       string  `json:"status"`
	URL          *string `json:"url"`
	Filename     *string `json:"filename"`
	MediaType    *string `json:"media_type"`
	SizeBytes    *int64  `json:"size_bytes"`
	SHA256       *string `json:"sha256"`
	ReviewNote   *string `json:"review_note"`
	ReviewedBy   *string `json:"reviewed_by_name"`
}

type lcEntry struct {
	Kind       string  `json:"kind"`
	ActionID   *string `json:"action_id"`
	EvidenceID *string `json:"evidence_id"`
	OldStatus  string  `json:"old_status"`
	NewStatus  string  `json:"new_status"`
	Narrative  string  `json:"narrative"`
	AuthorName string  `json:"author_name"`
	CreatedAt  string  `json:"created_at"`
}

// lcStep is what a timeline entry must say.
type lcStep struct{ kind, old, new, author string }

// lcLife follows one recommendation (and its action) through the scenario.
type lcLife struct {
	w        *lcWorld
	rec      string
	action   string
	timeline []lcStep // what the timeline must hold, in order
}

func (l *lcLife) recPath() string    { return "/api/v1/recommendations/" + l.rec }
func (l *lcLife) actionPath() string { return "/api/v1/actions/" + l.action }

// recommendation reads the recommendation as the system (versions are not a matter of access).
func (l *lcLife) recommendation(t *testing.T) casereview.Recommendation {
	t.Helper()
	r, err := l.w.st.GetRecommendation(l.w.sys, l.rec)
	lcOK(t, err, "get recommendation")
	return r
}

func (l *lcLife) actionRecord(t *testing.T) casereview.Action {
	t.Helper()
	a, err := l.w.st.GetAction(l.w.sys, l.action)
	lcOK(t, err, "get action")
	return a
}

// entries reads the timeline through the API as role.
func (l *lcLife) entries(t *testing.T, role string) []lcEntry {
	t.Helper()
	var tl struct {
		Items []lcEntry `json:"items"`
	}
	l.w.get(t, role, l.recPath()+"/timeline", &tl)
	return tl.Items
}

// step records that a successful step must have added e to the timeline, and checks the whole
// timeline against what it must hold, in order, as the editor and as oversight read it.
func (l *lcLife) step(t *testing.T, what string, e lcStep) {
	t.Helper()
	l.timeline = append(l.timeline, e)
	l.checkTimeline(t, what)
}

func (l *lcLife) checkTimeline(t *testing.T, what string) {
	t.Helper()
	for _, role := range []string{lcOversight, lcEditor} {
		got := l.entries(t, role)
		var steps []lcStep
		last := ""
		for _, g := range got {
			steps = append(steps, lcStep{g.Kind, g.OldStatus, g.NewStatus, g.AuthorName})
			if g.CreatedAt < last {
				t.Errorf("%s: timeline as %s is not in time order: %s after %s", what, role, g.CreatedAt, last)
			}
			last = g.CreatedAt
		}
		if !reflect.DeepEqual(steps, l.timeline) {
			t.Fatalf("%s: timeline as %s\n got %v\nwant %v", what, role, steps, l.timeline)
		}
	}
}

// lcSnapshot is what a refused request must leave exactly as it was.
type lcSnapshot struct {
	timeline   int
	recVersion int
	actVersion int
	evidence   int
	audit      int64
}

func (l *lcLife) snapshot(t *testing.T) lcSnapshot {
	t.Helper()
	ps, err := l.w.st.Timeline(l.w.sys, l.rec)
	lcOK(t, err, "timeline")
	s := lcSnapshot{timeline: len(ps), recVersion: l.recommendation(t).Version, audit: l.w.auditTotal(t)}
	if l.action != "" {
		s.actVersion = l.actionRecord(t).Version
		es, err := l.w.st.ListEvidence(l.w.sys, l.action)
		lcOK(t, err, "list evidence")
		s.evidence = len(es)
	}
	return s
}

// refuse sends a request that must be refused as want says, and checks that nothing changed:
// not the timeline, not the versions, not the evidence, not the audit trail.
func (l *lcLife) refuse(t *testing.T, want problemWant, role, method, path string, body any, headers ...string) apitest.Response {
	t.Helper()
	before := l.snapshot(t)
	r := l.w.send(role, method, path, body, headers...)
	checkProblem(t, r, path, want)
	if after := l.snapshot(t); after != before {
		t.Errorf("%s %s as %q was refused (%d) but changed the record: before %+v, after %+v", method, path, role, r.Status, before, after)
	}
	return r
}

var (
	lcForbidden    = problemWant{Status: http.StatusForbidden, Type: "forbidden"}
	lcNotFound     = problemWant{Status: http.StatusNotFound, Type: "not_found"}
	lcUnauthorised = problemWant{Status: http.StatusUnauthorized, Type: "unauthenticated"}
	lcStale        = problemWant{Status: http.StatusPreconditionFailed, Type: "precondition_failed"}
	lcNoIfMatch    = problemWant{Status: http.StatusPreconditionRequired, Type: "precondition_required"}
)

func lcInvalid(errs ...fieldErr) problemWant {
	return problemWant{Status: http.StatusUnprocessableEntity, Type: "invalid", Errors: errs}
}

// lcIfMatch is the header pair for an If-Match of version v.
func lcIfMatch(v int) []string { return []string{"If-Match", fmt.Sprintf(`"%d"`, v)} }

// lcPDF returns the bytes of a small PDF; n makes different documents.
func lcPDF(n int) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Note (evidence %d) >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n", n))
}

func lcIDs(items []lcRec) []string {
	out := make([]string, len(items))
	for i, r := range items {
		out[i] = r.ID
	}
	return out
}

// listIDsAs returns the ids of the first page of a recommendation list, as role.
func (w *lcWorld) listIDsAs(t *testing.T, role, query string) []string {
	t.Helper()
	var page struct {
		Items []lcRec `json:"items"`
	}
	w.get(t, role, "/api/v1/recommendations?"+query, &page)
	return lcIDs(page.Items)
}

type lcWork struct {
	AsOf                  string       `json:"as_of"`
	Overdue               []lcRec      `json:"overdue"`
	DueSoon               []lcRec      `json:"due_soon"`
	AwaitingResponse      []lcRec      `json:"awaiting_response"`
	ResponsesToAssess     []lcRec      `json:"responses_to_assess"`
	EvidenceToVerify      []lcEvidence `json:"evidence_to_verify"`
	OverdueByOrganisation []struct {
		OrganisationID   string   `json:"organisation_id"`
		OrganisationName string   `json:"organisation_name"`
		ResponseOverdue  int      `json:"response_overdue"`
		ActionOverdue    int      `json:"action_overdue"`
		RecommendationID []string `json:"recommendation_ids"`
	} `json:"overdue_by_organisation"`
}

func (w *lcWorld) work(t *testing.T, role, query string) lcWork {
	t.Helper()
	var out lcWork
	w.get(t, role, "/api/v1/work"+query, &out)
	return out
}

// newReview makes a review as the panel through the API and returns its id.
func (w *lcWorld) newReview(t *testing.T, ref string, body map[string]any) string {
	t.Helper()
	b := map[string]any{"type": "DHR", "partnership_id": w.part, "reference": ref, "title": "Adult " + ref}
	for k, v := range body {
		b[k] = v
	}
	var r struct {
		ID string `json:"id"`
	}
	w.must(t, http.StatusCreated, lcPanel, "POST", "/api/v1/reviews", b).JSON(t, &r)
	return r.ID
}

// newRecommendation makes a recommendation addressed to the police as lead, as the panel.
func (w *lcWorld) newRecommendation(t *testing.T, review, number string, notified string) string {
	t.Helper()
	ad := map[string]any{"organisation_id": w.police, "role": "lead"}
	if notified != "" {
		ad["notified_on"] = notified
	}
	var r lcRec
	w.must(t, http.StatusCreated, lcPanel, "POST", "/api/v1/recommendations", map[string]any{"review_id": review, "number": number,
		"title": "Risk assessment training", "text": "The police should train call handlers in the DASH risk assessment.", "scope": "local",
		"addressees": []map[string]any{ad}}).JSON(t, &r)
	return r.ID
}

func TestRecommendationLife(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := lcStart(t, dialect)
		l := &lcLife{w: w}
		minute := func() { w.clk.Advance(time.Minute) }

		var dhr struct {
			Days int `json:"default_response_days"`
		}
		w.get(t, lcAnon, "/api/v1/review-types/DHR", &dhr)
		if dhr.Days <= 0 {
			t.Fatalf("DHR has no response window: %d", dhr.Days)
		}

		// --- The review is written (restricted) and its recommendation recorded by the panel.
		review := w.newReview(t, "EV-DHR-2026-01", map[string]any{"status": "submitted_for_qa"})
		l.rec = w.newRecommendation(t, review, "1", "")
		issued := w.clk.today()

		// Before publication (restricted) the addressee reads it, so that it can answer (issue 13
		// §10); another agency cannot see it at all: 404, never 403.
		if r := w.send(lcEditor, "GET", l.recPath(), nil); r.Status != http.StatusOK {
			t.Errorf("the addressee GET the restricted recommendation: status %d, want 200", r.Status)
		}
		for _, role := range []string{lcOther} {
			l.refuse(t, lcNotFound, role, "GET", l.recPath(), nil)
			l.refuse(t, lcNotFound, role, "POST", l.recPath()+"/responses",
				map[string]any{"organisation_id": w.police, "decision": "accepted", "narrative": "Agreed.", "timetable": "By June."})
		}
		l.refuse(t, lcNotFound, lcAnon, "GET", l.recPath(), nil)

		// --- Issued: the review is published and the addressee notified.
		minute()
		var rv struct {
			Version int `json:"version"`
		}
		w.get(t, lcPanel, "/api/v1/reviews/"+review, &rv)
		publish := map[string]any{"status": "published", "published_on": w.clk.today(), "visibility": "public"}
		l.refuse(t, lcNotFound, lcEditor, "PATCH", "/api/v1/reviews/"+review, publish, lcIfMatch(rv.Version)...)
		l.refuse(t, lcForbidden, lcOversight, "PATCH", "/api/v1/reviews/"+review, publish, lcIfMatch(rv.Version)...)
		n := w.auditTotal(t)
		w.must(t, http.StatusOK, lcPanel, "PATCH", "/api/v1/reviews/"+review, publish, lcIfMatch(rv.Version)...)
		w.expectAudit(t, "publish", n, lcEvent{"review.updated", "review", review, lcPanel})

		notify := map[string]any{"addressees": []map[string]any{{"organisation_id": w.police, "role": "lead", "notified_on": w.clk.today()}}}
		v := l.recommendation(t).Version
		l.refuse(t, lcForbidden, lcEditor, "PATCH", l.recPath(), notify, lcIfMatch(v)...)
		l.refuse(t, lcForbidden, lcOversight, "PATCH", l.recPath(), notify, lcIfMatch(v)...)
		n = w.auditTotal(t)
		var rec lcRec
		w.must(t, http.StatusOK, lcPanel, "PATCH", l.recPath(), notify, lcIfMatch(v)...).JSON(t, &rec)
		w.expectAudit(t, "notify", n, lcEvent{"recommendation.updated", "recommendation", l.rec, lcPanel})
		due := lcDay(t, issued, dhr.Days)
		if rec.ResponseDue == nil || *rec.ResponseDue != due || rec.ResponseStatus != "awaiting_response" || len(rec.Flags) != 0 {
			t.Fatalf("issued: response_due %v status %s flags %v; want due %s, awaiting_response, no flags", rec.ResponseDue, rec.ResponseStatus, rec.Flags, due)
		}
		// Issuing is an edit, not a tracking event: every reader of the timeline sees the fields it
		// changed (old → new), and the tracking starts with the response.
		l.timeline = append(l.timeline, lcStep{"edit", "", due + " (default)", "Pat Panel"},
			lcStep{"edit", "Eastvale Police (lead)", "Eastvale Police (lead, notified " + w.clk.today() + ")", "Pat Panel"})
		l.checkTimeline(t, "issued")

		// --- The window passes: response_overdue appears, derived from the date alone.
		w.clk.Advance(time.Duration(dhr.Days+1) * 24 * time.Hour)
		today := w.clk.today()
		if today != lcDay(t, due, 1) {
			t.Fatalf("clock: today %s, want the day after %s", today, due)
		}
		w.get(t, lcEditor, l.recPath(), &rec)
		if !reflect.DeepEqual(rec.Flags, []string{"response_overdue"}) {
			t.Errorf("after the window: flags %v, want [response_overdue]", rec.Flags)
		}
		w.get(t, lcEditor, l.recPath()+"?as_of="+due, &rec)
		if !reflect.DeepEqual(rec.Flags, []string{"due_soon"}) {
			t.Errorf("as of the due date: flags %v, want [due_soon]", rec.Flags)
		}
		for _, role := range []string{lcEditor, lcOversight} {
			if ids := w.listIDsAs(t, role, "flag=response_overdue"); !slices.Contains(ids, l.rec) {
				t.Errorf("flag=response_overdue as %s: %v lacks the recommendation", role, ids)
			}
		}
		if ids := w.listIDsAs(t, lcOversight, "flag=response_overdue&sector=police"); !slices.Equal(ids, []string{l.rec}) {
			t.Errorf("flag=response_overdue&sector=police: %v", ids)
		}
		if ids := w.listIDsAs(t, lcOversight, "flag=response_overdue&sector=nhs_trust"); len(ids) != 0 {
			t.Errorf("flag=response_overdue&sector=nhs_trust: %v, want none", ids)
		}
		if ids := w.listIDsAs(t, lcOversight, "flag=response_overdue&as_of="+due); len(ids) != 0 {
			t.Errorf("flag=response_overdue as of the due date: %v, want none", ids)
		}
		wk := w.work(t, lcEditor, "")
		if wk.AsOf != today || !slices.Equal(lcIDs(wk.Overdue), []string{l.rec}) || !slices.Equal(lcIDs(wk.AwaitingResponse), []string{l.rec}) {
			t.Errorf("editor's work: as_of %s overdue %v awaiting %v; want %s, [%s], [%s]", wk.AsOf, lcIDs(wk.Overdue), lcIDs(wk.AwaitingResponse), today, l.rec, l.rec)
		}
		if wk := w.work(t, lcOther, ""); len(wk.Overdue) != 0 || len(wk.AwaitingResponse) != 0 {
			t.Errorf("other agency's work lists %v overdue, %v awaiting; it owes nothing", lcIDs(wk.Overdue), lcIDs(wk.AwaitingResponse))
		}
		wk = w.work(t, lcOversight, "")
		if len(wk.OverdueByOrganisation) != 1 || wk.OverdueByOrganisation[0].OrganisationID != w.police ||
			wk.OverdueByOrganisation[0].OrganisationName != "Eastvale Police" || wk.OverdueByOrganisation[0].ResponseOverdue != 1 ||
			wk.OverdueByOrganisation[0].ActionOverdue != 0 || !slices.Equal(wk.OverdueByOrganisation[0].RecommendationID, []string{l.rec}) {
			t.Errorf("oversight's overdue_by_organisation: %+v; want the police owing one response on %s", wk.OverdueByOrganisation, l.rec)
		}
		if wk := w.work(t, lcOversight, "?as_of="+due); len(wk.OverdueByOrganisation) != 0 || len(wk.Overdue) != 0 {
			t.Errorf("oversight's work as of the due date: %+v", wk.OverdueByOrganisation)
		}
		l.refuse(t, lcUnauthorised, lcAnon, "GET", "/api/v1/work", nil)
		for _, c := range []struct{ path, field, code string }{
			{"/api/v1/work?as_of=2026-02-30", "as_of", ""},
			{"/api/v1/recommendations?as_of=soon", "as_of", ""},
			{"/api/v1/recommendations/" + l.rec + "?as_of=2026-13-01", "as_of", ""},
			{"/api/v1/recommendations?flag=late", "flag", "unknown_value"},
			{"/api/v1/recommendations?sector=army", "sector", "unknown_value"},
		} {
			r := w.send(lcOversight, "GET", c.path, nil)
			var p struct {
				Errors []fieldErr `json:"errors"`
			}
			_ = json.Unmarshal(r.Body, &p)
			if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != c.field || (c.code != "" && p.Errors[0].Code != c.code) {
				t.Errorf("GET %s: %d %s; want 422 naming %s", c.path, r.Status, r.Body, c.field)
			}
		}

		// --- The agency accepts, with a timetable.
		minute()
		responses := l.recPath() + "/responses"
		accept := map[string]any{"organisation_id": w.police, "decision": "accepted", "narrative": "The force accepts the recommendation.",
			"timetable": "Training designed by September; delivered to all call handlers by December."}
		l.refuse(t, lcUnauthorised, lcAnon, "POST", responses, accept)
		l.refuse(t, lcForbidden, lcOversight, "POST", responses, accept)
		l.refuse(t, lcForbidden, lcOther, "POST", responses, accept)
		l.refuse(t, lcInvalid(fieldErr{"timetable", "required", ""}), lcEditor, "POST", responses,
			map[string]any{"organisation_id": w.police, "decision": "accepted", "narrative": "Accepted."})
		l.refuse(t, lcInvalid(fieldErr{"reasons", "required", "reasons are required unless the recommendation is accepted in full"}), lcEditor, "POST", responses,
			map[string]any{"organisation_id": w.police, "decision": "accepted_in_part", "narrative": "In part.", "timetable": "By December."})
		l.refuse(t, lcInvalid(fieldErr{"organisation_id", "not_addressee", ""}), lcOther, "POST", responses,
			map[string]any{"organisation_id": w.health, "decision": "accepted", "narrative": "We accept it too.", "timetable": "Soon."})
		n = w.auditTotal(t)
		var resp struct {
			ID, Decision, Timetable, ReceivedOn string
		}
		w.must(t, http.StatusCreated, lcEditor, "POST", responses, accept).JSON(t, &resp)
		w.expectAudit(t, "respond", n, lcEvent{"response.recorded", "recommendation", l.rec, lcEditor})
		l.step(t, "respond", lcStep{"response", "awaiting_response", "accepted", "Eddie Police"})
		var rl struct {
			Items []struct {
				ID         string `json:"id"`
				Decision   string `json:"decision"`
				Timetable  string `json:"timetable"`
				ReceivedOn string `json:"received_on"`
				AuthorName string `json:"author_name"`
			} `json:"items"`
		}
		w.get(t, lcOther, responses, &rl)
		if len(rl.Items) != 1 || rl.Items[0].Decision != "accepted" || rl.Items[0].Timetable != accept["timetable"] ||
			rl.Items[0].ReceivedOn != today || rl.Items[0].AuthorName != "Eddie Police" {
			t.Errorf("responses: %+v", rl.Items)
		}
		w.get(t, lcEditor, l.recPath(), &rec)
		if rec.ResponseStatus != "accepted" || len(rec.Addressees) != 1 || rec.Addressees[0].ResponseStatus != "accepted" || len(rec.Flags) != 0 {
			t.Errorf("after the response: status %s addressees %+v flags %v", rec.ResponseStatus, rec.Addressees, rec.Flags)
		}
		if ids := w.listIDsAs(t, lcOversight, "flag=response_overdue"); len(ids) != 0 {
			t.Errorf("flag=response_overdue after the response: %v", ids)
		}
		if wk := w.work(t, lcOversight, ""); len(wk.OverdueByOrganisation) != 0 || !slices.Equal(lcIDs(wk.ResponsesToAssess), []string{l.rec}) {
			t.Errorf("oversight's work after the response: overdue %+v, to assess %v", wk.OverdueByOrganisation, lcIDs(wk.ResponsesToAssess))
		}

		// --- An action is planned (target date, then status planned).
		minute()
		createAction := map[string]any{"organisation_id": w.police, "description": "Train all call handlers in DASH.", "owner": "Head of contact centre"}
		l.refuse(t, lcForbidden, lcOther, "POST", l.recPath()+"/actions", createAction)
		l.refuse(t, lcForbidden, lcOversight, "POST", l.recPath()+"/actions", createAction)
		n = w.auditTotal(t)
		var act lcAction
		w.must(t, http.StatusCreated, lcEditor, "POST", l.recPath()+"/actions", createAction).JSON(t, &act)
		l.action = act.ID
		w.expectAudit(t, "create action", n, lcEvent{"action.created", "action", l.action, lcEditor})
		l.checkTimeline(t, "create action")

		progress := l.actionPath() + "/progress"
		l.refuse(t, lcInvalid(fieldErr{"target_date", "required", ""}), lcEditor, "POST", progress,
			map[string]any{"status": "planned"}, lcIfMatch(act.Version)...)
		target := lcDay(t, today, 60)
		setTarget := map[string]any{"target_date": target}
		l.refuse(t, lcForbidden, lcOther, "PATCH", l.actionPath(), setTarget, lcIfMatch(act.Version)...)
		l.refuse(t, lcForbidden, lcOversight, "PATCH", l.actionPath(), setTarget, lcIfMatch(act.Version)...)
		l.refuse(t, lcNoIfMatch, lcEditor, "PATCH", l.actionPath(), setTarget)
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcEditor, "PATCH", l.actionPath(), setTarget, lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "target date", n, lcEvent{"action.updated", "action", l.action, lcEditor})
		if act.TargetDate == nil || *act.TargetDate != target {
			t.Errorf("target date: %v", act.TargetDate)
		}

		minute()
		plan := map[string]any{"status": "planned", "narrative": "Course booked with the college of policing."}
		l.refuse(t, lcForbidden, lcOther, "POST", progress, plan, lcIfMatch(act.Version)...)
		l.refuse(t, lcForbidden, lcOversight, "POST", progress, plan, lcIfMatch(act.Version)...)
		l.refuse(t, lcUnauthorised, lcAnon, "POST", progress, plan, lcIfMatch(act.Version)...)
		l.refuse(t, lcStale, lcEditor, "POST", progress, plan, lcIfMatch(act.Version-1)...)
		l.refuse(t, lcNoIfMatch, lcEditor, "POST", progress, plan)
		n = w.auditTotal(t)
		r := w.must(t, http.StatusOK, lcEditor, "POST", progress, plan, lcIfMatch(act.Version)...)
		r.JSON(t, &act)
		if tag := r.Header.Get("ETag"); tag != fmt.Sprintf(`"%d"`, act.Version) || act.ImplementationStatus != "planned" {
			t.Errorf("planned: status %s, ETag %s for version %d", act.ImplementationStatus, tag, act.Version)
		}
		w.expectAudit(t, "planned", n, lcEvent{"action.progressed", "action", l.action, lcEditor})
		l.step(t, "planned", lcStep{"action", "not_started", "planned", "Eddie Police"})

		// An illegal move is named as such, whoever asks.
		for _, role := range []string{lcEditor, lcOversight} {
			l.refuse(t, lcInvalid(fieldErr{"status", "illegal_transition", ""}), role, "POST", progress,
				map[string]any{"status": "implemented_verified"}, lcIfMatch(act.Version)...)
		}
		l.refuse(t, lcInvalid(fieldErr{"status", "illegal_transition", ""}), lcEditor, "POST", progress,
			map[string]any{"status": "implemented_pending_verification", "outcome": "Done."}, lcIfMatch(act.Version)...)

		// --- Progressed.
		minute()
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcEditor, "POST", progress, map[string]any{"status": "in_progress", "narrative": "First cohort trained."},
			lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "in progress", n, lcEvent{"action.progressed", "action", l.action, lcEditor})
		l.step(t, "in progress", lcStep{"action", "planned", "in_progress", "Eddie Police"})
		w.get(t, lcEditor, l.recPath(), &rec)
		if rec.ImplementationStatus != "in_progress" || rec.LastActivityOn == nil || *rec.LastActivityOn != today {
			t.Errorf("recommendation after progress: implementation %s, last activity %v", rec.ImplementationStatus, rec.LastActivityOn)
		}
		// A claim of completion needs evidence and an outcome, and says so of both at once.
		claim := map[string]any{"status": "implemented_pending_verification"}
		l.refuse(t, lcInvalid(fieldErr{"outcome", "required", ""}, fieldErr{"evidence", "required", ""}), lcEditor, "POST", progress, claim, lcIfMatch(act.Version)...)
		l.refuse(t, lcInvalid(fieldErr{"evidence", "required", ""}), lcEditor, "POST", progress,
			map[string]any{"status": "implemented_pending_verification", "outcome": "All call handlers trained."}, lcIfMatch(act.Version)...)

		// --- Evidence uploaded.
		minute()
		pdf1 := lcPDF(1)
		for _, c := range []struct {
			role string
			want problemWant
		}{{lcAnon, lcUnauthorised}, {lcOther, lcForbidden}, {lcOversight, lcForbidden}} {
			before := l.snapshot(t)
			res := w.upload(t, c.role, l.action, "training-register.pdf", "Training register", pdf1)
			checkProblem(t, res, "/api/v1/actions/"+l.action+"/evidence", c.want)
			if after := l.snapshot(t); after != before {
				t.Errorf("upload as %q refused but changed %+v -> %+v", c.role, before, after)
			}
		}
		n = w.auditTotal(t)
		res := w.upload(t, lcEditor, l.action, "training-register.pdf", "Training register", pdf1)
		if res.Status != http.StatusCreated {
			t.Fatalf("upload: %d %s", res.Status, res.Body)
		}
		var ev1 lcEvidence
		res.JSON(t, &ev1)
		if ev1.Kind != "file" || ev1.Status != "pending" || ev1.MediaType == nil || *ev1.MediaType != "application/pdf" ||
			ev1.SizeBytes == nil || *ev1.SizeBytes != int64(len(pdf1)) || ev1.Filename == nil || *ev1.Filename != "training-register.pdf" {
			t.Errorf("evidence: %s", res.Body)
		}
		w.expectAudit(t, "upload", n, lcEvent{"evidence.added", "evidence", ev1.ID, lcEditor})
		l.step(t, "upload", lcStep{"evidence", "", "pending", "Eddie Police"})
		if got := w.must(t, http.StatusOK, lcOther, "GET", "/api/v1/evidence/"+ev1.ID+"/content", nil).Body; !bytes.Equal(got, pdf1) {
			t.Errorf("content: %q, want %q", got, pdf1)
		}

		// --- Claimed implemented, pending verification.
		minute()
		l.refuse(t, lcInvalid(fieldErr{"outcome", "required", ""}), lcEditor, "POST", progress, claim, lcIfMatch(act.Version)...)
		outcome := "All 240 call handlers trained; DASH completion audited monthly."
		claim = map[string]any{"status": "implemented_pending_verification", "outcome": outcome, "narrative": "Training complete."}
		l.refuse(t, lcForbidden, lcOther, "POST", progress, claim, lcIfMatch(act.Version)...)
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcEditor, "POST", progress, claim, lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "claim", n, lcEvent{"action.progressed", "action", l.action, lcEditor})
		l.step(t, "claim", lcStep{"action", "in_progress", "implemented_pending_verification", "Eddie Police"})
		if act.Outcome == nil || *act.Outcome != outcome || act.CompletionDate == nil || *act.CompletionDate != today {
			t.Errorf("claimed action: outcome %v completion %v", act.Outcome, act.CompletionDate)
		}
		w.get(t, lcEditor, l.recPath()+"?as_of="+lcDay(t, target, 1), &rec)
		if rec.ImplementationStatus != "implemented_pending_verification" || slices.Contains(rec.Flags, "action_overdue") {
			t.Errorf("claimed: implementation %s, flags after the target date %v (a claimed action is not overdue)", rec.ImplementationStatus, rec.Flags)
		}

		// --- Oversight rejects the evidence, with a note, and sends the action back.
		minute()
		if wk := w.work(t, lcOversight, ""); len(wk.EvidenceToVerify) != 1 || wk.EvidenceToVerify[0].ID != ev1.ID {
			t.Errorf("oversight's evidence to verify: %+v", wk.EvidenceToVerify)
		}
		reviewPath := "/api/v1/evidence/" + ev1.ID + "/review"
		note := "The register lists names but not the course; attach the course attendance records."
		reject := map[string]any{"decision": "rejected", "note": note}
		l.refuse(t, lcForbidden, lcEditor, "POST", reviewPath, reject)
		l.refuse(t, lcForbidden, lcPanel, "POST", reviewPath, reject)
		l.refuse(t, lcUnauthorised, lcAnon, "POST", reviewPath, reject)
		l.refuse(t, lcInvalid(fieldErr{"note", "required", ""}), lcOversight, "POST", reviewPath, map[string]any{"decision": "rejected"})
		n = w.auditTotal(t)
		var reviewed lcEvidence
		w.must(t, http.StatusOK, lcOversight, "POST", reviewPath, reject).JSON(t, &reviewed)
		if reviewed.Status != "rejected" || reviewed.ReviewNote == nil || *reviewed.ReviewNote != note || reviewed.ReviewedBy == nil || *reviewed.ReviewedBy != "Oscar Oversight" {
			t.Errorf("rejected evidence: %+v", reviewed)
		}
		w.expectAudit(t, "reject evidence", n, lcEvent{"evidence.reviewed", "evidence", ev1.ID, lcOversight})
		l.step(t, "reject evidence", lcStep{"evidence", "pending", "rejected", "Oscar Oversight"})
		l.refuse(t, problemWant{Status: http.StatusConflict, Type: "conflict"}, lcOversight, "POST", reviewPath, map[string]any{"decision": "verified"})

		sendBack := map[string]any{"status": "in_progress", "reason": "Evidence rejected: attendance records needed."}
		l.refuse(t, lcForbidden, lcEditor, "POST", progress, sendBack, lcIfMatch(act.Version)...)
		l.refuse(t, lcForbidden, lcPanel, "POST", progress, sendBack, lcIfMatch(act.Version)...)
		l.refuse(t, lcInvalid(fieldErr{"reason", "required", ""}), lcOversight, "POST", progress, map[string]any{"status": "in_progress"}, lcIfMatch(act.Version)...)
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcOversight, "POST", progress, sendBack, lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "send back", n, lcEvent{"action.progressed", "action", l.action, lcOversight})
		l.step(t, "send back", lcStep{"action", "implemented_pending_verification", "in_progress", "Oscar Oversight"})
		if tl := l.entries(t, lcEditor); !strings.Contains(tl[len(tl)-1].Narrative, "attendance records needed") {
			t.Errorf("send back: the reason is not on the timeline: %+v", tl[len(tl)-1])
		}
		// Sent back, the action is unfinished again: once its target passes it is overdue.
		if act.CompletionDate != nil {
			t.Errorf("sent back: the action still has completion_date %s", *act.CompletionDate)
		}
		w.get(t, lcEditor, l.recPath()+"?as_of="+lcDay(t, target, 1), &rec)
		if rec.ImplementationStatus != "in_progress" || !slices.Contains(rec.Flags, "action_overdue") {
			t.Errorf("sent back: implementation %s, flags after the target date %v; want in_progress and action_overdue", rec.ImplementationStatus, rec.Flags)
		}
		if ids := w.listIDsAs(t, lcOversight, "flag=action_overdue&as_of="+lcDay(t, target, 1)); !slices.Equal(ids, []string{l.rec}) {
			t.Errorf("flag=action_overdue after the target date: %v", ids)
		}

		// --- The agency adds more evidence and claims again.
		minute()
		l.refuse(t, lcInvalid(fieldErr{"evidence", "required", ""}), lcEditor, "POST", progress,
			map[string]any{"status": "implemented_pending_verification"}, lcIfMatch(act.Version)...)
		pdf2 := lcPDF(2)
		n = w.auditTotal(t)
		res = w.upload(t, lcEditor, l.action, "attendance.pdf", "Course attendance records", pdf2)
		if res.Status != http.StatusCreated {
			t.Fatalf("second upload: %d %s", res.Status, res.Body)
		}
		var ev2 lcEvidence
		res.JSON(t, &ev2)
		w.expectAudit(t, "second upload", n, lcEvent{"evidence.added", "evidence", ev2.ID, lcEditor})
		l.step(t, "second upload", lcStep{"evidence", "", "pending", "Eddie Police"})
		minute()
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcEditor, "POST", progress, map[string]any{"status": "implemented_pending_verification"}, lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "claim again", n, lcEvent{"action.progressed", "action", l.action, lcEditor})
		if act.CompletionDate == nil || *act.CompletionDate != w.clk.today() || act.Outcome == nil || *act.Outcome != outcome {
			t.Errorf("claimed again: completion %v outcome %v; want today and the outcome already given", act.CompletionDate, act.Outcome)
		}
		l.step(t, "claim again", lcStep{"action", "in_progress", "implemented_pending_verification", "Eddie Police"})

		// --- Oversight verifies: the evidence, then the action.
		minute()
		close := map[string]any{"classification": "closed_acceptable_action", "rationale": "Training delivered and audited."}
		l.refuse(t, lcInvalid(fieldErr{"classification", "not_verified", ""}), lcOversight, "POST", l.recPath()+"/assessments", close,
			lcIfMatch(l.recommendation(t).Version)...)
		l.refuse(t, lcForbidden, lcEditor, "POST", "/api/v1/evidence/"+ev2.ID+"/review", map[string]any{"decision": "verified"})
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcOversight, "POST", "/api/v1/evidence/"+ev2.ID+"/review", map[string]any{"decision": "verified"}).JSON(t, &reviewed)
		w.expectAudit(t, "verify evidence", n, lcEvent{"evidence.reviewed", "evidence", ev2.ID, lcOversight})
		l.step(t, "verify evidence", lcStep{"evidence", "pending", "verified", "Oscar Oversight"})
		var evs struct {
			Items []lcEvidence `json:"items"`
		}
		w.get(t, lcEditor, l.actionPath()+"/evidence", &evs)
		if len(evs.Items) != 2 || evs.Items[0].Status != "rejected" || evs.Items[1].Status != "verified" {
			t.Errorf("the action's evidence: %+v", evs.Items)
		}

		verify := map[string]any{"status": "implemented_verified", "narrative": "Attendance records checked."}
		l.refuse(t, lcForbidden, lcEditor, "POST", progress, verify, lcIfMatch(act.Version)...)
		l.refuse(t, lcForbidden, lcPanel, "POST", progress, verify, lcIfMatch(act.Version)...)
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcOversight, "POST", progress, verify, lcIfMatch(act.Version)...).JSON(t, &act)
		w.expectAudit(t, "verify action", n, lcEvent{"action.progressed", "action", l.action, lcOversight})
		l.step(t, "verify action", lcStep{"action", "implemented_pending_verification", "implemented_verified", "Oscar Oversight"})
		w.get(t, lcEditor, l.recPath(), &rec)
		if rec.ImplementationStatus != "implemented_verified" {
			t.Errorf("recommendation implementation_status %s, want implemented_verified", rec.ImplementationStatus)
		}

		// --- Oversight closes it as acted upon.
		minute()
		assess := l.recPath() + "/assessments"
		v = l.recommendation(t).Version
		for _, role := range []string{lcEditor, lcPanel, lcOther} {
			l.refuse(t, lcForbidden, role, "POST", assess, close, lcIfMatch(v)...)
		}
		l.refuse(t, lcUnauthorised, lcAnon, "POST", assess, close, lcIfMatch(v)...)
		l.refuse(t, lcNoIfMatch, lcOversight, "POST", assess, close)
		stale := l.refuse(t, lcStale, lcOversight, "POST", assess, close, lcIfMatch(v-1)...)
		if d := pmDetail(t, stale); !strings.Contains(d, fmt.Sprintf("current version %d", v)) {
			t.Errorf("stale assessment: detail %q does not give the current version %d", d, v)
		}
		l.refuse(t, lcInvalid(fieldErr{"rationale", "required", "a rationale is required to close or reopen a recommendation"}), lcOversight, "POST", assess,
			map[string]any{"classification": "closed_acceptable_action"}, lcIfMatch(v)...)
		l.refuse(t, lcInvalid(fieldErr{"classification", "unknown_value", ""}), lcOversight, "POST", assess,
			map[string]any{"classification": "closed_because_we_said_so", "rationale": "x"}, lcIfMatch(v)...)
		n = w.auditTotal(t)
		r = w.must(t, http.StatusOK, lcOversight, "POST", assess, close, lcIfMatch(v)...)
		r.JSON(t, &rec)
		if r.Header.Get("ETag") != fmt.Sprintf(`"%d"`, rec.Version) || rec.Version <= v {
			t.Errorf("closed: ETag %s, version %d (was %d)", r.Header.Get("ETag"), rec.Version, v)
		}
		if rec.OversightStatus != "closed_acceptable_action" || rec.ClosedOn == nil || *rec.ClosedOn != w.clk.today() ||
			rec.ClosureRationale != close["rationale"] || len(rec.Flags) != 0 {
			t.Errorf("closed: %s on %v rationale %q flags %v", rec.OversightStatus, rec.ClosedOn, rec.ClosureRationale, rec.Flags)
		}
		w.expectAudit(t, "close", n, lcEvent{"recommendation.assessed", "recommendation", l.rec, lcOversight})
		l.step(t, "close", lcStep{"assessment", "open_unassessed", "closed_acceptable_action", "Oscar Oversight"})

		// --- Closed means settled (issue 13): the issue's attempts answer 409, say to reopen
		// first, and change nothing (refuse compares the record before and after).
		settled := problemWant{Status: http.StatusConflict, Type: "conflict", Errors: []fieldErr{{"oversight_status", "closed", ""}}}
		v = l.recommendation(t).Version
		l.refuse(t, settled, lcPanel, "PATCH", l.recPath(), map[string]any{"text": "Rewritten after closure."}, lcIfMatch(v)...)
		l.refuse(t, settled, lcEditor, "POST", l.recPath()+"/actions", map[string]any{"organisation_id": w.police, "description": "Another action."})
		r = l.refuse(t, settled, lcEditor, "POST", l.recPath()+"/responses", map[string]any{"organisation_id": w.police, "decision": "not_accepted",
			"narrative": "Changed our mind.", "reasons": "Budget."})
		if !strings.Contains(string(r.Body), "reopen it first") {
			t.Errorf("the refusal does not say what to do: %s", r.Body)
		}
		l.refuse(t, settled, lcEditor, "POST", l.actionPath()+"/progress", map[string]any{"narrative": "A note after closure."}, lcIfMatch(l.actionRecord(t).Version)...)

		// --- A later review repeats the recommendation; the panel links the two.
		w.clk.Advance(365 * 24 * time.Hour)
		later := w.newReview(t, "EV-DHR-2027-01", map[string]any{"status": "published", "published_on": w.clk.today(), "visibility": "public"})
		rec2 := w.newRecommendation(t, later, "3", w.clk.today())
		minute()
		links := "/api/v1/recommendations/" + rec2 + "/links"
		repeats := map[string]any{"type": "repeats", "target_id": l.rec, "note": "The same gap in risk assessment, again."}
		l.refuse(t, lcForbidden, lcEditor, "POST", links, repeats)
		l.refuse(t, lcForbidden, lcOther, "POST", links, repeats)
		l.refuse(t, lcUnauthorised, lcAnon, "POST", links, repeats)
		l.refuse(t, lcInvalid(fieldErr{"type", "unknown_value", ""}), lcPanel, "POST", links, map[string]any{"type": "echoes", "target_id": l.rec})
		l.refuse(t, lcInvalid(fieldErr{"target_id", "invalid", ""}), lcPanel, "POST", links, map[string]any{"type": "repeats", "target_id": rec2})
		l.refuse(t, lcInvalid(fieldErr{"target_id", "not_found", ""}), lcPanel, "POST", links, map[string]any{"type": "repeats", "target_id": unknownID})
		n = w.auditTotal(t)
		var link struct {
			ID   string `json:"id"`
			Type string `json:"type"`
			From string `json:"from_id"`
			To   string `json:"to_id"`
		}
		w.must(t, http.StatusCreated, lcPanel, "POST", links, repeats).JSON(t, &link)
		if link.Type != "repeats" || link.From != rec2 || link.To != l.rec {
			t.Errorf("link: %+v", link)
		}
		w.expectAudit(t, "link", n, lcEvent{"link.added", "recommendation_link", link.ID, lcPanel})
		l.step(t, "link", lcStep{"link", "", "repeats", "Pat Panel"})
		l.refuse(t, problemWant{Status: http.StatusConflict, Type: "conflict"}, lcOversight, "POST", links, repeats)
		for _, id := range []string{l.rec, rec2} {
			var x lcRec
			w.get(t, lcOther, "/api/v1/recommendations/"+id, &x)
			if len(x.Links) != 1 || x.Links[0].ID != link.ID || x.Links[0].From != rec2 || x.Links[0].To != l.rec || x.Links[0].Type != "repeats" {
				t.Errorf("recommendation %s links: %+v", id, x.Links)
			}
		}
		later2 := &lcLife{w: w, rec: rec2, timeline: []lcStep{{"link", "", "repeats", "Pat Panel"}}}
		later2.checkTimeline(t, "link on the later recommendation")

		// A link made in error is removed; the timeline keeps the record that it was made.
		n = w.auditTotal(t)
		var similar struct {
			ID string `json:"id"`
		}
		w.must(t, http.StatusCreated, lcOversight, "POST", links, map[string]any{"type": "similar_to", "target_id": l.rec}).JSON(t, &similar)
		w.expectAudit(t, "second link", n, lcEvent{"link.added", "recommendation_link", similar.ID, lcOversight})
		l.step(t, "second link", lcStep{"link", "", "similar_to", "Oscar Oversight"})
		l.refuse(t, lcForbidden, lcEditor, "DELETE", "/api/v1/links/"+similar.ID, nil)
		l.refuse(t, lcUnauthorised, lcAnon, "DELETE", "/api/v1/links/"+similar.ID, nil)
		l.refuse(t, lcNotFound, lcOversight, "DELETE", "/api/v1/links/"+unknownID, nil)
		n = w.auditTotal(t)
		w.must(t, http.StatusNoContent, lcOversight, "DELETE", "/api/v1/links/"+similar.ID, nil)
		w.expectAudit(t, "remove link", n, lcEvent{"link.removed", "recommendation_link", similar.ID, lcOversight})
		// Whether the timeline still shows a removed link's entry is the timeline's policy (it
		// cannot check the ends any more); everything else on it must stand as it was.
		if got := l.entries(t, lcOversight); len(got) == len(l.timeline)-1 {
			l.timeline = l.timeline[:len(l.timeline)-1]
		}
		l.checkTimeline(t, "remove link")
		w.get(t, lcEditor, l.recPath(), &rec)
		if len(rec.Links) != 1 || rec.Links[0].ID != link.ID {
			t.Errorf("after removing a link: %+v", rec.Links)
		}

		// --- Oversight reopens the first: the repeat shows the closure did not hold.
		minute()
		reopen := map[string]any{"classification": "open_unacceptable", "rationale": "Repeated by EV-DHR-2027-01: the training did not change practice."}
		v = l.recommendation(t).Version
		l.refuse(t, lcForbidden, lcEditor, "POST", assess, reopen, lcIfMatch(v)...)
		l.refuse(t, lcForbidden, lcPanel, "POST", assess, reopen, lcIfMatch(v)...)
		l.refuse(t, lcInvalid(fieldErr{"rationale", "required", "a rationale is required to close or reopen a recommendation"}), lcOversight, "POST", assess,
			map[string]any{"classification": "open_unacceptable"}, lcIfMatch(v)...)
		l.refuse(t, lcStale, lcOversight, "POST", assess, reopen, lcIfMatch(v-1)...)
		n = w.auditTotal(t)
		w.must(t, http.StatusOK, lcOversight, "POST", assess, reopen, lcIfMatch(v)...).JSON(t, &rec)
		if rec.OversightStatus != "open_unacceptable" || rec.ClosedOn != nil || rec.ClosureRationale != "" {
			t.Errorf("reopened: %s closed_on %v rationale %q", rec.OversightStatus, rec.ClosedOn, rec.ClosureRationale)
		}
		w.expectAudit(t, "reopen", n, lcEvent{"recommendation.reopened", "recommendation", l.rec, lcOversight})
		l.step(t, "reopen", lcStep{"assessment", "closed_acceptable_action", "open_unacceptable", "Oscar Oversight"})
	})
}

// Two editors of the owning agency post progress on the same action from the same version at
// the same moment: one wins, the other is told the record moved on, with its current version,
// and only the winner's update is written.
func TestActionProgressConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := lcStart(t, dialect)
		review := w.newReview(t, "EV-DHR-2026-02", map[string]any{"status": "published", "published_on": w.clk.today(), "visibility": "public"})
		l := &lcLife{w: w, rec: w.newRecommendation(t, review, "1", w.clk.today())}
		var act lcAction
		w.must(t, http.StatusCreated, lcEditor, "POST", l.recPath()+"/actions",
			map[string]any{"organisation_id": w.police, "description": "Audit DASH completion.", "target_date": lcDay(t, w.clk.today(), 30)}).JSON(t, &act)
		l.action = act.ID
		bodies := [][]map[string]any{
			{{"narrative": "Audit scoped."}, {"narrative": "Audit team named."}},
			{{"status": "planned", "narrative": "Planned."}, {"status": "in_progress", "narrative": "Started."}},
			{{"status": "in_progress", "narrative": "Under way."}, {"narrative": "A note."}},
		}
		for round, pair := range bodies {
			before := l.snapshot(t)
			v := before.actVersion
			var wg sync.WaitGroup
			start := make(chan struct{})
			results := make([]apitest.Response, 2)
			for i, role := range []string{lcEditor, lcEditor2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					results[i] = w.send(role, "POST", l.actionPath()+"/progress", pair[i], lcIfMatch(v)...)
				}()
			}
			close(start)
			wg.Wait()
			var ok, stale []int
			for i, r := range results {
				switch r.Status {
				case http.StatusOK:
					ok = append(ok, i)
				case http.StatusPreconditionFailed:
					stale = append(stale, i)
				default:
					t.Errorf("round %d: editor %d got %d: %s", round, i, r.Status, r.Body)
				}
			}
			if len(ok) != 1 || len(stale) != 1 {
				t.Fatalf("round %d: %d succeeded and %d were stale; want one of each", round, len(ok), len(stale))
			}
			var won lcAction
			if err := json.Unmarshal(results[ok[0]].Body, &won); err != nil {
				t.Fatal(err)
			}
			if won.Version != v+1 || results[ok[0]].Header.Get("ETag") != fmt.Sprintf(`"%d"`, v+1) {
				t.Errorf("round %d: the winner has version %d (ETag %s), want %d", round, won.Version, results[ok[0]].Header.Get("ETag"), v+1)
			}
			lost := results[stale[0]]
			checkProblem(t, lost, l.actionPath()+"/progress", lcStale)
			if d := pmDetail(t, lost); !strings.Contains(d, fmt.Sprintf("current version %d", v+1)) {
				t.Errorf("round %d: the loser's detail %q does not give the current version %d", round, d, v+1)
			}
			after := l.snapshot(t)
			if after.actVersion != v+1 || after.timeline != before.timeline+1 || after.audit != before.audit+1 {
				t.Errorf("round %d: before %+v after %+v; want exactly one update written", round, before, after)
			}
			wantStatus := act.ImplementationStatus
			if s, _ := pair[ok[0]]["status"].(string); s != "" {
				wantStatus = s
			}
			if a := l.actionRecord(t); string(a.ImplementationStatus) != wantStatus {
				t.Errorf("round %d: action is %s, want the winner's %s", round, a.ImplementationStatus, wantStatus)
			}
			act.ImplementationStatus = wantStatus
			tl := l.entries(t, lcEditor)
			if got, want := tl[len(tl)-1].Narrative, pair[ok[0]]["narrative"]; got != want {
				t.Errorf("round %d: the last timeline entry says %q, want the winner's %q", round, got, want)
			}
		}
	})
}
