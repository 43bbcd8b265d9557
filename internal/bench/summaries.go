package bench

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
)

// The thematic summary section (DESIGN §8: theme × review type × year × status at 100k in at
// most 200 ms). Each summary is asked for over HTTP as the benchmark's panel member, and the
// same counts are run as one plain SQL statement on the same database in the same run: the
// obvious alternative, with the same visibility predicate but no API, no filter building and no
// labels.

func init() {
	Register("thematic summary latency: theme × review type × year × status over HTTP, next to plain SQL", summaryLatency)
}

// visibleSQL is the panel member's visibility, as internal/store.visible states it.
const visibleSQL = `(rv.visibility IN ('public', 'shared') OR (rv.visibility = 'restricted' AND rv.partnership_id = $1))`

// summaryTarget is DESIGN §8's bound for one summary at 100k recommendations.
const summaryTarget = 200 * time.Millisecond

type summaryCase struct {
	name, path, sql string
}

func summaryCases() []summaryCase {
	const from = ` FROM recommendations r JOIN reviews rv ON rv.id = r.review_id `
	const themes = ` JOIN theme_assignments ta ON ta.recommendation_id = r.id `
	return []summaryCase{
		{"theme × review type", "/api/v1/summaries/crosstab?rows=theme&cols=review_type",
			`SELECT ta.theme_code, rv.type, count(*)` + from + themes + `WHERE ` + visibleSQL + ` GROUP BY 1, 2`},
		{"year × response status", "/api/v1/summaries/crosstab?rows=year&cols=response",
			`SELECT to_char(r.issued_on, 'YYYY'), r.response_status, count(*)` + from + `WHERE ` + visibleSQL + ` GROUP BY 1, 2`},
		{"theme × oversight status", "/api/v1/summaries/crosstab?rows=theme&cols=oversight",
			`SELECT ta.theme_code, r.oversight_status, count(*)` + from + themes + `WHERE ` + visibleSQL + ` GROUP BY 1, 2`},
		{"review type × implementation, DHR and SAR, 2015-2024", "/api/v1/summaries/crosstab?rows=review_type&cols=implementation&type=DHR&type=SAR&year_from=2015&year_to=2024",
			`SELECT rv.type, r.implementation_status, count(*)` + from + `WHERE ` + visibleSQL +
				` AND rv.type IN ('DHR', 'SAR') AND r.issued_on >= '2015-01-01' AND r.issued_on < '2025-01-01' GROUP BY 1, 2`},
		{"theme trends by year (issued and closed)", "/api/v1/summaries/trends",
			`SELECT to_char(r.issued_on, 'YYYY'), count(*)` + from + `WHERE ` + visibleSQL + ` GROUP BY 1`},
		{"all four at once: theme × type × year × response (plain SQL only)", "",
			`SELECT ta.theme_code, rv.type, to_char(r.issued_on, 'YYYY'), r.response_status, count(*)` + from + themes + `WHERE ` + visibleSQL + ` GROUP BY 1, 2, 3, 4`},
	}
}

func summaryLatency(e *Env) error {
	ctx := e.Ctx
	conn, err := pgx.Connect(ctx, e.DBURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if err := e.analyse(conn); err != nil {
		return err
	}
	runs := 15
	if e.Config.Scale >= 500000 {
		runs = 5
	}
	sqlOnce := func(q string) (int, error) {
		rows, err := conn.Query(ctx, q, e.Loaded.PanelPartnership)
		if err != nil {
			return 0, err
		}
		n := 0
		for rows.Next() {
			n++
		}
		rows.Close()
		return n, rows.Err()
	}
	httpOnce := func(path string) (int, error) {
		st, body, err := e.User.Get(path)
		if err != nil {
			return 0, err
		}
		if st != http.StatusOK {
			return 0, fmt.Errorf("%s: status %d: %.300s", path, st, body)
		}
		var out struct {
			Recommendations struct {
				Count int `json:"count"`
			} `json:"recommendations"`
		}
		_ = json.Unmarshal(body, &out)
		return out.Recommendations.Count, nil
	}
	e.Printf("%-62s %-40s %-40s %s\n", "summary", "over HTTP (API, permissions, labels)", "plain SQL (same database, same run)", "HTTP/SQL p50")
	for _, c := range summaryCases() {
		api, plain := &Sample{}, &Sample{}
		if c.path != "" {
			if _, err := httpOnce(c.path); err != nil { // warm up
				return err
			}
			for range runs {
				t := time.Now()
				if _, err := httpOnce(c.path); err != nil {
					return err
				}
				api.Add(time.Since(t))
			}
		}
		if _, err := sqlOnce(c.sql); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		for range runs {
			t := time.Now()
			if _, err := sqlOnce(c.sql); err != nil {
				return err
			}
			plain.Add(time.Since(t))
		}
		apiText, ratio := "-", "-"
		if api.Len() > 0 {
			apiText = fmt.Sprintf("p50 %s p95 %s", ms(api.Pct(50)), ms(api.Pct(95)))
			ratio = fmt.Sprintf("%.2f", float64(api.Pct(50))/float64(plain.Pct(50)))
			if api.Pct(50) > summaryTarget {
				ratio += "  (over the 200 ms target)"
			}
		}
		e.Printf("%-62s %-40s %-40s %s\n", c.name, apiText, fmt.Sprintf("p50 %s p95 %s", ms(plain.Pct(50)), ms(plain.Pct(95))), ratio)
	}
	// The whole thematic summary document for the most used theme, as JSON.
	doc := &Sample{}
	path := "/api/v1/summaries/document"
	if len(e.Loaded.Reference.Themes) > 0 {
		path += "?theme=" + e.Loaded.Reference.Themes[0].Code
	}
	if _, err := httpOnce(path); err != nil {
		return err
	}
	for range max(runs/3, 3) {
		t := time.Now()
		if _, err := httpOnce(path); err != nil {
			return err
		}
		doc.Add(time.Since(t))
	}
	var docN int
	if _, body, err := e.User.Get(path); err == nil {
		var out struct {
			Headline struct {
				Recommendations struct {
					Count int `json:"count"`
				} `json:"recommendations"`
			} `json:"headline"`
		}
		_ = json.Unmarshal(body, &out)
		docN = out.Headline.Recommendations.Count
	}
	e.Printf("%-62s p50 %s p95 %s  (%d recommendations: headline, statuses, agencies, years, pairs and a list of up to 2000)\n",
		"thematic summary document "+path, ms(doc.Pct(50)), ms(doc.Pct(95)), docN)
	e.Printf("targets: a cross-tab at 100k recommendations in at most 200 ms (DESIGN §8); the document in at most 1 s\n")
	return nil
}

// analyse runs VACUUM (ANALYZE) on the summary tables once per run. The bulk load leaves the
// planner without statistics, and the visibility map unset, until autovacuum gets round to the
// tables (the benchmark's server may run without it). Production has both; so do the summary
// sections. Without it the summaries still run (migration 00006 keeps the plans made without
// statistics from going quadratic) but read the tables instead of the summary indexes.
func (e *Env) analyse(conn *pgx.Conn) error {
	if e.analysed {
		return nil
	}
	t0 := time.Now()
	for _, table := range []string{"reviews", "recommendations", "theme_assignments", "addressees", "actions"} {
		if _, err := conn.Exec(e.Ctx, "VACUUM (ANALYZE) "+table); err != nil {
			return err
		}
	}
	e.analysed = true
	e.Printf("VACUUM (ANALYZE) of the summary tables: %s\n", time.Since(t0).Round(time.Millisecond))
	return nil
}
