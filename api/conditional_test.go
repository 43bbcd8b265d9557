package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 19 item 3, "the API's small lies": HEAD on reads, If-None-Match → 304, the current ETag
// on a 412, 201 + Location on every create (each Location readable), and the actions of one
// recommendation at GET /recommendations/{id}/actions.
func TestHTTPConditionalsAndCreates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		f := newFixture(t, s)
		rec := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "1", "scope": "local",
			"text": "Share referrals within a day.", "addressees": []map[string]any{{"organisation_id": f.Police, "role": "lead"}}}))
		path := "/api/v1/recommendations/" + rec

		// HEAD: the GET's status and headers, over a real connection with no body.
		srv := httptest.NewServer(s.App.APIHandler())
		defer srv.Close()
		get, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		getBody, _ := io.ReadAll(get.Body)
		get.Body.Close()
		head, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		headBody, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != 200 || len(headBody) != 0 || head.Header.Get("ETag") != get.Header.Get("ETag") ||
			head.Header.Get("Content-Type") != get.Header.Get("Content-Type") || len(getBody) == 0 {
			t.Errorf("HEAD: %d, %d body bytes, ETag %q (GET %q), type %q", head.StatusCode, len(headBody),
				head.Header.Get("ETag"), get.Header.Get("ETag"), head.Header.Get("Content-Type"))
		}
		if r := s.Do("HEAD", "/api/v1/recommendations/"+unknownID, nil); r.Status != 404 {
			t.Errorf("HEAD of an unknown record: %d", r.Status)
		}
		if r := s.Do("HEAD", "/api/v1/reviews?limit=2&bogus=1", nil); r.Status != 400 {
			t.Errorf("HEAD with an unknown parameter: %d", r.Status)
		}

		// If-None-Match: the current ETag answers 304 with no body; another, or a weak match of
		// an old one, the record.
		tag := etagOf(t, s, path)
		r := s.Do("GET", path, nil, "If-None-Match", tag)
		if r.Status != http.StatusNotModified || len(r.Body) != 0 || r.Header.Get("ETag") != tag {
			t.Errorf("If-None-Match current: %d, %d bytes, ETag %q", r.Status, len(r.Body), r.Header.Get("ETag"))
		}
		if r := s.Do("GET", path, nil, "If-None-Match", `"999", W/`+tag); r.Status != http.StatusNotModified {
			t.Errorf("If-None-Match list with a weak match: %d", r.Status)
		}
		if r := s.Do("GET", path, nil, "If-None-Match", `"999"`); r.Status != 200 || len(r.Body) == 0 {
			t.Errorf("If-None-Match stale: %d", r.Status)
		}
		// A record the caller cannot read stays 404, whatever it sends.
		if r := s.Do("GET", "/api/v1/recommendations/"+unknownID, nil, "If-None-Match", "*"); r.Status != 404 {
			t.Errorf("If-None-Match * on an unknown record: %d", r.Status)
		}

		// 412 carries the current ETag, so the client can re-read or retry knowingly.
		do(t, s, 200, "PATCH", path, map[string]any{"title": "Referrals"}, "If-Match", tag)
		r = s.Do("PATCH", path, map[string]any{"title": "Again"}, "If-Match", tag)
		if r.Status != http.StatusPreconditionFailed || r.Header.Get("ETag") != etagOf(t, s, path) || r.Header.Get("ETag") == tag {
			t.Errorf("412: status %d, ETag %q, current %q", r.Status, r.Header.Get("ETag"), etagOf(t, s, path))
		}

		// 201 + Location on the sub-resource creates; each Location can be read back.
		resp := do(t, s, 201, "POST", path+"/responses", map[string]any{"organisation_id": f.Police, "decision": "accepted",
			"narrative": "We accept it.", "timetable": "By March.", "received_on": "2024-01-10"})
		checkLocation(t, s, resp, "/api/v1/responses/", true)
		other := idOf(create(t, s, "recommendations", map[string]any{"review_id": f.Review, "number": "2", "scope": "local", "text": "Audit it."}))
		link := do(t, s, 201, "POST", path+"/links", map[string]any{"type": "similar_to", "target_id": other})
		checkLocation(t, s, link, "/api/v1/links/", true)
		action := idOf(create(t, s, "recommendations/"+rec+"/actions", map[string]any{"organisation_id": f.Police, "description": "Write the protocol."}))
		ev := do(t, s, 201, "POST", "/api/v1/actions/"+action+"/evidence", map[string]any{"title": "Protocol", "url": "https://example.org/protocol"})
		checkLocation(t, s, ev, "/api/v1/evidence/", true)

		// GET /recommendations/{id}/actions lists its actions; an unknown recommendation is 404.
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		do(t, s, 200, "GET", path+"/actions", nil).JSON(t, &page)
		if page.Total != 1 || len(page.Items) != 1 || page.Items[0].ID != action {
			t.Errorf("recommendation's actions: %+v", page)
		}
		do(t, s, 404, "GET", "/api/v1/recommendations/"+unknownID+"/actions", nil)
		do(t, s, 200, "GET", "/api/v1/recommendations/"+other+"/actions?limit=5", nil)
	})
}

func checkLocation(t *testing.T, s *apitest.Server, r apitest.Response, prefix string, readable bool) {
	t.Helper()
	loc := r.Header.Get("Location")
	id, _ := decode(t, r)["id"].(string)
	if loc != prefix+id || id == "" {
		t.Fatalf("Location %q, want %s%s", loc, prefix, id)
	}
	if readable {
		got := decode(t, do(t, s, 200, "GET", loc, nil))
		if got["id"] != id {
			t.Errorf("GET %s: id %v, want %s", loc, got["id"], id)
		}
	}
	if !strings.HasPrefix(loc, "/api/v1/") {
		t.Errorf("Location %q is not an API path", loc)
	}
}
