// Package searcheval is the "search" section of `make eval` (issue 16 §1): how well search ranks
// what a practitioner means, on the real coroners' prevention of future deaths reports, beside
// PostgreSQL full-text search and SQLite FTS5 over the same texts in the same run.
//
// The corpus is imported through the product's own PFD importer into a fresh embedded database,
// the real application is started on it, and every query of the judged set (queries.go) is sent
// to the HTTP search API by a signed-in oversight officer (who reads every recommendation). The
// same recommendations' title, text and addressees are loaded into a scratch PostgreSQL database
// (tsvector, english configuration, queried with websearch_to_tsquery and ranked by ts_rank_cd)
// and a scratch SQLite file (FTS5 with the porter tokenizer, ranked by bm25). Relevance is decided
// by each query's rule over the recommendation's text, never by any of the three engines.
package searcheval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/eval"
)

func init() {
	eval.Register(eval.Section{Name: "search", Title: "Search relevance (PFD concerns, judged query set)", Run: run})
}

// doc is what the three engines search, and what relevance is judged on.
type doc struct {
	ID, Title, Text, Extra string // Extra: the review's title and the addressees' names and aliases
}

// engine answers a query with recommendation ids, best first.
type engine struct {
	name   string
	search func(ctx context.Context, q string, k int) ([]string, error)
}

const (
	topK      = 50 // recall is measured at 50, so each engine is asked for its best 50
	precAt    = 10
	ndcgAt    = 10
	minJudged = 1 // a query needs at least one relevant recommendation to be measured
)

func run(ctx context.Context, env *eval.Env) (eval.Report, error) {
	pfdDir, err := env.Corpus("pfd")
	if err != nil {
		return eval.Report{}, err
	}
	if _, err := env.Corpus("pfd/pfd_reports_concerns_union.csv"); err != nil {
		return eval.Report{}, err
	}
	rules := make([]*regexp.Regexp, len(queries))
	for i, q := range queries {
		if rules[i], err = compileRule(q.Rule); err != nil {
			return eval.Report{}, fmt.Errorf("query %q: %w", q.Q, err)
		}
	}

	t0 := time.Now()
	prod, err := startProduct(ctx, env, pfdDir)
	if err != nil {
		return eval.Report{}, err
	}
	defer prod.close()
	fmt.Fprintf(env.Log, "search eval: imported and indexed %d recommendations in %s\n", len(prod.docs), time.Since(t0).Round(time.Second))

	engines := []engine{{name: "casereview", search: prod.search}}
	var notes []string
	pg, err := newPostgres(ctx, env, prod.docs)
	switch {
	case err != nil:
		notes = append(notes, fmt.Sprintf("PostgreSQL FTS not run: %v.", err))
	default:
		defer pg.close()
		engines = append(engines, engine{name: "PostgreSQL FTS", search: pg.search})
	}
	lite, err := newSQLite(ctx, filepath.Join(env.TempDir, "fts5.db"), prod.docs)
	if err != nil {
		return eval.Report{}, fmt.Errorf("SQLite FTS5: %w", err)
	}
	defer lite.close()
	engines = append(engines, engine{name: "SQLite FTS5", search: lite.search})

	// Judge: which recommendations each query's rule finds relevant.
	relevant := make([]map[string]bool, len(queries))
	for i := range queries {
		relevant[i] = map[string]bool{}
		for _, d := range prod.docs {
			if rules[i].MatchString(d.Title) || rules[i].MatchString(d.Text) {
				relevant[i][d.ID] = true
			}
		}
	}

	results := make([][]measures, len(engines)) // engine -> query
	for e, en := range engines {
		results[e] = make([]measures, len(queries))
		for i, q := range queries {
			if len(relevant[i]) < minJudged {
				continue
			}
			ids, err := en.search(ctx, q.Q, topK)
			if err != nil {
				return eval.Report{}, fmt.Errorf("%s: %q: %w", en.name, q.Q, err)
			}
			results[e][i] = measure(ids, relevant[i])
			if debug := os.Getenv("EVAL_DEBUG"); debug != "" && strings.Contains(","+debug+",", ","+q.Q+",") {
				show(env, en.name, q.Q, ids, relevant[i], prod.docs)
			}
		}
	}
	rep := report(engines, results, relevant, len(prod.docs))
	rep.Notes = append(rep.Notes, notes...)
	if os.Getenv("EVAL_VERBOSE") != "" {
		explain(env, engines, results, relevant)
	}
	return rep, nil
}

// compileRule compiles a relevance rule, case-insensitive unless it says otherwise inside.
func compileRule(rule string) (*regexp.Regexp, error) {
	return regexp.Compile(`(?i)` + rule)
}

// quoted reports whether the query was typed in quotes.
func quoted(q string) bool { return strings.HasPrefix(strings.TrimSpace(q), `"`) }

// explain prints, to the log only, each query's figures per engine and how many relevant
// recommendations each engine's top 10 misses: for reading, when changing the ranking.
func explain(env *eval.Env, engines []engine, results [][]measures, relevant []map[string]bool) {
	for i, q := range queries {
		fmt.Fprintf(env.Log, "%-40q relevant %4d:", q.Q, len(relevant[i]))
		for e, en := range engines {
			m := results[e][i]
			fmt.Fprintf(env.Log, "  %s P@10 %.2f nDCG %.2f R@50 %.2f (%d returned)", en.name, m.P10, m.NDCG10, m.R50, m.Returned)
		}
		fmt.Fprintln(env.Log)
	}
}

var errNoIndex = errors.New("the search index never answered")

// show prints, to the log only (EVAL_DEBUG=query,query), an engine's first ten answers to a query,
// marked relevant or not, with the start of each: for reading while changing the ranking. The
// text is never written to the report.
func show(env *eval.Env, engine, q string, ids []string, relevant map[string]bool, docs []doc) {
	text := map[string]string{}
	for _, d := range docs {
		text[d.ID] = d.Text
	}
	fmt.Fprintf(env.Log, "== %s: %q\n", engine, q)
	for i, id := range ids[:min(len(ids), 10)] {
		mark := " "
		if relevant[id] {
			mark = "+"
		}
		t := strings.Join(strings.Fields(text[id]), " ")
		fmt.Fprintf(env.Log, "%2d %s %.160s\n", i+1, mark, t)
	}
}
