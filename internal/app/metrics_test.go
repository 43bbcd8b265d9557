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
		sys := casereview.WithActor(context.Background(), casereview.System)
		recs, err := a.Store().ListRecommendations(sys, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
		mustOK(t, err)
		id := recs.Items[0].ReviewID
		queueEmails(t, a.App, id, recs.Items[0].Addressees[0].OrganisationID)
		caughtUp(t, a.App)
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
		// The outbox's figures are the database's: the reminders above queued emails that wait,
		// as no SMTP server is configured.
		queued, err := a.Store().ListOutbox(sys, casereview.OutboxFilter{}, 0)
		mustOK(t, err)
		byStatus := map[casereview.OutboxStatus]float64{}
		for _, q := range queued {
			byStatus[q.Status]++
		}
		if byStatus[casereview.OutboxPending] == 0 {
			t.Fatalf("no email waits in the outbox: %v", byStatus)
		}
		for _, st := range casereview.OutboxStatuses {
			name := `casereview_outbox_messages{status="` + string(st) + `"}`
			if got, ok := m[name]; !ok || got != byStatus[st] {
				t.Errorf("%s = %v (present %v), want %v", name, got, ok, byStatus[st])
			}
		}
		if age, ok := m["casereview_outbox_oldest_pending_age_seconds"]; !ok || age < 0 || age > 3600 {
			t.Errorf("casereview_outbox_oldest_pending_age_seconds = %v (present %v), want the seconds since the reminders ran", age, ok)
		}
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

// queueEmails gives orgID an agency editor and the review a recommendation to orgID whose
// response was due yesterday, then runs the reminder ladder: the editor's emails are queued.
func queueEmails(t *testing.T, a *App, reviewID, orgID string) {
	t.Helper()
	sys := casereview.WithActor(context.Background(), casereview.System)
	s := a.Store()
	u, err := s.CreateUser(sys, casereview.UserDraft{Email: "editor@northfold-police.example", DisplayName: "Editor"}, "")
	mustOK(t, err)
	_, err = s.AddMembership(sys, u.ID, casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: orgID})
	mustOK(t, err)
	today := casereview.DateOf(a.Now())
	due := today.AddDays(-1)
	_, err = s.CreateRecommendation(sys, casereview.RecommendationDraft{ReviewID: reviewID, Number: "99", Text: "Overdue recommendation about DASH.",
		Scope: "local", ResponseDue: &due, Addressees: []casereview.AddresseeDraft{{OrganisationID: orgID, Role: "lead"}}})
	mustOK(t, err)
	_, err = s.EvaluateReminders(sys, today, casereview.DefaultLadder)
	mustOK(t, err)
}
