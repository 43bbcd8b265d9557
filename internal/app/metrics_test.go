package app

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// scrape reads /metrics from h and returns each sample line's value by its name and labels.
func scrape(t *testing.T, h http.Handler, headers ...string) (int, map[string]float64) {
	t.Helper()
	req := httptest.NewRequest("GET", "/metrics", nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(rec.Body.Bytes()))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return rec.Code, out
}

// The metrics count requests by route pattern (never by id), searches by where they were
// answered, failed sign-ins, and report the journal head and the index's lag and state; they
// need the token when one is set, and the public handler does not serve them.
func TestMetrics(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		cfg := testConfig(t, dialect)
		cfg.MetricsToken = "scrape-me"
		a := start(t, cfg)
		seed(t, a.App, 2)
		caughtUp(t, a.App)
		sys := casereview.WithActor(context.Background(), casereview.System)
		recs, err := a.Store().ListRecommendations(sys, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		id := recs.Items[0].ReviewID
		send := func(method, path, body string) int {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			a.Handler().ServeHTTP(rec, req)
			return rec.Code
		}
		send("GET", "/api/v1/reviews/"+id, "")
		send("GET", "/api/v1/search?q=dash", "")
		if code := send("POST", "/api/v1/auth/login", `{"email":"nobody@example.org","password":"not the right one at all"}`); code != http.StatusUnauthorized {
			t.Fatalf("a failed sign-in answered %d", code)
		}
		if code := send("GET", "/metrics", ""); code == http.StatusOK {
			t.Fatal("the public handler serves /metrics")
		}

		if code, _ := scrape(t, a.MetricsHandler()); code != http.StatusUnauthorized {
			t.Fatalf("/metrics without the token: %d, want 401", code)
		}
		if code, _ := scrape(t, a.MetricsHandler(), "Authorization", "Bearer wrong"); code != http.StatusUnauthorized {
			t.Fatalf("/metrics with a wrong token: %d, want 401", code)
		}
		code, m := scrape(t, a.MetricsHandler(), "Authorization", "Bearer scrape-me")
		if code != http.StatusOK {
			t.Fatalf("/metrics with the token: %d", code)
		}
		head, err := a.store.JournalHead(context.Background())
		mustOK(t, err)
		for name, want := range map[string]float64{
			`casereview_http_request_duration_seconds_count{code="404",method="GET",route="/api/v1/reviews/:id"}`: 1, // shared: not for anonymous callers
			`casereview_http_request_duration_seconds_count{code="200",method="GET",route="/api/v1/search"}`:      1,
			`casereview_search_duration_seconds_count{outcome="ok",source="index"}`:                               1,
			`casereview_login_failures_total{locked="false",step="password"}`:                                     1,
			`casereview_login_failures_total{locked="false",step="second_factor"}`:                                0,
			`casereview_journal_head`:                          float64(head),
			`casereview_search_index_applied_seq`:              float64(head),
			`casereview_search_index_lag`:                      0,
			`casereview_search_index_state{state="following"}`: 1,
			`casereview_search_index_state{state="stopped"}`:   0,
			`casereview_journal_readable`:                      1,
		} {
			if got, ok := m[name]; !ok || got != want {
				t.Errorf("%s = %v (present %v), want %v", name, got, ok, want)
			}
		}
		for name := range m {
			if strings.Contains(name, id) {
				t.Errorf("a metric's labels hold a record id: %s", name)
			}
		}
	})
}
