package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
)

// FuzzCreateRecommendation sends arbitrary bytes as the body of POST /api/v1/recommendations
// through the real router on SQLite. Whatever arrives, the answer is one of the documented
// statuses (never a 500), it is JSON, and a created recommendation reads back as it was created.
//
// Seeds name the records the setup creates with placeholders, so that valid bodies can reach
// the store: $REVIEW is a review, $ORG and $ORG2 are organisations.
//
//	go test -run='^$' -fuzz=FuzzCreateRecommendation -fuzztime=30s ./api/
func FuzzCreateRecommendation(f *testing.F) {
	srv := apitest.Start(f, "sqlite", apitest.Options{MaxBodyBytes: 16 << 10})
	setup := func(collection string, body any) string {
		r := srv.Do("POST", "/api/v1/"+collection, body)
		var m struct{ ID string }
		if r.Status != http.StatusCreated || json.Unmarshal(r.Body, &m) != nil || m.ID == "" {
			f.Fatalf("setup POST %s: %d %s", collection, r.Status, r.Body)
		}
		return m.ID
	}
	partnership := setup("partnerships", map[string]any{"name": "Fuzzmarch Partnership", "kind": "other"})
	review := setup("reviews", map[string]any{"type": "DHR", "partnership_id": partnership, "reference": "FZ-1", "title": "Adult F"})
	org := setup("organisations", map[string]any{"name": "Fuzzmarch Police", "sector": "police"})
	org2 := setup("organisations", map[string]any{"name": "Fuzzmarch Health", "sector": "nhs_trust"})
	placeholders := strings.NewReplacer("$REVIEW", review, "$ORG2", org2, "$ORG", org)

	for _, seed := range []string{
		`{"review_id":"$REVIEW","number":"1","text":"Screen for stalking.","scope":"local"}`,
		`{"review_id":"$REVIEW","number":"2a","title":"T","text":"x","scope":"national","intervention_type":"training","response_due":"2026-05-01",` +
			`"addressees":[{"organisation_id":"$ORG","role":"lead","raw_text":"Police","notified_on":"2026-01-01","acknowledged_on":"2026-01-02"},` +
			`{"organisation_id":"$ORG2","role":"for_information"}],"themes":[{"code":"stalking"},{"code":"C01","primary":true,"source":"rule"}]}`,
		`{"review_id":"$REVIEW","number":"1","text":"duplicate number","scope":"local"}`,
		`{"review_id":"$REVIEW","number":"3","text":"t","scope":"planet"}`,
		`{"review_id":"not-an-id","number":"","text":"","scope":""}`,
		`{"review_id":"$REVIEW","number":"4","text":"t","scope":"local","themes":[{"code":"\u0000"}],"intervention_type":"\u0000"}`,
		`{"review_id":"$REVIEW","number":"5","text":"t","scope":"local","addressees":[{"organisation_id":"$ORG","role":"lead"},{"organisation_id":"$ORG","role":"lead"}]}`,
		`{"review_id":"$REVIEW","number":"6","text":"t","scope":"local","addressees":[{"organisation_id":5}]}`,
		`{"review_id":"$REVIEW","number":"7","text":"t","scope":"local","colour":"red"}`,
		`{"review_id":"$REVIEW","number":"8","text":"t","scope":"local","response_due":"2026-02-30"}`,
		`{"REVIEW_ID":"$REVIEW","Number":"9","TEXT":"case-insensitive keys","scope":"regional"}`,
		`{"review_id":"$REVIEW","number":" 10 ","text":"tab\tand\nnewline \u00e9\u2028","scope":"local"}`,
		`[]`, `null`, `""`, `{`, ``, `{"number":1e999}`, `{"themes":[null,{}]}`,
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, raw []byte) {
		s := *srv // the server, reporting to this run of the target
		s.T = t
		body := []byte(placeholders.Replace(string(raw)))
		r := s.Do("POST", "/api/v1/recommendations", body)
		switch r.Status {
		case 201, 400, 404, 409, 413, 422:
		default:
			t.Fatalf("status %d for body %q: %s", r.Status, body, r.Body)
		}
		if !json.Valid(r.Body) {
			t.Fatalf("status %d: the response is not JSON: %q", r.Status, r.Body)
		}
		wantType := problemType
		if r.Status == 201 {
			wantType = jsonType
		}
		if ct := r.Header.Get("Content-Type"); ct != wantType {
			t.Fatalf("status %d: Content-Type %q, want %q", r.Status, ct, wantType)
		}
		if r.Status != 201 {
			var p struct {
				Status int    `json:"status"`
				Type   string `json:"type"`
			}
			if err := json.Unmarshal(r.Body, &p); err != nil || p.Status != r.Status || !strings.HasPrefix(p.Type, "urn:casereview:problem:") {
				t.Fatalf("status %d: not a matching problem (%v): %s", r.Status, err, r.Body)
			}
			return
		}

		// Created: the record reads back as it was created, and as it was sent.
		type rec struct {
			ID     string `json:"id"`
			Number string `json:"number"`
			Text   string `json:"text"`
		}
		var created, sent rec
		if err := json.Unmarshal(r.Body, &created); err != nil || created.ID == "" {
			t.Fatalf("201 without a recommendation (%v): %s", err, r.Body)
		}
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&sent); err != nil {
			t.Fatalf("201 for a body that does not decode (%v): %q", err, body)
		}
		if created.Number != sent.Number || created.Text != sent.Text {
			t.Fatalf("created %q/%q from a body that said %q/%q", created.Number, created.Text, sent.Number, sent.Text)
		}
		loc := r.Header.Get("Location")
		if loc != "/api/v1/recommendations/"+created.ID || r.Header.Get("ETag") != `"1"` {
			t.Fatalf("201: Location %q, ETag %q", loc, r.Header.Get("ETag"))
		}
		g := s.Do("GET", loc, nil)
		var got rec
		if g.Status != 200 || json.Unmarshal(g.Body, &got) != nil {
			t.Fatalf("GET %s: %d %s", loc, g.Status, g.Body)
		}
		if got != created {
			t.Fatalf("GET %s: %+v, created %+v", loc, got, created)
		}
	})
}
