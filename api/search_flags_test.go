package api_test

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/dbtest"
)

// The search flag filter and the list flag filter (SQL) must agree, flag by flag, on any date:
// both state casereview.ComputeFlags. The demo data's due dates, targets and completions span
// 2013 to 2027, so several as-of dates exercise every flag it can carry.
func TestSearchFlagsAgreeWithTheList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		s.WaitForIndex()
		seen := map[string]int{}
		for _, asOf := range []string{"2016-01-01", "2021-06-30", "2023-03-01", "2025-01-15", "2026-11-26", "2027-06-01"} {
			// The flag facet counts what the list finds for each flag; under a flag filter it still
			// counts every flag (a facet leaves out its own filter).
			facetCounts := func(extra string) map[string]int {
				var res struct {
					Facets []struct {
						Name   string `json:"name"`
						Values []struct {
							Value string `json:"value"`
							Count int    `json:"count"`
						} `json:"values"`
					} `json:"facets"`
				}
				s.Must(http.StatusOK, "GET", "/api/v1/search?limit=1&facets=flag&as_of="+asOf+extra, nil).JSON(t, &res)
				if len(res.Facets) != 1 || res.Facets[0].Name != "flag" {
					t.Fatalf("facets=flag gave %+v", res.Facets)
				}
				out := map[string]int{}
				for _, v := range res.Facets[0].Values {
					out[v.Value] = v.Count
				}
				return out
			}
			counts, filtered := facetCounts(""), facetCounts("&flag=stalled")
			if !maps.Equal(counts, filtered) {
				t.Errorf("as of %s: the flag facet %v, under flag=stalled %v", asOf, counts, filtered)
			}
			for _, flag := range []string{"response_overdue", "action_overdue", "due_soon", "stalled", "historic_no_record", "follow_up_due"} {
				var list struct {
					Items []struct {
						ID string `json:"id"`
					} `json:"items"`
				}
				s.Must(http.StatusOK, "GET", "/api/v1/recommendations?limit=200&flag="+flag+"&as_of="+asOf, nil).JSON(t, &list)
				var want []string
				for _, it := range list.Items {
					want = append(want, it.ID)
				}
				var res struct {
					Total int `json:"total"`
					Items []struct {
						Recommendation struct {
							ID string `json:"id"`
						} `json:"recommendation"`
					} `json:"items"`
				}
				s.Must(http.StatusOK, "GET", "/api/v1/search?limit=100&facets=none&flag="+flag+"&as_of="+asOf, nil).JSON(t, &res)
				var got []string
				for _, it := range res.Items {
					got = append(got, it.Recommendation.ID)
				}
				slices.Sort(want)
				slices.Sort(got)
				if !slices.Equal(got, want) || res.Total != len(want) {
					t.Errorf("%s as of %s: search found %d %v, the list %d %v", flag, asOf, res.Total, got, len(want), want)
				}
				// flag: in the query text means the same as the parameter.
				var inText struct {
					Total int `json:"total"`
				}
				s.Must(http.StatusOK, "GET", "/api/v1/search?limit=100&facets=none&as_of="+asOf+"&q="+url.QueryEscape("flag:"+flag), nil).JSON(t, &inText)
				if inText.Total != len(want) {
					t.Errorf("q=flag:%s as of %s: %d hits, the list %d", flag, asOf, inText.Total, len(want))
				}
				if counts[flag] != len(want) {
					t.Errorf("as of %s: the flag facet counts %d %s, the list %d", asOf, counts[flag], flag, len(want))
				}
				seen[flag] += len(want)
			}
		}
		for _, f := range []string{"response_overdue", "action_overdue", "due_soon", "historic_no_record"} {
			if seen[f] == 0 {
				t.Errorf("no as-of date gave any %s: the comparison proves little for it", f)
			}
		}
		s.Must(http.StatusUnprocessableEntity, "GET", "/api/v1/search?flag=late", nil)
		s.Must(http.StatusBadRequest, "GET", "/api/v1/search?q="+url.QueryEscape("flag:late"), nil)
		s.Must(http.StatusBadRequest, "GET", "/api/v1/search?q="+url.QueryEscape("stalking OR flag:stalled"), nil)
	})
}
