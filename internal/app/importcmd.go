package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
	"github.com/casereview/casereview/internal/importer/bulkjson"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/store/imports"
	"github.com/casereview/casereview/internal/store/state"
)

// withStore opens the migrated database for an import or export, runs fn as the system and
// closes it.
func (c *cli) withStore(ctx context.Context, fn func(s *store.Store, sys context.Context) error) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, cfg, commandLogger(cfg, c.stderr), nil)
	if err != nil {
		return failed(err, nil)
	}
	defer s.Close()
	return fn(s, casereview.WithActor(ctx, casereview.System))
}

func (c *cli) importCommand() *cobra.Command {
	var dry bool
	var limit, batch int
	pfd := &cobra.Command{Use: "pfd DIR [--limit N] [--batch N] [--dry-run]", Short: "Import the coroners' prevention of future deaths corpus",
		Args: cobra.ExactArgs(1),
		PreRunE: func(*cobra.Command, []string) error {
			if limit < 0 || batch < 0 {
				return fmt.Errorf("--limit and --batch take a number of reports, 0 or more")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withStore(cmd.Context(), func(s *store.Store, sys context.Context) error {
				start := time.Now()
				bar := newProgress(c.stderr, "reports")
				res, err := pfdimport.Import(sys, imports.Over(s), pfdimport.Options{Dir: args[0], DryRun: dry, Limit: limit, Batch: batch, Progress: bar.set})
				bar.done()
				if err != nil {
					return failed(err, nil)
				}
				printResult(c.stdout, res.Result, time.Since(start))
				fmt.Fprintf(c.stdout, "reports read %d, joined to the tracker %d, concern items %d, organisations created %d, partnerships created %d\n",
					res.Reports, res.Joined, res.Items, res.OrganisationsCreated, res.PartnershipsCreated)
				f := res.Figures
				fmt.Fprintf(c.stdout, "addressees per recommendation %.2f, recommendations without an addressee %d (of which the source names a recipient %d), organisations addressed %d, aliases recorded %d\n",
					f.PerRecommendation(res.Items), f.WithoutAddressee, f.WithoutAddresseeNamed, f.Organisations, f.AliasesRecorded)
				fmt.Fprintf(c.stdout, "tracker statuses %v, responses recorded %v, unmapped %d; recommendations with suggested themes %d, unthemed %d\n",
					f.Statuses, f.Responses, f.UnmappedStatuses, f.SuggestedThemes, f.Unthemed)
				return nil
			})
		}}
	pfd.Flags().BoolVar(&dry, "dry-run", false, "work out and count everything, write nothing")
	pfd.Flags().IntVar(&limit, "limit", 0, "import only the first N reports")
	pfd.Flags().IntVar(&batch, "batch", 0, "reports per transaction (0, the default: all in one, so the import is all or nothing)")

	var jsonDry bool
	bulk := &cobra.Command{Use: "json FILE [--dry-run]", Short: "Import bulk JSON written by `export json` (format /1 or /2)", Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return failed(err, nil)
			}
			return c.withStore(cmd.Context(), func(s *store.Store, sys context.Context) error {
				start := time.Now()
				bar := newProgress(c.stderr, "records")
				res, err := ImportJSON(sys, s, data, bulkjson.Options{DryRun: jsonDry, Progress: bar.set})
				bar.done()
				if err != nil {
					return failed(err, nil)
				}
				printResult(c.stdout, res, time.Since(start))
				return nil
			})
		}}
	bulk.Flags().BoolVar(&jsonDry, "dry-run", false, "validate and report, write nothing")
	return group("import", "Import action plans, bulk JSON or the PFD corpus", c.importActionPlanCommand(), pfd, bulk)
}

func (c *cli) exportCommand() *cobra.Command {
	var id, format, outFile string
	// output opens -o FILE (or standard output) and runs fn on it.
	output := func(outFile string, fn func(w io.Writer) error) error {
		if outFile == "" {
			return fn(c.stdout)
		}
		f, err := os.Create(outFile)
		if err != nil {
			return failed(err, nil)
		}
		if err := fn(f); err != nil {
			f.Close()
			os.Remove(outFile) // never leave half a file behind
			return err
		}
		return f.Close()
	}
	plan := &cobra.Command{Use: "actionplan --review-id ID [--format xlsx|csv] [-o FILE]", Short: "Export a review's action plan", Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error { return oneOf("format", format, "xlsx", "csv") },
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd.Context(), func(s *store.Store, sys context.Context) error {
				e, err := actionplan.LoadExport(sys, s, id)
				if err != nil {
					return failed(err, map[string]string{"id": "--review-id"})
				}
				return output(outFile, func(w io.Writer) error {
					if format == "csv" {
						err = actionplan.WriteCSV(w, e)
					} else {
						err = actionplan.WriteXLSX(w, e)
					}
					if err != nil {
						return failed(err, nil)
					}
					return nil
				})
			})
		}}
	plan.Flags().StringVar(&id, "review-id", "", "the review (required)")
	plan.Flags().StringVar(&format, "format", "xlsx", "xlsx or csv")
	plan.Flags().StringVarP(&outFile, "output", "o", "", "write to this file (default: standard output)")
	_ = plan.MarkFlagRequired("review-id")
	_ = plan.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"xlsx", "csv"}, cobra.ShellCompDirectiveNoFileComp))

	var ids, parts, jsonOut string
	var all bool
	bulk := &cobra.Command{Use: "json (--all | --partnership ID[,ID...] | --review-id ID[,ID...]) [-o FILE]",
		Short: "Export bulk JSON: the whole state (--all, --partnership; format /2) or reviews' plans (--review-id; format /1)", Args: cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			n := 0
			for _, set := range []bool{all, parts != "", ids != ""} {
				if set {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("give one of --all, --partnership and --review-id")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withStore(cmd.Context(), func(s *store.Store, sys context.Context) error {
				return output(jsonOut, func(w io.Writer) error {
					var err error
					if ids != "" {
						err = ExportJSON(sys, s, strings.Split(ids, ","), w)
					} else {
						sc := casereview.StateScope{Instance: instanceName()}
						if parts != "" {
							sc.PartnershipIDs = strings.Split(parts, ",")
						}
						err = bulkjson.ExportState(sys, state.New(s), sc, w)
					}
					if err != nil {
						return failed(err, map[string]string{"partnership_id": "--partnership"})
					}
					return nil
				})
			})
		}}
	bulk.Flags().BoolVar(&all, "all", false, "the whole instance's case data, tracking included (format /2)")
	bulk.Flags().StringVar(&parts, "partnership", "", "these partnerships' case data, tracking included (format /2), separated by commas")
	bulk.Flags().StringVar(&ids, "review-id", "", "the reviews' plans (format /1), separated by commas")
	bulk.Flags().StringVarP(&jsonOut, "output", "o", "", "write to this file (default: standard output)")
	return group("export", "Export action plans or bulk JSON", plan, bulk)
}

func (c *cli) importActionPlanCommand() *cobra.Command {
	var ref, part, typ, title, published, visibility string
	var create, yes, dry, asJSON bool
	cmd := &cobra.Command{
		Use: "actionplan FILE --review-ref REF --partnership NAME|ID [--type DHR] [--title T] [--published dd/mm/yyyy]\n" +
			"    [--visibility restricted|shared|public] [--create-organisations] [--dry-run] [--json]",
		Short: "Import a CSV or XLSX action plan into one review",
		Args:  cobra.ExactArgs(1),
		PreRunE: func(*cobra.Command, []string) error {
			if published != "" {
				if _, ok := actionplan.ParseUKDate(published); !ok {
					return fmt.Errorf("--published %q is not a date (write it as dd/mm/yyyy)", published)
				}
			}
			return oneOf("visibility", visibility, "restricted", "shared", "public")
		},
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		file := args[0]
		data, err := readLimited(file, actionplan.DefaultLimits.MaxBytes)
		if err != nil {
			return failed(err, nil)
		}
		req := actionplan.Request{FileName: file, Data: data, DryRun: dry, CreateOrganisations: create, Today: casereview.DateOf(time.Now()),
			Review: casereview.ReviewDraft{Reference: ref, Type: typ, Title: title, Visibility: casereview.Visibility(visibility)}}
		if published != "" {
			d, _ := actionplan.ParseUKDate(published)
			req.Review.PublishedOn = &d
		}
		if id, ok := casereview.NormaliseID(part); ok {
			req.Review.PartnershipID = id
		} else {
			req.PartnershipName = part
		}
		flags := map[string]string{"reference": "--review-ref", "partnership_id": "--partnership", "partnership": "--partnership",
			"type": "--type", "title": "--title", "published_on": "--published", "visibility": "--visibility"}
		return c.withStore(cmd.Context(), func(s *store.Store, sys context.Context) error {
			start := time.Now()
			bar := newProgress(c.stderr, "rows")
			req.Progress = bar.set
			out, err := actionplan.Import(sys, imports.Over(s), req)
			bar.done()
			if err != nil {
				return failed(err, flags)
			}
			// Unmatched agencies: offer to create them, then run again.
			if len(out.Unmatched) > 0 && !dry && !create && onlyUnmatched(out) && confirm(c.stdin, c.stderr, yes, out.Unmatched) {
				req.CreateOrganisations = true
				if out, err = actionplan.Import(sys, imports.Over(s), req); err != nil {
					return failed(err, flags)
				}
			}
			if asJSON {
				enc := json.NewEncoder(c.stdout)
				enc.SetIndent("", "  ")
				_ = enc.Encode(out)
			} else {
				for _, is := range out.Report.Issues {
					fmt.Fprintln(c.stdout, is.String())
				}
				for _, o := range out.CreatedOrganisations {
					fmt.Fprintf(c.stdout, "created organisation %q (sector other; set its sector in the application)\n", o)
				}
				if out.Result != nil {
					printResult(c.stdout, *out.Result, time.Since(start))
				}
			}
			if out.Result == nil {
				fmt.Fprintf(c.stderr, "nothing written: %d problem(s) to fix\n", out.Report.Errors())
				return exit(1)
			}
			return nil
		})
	}
	f := cmd.Flags()
	f.StringVar(&ref, "review-ref", "", "the review's reference (or a \"Review reference\" line in the file)")
	f.StringVar(&part, "partnership", "", "the partnership, by name or id (or a \"Partnership\" line in the file)")
	f.StringVar(&typ, "type", "", "review type for a new review, e.g. DHR")
	f.StringVar(&title, "title", "", "title or pseudonym for a new review")
	f.StringVar(&published, "published", "", "publication date, dd/mm/yyyy")
	f.StringVar(&visibility, "visibility", "", "restricted (default), shared or public")
	f.BoolVar(&create, "create-organisations", false, "create lead agencies that match no organisation, without asking")
	f.BoolVar(&yes, "yes", false, "answer yes to questions")
	f.BoolVar(&dry, "dry-run", false, "validate and report, write nothing")
	f.BoolVar(&asJSON, "json", false, "print the report and result as JSON")
	_ = cmd.RegisterFlagCompletionFunc("visibility", cobra.FixedCompletions([]string{"restricted", "shared", "public"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
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
	if len(r.Created) > 0 {
		names := make([]string, 0, len(r.Created))
		for k := range r.Created {
			names = append(names, k)
		}
		sort.Strings(names)
		var parts []string
		for _, k := range names {
			parts = append(parts, fmt.Sprintf("%s %d", k, r.Created[k]))
		}
		label := "created"
		if r.DryRun {
			label = "would create"
		}
		fmt.Fprintf(w, "%s: %s\n", label, strings.Join(parts, ", "))
	}
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

// ImportJSON imports a bulk JSON document of either format.
func ImportJSON(ctx context.Context, s *store.Store, data []byte, o bulkjson.Options) (casereview.ImportResult, error) {
	d, err := bulkjson.Read(data)
	if err != nil {
		return casereview.ImportResult{}, err
	}
	return bulkjson.ImportDocument(ctx, imports.Over(s), state.New(s), d, o)
}

// instanceName is how an export names this instance in its source: the host's name.
func instanceName() string {
	h, _ := os.Hostname()
	return h
}

// ExportJSON writes reviews as a bulk JSON document.
func ExportJSON(ctx context.Context, s *store.Store, ids []string, w io.Writer) error {
	return bulkjson.Export(ctx, s, ids, w)
}
