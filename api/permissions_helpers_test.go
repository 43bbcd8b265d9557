package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// The world the permission matrix runs in (DESIGN §1, §7, §9): two partnerships, two
// organisations, five reviews (P1 restricted, shared and public; P2 restricted and shared), each
// with one recommendation addressed to both organisations and one action owned by each, and a
// user per role signed in with an API token. P2 lets its viewers read its restricted reviews
// (viewers_see_restricted); P1 keeps the default, so the two partnership viewers cover the
// setting off and on. Everything is set up as the system, through the store of a server whose
// callers without credentials are anonymous, as in a deployment.

// The roles of the matrix. Anonymous sends no credentials.
const (
	pmAnon      = "anonymous"
	pmAdmin     = "admin"
	pmOversight = "oversight"
	pmPanel     = "panel-P1"
	pmEditor    = "editor-O1"
	pmViewer    = "viewer"    // system-wide
	pmViewerP1  = "viewer-P1" // P1 keeps its restricted reviews from its viewers (the default)
	pmViewerP2  = "viewer-P2" // P2 lets its viewers read its restricted reviews
	pmMulti     = "panel-P1+editor-O2"
)

var pmRoles = []string{pmAnon, pmAdmin, pmOversight, pmPanel, pmEditor, pmViewer, pmViewerP1, pmViewerP2, pmMulti}

// pmPassword is every matrix user's password. Hashing costs tens of milliseconds, so it is
// hashed once per test binary and the hash reused for every user.
const pmPassword = "granite heron velvet compass"

var (
	pmHashMu sync.Mutex
	pmHash   string
)

func pmPasswordHash(t *testing.T, s *apitest.Server) string {
	t.Helper()
	pmHashMu.Lock()
	defer pmHashMu.Unlock()
	if pmHash == "" {
		h, err := s.App.Auth().NewPasswordHash(pmPassword)
		if err != nil {
			t.Fatalf("hash password: %v", err)
		}
		pmHash = h
	}
	return pmHash
}

// pmReview is one fixture review with its recommendation and the actions of O1 and O2.
type pmReview struct {
	key         string // "P1-restricted"…
	partnership string // "P1" or "P2"
	vis         casereview.Visibility
	id, rec     string
	actions     map[string]string // "O1", "O2" -> action id
}

// pmReviewConfigs are the fixture reviews, in the order rows are generated.
var pmReviewConfigs = []struct {
	key, partnership string
	vis              casereview.Visibility
}{
	{"P1-restricted", "P1", casereview.VisibilityRestricted},
	{"P1-shared", "P1", casereview.VisibilityShared},
	{"P1-public", "P1", casereview.VisibilityPublic},
	{"P2-restricted", "P2", casereview.VisibilityRestricted},
	{"P2-shared", "P2", casereview.VisibilityShared},
}

type pmWorld struct {
	s       *apitest.Server
	st      *store.Store
	ctx     context.Context // the system
	p, o    map[string]string
	reviews []*pmReview
	byKey   map[string]*pmReview
	users   map[string]casereview.User // by role, plus "bystander"
	tokens  map[string]string          // bearer token by role
	files   map[string]string          // an uploaded file's evidence id by review key, made on first use
	seq     int
	// Fresh records handed on between refused rows (fresh), and the state query (state).
	depth        int
	replay, made [][]string
	stateSQL     [2]*sql.Stmt
}

func pmStart(t *testing.T, dialect string) *pmWorld {
	t.Helper()
	s := apitest.Start(t, dialect, apitest.Options{Anonymous: true})
	w := &pmWorld{s: s, st: s.App.Store(), ctx: casereview.WithActor(context.Background(), casereview.System),
		p: map[string]string{}, o: map[string]string{}, byKey: map[string]*pmReview{},
		users: map[string]casereview.User{}, tokens: map[string]string{}, files: map[string]string{}}
	for _, k := range []string{"P1", "P2"} {
		p, err := w.st.CreatePartnership(w.ctx, casereview.PartnershipDraft{Name: "Matrix partnership " + k, Kind: "community_safety_partnership",
			ViewersSeeRestricted: k == "P2"})
		pmOK(t, err, "create partnership")
		w.p[k] = p.ID
	}
	for k, sector := range map[string]casereview.Sector{"O1": "police", "O2": "nhs_trust"} {
		o, err := w.st.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: "Matrix organisation " + k, Sector: sector})
		pmOK(t, err, "create organisation")
		w.o[k] = o.ID
	}
	for _, c := range pmReviewConfigs {
		r := &pmReview{key: c.key, partnership: c.partnership, vis: c.vis, actions: map[string]string{}}
		r.id = w.freshReview(t, c.partnership, c.vis)
		r.rec = w.freshRecommendation(t, r.id)
		for _, org := range []string{"O1", "O2"} {
			r.actions[org] = w.freshAction(t, r.rec, org)
		}
		w.reviews = append(w.reviews, r)
		w.byKey[c.key] = r
	}
	memberships := map[string][]casereview.MembershipDraft{
		pmAdmin:     {{Role: casereview.RoleAdmin}},
		pmOversight: {{Role: casereview.RoleOversight}},
		pmPanel:     {{Role: casereview.RolePanel, PartnershipID: w.p["P1"]}},
		pmEditor:    {{Role: casereview.RoleAgencyEditor, OrganisationID: w.o["O1"]}},
		pmViewer:    {{Role: casereview.RoleViewer}},
		pmViewerP1:  {{Role: casereview.RoleViewer, PartnershipID: w.p["P1"]}},
		pmViewerP2:  {{Role: casereview.RoleViewer, PartnershipID: w.p["P2"]}},
		pmMulti:     {{Role: casereview.RolePanel, PartnershipID: w.p["P1"]}, {Role: casereview.RoleAgencyEditor, OrganisationID: w.o["O2"]}},
		"bystander": {{Role: casereview.RoleViewer}},
	}
	hash := pmPasswordHash(t, s)
	for role, ms := range memberships {
		email := strings.NewReplacer("+", "-").Replace(strings.ToLower(role)) + "@matrix.example.org"
		u, err := w.st.CreateUser(w.ctx, casereview.UserDraft{Email: email, DisplayName: "Matrix " + role}, hash)
		pmOK(t, err, "create user "+role)
		for _, m := range ms {
			u, err = w.st.AddMembership(w.ctx, u.ID, m)
			pmOK(t, err, "add membership to "+role)
		}
		w.users[role] = u
		if role != "bystander" {
			tok, _ := w.freshToken(t, role)
			w.tokens[role] = tok
		}
	}
	w.prepareState(t)
	return w
}

func pmOK(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func (w *pmWorld) next() int { w.seq++; return w.seq }

// Fresh records, made as the system, for rows whose act would otherwise change the world.
//
// A refused write changes nothing (checkWrite proves it), so the records one refused row was
// given are as good as new for the next refused row of the same operation and target: the
// matrix records what each refused row made and hands it on (replay), rather than making more.
// Only the outermost fresh call counts, so a record made inside another is not handed out alone.
func (w *pmWorld) fresh(make func() []string) []string {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth == 1 && len(w.replay) > 0 {
		v := w.replay[0]
		w.replay = w.replay[1:]
		return v
	}
	v := make()
	if w.depth == 1 {
		w.made = append(w.made, v)
	}
	return v
}

func (w *pmWorld) fresh1(make func() string) string {
	return w.fresh(func() []string { return []string{make()} })[0]
}

func (w *pmWorld) freshPartnership(t *testing.T) string {
	return w.fresh1(func() string {
		p, err := w.st.CreatePartnership(w.ctx, casereview.PartnershipDraft{Name: fmt.Sprintf("Fresh partnership %d", w.next()), Kind: "other"})
		pmOK(t, err, "create fresh partnership")
		return p.ID
	})
}

func (w *pmWorld) freshOrganisation(t *testing.T) string {
	return w.fresh1(func() string {
		o, err := w.st.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: fmt.Sprintf("Fresh organisation %d", w.next()), Sector: "other"})
		pmOK(t, err, "create fresh organisation")
		return o.ID
	})
}

func (w *pmWorld) freshReview(t *testing.T, partnership string, vis casereview.Visibility) string {
	return w.fresh1(func() string {
		n := w.next()
		d := casereview.ReviewDraft{Type: "DHR", PartnershipID: w.p[partnership], Reference: fmt.Sprintf("MX-%s-%d", partnership, n),
			Title: fmt.Sprintf("Adult %d", n), Status: casereview.ReviewCommissioned, Visibility: vis}
		if vis == casereview.VisibilityPublic {
			published := casereview.MustDate("2025-06-01")
			d.Status, d.PublishedOn = casereview.ReviewPublished, &published
		}
		r, err := w.st.CreateReview(w.ctx, d)
		pmOK(t, err, "create review")
		return r.ID
	})
}

func (w *pmWorld) freshRecommendation(t *testing.T, reviewID string) string {
	return w.freshRecommendationTo(t, reviewID, "O1", "O2")
}

// freshRecommendationTo returns a new recommendation of the review addressed to orgs alone, each
// as lead.
func (w *pmWorld) freshRecommendationTo(t *testing.T, reviewID string, orgs ...string) string {
	return w.fresh1(func() string {
		var as []casereview.AddresseeDraft
		for _, org := range orgs {
			as = append(as, casereview.AddresseeDraft{OrganisationID: w.o[org], Role: casereview.RoleLead})
		}
		r, err := w.st.CreateRecommendation(w.ctx, casereview.RecommendationDraft{ReviewID: reviewID, Number: strconv.Itoa(w.next()),
			Title: "Referral pathway", Text: "Review the referral pathway between the agencies.", Scope: "local", Addressees: as})
		pmOK(t, err, "create recommendation")
		return r.ID
	})
}

func (w *pmWorld) freshAction(t *testing.T, recID, org string) string {
	return w.fresh1(func() string {
		a, err := w.st.CreateAction(w.ctx, casereview.ActionDraft{RecommendationID: recID, OrganisationID: w.o[org],
			Description: "Action owned by " + org, Owner: "Safeguarding lead"})
		pmOK(t, err, "create action")
		return a.ID
	})
}

// pmEvidenceFile is the document the matrix uploads as evidence.
var pmEvidenceFile = []byte("Minutes of the multi-agency safeguarding meeting.\n")

// freshEvidence attaches a new uploaded file, awaiting review, to the action.
func (w *pmWorld) freshEvidence(t *testing.T, actionID string) string {
	return w.fresh1(func() string {
		e, err := w.st.AddEvidence(w.ctx, actionID, casereview.EvidenceDraft{Title: fmt.Sprintf("Minutes %d", w.next()),
			EvidenceType: "minutes", Filename: "minutes.txt", Content: pmEvidenceFile})
		pmOK(t, err, "add evidence")
		return e.ID
	})
}

// freshVerifiedEvidence is freshEvidence already verified, so that a further review conflicts.
func (w *pmWorld) freshVerifiedEvidence(t *testing.T, actionID string) string {
	return w.fresh1(func() string {
		id := w.freshEvidence(t, actionID)
		_, err := w.st.ReviewEvidence(w.ctx, id, casereview.EvidenceVerified, "")
		pmOK(t, err, "verify evidence")
		return id
	})
}

// freshEvidenceBy attaches a new uploaded file, awaiting review, to the action as the user of
// role, who may then withdraw it.
func (w *pmWorld) freshEvidenceBy(t *testing.T, role, actionID string) string {
	u := w.users[role]
	ctx := casereview.WithActor(context.Background(), casereview.Actor{UserID: u.ID, Name: u.DisplayName, Memberships: u.Memberships})
	e, err := w.st.AddEvidence(ctx, actionID, casereview.EvidenceDraft{Title: fmt.Sprintf("Minutes %d", w.next()),
		EvidenceType: "minutes", Filename: "minutes.txt", Content: pmEvidenceFile})
	pmOK(t, err, "add evidence as "+role)
	return e.ID
}

// freshVerifiedEvidenceBy is freshEvidenceBy already verified, so that a withdrawal conflicts.
func (w *pmWorld) freshVerifiedEvidenceBy(t *testing.T, role, actionID string) string {
	id := w.freshEvidenceBy(t, role, actionID)
	_, err := w.st.ReviewEvidence(w.ctx, id, casereview.EvidenceVerified, "")
	pmOK(t, err, "verify evidence")
	return id
}

// withdrawnOf returns an uploaded file of review r's O1 action that its uploader (the O1 editor)
// withdrew, made on first use.
func (w *pmWorld) withdrawnOf(t *testing.T, r *pmReview) string {
	key := r.key + " withdrawn"
	if w.files[key] == "" {
		id := w.freshEvidenceBy(t, pmEditor, w.freshAction(t, r.rec, "O1"))
		u := w.users[pmEditor]
		ctx := casereview.WithActor(context.Background(), casereview.Actor{UserID: u.ID, Name: u.DisplayName, Memberships: u.Memberships})
		pmOK(t, w.st.WithdrawEvidence(ctx, id, "Uploaded the wrong file."), "withdraw evidence")
		w.files[key] = id
	}
	return w.files[key]
}

// fileOf returns the uploaded file of review r's O1 action, attached on first use, so that the
// world as the lists see it holds no evidence.
func (w *pmWorld) fileOf(t *testing.T, r *pmReview) string {
	if w.files[r.key] == "" {
		w.files[r.key] = w.freshEvidence(t, r.actions["O1"])
	}
	return w.files[r.key]
}

// freshLink links two recommendations ("from similar_to to") and returns the link's id.
func (w *pmWorld) freshLink(t *testing.T, from, to string) string {
	return w.fresh1(func() string {
		l, err := w.st.AddLink(w.ctx, from, casereview.LinkDraft{Type: "similar_to", TargetID: to, Note: "Made by the matrix"})
		pmOK(t, err, "add link")
		return l.ID
	})
}

// freshClaim returns a new action of org, with evidence and an outcome, claimed as implemented
// and awaiting oversight's verification.
func (w *pmWorld) freshClaim(t *testing.T, recID, org string) string {
	return w.fresh1(func() string {
		outcome := "Training delivered to every duty officer"
		a, err := w.st.CreateAction(w.ctx, casereview.ActionDraft{RecommendationID: recID, OrganisationID: w.o[org],
			Description: "Action claimed by " + org, Owner: "Safeguarding lead", Outcome: &outcome})
		pmOK(t, err, "create action")
		w.freshEvidence(t, a.ID)
		for _, s := range []casereview.ImplementationStatus{casereview.ImplInProgress, casereview.ImplPending} {
			a, err = w.st.ProgressAction(w.ctx, a.ID, a.Version, casereview.ActionProgress{Status: s, Narrative: "Moved on by the matrix"})
			pmOK(t, err, "move action to "+string(s))
		}
		return a.ID
	})
}

// freshOverdue returns a new recommendation of the review, addressed to O1 alone, whose response
// and O1-owned action are both overdue as of pmWorkAsOf.
func (w *pmWorld) freshOverdue(t *testing.T, reviewID string) string {
	notified, target := casereview.MustDate("2026-01-05"), casereview.MustDate("2026-02-01")
	r, err := w.st.CreateRecommendation(w.ctx, casereview.RecommendationDraft{ReviewID: reviewID, Number: strconv.Itoa(w.next()),
		Title: "Overdue pathway", Text: "Agencies should agree a referral pathway.", Scope: "local",
		Addressees: []casereview.AddresseeDraft{{OrganisationID: w.o["O1"], Role: casereview.RoleLead, NotifiedOn: &notified}}})
	pmOK(t, err, "create overdue recommendation")
	a, err := w.st.CreateAction(w.ctx, casereview.ActionDraft{RecommendationID: r.ID, OrganisationID: w.o["O1"],
		Description: "Overdue action", Owner: "Safeguarding lead", TargetDate: &target})
	pmOK(t, err, "create overdue action")
	w.freshEvidence(t, a.ID)
	return r.ID
}

// freshUser returns a new user with one viewer membership, and that membership's id.
func (w *pmWorld) freshUser(t *testing.T) (string, string) {
	v := w.fresh(func() []string {
		u, err := w.st.CreateUser(w.ctx, casereview.UserDraft{Email: fmt.Sprintf("fresh%d@matrix.example.org", w.next()), DisplayName: "Fresh user"}, "")
		pmOK(t, err, "create fresh user")
		u, err = w.st.AddMembership(w.ctx, u.ID, casereview.MembershipDraft{Role: casereview.RoleViewer, PartnershipID: w.p["P2"]})
		pmOK(t, err, "add fresh membership")
		return []string{u.ID, u.Memberships[0].ID}
	})
	return v[0], v[1]
}

// freshToken makes an API token for the user of role and returns the secret and its id.
func (w *pmWorld) freshToken(t *testing.T, role string) (string, string) {
	v := w.fresh(func() []string {
		secret, tok, err := w.s.IssueToken(context.Background(), w.users[role], fmt.Sprintf("matrix %d", w.next()))
		pmOK(t, err, "create token for "+role)
		return []string{secret, tok.ID}
	})
	return v[0], v[1]
}

// pmTag is the ETag of version v.
func pmTag(v int) string { return `"` + strconv.Itoa(v) + `"` }

// Current versions, read as the system, for If-Match.

func (w *pmWorld) reviewTag(t *testing.T, id string) (string, casereview.Review) {
	r, err := w.st.GetReview(w.ctx, id)
	pmOK(t, err, "get review")
	return pmTag(r.Version), r
}

func (w *pmWorld) recommendationTag(t *testing.T, id string) (string, casereview.Recommendation) {
	r, err := w.st.GetRecommendation(w.ctx, id)
	pmOK(t, err, "get recommendation")
	return pmTag(r.Version), r
}

func (w *pmWorld) actionTag(t *testing.T, id string) (string, casereview.Action) {
	a, err := w.st.GetAction(w.ctx, id)
	pmOK(t, err, "get action")
	return pmTag(a.Version), a
}

// send makes a request as role: with its API token, or with no credentials when anonymous.
func (w *pmWorld) send(role, method, path string, body any, ifMatch string) apitest.Response {
	var h []string
	if tok := w.tokens[role]; tok != "" {
		h = append(h, "Authorization", "Bearer "+tok)
	}
	if ifMatch != "" {
		h = append(h, "If-Match", ifMatch)
	}
	if m, ok := body.(pmMultipart); ok {
		h = append(h, "Content-Type", m.ctype)
		body = m.data
	}
	if body == nil && method == http.MethodPost {
		// The server insists on a JSON content type for every POST, even one without a body.
		h = append(h, "Content-Type", "application/json")
	}
	return w.s.Do(method, path, body, h...)
}

// list returns the ids and the total of a list endpoint as role.
func (w *pmWorld) list(t *testing.T, role, path string) ([]string, int64) {
	t.Helper()
	r := w.send(role, "GET", path, nil, "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s as %s: status %d: %s", path, role, r.Status, r.Body)
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	if err := json.Unmarshal(r.Body, &page); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, r.Body)
	}
	ids := make([]string, len(page.Items))
	for i, it := range page.Items {
		ids[i] = it.ID
	}
	sort.Strings(ids)
	return ids, page.Total
}

// pmDetail returns the detail of a problem response.
func pmDetail(t *testing.T, r apitest.Response) string {
	t.Helper()
	var p struct {
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("not a problem: %s", r.Body)
	}
	return p.Detail
}

// pmSearchPage is the part of a GET /api/v1/search answer the matrix looks at.
type pmSearchPage struct {
	Items []struct {
		Recommendation struct {
			ID string `json:"id"`
		} `json:"recommendation"`
	} `json:"items"`
	Total  int64  `json:"total"`
	Source string `json:"source"`
	Facets []struct {
		Name   string `json:"name"`
		Values []struct {
			Value string `json:"value"`
			Label string `json:"label"`
			Count int    `json:"count"`
		} `json:"values"`
	} `json:"facets"`
}

// ids returns the recommendation ids of the page, sorted.
func (p pmSearchPage) ids() []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.Recommendation.ID)
	}
	sort.Strings(out)
	return out
}

// facet returns value -> count of the named facet.
func (p pmSearchPage) facet(name string) map[string]int {
	out := map[string]int{}
	for _, f := range p.Facets {
		if f.Name == name {
			for _, v := range f.Values {
				out[v.Value] = v.Count
			}
		}
	}
	return out
}

// search runs GET path (an /api/v1/search URL) as role and decodes the page.
func (w *pmWorld) search(t *testing.T, role, path string) pmSearchPage {
	t.Helper()
	r := w.send(role, "GET", path, nil, "")
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s as %s: status %d: %s", path, role, r.Status, r.Body)
	}
	var p pmSearchPage
	r.JSON(t, &p)
	return p
}

// awaitIndex waits until the search index, which follows the journal in the background, answers
// and holds every fixture recommendation: the world is made through the store, so no write
// waited for the index (read-your-writes is the API's).
func (w *pmWorld) awaitIndex(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := w.send(pmAdmin, "GET", "/api/v1/search?facets=none&limit=100", nil, "")
		var p pmSearchPage
		if r.Status == http.StatusOK {
			r.JSON(t, &p)
			if p.Total == int64(len(w.reviews)) && p.Source == "index" {
				return
			}
		} else if r.Status != http.StatusServiceUnavailable {
			t.Fatalf("GET /api/v1/search as admin: status %d: %s", r.Status, r.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the search index did not catch up with the fixture: status %d: %s", r.Status, r.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// pmPending is a read row whose request is built, waiting to be sent.
type pmPending struct {
	r pmRow
	q pmReq
}

func (r pmRow) where() string {
	return fmt.Sprintf("%s %s as %s on %s", r.method, r.path, r.role, r.target)
}

// pmCheckResponse checks a row's status and the headers of its refusal; it reports whether the
// status was the one wanted.
func pmCheckResponse(t *testing.T, where string, r pmRow, res apitest.Response) bool {
	if res.Status != r.want {
		t.Errorf("%s: status %d, want %d: %s", where, res.Status, r.want, res.Body)
		return false
	}
	if r.want >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != problemType {
			t.Errorf("%s: Content-Type %q, want %q", where, ct, problemType)
		}
	}
	if r.want == http.StatusUnauthorized && res.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s: 401 without WWW-Authenticate", where)
	}
	return true
}

// pmReadWorkers is how many read rows are in flight at once: they mostly wait on the database,
// so more than the cores.
const pmReadWorkers = 8

// pmSendReads sends the read rows side by side, after every write, and checks each as the
// writes are checked (pmCheckResponse). Nothing here changes the world: reads only read it.
func pmSendReads(t *testing.T, w *pmWorld, reads []pmPending) {
	next := make(chan pmPending)
	var wg sync.WaitGroup
	for range pmReadWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range next {
				res := w.send(p.r.role, p.r.method, p.q.path, p.q.body, p.q.ifMatch)
				pmCheckResponse(t, p.r.where(), p.r, res)
			}
		}()
	}
	for _, p := range reads {
		next <- p
	}
	close(next)
	wg.Wait()
}

// freshSavedSearch makes a saved search of role's user.
func (w *pmWorld) freshSavedSearch(t *testing.T, role string) string {
	x, err := w.st.SaveSearch(casereview.WithActor(w.ctx, w.users[role].Actor()), fmt.Sprintf("Saved %d", w.next()), "q=training", false)
	pmOK(t, err, "save a search")
	return x.ID
}

// follow makes role's user follow a recommendation or review.
func (w *pmWorld) follow(t *testing.T, role string, typ casereview.FollowSubject, id string) {
	_, err := w.st.SetFollowing(casereview.WithActor(w.ctx, w.users[role].Actor()), typ, id, true)
	pmOK(t, err, "follow")
}
