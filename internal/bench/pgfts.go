package bench

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// The baseline: the obvious alternative to a search index, PostgreSQL full-text search over the
// same documents the index holds (loaded from the store's SearchDocuments into one table with a
// tsvector column, english configuration, title weighted above text, and a GIN index), queried
// with the same semantics: websearch_to_tsquery (all words required, "phrases", -exclusions, OR),
// the same visibility rule and filters as SQL conditions, ts_rank for the top 20, ts_headline
// for snippets, and the same facets by GROUP BY (unnest for the many-valued ones).

const ftsTable = `CREATE TABLE bench_fts (
	id text PRIMARY KEY, title text NOT NULL, body text NOT NULL, extra text NOT NULL,
	review_type text, partnership_id text, visibility text, year_kw text, scope text, intervention text,
	response text, implementation text, oversight text,
	theme_codes text[], theme_groups text[], org_ids text[], sectors text[],
	tsv tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B') ||
		setweight(to_tsvector('english', extra), 'D')) STORED)`

// pgColumn maps each facet (and filter) to its column, and says whether it holds many values.
var pgColumn = map[string]struct {
	col  string
	many bool
}{
	search.FacetTheme: {"theme_codes", true}, search.FacetThemeGroup: {"theme_groups", true}, search.FacetReviewType: {"review_type", false},
	search.FacetOrganisation: {"org_ids", true}, search.FacetSector: {"sectors", true}, search.FacetScope: {"scope", false},
	search.FacetIntervention: {"intervention", false}, search.FacetResponse: {"response", false},
	search.FacetImplementation: {"implementation", false}, search.FacetOversight: {"oversight", false},
	search.FacetYear: {"year_kw", false}, search.FacetPartnership: {"partnership_id", false},
}

func distinct(v []string) []string {
	out := slices.Clone(v)
	slices.Sort(out)
	return slices.Compact(out)
}

// buildFTS copies every search document into bench_fts and indexes it.
func (e *Env) buildFTS(ctx context.Context, conn *pgx.Conn) error {
	for _, q := range []string{`DROP TABLE IF EXISTS bench_fts`, ftsTable} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	sys := casereview.WithActor(ctx, casereview.System)
	after, n := "", 0
	for {
		ids, err := e.Store.RecommendationIDsAfter(sys, after, 2000)
		if err != nil || len(ids) == 0 {
			if err != nil {
				return err
			}
			break
		}
		docs, err := e.Store.SearchDocuments(sys, ids)
		if err != nil {
			return err
		}
		rows := make([][]any, 0, len(docs))
		for _, d := range docs {
			rows = append(rows, []any{d.ID, d.Title, d.Text, d.ReviewTitle + " " + strings.Join(d.OrganisationNames, " ; "),
				d.ReviewType, d.PartnershipID, d.Visibility, fmt.Sprint(d.Year), d.Scope, d.InterventionType, d.ResponseStatus,
				d.ImplementationStatus, d.OversightStatus, distinct(d.ThemeCodes), distinct(d.ThemeGroups), distinct(d.OrganisationIDs), distinct(d.Sectors)})
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"bench_fts"}, []string{"id", "title", "body", "extra", "review_type", "partnership_id",
			"visibility", "year_kw", "scope", "intervention", "response", "implementation", "oversight", "theme_codes", "theme_groups",
			"org_ids", "sectors"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		n += len(docs)
		after = ids[len(ids)-1]
	}
	for _, q := range []string{`CREATE INDEX bench_fts_tsv ON bench_fts USING gin (tsv)`, `ANALYZE bench_fts`} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return err
		}
	}
	if n != e.Loaded.Recommendations {
		e.Printf("note: %d documents in the baseline table, %d recommendations loaded\n", n, e.Loaded.Recommendations)
	}
	return nil
}

// pgSearch runs q against bench_fts as the benchmark user may see it: the total and facets in one
// statement, the top 20 with snippets in another.
func (e *Env) pgSearch(ctx context.Context, conn *pgx.Conn, q Query) (int64, error) {
	args := []any{q.Text, e.Loaded.PanelPartnership}
	where := []string{`f.tsv @@ q.q`, `(f.visibility IN ('public', 'shared') OR (f.visibility = 'restricted' AND f.partnership_id = $2))`}
	names := make([]string, 0, len(q.Filters))
	for k := range q.Filters {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		c := pgColumn[k]
		args = append(args, e.fill(q.Filters[k]))
		if c.many {
			where = append(where, fmt.Sprintf("$%d = ANY(f.%s)", len(args), c.col))
		} else {
			where = append(where, fmt.Sprintf("f.%s = $%d", c.col, len(args)))
		}
	}
	from := `FROM bench_fts f, websearch_to_tsquery('english', $1) AS q(q) WHERE ` + strings.Join(where, " AND ")
	var sb strings.Builder
	sb.WriteString(`WITH m AS MATERIALIZED (SELECT f.* ` + from + `) SELECT 'total', '', count(*) FROM m`)
	for _, name := range q.FacetNames(search.AllFacets) {
		c := pgColumn[name]
		if c.many {
			fmt.Fprintf(&sb, ` UNION ALL SELECT '%s', v, count(*) FROM m, unnest(m.%s) v GROUP BY v`, name, c.col)
		} else {
			fmt.Fprintf(&sb, ` UNION ALL SELECT '%s', %s, count(*) FROM m GROUP BY %s`, name, c.col, c.col)
		}
	}
	rows, err := conn.Query(ctx, sb.String(), args...)
	if err != nil {
		return 0, err
	}
	var total int64
	facets := map[string][]search.FacetCount{}
	for rows.Next() {
		var name, value string
		var n int64
		if err := rows.Scan(&name, &value, &n); err != nil {
			rows.Close()
			return 0, err
		}
		if name == "total" {
			total = n
			continue
		}
		facets[name] = append(facets[name], search.FacetCount{Value: value, Count: int(n)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for name, vs := range facets { // top 50 of each, as the index returns
		sort.Slice(vs, func(i, j int) bool {
			if vs[i].Count != vs[j].Count {
				return vs[i].Count > vs[j].Count
			}
			return vs[i].Value < vs[j].Value
		})
		facets[name] = vs[:min(len(vs), 50)]
	}
	top := `SELECT t.id, t.rank, ts_headline('english', t.body, t.q, 'StartSel=<mark>, StopSel=</mark>, MaxFragments=3, MaxWords=25, MinWords=10'),
		ts_headline('english', t.title, t.q, 'StartSel=<mark>, StopSel=</mark>, HighlightAll=true')
		FROM (SELECT f.id, f.body, f.title, q.q, ts_rank(f.tsv, q.q) AS rank ` + from + ` ORDER BY rank DESC, f.id LIMIT 20) t ORDER BY t.rank DESC, t.id`
	rows, err = conn.Query(ctx, top, args...)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var id, snippet, title string
		var rank float32
		if err := rows.Scan(&id, &rank, &snippet, &title); err != nil {
			rows.Close()
			return 0, err
		}
	}
	rows.Close()
	return total, rows.Err()
}

func postgresBaseline(e *Env) error {
	ctx := e.Ctx
	conn, err := pgx.Connect(ctx, e.DBURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	t0 := time.Now()
	if err := e.buildFTS(ctx, conn); err != nil {
		return fmt.Errorf("build the baseline table: %w", err)
	}
	e.Printf("baseline table bench_fts (tsvector english + GIN) built in %s\n", time.Since(t0).Round(time.Millisecond))
	for _, q := range Mix { // warm up
		if _, err := e.pgSearch(ctx, conn, q); err != nil {
			return fmt.Errorf("%q: %w", q.Text, err)
		}
	}
	s := &Sample{}
	var pgTotal, ixTotal int64
	start := time.Now()
	for range e.rounds() {
		for _, q := range Mix {
			t := time.Now()
			n, err := e.pgSearch(ctx, conn, q)
			if err != nil {
				return fmt.Errorf("%q: %w", q.Text, err)
			}
			s.Add(time.Since(t))
			pgTotal += n
			ixTotal += searchTimes.totals[q.Path(e.fill)]
		}
	}
	elapsed := time.Since(start)
	e.Printf("PostgreSQL FTS (SQL only, no HTTP): %s; %.0f searches/s (one client)\n", s.Summary(), float64(s.Len())/elapsed.Seconds())
	if b := searchTimes.sample; b != nil {
		e.Printf("bleve over HTTP:                   %s\n", b.Summary())
		e.Printf("ratio PostgreSQL / bleve: p50 %.1fx, p95 %.1fx, p99 %.1fx (bleve's times include HTTP, JSON and the database re-check of hits)\n",
			ratio(s.Pct(50), b.Pct(50)), ratio(s.Pct(95), b.Pct(95)), ratio(s.Pct(99), b.Pct(99)))
		e.Printf("matches found: PostgreSQL %d, bleve %d over the mix (bleve also matches synonyms and one-letter typos)\n",
			pgTotal/int64(e.rounds()), ixTotal/int64(e.rounds()))
	}
	return nil
}

func ratio(a, b time.Duration) float64 { return float64(a) / float64(max(b, 1)) }
