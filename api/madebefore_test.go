package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// GET /recommendations/{id}/made-before answers the earlier recommendations of the cluster:
// the demo's Jasmine draft 5 repeats Adult D's recommendation 1, which came first.
func TestMadeBeforeEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		st := s.App.Store()
		ctx := casereview.WithActor(t.Context(), casereview.System)
		find := func(ref, number string) string {
			rvs, err := st.ListReviews(ctx, casereview.ReviewFilter{Reference: ref}, casereview.PageRequest{Limit: 1})
			if err != nil || len(rvs.Items) != 1 {
				t.Fatalf("review %s: %v", ref, err)
			}
			recs, err := st.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: rvs.Items[0].ID}, casereview.PageRequest{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs.Items {
				if r.Number == number {
					return r.ID
				}
			}
			t.Fatalf("no %s/%s", ref, number)
			return ""
		}
		draft, first := find("EM-DHR-2023-04", "5"), find("EM-DHR-2021-02", "1")
		var got struct {
			Items []struct {
				ID             string `json:"id"`
				ResponseStatus string `json:"response_status"`
			} `json:"items"`
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			s.Must(http.StatusOK, "GET", "/api/v1/recommendations/"+draft+"/made-before", nil).JSON(t, &got)
			if len(got.Items) > 0 || time.Now().After(deadline) {
				break
			}
		}
		if len(got.Items) != 1 || got.Items[0].ID != first || got.Items[0].ResponseStatus == "" {
			t.Fatalf("made before the draft: %+v, want only %s with its statuses", got.Items, first)
		}
		s.Must(http.StatusOK, "GET", "/api/v1/recommendations/"+first+"/made-before", nil).JSON(t, &got)
		if len(got.Items) != 0 {
			t.Fatalf("nothing came before Adult D's recommendation 1: %+v", got.Items)
		}
		s.Must(http.StatusNotFound, "GET", "/api/v1/recommendations/00000000-0000-7000-8000-000000000000/made-before", nil)
	})
}

// GET /recurrence/nearest scores a draft's words: a draft about DASH strangulation meets the
// demo's earlier ones first; too few words is a field error.
func TestRecurrenceNearestEndpoint(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		var got struct {
			Items []struct {
				Score          float64 `json:"score"`
				Recommendation struct {
					Text string `json:"text"`
				} `json:"recommendation"`
			} `json:"items"`
		}
		q := url.QueryEscape("officers should record non-fatal strangulation in the DASH risk assessment")
		s.Must(http.StatusOK, "GET", "/api/v1/recurrence/nearest?limit=3&text="+q, nil).JSON(t, &got)
		if len(got.Items) == 0 || !strings.Contains(got.Items[0].Recommendation.Text, "strangulation") || got.Items[0].Score < 0.21 {
			t.Fatalf("the closest to a DASH strangulation draft: %+v", got.Items)
		}
		if len(got.Items) > 3 {
			t.Fatalf("limit 3 answered %d", len(got.Items))
		}
		for i := 1; i < len(got.Items); i++ {
			if got.Items[i].Score > got.Items[i-1].Score {
				t.Fatalf("not best first: %+v", got.Items)
			}
		}
		s.Must(http.StatusUnprocessableEntity, "GET", "/api/v1/recurrence/nearest?text=DASH", nil)
	})
}
