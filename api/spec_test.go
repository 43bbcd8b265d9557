package api_test

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

func loadSpec(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.Spec())
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	return doc
}

func TestSpecIsValidOpenAPI(t *testing.T) {
	doc := loadSpec(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q, want 3.x", doc.OpenAPI)
	}
}

// Every operation carries an operationId (the generated server is named from them), and every
// error response is a problem.
func TestSpecOperationsAreNamedAndErrorsAreProblems(t *testing.T) {
	doc := loadSpec(t)
	seen := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", where)
			} else if other, dup := seen[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %s", where, other, op.OperationID)
			}
			seen[op.OperationID] = where
			for code, ref := range op.Responses.Map() {
				if code[0] != '4' {
					continue
				}
				if ref.Value == nil || ref.Value.Content.Get("application/problem+json") == nil {
					t.Errorf("%s: response %s is not application/problem+json", where, code)
				}
			}
		}
	}
}

var specParam = regexp.MustCompile(`\{([^}/]+)\}`)

// specRoutes lists "METHOD /path" for every operation, with {param} written the gin way.
func specRoutes(t *testing.T) map[string]bool {
	doc := loadSpec(t)
	out := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out[strings.ToUpper(method)+" "+specParam.ReplaceAllString(path, ":$1")] = true
		}
	}
	return out
}

func TestRoutesMatchTheSpec(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		engine, ok := s.App.APIHandler().(*gin.Engine)
		if !ok {
			t.Fatalf("app.APIHandler() is %T, not *gin.Engine", s.App.APIHandler())
		}
		spec := specRoutes(t)
		if len(spec) < 30 {
			t.Fatalf("the spec has only %d operations; did it load?", len(spec))
		}
		// HEAD mirrors every GET (HTTP's rule, stated in docs/api.md) and the spec, as is usual,
		// leaves it implied: a HEAD route is documented by its GET, and every GET has one.
		routed, heads := map[string]bool{}, map[string]bool{}
		for _, r := range engine.Routes() {
			if r.Method == http.MethodHead {
				heads[r.Path] = true
				if !spec["GET "+r.Path] {
					t.Errorf("HEAD %s has no GET in openapi.yaml", r.Path)
				}
				continue
			}
			routed[r.Method+" "+r.Path] = true
		}
		for r := range spec {
			if path, ok := strings.CutPrefix(r, "GET "); ok && !heads[path] {
				t.Errorf("GET %s does not answer HEAD", path)
			}
		}
		var missing, undocumented []string
		for r := range spec {
			if !routed[r] {
				missing = append(missing, r)
			}
		}
		for r := range routed {
			if !spec[r] {
				undocumented = append(undocumented, r)
			}
		}
		sort.Strings(missing)
		sort.Strings(undocumented)
		if len(missing) > 0 {
			t.Errorf("operations in openapi.yaml with no route:\n  %s", strings.Join(missing, "\n  "))
		}
		if len(undocumented) > 0 {
			t.Errorf("routes missing from openapi.yaml:\n  %s", strings.Join(undocumented, "\n  "))
		}
		// And every spec operation really answers through the router (not the 404/405 fallbacks).
		for r := range spec {
			method, path, _ := strings.Cut(r, " ")
			path = strings.NewReplacer(":id", unknownID, ":code", "nope").Replace(path)
			var body any
			if method == "POST" || method == "PATCH" {
				body = "{}"
			}
			resp := s.Do(method, path, body)
			if resp.Status == http.StatusMethodNotAllowed || (resp.Status == http.StatusNotFound && strings.Contains(string(resp.Body), "no such endpoint")) {
				t.Errorf("%s: answered by the fallback (%d): %s", r, resp.Status, resp.Body)
			}
		}
	})
}

func TestServedSpecIsTheEmbeddedSpec(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		r := do(t, s, http.StatusOK, "GET", "/api/v1/openapi.yaml", nil)
		if !bytes.Equal(r.Body, api.Spec()) {
			t.Errorf("GET /api/v1/openapi.yaml served %d bytes that differ from api.Spec() (%d bytes)", len(r.Body), len(api.Spec()))
		}
		if len(api.Spec()) < 1000 || !bytes.HasPrefix(api.Spec(), []byte("openapi: 3")) {
			t.Errorf("api.Spec() does not look like the OpenAPI document: %.40q", api.Spec())
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/yaml" {
			t.Errorf("Content-Type %q, want application/yaml", ct)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
	})
}

// Every create answers 201 with a Location naming what it made (issue 19 item 3: six
// sub-resource creates had none).
func TestSpecCreatesDeclareLocation(t *testing.T) {
	doc := loadSpec(t)
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ref := op.Responses.Value("201")
			if ref == nil || ref.Value == nil {
				continue
			}
			if ref.Value.Headers["Location"] == nil {
				t.Errorf("%s %s answers 201 without declaring a Location header", method, path)
			}
		}
	}
}
