package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

func TestDemoDataServedThroughTheRouter(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		var page struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		s.Must(http.StatusOK, "GET", "/api/v1/recommendations?limit=200", nil).JSON(t, &page)
		if page.Total < 60 || len(page.Items) != page.Total {
			t.Fatalf("demo recommendations: total %d, items %d", page.Total, len(page.Items))
		}
	})
}
