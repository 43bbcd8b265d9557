package api_test

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 19 item 3: the specification declares the error statuses each operation can really give.
// redocly.yaml (make lint-api) states the rule for the linter; these tests hold the specification
// to it from the Go side and, more to the point, to what the running server answers.

// specOp is one operation of the specification.
type specOp struct {
	method, path string // GET, /api/v1/reviews/{id}
	op           *openapi3.Operation
	ifMatch      bool
}

func (o specOp) String() string { return o.method + " " + o.path }

func (o specOp) declares(status int) bool {
	return o.op.Responses.Value(fmt.Sprint(status)) != nil
}

func (o specOp) unsafe() bool { return o.method != http.MethodGet }

func (o specOp) readsBody() bool {
	return o.method == http.MethodPost || o.method == http.MethodPut || o.method == http.MethodPatch
}

// specOps lists every operation, sorted, so that a walk sends its requests in one order.
func specOps(t *testing.T) []specOp {
	t.Helper()
	doc := loadSpec(t)
	var out []specOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := specOp{method: strings.ToUpper(method), path: path, op: op}
			for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, p := range list {
					if p.Value != nil && p.Value.In == openapi3.ParameterInHeader && strings.EqualFold(p.Value.Name, "If-Match") {
						o.ifMatch = true
					}
				}
			}
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	if len(out) < 30 {
		t.Fatalf("the spec has only %d operations; did it load?", len(out))
	}
	return out
}

var pathParamRE = regexp.MustCompile(`\{[^}]+\}`)

// What the middleware and the handlers give, stated here independently of redocly.yaml: every
// route passes the same middleware (400 unknown query parameter, 401 bad bearer token, 500
// panic, 503 database gone while the credentials are looked up); a {parameter} can be unknown
// (404); an unsafe method can be refused (403: CSRF, roles); limitBody reads every POST, PUT and
// PATCH (413, 415); If-Match brings 409, 412 and 428; a body brings 422.
func TestSpecDeclaresTheErrorAnswersOfEveryOperation(t *testing.T) {
	for _, o := range specOps(t) {
		want := []int{400, 401, 500, 503}
		if pathParamRE.MatchString(o.path) {
			want = append(want, 404)
		}
		if o.unsafe() {
			want = append(want, 403)
		}
		if o.readsBody() {
			want = append(want, 413, 415)
		}
		if o.ifMatch {
			want = append(want, 409, 412, 428)
		}
		if o.op.RequestBody != nil {
			want = append(want, 422)
		}
		for _, status := range want {
			if !o.declares(status) {
				t.Errorf("%s does not declare %d", o, status)
			}
		}
		if o.op.Summary == "" || o.op.Description == "" {
			t.Errorf("%s needs both a summary and a description", o)
		}
		// Every error answer is a problem, but /readyz's 503, which is its Health report.
		for code, ref := range o.op.Responses.Map() {
			if code[0] != '4' && code[0] != '5' || (o.path == "/readyz" && code == "503") {
				continue
			}
			if ref.Value == nil || ref.Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s: %s is not application/problem+json", o, code)
			}
		}
	}
	for _, tag := range loadSpec(t).Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description", tag.Name)
		}
	}
}

// The server's own answers: every operation is called in ways that must fail, by every role of
// the permission matrix, with real and unknown ids, and again with the database gone; every
// status it answers must be declared, and the statuses the middleware guarantees must be the
// ones answered.
func TestSpecDeclaresWhatTheServerAnswers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		ops := specOps(t)
		undeclared := map[string][]string{}
		saw := func(o specOp, how string, status int) {
			t.Helper()
			if status >= 400 && !o.declares(status) {
				undeclared[o.String()] = append(undeclared[o.String()], fmt.Sprintf("%d (%s)", status, how))
			}
		}
		exactly := func(o specOp, how string, status, want int, body []byte) {
			t.Helper()
			if status != want {
				t.Errorf("%s %s: status %d, want %d: %.200s", o, how, status, want, body)
			}
			saw(o, how, status)
		}
		shared := w.byKey["P1-shared"]
		realIDs := map[string]string{
			"/api/v1/partnerships/": w.p["P1"], "/api/v1/organisations/": w.o["O1"], "/api/v1/reviews/": shared.id,
			"/api/v1/recommendations/": shared.rec, "/api/v1/actions/": shared.actions["O1"], "/api/v1/users/": w.users["bystander"].ID,
		}
		fill := func(o specOp, real bool) string {
			p := strings.NewReplacer("{code}", "nope").Replace(o.path)
			id := unknownID
			if real {
				for prefix, v := range realIDs {
					if strings.HasPrefix(o.path, prefix+"{id}") {
						id = v
					}
				}
			}
			return pathParamRE.ReplaceAllString(p, id)
		}
		body := func(o specOp) any {
			if o.readsBody() {
				return map[string]any{}
			}
			return nil
		}
		cookie, _ := pmLogin(t, w, w.users[pmViewer].Email)

		for _, o := range ops {
			path := fill(o, false)
			// Middleware that every route passes.
			r := w.s.Do(o.method, path+"?zz_not_a_parameter=1", body(o))
			exactly(o, "with an unknown query parameter", r.Status, http.StatusBadRequest, r.Body)
			r = w.s.Do(o.method, path, body(o), "Authorization", "Bearer not-a-token")
			exactly(o, "with a bad bearer token", r.Status, http.StatusUnauthorized, r.Body)
			if o.readsBody() {
				r = w.s.Do(o.method, path, "hello", "Content-Type", "text/plain")
				exactly(o, "with a text/plain body", r.Status, http.StatusUnsupportedMediaType, r.Body)
				big := `{"text":"` + strings.Repeat("x", 1<<20) + `"}`
				r = w.s.Do(o.method, path, big)
				exactly(o, "with a body over the limit", r.Status, http.StatusRequestEntityTooLarge, r.Body)
			}
			if o.unsafe() && o.path != "/api/v1/auth/login" {
				r = w.s.Do(o.method, path, body(o), "Cookie", "casereview_session="+cookie)
				exactly(o, "with a session and no X-CSRF-Token", r.Status, http.StatusForbidden, r.Body)
			}
			// Every role, with unknown and with real ids, no If-Match and an empty body.
			for _, role := range pmRoles {
				for _, real := range []bool{false, true} {
					r := w.send(role, o.method, fill(o, real), body(o), "")
					saw(o, fmt.Sprintf("as %s, real ids %v", role, real), r.Status)
				}
			}
		}
		// The matrix's own expectations, which TestPermissionMatrix checks against the server.
		byRoute := map[string]specOp{}
		for _, o := range ops {
			byRoute[o.String()] = o
		}
		for _, row := range pmRows(w) {
			o, ok := byRoute[row.method+" "+row.path]
			if !ok {
				t.Errorf("permission matrix row %s %s names no operation of the spec", row.method, row.path)
				continue
			}
			saw(o, "permission matrix as "+row.role+" on "+row.target, row.want)
		}
		// And with the database gone.
		if err := w.s.App.Store().Close(); err != nil {
			t.Fatal(err)
		}
		for _, o := range ops {
			for _, role := range []string{pmAnon, pmAdmin} {
				r := w.send(role, o.method, fill(o, true), body(o), "")
				saw(o, "as "+role+" with the database gone", r.Status)
				if role == pmAdmin && r.Status != http.StatusServiceUnavailable {
					t.Errorf("%s as admin with the database gone: status %d, want 503: %.200s", o, r.Status, r.Body)
				}
			}
		}
		var lines []string
		for op, statuses := range undeclared {
			lines = append(lines, op+": "+strings.Join(uniq(statuses), ", "))
		}
		sort.Strings(lines)
		if len(lines) > 0 {
			t.Errorf("statuses the server answered that openapi.yaml does not declare:\n  %s", strings.Join(lines, "\n  "))
		}
	})
}

func uniq(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		code := strings.SplitN(s, " ", 2)[0]
		if !seen[code] {
			seen[code] = true
			out = append(out, s)
		}
	}
	return out
}
