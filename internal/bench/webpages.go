package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The web UI's pages against the JSON endpoints that serve the same data, interleaved in the same
// run so that load on the machine falls on both alike. Issue 11's target: a page adds at most
// 5 ms at p95 over its JSON.
func init() {
	Register("web pages: HTML search and recommendation pages vs the JSON they show", webPages)
}

func webPages(e *Env) error {
	var queries []string
	for _, q := range Mix {
		if q.Facets == "" { // the search page always shows every facet
			queries = append(queries, q.Path(e.fill))
		}
	}
	htmlSearch, jsonSearch := &Sample{}, &Sample{}
	for round := range e.rounds() + 1 {
		for _, api := range queries {
			page := "/search?" + strings.SplitN(api, "?", 2)[1]
			hd, err := e.timeGet(page, "text/html")
			if err != nil {
				return err
			}
			jd, err := e.timeGet(api, "application/json")
			if err != nil {
				return err
			}
			if round > 0 { // the first round warms both up
				htmlSearch.Add(hd)
				jsonSearch.Add(jd)
			}
		}
	}
	e.Printf("search page   %s\n", htmlSearch.Summary())
	e.Printf("search JSON   %s\n", jsonSearch.Summary())
	e.Printf("search: the page adds %s at p50 and %s at p95 (target: at most 5 ms at p95)\n",
		ms(htmlSearch.Pct(50)-jsonSearch.Pct(50)), ms(htmlSearch.Pct(95)-jsonSearch.Pct(95)))

	// The recommendation page shows the recommendation, its actions (with evidence), its timeline
	// and similar recommendations: the JSON side is those four calls.
	st, body, err := e.User.Get("/api/v1/search?q=training&limit=50&facets=none")
	if err != nil || st != http.StatusOK {
		return fmt.Errorf("pick recommendations: %d %v", st, err)
	}
	var a searchAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return err
	}
	htmlRec, jsonRec := &Sample{}, &Sample{}
	for round := range 4 {
		for _, it := range a.Items {
			id := it.Recommendation.ID
			hd, err := e.timeGet("/recommendations/"+id, "text/html")
			if err != nil {
				return err
			}
			var jd time.Duration
			for _, p := range []string{"/api/v1/recommendations/" + id, "/api/v1/actions?recommendation_id=" + id,
				"/api/v1/recommendations/" + id + "/timeline", "/api/v1/recommendations/" + id + "/similar"} {
				d, err := e.timeGet(p, "application/json")
				if err != nil {
					return err
				}
				jd += d
			}
			if round > 0 {
				htmlRec.Add(hd)
				jsonRec.Add(jd)
			}
		}
	}
	e.Printf("recommendation page   %s\n", htmlRec.Summary())
	e.Printf("recommendation JSON   %s  (recommendation + actions + timeline + similar)\n", jsonRec.Summary())
	e.Printf("recommendation: the page adds %s at p50 and %s at p95 (target: at most 5 ms at p95)\n",
		ms(htmlRec.Pct(50)-jsonRec.Pct(50)), ms(htmlRec.Pct(95)-jsonRec.Pct(95)))
	return nil
}

// timeGet fetches path with the benchmark user's session and checks the answer's type.
func (e *Env) timeGet(path, wantType string) (time.Duration, error) {
	t0 := time.Now()
	st, body, hdr, err := e.User.Do(http.MethodGet, path, nil)
	took := time.Since(t0)
	if err != nil {
		return took, err
	}
	if st != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), wantType) {
		return took, fmt.Errorf("GET %s: %d %s: %.300s", path, st, hdr.Get("Content-Type"), body)
	}
	return took, nil
}
