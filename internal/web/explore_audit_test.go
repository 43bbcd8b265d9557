package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/summaries"
	"github.com/casereview/casereview/internal/webtest"
)

// Figures over restricted reviews shown on the reporting pages are audited as the API's JSON
// summaries are (summary.read, issue 15 §1): who saw them, which view, with what filters. Only
// downloads were.
func TestReportingPagesAuditTheirReads(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("oversight@example.test")
		if len(reviewsWith(t, s, casereview.VisibilityRestricted)) == 0 {
			t.Fatal("the demo data has no restricted review: the test would prove nothing")
		}
		reads := func() map[string]int {
			t.Helper()
			events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryRead)}, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]int{}
			for _, e := range events.Items {
				out[e.EntityID]++
			}
			return out
		}
		before := reads()
		b.Get("/explore?rows=theme&cols=response").Must(http.StatusOK)
		b.Get("/explore?view=pairs&disclosure=shareable").Must(http.StatusOK)
		b.Get("/dashboard").Must(http.StatusOK)
		after := reads()
		for _, kind := range []string{"explore.crosstab", "explore.pairs", "dashboard"} {
			if after[kind] != before[kind]+1 {
				t.Errorf("%s: %d reads audited, want %d", kind, after[kind], before[kind]+1)
			}
		}
		// The dashboard's record counts what the population would: its headline over everything
		// counts the restricted reviews itself.
		pop, err := summaries.New(s.API.App.Store()).SummaryPopulation(casereview.WithActor(context.Background(), ownerActor(t, s, "oversight@example.test")), casereview.SummaryFilter{AsOf: casereview.DateOf(time.Now())})
		if err != nil {
			t.Fatal(err)
		}
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryRead)}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events.Items {
			if e.EntityID != "dashboard" {
				continue
			}
			var got struct{ Recommendations, Restricted int }
			if err := json.Unmarshal([]byte(e.After), &got); err != nil || got.Recommendations != pop.Matched || got.Restricted != pop.Restricted || got.Restricted == 0 {
				t.Errorf("the dashboard's record counts %+v (%v); the population is %+v", got, err, pop)
			}
			break
		}
		// A page refused for its filters shows no figures and records no read.
		b.Get("/explore?year_from=abc").Must(http.StatusUnprocessableEntity)
		if n := len(reads()); n != len(after) {
			t.Errorf("a refused page recorded a read: %v", reads())
		}
	})
}
