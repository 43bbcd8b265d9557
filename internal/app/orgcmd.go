package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/casereview/casereview/internal/casereview"
)

// orgFlags maps the merge's fields to the arguments that set them, for error messages.
var orgFlags = map[string]string{"merge": "MERGED"}

// orgCommand is `org duplicates|merge` (see casereview/orgmerge.go): duplicate organisations
// suggested and merged as the system, audited, and a running server's search follows. A merge
// takes both organisations' current versions itself, as the taxonomy commands do: at a terminal
// there is no earlier read to protect, and the store still refuses a merge that races a write.
func (c *cli) orgCommand() *cobra.Command {
	dups := &cobra.Command{Use: "duplicates", Short: "List likely duplicate organisations, surest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				got, err := a.store.OrganisationDuplicates(sys)
				if err != nil {
					return failed(err, orgFlags)
				}
				for _, d := range got {
					fmt.Fprintf(c.stdout, "%.2f %-9s %s (%s)  ~  %s (%s)\n", d.Score, d.Reason, d.AName, d.AID, d.BName, d.BID)
				}
				fmt.Fprintf(c.stdout, "%d likely duplicates\n", len(got))
				return nil
			})
		}}
	merge := &cobra.Command{Use: "merge SURVIVOR MERGED",
		Short: "Merge the organisation MERGED into SURVIVOR (ids or exact names): everything moves, MERGED's name becomes an alias",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				var orgs [2]casereview.Organisation
				for i, arg := range args {
					o, err := findOrganisation(sys, a, arg)
					if err != nil {
						return failed(err, orgFlags)
					}
					orgs[i] = o
				}
				m, err := a.store.MergeOrganisations(sys, orgs[0].ID, orgs[1].ID, orgs[0].Version, orgs[1].Version)
				if err != nil {
					return failed(err, orgFlags)
				}
				fmt.Fprintf(c.stdout, "merged %s (%s) into %s (%s), now version %d\n", m.MergedName, m.MergedID, m.Survivor.Name, m.Survivor.ID, m.Survivor.Version)
				fmt.Fprintf(c.stdout, "moved: %d addressees (%d combined), %d actions, %d responses, %d memberships, %d aliases, %d child organisations; %d recommendations re-indexed\n",
					m.Addressees, m.Combined, m.Actions, m.Responses, m.Memberships, m.Aliases, m.Children, m.Recommendations)
				return nil
			})
		}}
	return group("org", "Find and merge duplicate organisations (audited; a running server's search follows)", dups, merge)
}

// findOrganisation reads an organisation by id, or else by its exact name (as NameKey folds it).
func findOrganisation(ctx context.Context, a *App, arg string) (casereview.Organisation, error) {
	if _, ok := casereview.NormaliseID(arg); ok {
		return a.store.GetOrganisation(ctx, arg)
	}
	page, err := a.store.ListOrganisations(ctx, casereview.OrganisationFilter{Name: arg}, casereview.PageRequest{Limit: casereview.MaxPageSize})
	if err != nil {
		return casereview.Organisation{}, err
	}
	for _, o := range page.Items {
		if casereview.NameKey(o.Name) == casereview.NameKey(arg) {
			return o, nil
		}
	}
	return casereview.Organisation{}, casereview.NotFound("organisation named " + arg)
}
