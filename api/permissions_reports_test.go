package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

// Scheduled reports in the permission matrix: the oversight officer's saved summary is
// scheduled, paused, resumed, run and deleted by its owner and by admins; to everyone else the
// summary, its schedules and its runs do not exist (404), and an anonymous caller is asked to
// sign in (401).

// pmReportFixtures holds the summary and the run the read rows use, made on first use.
var (
	pmReportFixtures   = map[*pmWorld]map[string]string{}
	pmReportFixturesMu sync.Mutex
)

func (w *pmWorld) reportFixture(t *testing.T, key string, make func() string) string {
	t.Helper()
	pmReportFixturesMu.Lock()
	m := pmReportFixtures[w]
	if m == nil {
		m = map[string]string{}
		pmReportFixtures[w] = m
	}
	v := m[key]
	pmReportFixturesMu.Unlock()
	if v == "" {
		v = make()
		pmReportFixturesMu.Lock()
		m[key] = v
		pmReportFixturesMu.Unlock()
	}
	return v
}

func (w *pmWorld) asOversight() context.Context {
	return casereview.WithActor(context.Background(), w.users[pmOversight].Actor())
}

func (w *pmWorld) reportSummary(t *testing.T) string {
	return w.reportFixture(t, "summary", func() string {
		s, err := w.st.SaveSummary(w.asOversight(), "Matrix summary", "title=Matrix+summary&section=headline")
		pmOK(t, err, "save a summary")
		return s.ID
	})
}

func (w *pmWorld) freshSchedule(t *testing.T) string {
	return w.fresh1(func() string {
		sc, err := w.st.CreateReportSchedule(w.asOversight(), w.reportSummary(t), casereview.ReportScheduleDraft{Frequency: casereview.ReportMonthly})
		pmOK(t, err, "schedule a summary")
		return sc.ID
	})
}

// reportRun is a schedule with one run, run by its owner through the API.
func (w *pmWorld) reportRun(t *testing.T) (string, string) {
	sc := w.reportFixture(t, "schedule", func() string {
		sc, err := w.st.CreateReportSchedule(w.asOversight(), w.reportSummary(t), casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly})
		pmOK(t, err, "schedule a summary")
		return sc.ID
	})
	run := w.reportFixture(t, "run", func() string {
		res := w.send(pmOversight, "POST", "/api/v1/report-schedules/"+sc+"/run", nil, "")
		var r struct{ ID string }
		if res.Status != http.StatusCreated || json.Unmarshal(res.Body, &r) != nil {
			t.Fatalf("run a schedule: %d %s", res.Status, res.Body)
		}
		return r.ID
	})
	return sc, run
}

func pmReportRows(w *pmWorld, b *pmBuilder) {
	owner := func(ok int) func(string) int {
		return func(role string) int {
			switch role {
			case pmAnon:
				return http.StatusUnauthorized
			case pmAdmin, pmOversight:
				return ok
			}
			return http.StatusNotFound
		}
	}
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	b.add("GET", "/api/v1/summaries/saved/{id}/schedules", "oversight's summary", owner(ok), func(t *testing.T, _ string) pmReq {
		return pmReq{path: "/api/v1/summaries/saved/" + w.reportSummary(t) + "/schedules"}
	})
	b.add("POST", "/api/v1/summaries/saved/{id}/schedules", "oversight's summary", owner(created), func(t *testing.T, _ string) pmReq {
		return pmReq{path: "/api/v1/summaries/saved/" + w.reportSummary(t) + "/schedules", body: map[string]any{"frequency": "monthly"}}
	})
	for _, op := range []struct{ method, suffix string }{{"POST", "/pause"}, {"POST", "/resume"}, {"DELETE", ""}} {
		want := ok
		if op.method == "DELETE" {
			want = noContent
		}
		b.add(op.method, "/api/v1/report-schedules/{id}"+op.suffix, "fresh schedule", owner(want), func(t *testing.T, _ string) pmReq {
			return pmReq{path: "/api/v1/report-schedules/" + w.freshSchedule(t) + op.suffix}
		})
	}
	b.add("POST", "/api/v1/report-schedules/{id}/run", "fresh schedule", owner(created), func(t *testing.T, _ string) pmReq {
		return pmReq{path: "/api/v1/report-schedules/" + w.freshSchedule(t) + "/run"}
	})
	b.add("GET", "/api/v1/report-schedules/{id}", "schedule with a run", owner(ok), func(t *testing.T, _ string) pmReq {
		sc, _ := w.reportRun(t)
		return pmReq{path: "/api/v1/report-schedules/" + sc}
	})
	b.add("GET", "/api/v1/report-schedules/{id}/runs", "schedule with a run", owner(ok), func(t *testing.T, _ string) pmReq {
		sc, _ := w.reportRun(t)
		return pmReq{path: "/api/v1/report-schedules/" + sc + "/runs"}
	})
	for _, suffix := range []string{"", "/document.html", "/document.xlsx", "/document.csv"} {
		b.add("GET", "/api/v1/report-runs/{id}"+suffix, "run", owner(ok), func(t *testing.T, _ string) pmReq {
			_, run := w.reportRun(t)
			return pmReq{path: "/api/v1/report-runs/" + run + suffix}
		})
	}
}
