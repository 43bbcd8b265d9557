// Package eval is the project's quality evaluation (`make eval`): figures that cannot be a
// pass/fail test — search relevance, theme suggestions, recurrence, extraction — measured against
// judgements made independently of the product, each beside a baseline computed in the same run.
//
// Each measure is a Section in a file of its own that registers itself; the command
// (internal/eval/cmd/eval) runs the sections asked for and prints their tables as Markdown, which
// docs/eval.md keeps. The judgements are computed at run time from ../shared/corpus (real data,
// never committed) or from fictional data we wrote; a section whose inputs are absent says so and
// is skipped, never failed.
package eval

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrSkip is returned (wrapped, with the reason) by a section whose inputs are absent.
var ErrSkip = errors.New("skipped")

// Env is what a section gets: where the corpus is, a PostgreSQL server for baselines, and a
// scratch folder of its own that is removed afterwards.
type Env struct {
	CorpusDir   string // ../shared/corpus unless EVAL_CORPUS says otherwise
	DatabaseURL string // a PostgreSQL server the section may create databases on; "" when none
	TempDir     string
	Log         io.Writer // progress lines (stderr); the tables go to the report
}

// Corpus returns the path of a file or folder under the corpus, or an ErrSkip when it is absent.
func (e *Env) Corpus(rel string) (string, error) {
	p := filepath.Join(e.CorpusDir, rel)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("%w: %s is absent (%v)", ErrSkip, p, err)
	}
	return p, nil
}

// Table is one Markdown table of a section's report.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// Report is what a section prints: its tables and any notes under them.
type Report struct {
	Tables []Table
	Notes  []string
}

// Section is one measure.
type Section struct {
	Name  string // short, for EVAL_SECTIONS
	Title string
	Run   func(ctx context.Context, env *Env) (Report, error)
}

var sections []Section

// Register adds a section; each section's file calls it from init.
func Register(s Section) {
	if s.Name == "" || s.Run == nil {
		panic("eval: a section needs a name and a Run")
	}
	sections = append(sections, s)
	slices.SortFunc(sections, func(a, b Section) int { return strings.Compare(a.Name, b.Name) })
}

// Sections lists the registered sections' names.
func Sections() []string {
	out := make([]string, len(sections))
	for i, s := range sections {
		out[i] = s.Name
	}
	return out
}

// Run runs the sections named in only (all when empty), writing each one's report to out as
// Markdown. It returns 1 if a section failed (a skip is not a failure) or a name is unknown.
func Run(ctx context.Context, env Env, only []string, out io.Writer) int {
	code := 0
	for _, name := range only {
		if !slices.Contains(Sections(), name) {
			fmt.Fprintf(env.Log, "eval: no section %q (there are: %s)\n", name, strings.Join(Sections(), ", "))
			code = 1
		}
	}
	for _, s := range sections {
		if len(only) > 0 && !slices.Contains(only, s.Name) {
			continue
		}
		fmt.Fprintf(out, "## %s\n\n", s.Title)
		dir, err := os.MkdirTemp("", "casereview-eval-"+s.Name+"-")
		if err != nil {
			fmt.Fprintf(out, "Not run: %v\n\n", err)
			code = 1
			continue
		}
		e := env
		e.TempDir = dir
		start := time.Now()
		rep, err := s.Run(ctx, &e)
		os.RemoveAll(dir)
		switch {
		case errors.Is(err, ErrSkip):
			fmt.Fprintf(out, "Skipped: %v\n\n", err)
			continue
		case err != nil:
			fmt.Fprintf(out, "Failed: %v\n\n", err)
			code = 1
			continue
		}
		for _, t := range rep.Tables {
			WriteTable(out, t)
		}
		for _, n := range rep.Notes {
			fmt.Fprintf(out, "%s\n\n", n)
		}
		fmt.Fprintf(out, "_(%s in %s)_\n\n", s.Name, time.Since(start).Round(time.Second))
	}
	return code
}

// WriteTable prints t as a Markdown table, with its caption above it.
func WriteTable(out io.Writer, t Table) {
	if t.Caption != "" {
		fmt.Fprintf(out, "%s\n\n", t.Caption)
	}
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	row := func(cells []string) {
		parts := make([]string, len(cells))
		for i, c := range cells {
			parts[i] = cell(c)
		}
		fmt.Fprintf(out, "| %s |\n", strings.Join(parts, " | "))
	}
	row(t.Header)
	sep := make([]string, len(t.Header))
	for i := range sep {
		sep[i] = "---"
	}
	fmt.Fprintf(out, "|%s|\n", strings.Join(sep, "|"))
	for _, r := range t.Rows {
		row(r)
	}
	fmt.Fprintln(out)
}

// F formats a figure to three decimals, the precision every table uses.
func F(v float64) string { return fmt.Sprintf("%.3f", v) }
