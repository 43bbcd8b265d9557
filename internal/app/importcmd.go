package app

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/actionplan"
	"github.com/casereview/casereview/internal/bulkjson"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/pfdimport"
	"github.com/casereview/casereview/internal/store"
)

const importUsage = `  casereview import actionplan FILE --review-ref REF --partnership NAME|ID [--type DHR] [--title T]
                       [--published dd/mm/yyyy] [--visibility restricted|shared|public]
                       [--create-organisations] [--dry-run] [--json]
                                              import a CSV or XLSX action plan into one review
  casereview import pfd DIR [--limit N] [--batch N] [--dry-run]   import the coroners' PFD corpus
  casereview import json FILE [--dry-run]     import bulk JSON written by export json
  casereview export actionplan --review-id ID [--format xlsx|csv] [-o FILE]
  casereview export json --review-id ID[,ID...] [-o FILE]
`

// runImport runs `import …` and `export …` as the system.
func runImport(ctx context.Context, cfg config.Config, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	log := NewLogger(cfg, stderr)
	s, err := openMigrated(ctx, cfg, log, nil)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer s.Close()
	sys := casereview.WithActor(ctx, casereview.System)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "error:", describe(err))
		return 1
	}
	switch strings.Join(args[:2], " ") {
	case "import actionplan":
		return importActionPlan(sys, s, args[2:], stdin, stdout, stderr)
	case "import pfd":
		fs := flag.NewFlagSet("import pfd", flag.ContinueOnError)
		fs.SetOutput(stderr)
		dry := fs.Bool("dry-run", false, "validate and count, write nothing")
		limit := fs.Int("limit", 0, "import only the first N reports")
		batch := fs.Int("batch", 200, "reports per transaction")
		dir, rest := positional(args[2:])
		if err := fs.Parse(rest); err != nil || dir == "" {
			fmt.Fprint(stderr, "usage:\n", importUsage)
			return 2
		}
		start := time.Now()
		res, err := pfdimport.Import(sys, s, pfdimport.Options{Dir: dir, DryRun: *dry, Limit: *limit, Batch: *batch,
			Progress: func(done, total int) { fmt.Fprint(stderr, progressLine(done, int64(total), time.Since(start))) }})
		fmt.Fprintln(stderr)
		if err != nil {
			return fail(err)
		}
		printResult(stdout, res.Result, time.Since(start))
		fmt.Fprintf(stdout, "reports read %d, joined to the tracker %d, concern items %d, organisations created %d, partnerships created %d\n",
			res.Reports, res.Joined, res.Items, res.OrganisationsCreated, res.PartnershipsCreated)
		f := res.Figures
		fmt.Fprintf(stdout, "addressees per recommendation %.2f, recommendations without an addressee %d (of which the source names a recipient %d), organisations addressed %d, aliases recorded %d\n",
			f.PerRecommendation(res.Items), f.WithoutAddressee, f.WithoutAddresseeNamed, f.Organisations, f.AliasesRecorded)
		fmt.Fprintf(stdout, "tracker statuses %v, responses recorded %v, unmapped %d; recommendations with suggested themes %d, unthemed %d\n",
			f.Statuses, f.Responses, f.UnmappedStatuses, f.SuggestedThemes, f.Unthemed)
		return 0
	case "import json":
		fs := flag.NewFlagSet("import json", flag.ContinueOnError)
		fs.SetOutput(stderr)
		dry := fs.Bool("dry-run", false, "validate, write nothing")
		file, rest := positional(args[2:])
		if err := fs.Parse(rest); err != nil || file == "" {
			fmt.Fprint(stderr, "usage:\n", importUsage)
			return 2
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return fail(err)
		}
		start := time.Now()
		res, err := ImportJSON(sys, s, data, *dry)
		if err != nil {
			return fail(err)
		}
		printResult(stdout, res, time.Since(start))
		return 0
	case "export actionplan", "export json":
		fs := flag.NewFlagSet("export", flag.ContinueOnError)
		fs.SetOutput(stderr)
		id := fs.String("review-id", "", "the review (required; for json, a comma-separated list)")
		format := fs.String("format", "xlsx", "xlsx or csv")
		outFile := fs.String("o", "", "write to this file (default: standard output)")
		if err := fs.Parse(args[2:]); err != nil || *id == "" {
			fmt.Fprint(stderr, "usage:\n", importUsage)
			return 2
		}
		w := stdout
		if *outFile != "" {
			f, err := os.Create(*outFile)
			if err != nil {
				return fail(err)
			}
			defer f.Close()
			w = f
		}
		if args[1] == "json" {
			if err := ExportJSON(sys, s, strings.Split(*id, ","), w); err != nil {
				return fail(err)
			}
			return 0
		}
		e, err := actionplan.LoadExport(sys, s, *id)
		if err != nil {
			return fail(err)
		}
		if *format == "csv" {
			err = actionplan.WriteCSV(w, e)
		} else {
			err = actionplan.WriteXLSX(w, e)
		}
		if err != nil {
			return fail(err)
		}
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", strings.Join(args, " "), importUsage)
	return 2
}

// positional takes the first argument that is not a flag (Go's flag package stops at it).
func positional(args []string) (string, []string) {
	for i, a := range args {
		if !strings.HasPrefix(a, "-") && (i == 0 || !strings.HasPrefix(args[i-1], "-") || strings.Contains(args[i-1], "=") || isBoolFlag(args[i-1])) {
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		}
	}
	return "", args
}

func isBoolFlag(a string) bool {
	switch strings.TrimLeft(a, "-") {
	case "dry-run", "create-organisations", "json", "yes":
		return true
	}
	return false
}

func importActionPlan(ctx context.Context, s *store.Store, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import actionplan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ref := fs.String("review-ref", "", "the review's reference (or a \"Review reference\" line in the file)")
	part := fs.String("partnership", "", "the partnership, by name or id (or a \"Partnership\" line in the file)")
	typ := fs.String("type", "", "review type for a new review, e.g. DHR")
	title := fs.String("title", "", "title or pseudonym for a new review")
	published := fs.String("published", "", "publication date")
	visibility := fs.String("visibility", "", "restricted (default), shared or public")
	create := fs.Bool("create-organisations", false, "create lead agencies that match no organisation, without asking")
	yes := fs.Bool("yes", false, "answer yes to questions")
	dry := fs.Bool("dry-run", false, "validate and report, write nothing")
	asJSON := fs.Bool("json", false, "print the report and result as JSON")
	file, rest := positional(args)
	if err := fs.Parse(rest); err != nil || file == "" {
		fmt.Fprint(stderr, "usage:\n", importUsage)
		return 2
	}
	data, err := readLimited(file, actionplan.DefaultLimits.MaxBytes)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	req := actionplan.Request{FileName: file, Data: data, DryRun: *dry, CreateOrganisations: *create, Today: casereview.DateOf(time.Now()),
		Review: casereview.ReviewDraft{Reference: *ref, Type: *typ, Title: *title, Visibility: casereview.Visibility(*visibility)}}
	if *published != "" {
		d, ok := actionplan.ParseUKDate(*published)
		if !ok {
			fmt.Fprintf(stderr, "error: --published %q is not a date\n", *published)
			return 2
		}
		req.Review.PublishedOn = &d
	}
	if id, ok := casereview.NormaliseID(*part); ok {
		req.Review.PartnershipID = id
	} else {
		req.PartnershipName = *part
	}
	start := time.Now()
	req.Progress = func(done, total int) { fmt.Fprint(stderr, progressLine(done, int64(total), time.Since(start))) }
	out, err := actionplan.Import(ctx, s, req)
	if err != nil {
		fmt.Fprintln(stderr, "\nerror:", describe(err))
		return 1
	}
	// Unmatched agencies: offer to create them, then run again.
	if len(out.Unmatched) > 0 && !*dry && !*create && onlyUnmatched(out) && confirm(stdin, stderr, *yes, out.Unmatched) {
		req.CreateOrganisations = true
		if out, err = actionplan.Import(ctx, s, req); err != nil {
			fmt.Fprintln(stderr, "\nerror:", describe(err))
			return 1
		}
	}
	if out.Result != nil {
		fmt.Fprintln(stderr)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
	} else {
		for _, is := range out.Report.Issues {
			fmt.Fprintln(stdout, is.String())
		}
		for _, o := range out.CreatedOrganisations {
			fmt.Fprintf(stdout, "created organisation %q (sector other; set its sector in the application)\n", o)
		}
		if out.Result != nil {
			printResult(stdout, *out.Result, time.Since(start))
		}
	}
	if out.Result == nil {
		fmt.Fprintf(stderr, "nothing written: %d problem(s) to fix\n", out.Report.Errors())
		return 1
	}
	return 0
}

// onlyUnmatched reports whether unmatched agencies are the only errors, so creating them is
// all the import needs.
func onlyUnmatched(out actionplan.Outcome) bool {
	return out.Report.Errors() == len(out.Unmatched)
}

func confirm(stdin io.Reader, stderr io.Writer, yes bool, un []actionplan.Unmatched) bool {
	fmt.Fprintln(stderr, "These lead agencies match no organisation:")
	for _, u := range un {
		fmt.Fprintf(stderr, "  %q (rows %v)", u.Text, u.Rows)
		if len(u.Suggestions) > 0 {
			fmt.Fprintf(stderr, " — closest: %s", strings.Join(u.Suggestions, "; "))
		}
		fmt.Fprintln(stderr)
	}
	if yes {
		return true
	}
	fmt.Fprint(stderr, "Create them as new organisations? [y/N] ")
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	return strings.EqualFold(strings.TrimSpace(line), "y") || strings.EqualFold(strings.TrimSpace(line), "yes")
}

func readLimited(file string, limit int64) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	return data, nil // Read reports a file over the limit
}

func printResult(w io.Writer, r casereview.ImportResult, took time.Duration) {
	verb := "imported"
	if r.DryRun {
		verb = "dry run, nothing written; would import"
	}
	fmt.Fprintf(w, "%s: reviews %d created, %d updated, %d unchanged; recommendations %d created, %d updated, %d unchanged; actions %d created, %d updated, %d unchanged\n",
		verb, r.ReviewsCreated, r.ReviewsUpdated, r.ReviewsUnchanged, r.RecommendationsCreated, r.RecommendationsUpdated, r.RecommendationsUnchanged,
		r.ActionsCreated, r.ActionsUpdated, r.ActionsUnchanged)
	for i, c := range r.Changes {
		if i == 20 {
			fmt.Fprintf(w, "  … and %d more changes\n", len(r.Changes)-20)
			break
		}
		fmt.Fprintln(w, "  "+c)
	}
	if n := len(r.ReviewIDs); n > 0 && n <= 10 {
		fmt.Fprintf(w, "review ids: %s\n", strings.Join(r.ReviewIDs, " "))
	}
	if n := r.Recommendations(); n > 0 {
		fmt.Fprintf(w, "%d recommendations in %s (%.0f/s)\n", n, took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 0.001))
	}
}

// ImportJSON imports a bulk JSON document.
func ImportJSON(ctx context.Context, s *store.Store, data []byte, dry bool) (casereview.ImportResult, error) {
	f, err := bulkjson.Decode(data)
	if err != nil {
		return casereview.ImportResult{}, err
	}
	return bulkjson.Import(ctx, s, f, dry)
}

// ExportJSON writes reviews as a bulk JSON document.
func ExportJSON(ctx context.Context, s *store.Store, ids []string, w io.Writer) error {
	return bulkjson.Export(ctx, s, ids, w)
}
