package api_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/migrations"
)

// Helpers shared by the API tests. They take the running test explicitly (rather than using
// apitest.Server.Must, which fails the test the server was started for) so that table-driven
// subtests report against themselves.

const (
	problemType = "application/problem+json"
	jsonType    = "application/json"
	// unknownID is a well-formed id that no record has.
	unknownID = "0190f0e4-0000-7000-8000-000000000000"
)

var generatedRequestID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// do sends a request and fails t unless the status is want.
func do(t *testing.T, s *apitest.Server, want int, method, path string, body any, headers ...string) apitest.Response {
	t.Helper()
	r := s.Do(method, path, body, headers...)
	if r.Status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// decode decodes a JSON object, failing t when the body is not one.
func decode(t *testing.T, r apitest.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object (%v): %s", err, r.Body)
	}
	return m
}

// fieldErr is one entry of a problem's errors list; Message is compared only when not empty.
type fieldErr struct{ Field, Code, Message string }

// problemWant describes the problem a request must produce. Type is the domain code
// ("invalid", "not_found"…) or "" for about:blank; Detail is compared only when not empty.
type problemWant struct {
	Status int
	Type   string
	Detail string
	Errors []fieldErr
}

// checkProblem asserts that r is exactly the RFC 9457 problem described by w: content type,
// every member (and no others), the request id matching the header, and the errors list in
// order.
func checkProblem(t *testing.T, r apitest.Response, path string, w problemWant) {
	t.Helper()
	if r.Status != w.Status {
		t.Fatalf("%s: status %d, want %d: %s", path, r.Status, w.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != problemType {
		t.Errorf("%s: Content-Type %q, want %q", path, ct, problemType)
	}
	var p struct {
		Type      string `json:"type"`
		Title     string `json:"title"`
		Status    int    `json:"status"`
		Detail    string `json:"detail"`
		Instance  string `json:"instance"`
		RequestID string `json:"request_id"`
		Errors    []struct {
			Field   string `json:"field"`
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	dec := json.NewDecoder(strings.NewReader(string(r.Body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("%s: problem does not have the documented shape (%v): %s", path, err, r.Body)
	}
	wantType := "about:blank"
	if w.Type != "" {
		wantType = "urn:casereview:problem:" + w.Type
	}
	if p.Type != wantType {
		t.Errorf("%s: type %q, want %q", path, p.Type, wantType)
	}
	if p.Title != http.StatusText(w.Status) || p.Status != w.Status {
		t.Errorf("%s: title %q status %d, want %q %d", path, p.Title, p.Status, http.StatusText(w.Status), w.Status)
	}
	if p.Detail == "" || (w.Detail != "" && p.Detail != w.Detail) {
		t.Errorf("%s: detail %q, want %q", path, p.Detail, w.Detail)
	}
	if want, _ := url.PathUnescape(strings.SplitN(path, "?", 2)[0]); p.Instance != want {
		t.Errorf("%s: instance %q, want %q", path, p.Instance, want)
	}
	if p.RequestID == "" || p.RequestID != r.Header.Get("X-Request-Id") {
		t.Errorf("%s: request_id %q, X-Request-Id header %q", path, p.RequestID, r.Header.Get("X-Request-Id"))
	}
	got := make([]fieldErr, len(p.Errors))
	for i, e := range p.Errors {
		if e.Message == "" {
			t.Errorf("%s: errors[%d] (%s) has no message", path, i, e.Field)
		}
		got[i] = fieldErr{e.Field, e.Code, e.Message}
		if i < len(w.Errors) && w.Errors[i].Message == "" {
			got[i].Message = ""
		}
	}
	if len(got) == 0 {
		got = nil
	}
	if !reflect.DeepEqual(got, w.Errors) {
		t.Errorf("%s: errors\n got %+v\nwant %+v", path, got, w.Errors)
	}
}

// total returns the total of a list endpoint.
func total(t *testing.T, s *apitest.Server, path string) int64 {
	t.Helper()
	var page struct {
		Total *int64 `json:"total"`
	}
	r := do(t, s, http.StatusOK, "GET", path, nil)
	if err := json.Unmarshal(r.Body, &page); err != nil || page.Total == nil {
		t.Fatalf("GET %s: no total (%v): %s", path, err, r.Body)
	}
	return *page.Total
}

// counts are the totals of every list, to prove that a rejected write changed nothing.
type counts map[string]int64

var lists = []string{"partnerships", "organisations", "reviews", "recommendations", "actions"}

func countAll(t *testing.T, s *apitest.Server) counts {
	t.Helper()
	c := counts{}
	for _, l := range lists {
		c[l] = total(t, s, "/api/v1/"+l)
	}
	return c
}

func (c counts) same(t *testing.T, s *apitest.Server, what string) {
	t.Helper()
	if now := countAll(t, s); !reflect.DeepEqual(now, c) {
		t.Errorf("%s: a rejected write changed the data: before %v, after %v", what, c, now)
	}
}

// create posts body and returns the new record, checking the 201 conventions: Location names
// the record, ETag is its version 1.
func create(t *testing.T, s *apitest.Server, collection string, body any) map[string]any {
	t.Helper()
	path := "/api/v1/" + collection
	r := do(t, s, http.StatusCreated, "POST", path, body)
	m := decode(t, r)
	id, _ := m["id"].(string)
	if id == "" {
		t.Fatalf("POST %s: no id: %s", path, r.Body)
	}
	if strings.HasSuffix(collection, "/actions") {
		path = "/api/v1/actions"
	}
	if loc := r.Header.Get("Location"); loc != path+"/"+id {
		t.Errorf("POST %s: Location %q, want %q", collection, loc, path+"/"+id)
	}
	if tag := r.Header.Get("ETag"); tag != `"1"` {
		t.Errorf("POST %s: ETag %q, want \"1\"", collection, tag)
	}
	if ct := r.Header.Get("Content-Type"); ct != jsonType {
		t.Errorf("POST %s: Content-Type %q", collection, ct)
	}
	return m
}

func idOf(m map[string]any) string { return m["id"].(string) }

// fixture is a small world most tests start from.
type fixture struct {
	Partnership, Police, Health, Review string
}

func newFixture(t *testing.T, s *apitest.Server) fixture {
	t.Helper()
	var f fixture
	f.Partnership = idOf(create(t, s, "partnerships", map[string]any{"name": "Westmarch Community Safety Partnership", "kind": "community_safety_partnership"}))
	f.Police = idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch Police", "sector": "police"}))
	f.Health = idOf(create(t, s, "organisations", map[string]any{"name": "Westmarch NHS Trust", "sector": "nhs_trust"}))
	f.Review = idOf(create(t, s, "reviews", map[string]any{"type": "DHR", "partnership_id": f.Partnership,
		"reference": "WM-DHR-2025-01", "title": "Adult A"}))
	return f
}

// etagOf reads a record and returns its ETag.
func etagOf(t *testing.T, s *apitest.Server, path string) string {
	t.Helper()
	tag := do(t, s, http.StatusOK, "GET", path, nil).Header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	return tag
}

// schemaVersion is the highest migration number embedded for dialect.
func schemaVersion(t *testing.T, dialect string) float64 {
	t.Helper()
	fsys, err := migrations.FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	highest := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(strings.SplitN(e.Name(), "_", 2)[0]); err == nil && n > highest {
			highest = n
		}
	}
	if highest == 0 {
		t.Fatalf("no migrations for %s", dialect)
	}
	return float64(highest)
}

func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return string(b)
}
