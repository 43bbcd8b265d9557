package apitest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// demoFacts is what a demo database shows through the API: how many reviews, users and audit
// events it holds, whether its audit chain verifies, and whether a search is answered from the
// index.
type demoFacts struct {
	Reviews, Users, Events float64
	Verified               bool
	IndexHits              float64
}

func facts(t *testing.T, s *apitest.Server) demoFacts {
	t.Helper()
	var f demoFacts
	f.Reviews = s.Must(200, "GET", "/api/v1/reviews?limit=1", nil).Map(t)["total"].(float64)
	f.Users = s.Must(200, "GET", "/api/v1/users?limit=1", nil).Map(t)["total"].(float64)
	f.Events = s.Must(200, "GET", "/api/v1/audit?limit=1", nil).Map(t)["total"].(float64)
	var v struct {
		OK      bool  `json:"ok"`
		Checked int64 `json:"checked"`
	}
	s.Must(200, "GET", "/api/v1/audit/verify", nil).JSON(t, &v)
	f.Verified = v.OK && float64(v.Checked) == f.Events
	s.WaitForIndex()
	var r struct {
		Total  float64 `json:"total"`
		Source string  `json:"source"`
	}
	if err := json.Unmarshal(s.Must(200, "GET", "/api/v1/search?q=safeguarding&facets=none&limit=1", nil).Body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Source == "index" {
		f.IndexHits = r.Total
	}
	return f
}

// A test given the demo data from the template sees what a test that installs it afresh sees (at
// the same time): the same records, users and audit events, a chain that verifies under the
// test key, a search index built from the copy; and each copy is its own.
func TestDemoTemplateMatchesAFreshInstall(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		// After the demo data's last date (as webtest's clock).
		at := func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) }
		fresh := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: at})
		want := facts(t, fresh)
		if want.Reviews == 0 || want.Users == 0 || !want.Verified || want.IndexHits == 0 {
			t.Fatalf("the fresh install is not a demo database: %+v", want)
		}
		copied := apitest.Start(t, dialect, apitest.Options{Demo: true, DemoTemplate: true, Now: at})
		if got := facts(t, copied); got != want {
			t.Fatalf("from the template: %+v; installed afresh: %+v", got, want)
		}
		copied.Must(201, "POST", "/api/v1/partnerships", map[string]any{"name": "Only In The First Copy", "kind": "community_safety_partnership"})
		other := apitest.Start(t, dialect, apitest.Options{Demo: true, DemoTemplate: true, Now: at})
		if got := facts(t, other); got != want {
			t.Fatalf("a second copy after a write to the first: %+v; want %+v", got, want)
		}
		// Copies of one template, not installs: the same identifiers (an install makes new ones).
		if a, b, c := firstUserID(t, copied), firstUserID(t, other), firstUserID(t, fresh); a != b || a == c {
			t.Fatalf("first user: %s and %s in two copies, %s installed afresh", a, b, c)
		}
	})
}

func firstUserID(t *testing.T, s *apitest.Server) string {
	t.Helper()
	var p struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	s.Must(200, "GET", "/api/v1/users?limit=1", nil).JSON(t, &p)
	if len(p.Items) == 0 {
		t.Fatal("no users")
	}
	return p.Items[0].ID
}
