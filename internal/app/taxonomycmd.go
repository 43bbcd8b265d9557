package app

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/casereview/casereview/internal/casereview"
)

// themeFlags maps the fields of a theme to the flags that set them, for error messages.
var themeFlags = map[string]string{"code": "--code", "group": "--group", "label": "--label", "definition": "--definition",
	"slug": "--slug", "keywords": "--keywords", "replaced_by": "--replaced-by"}

// taxonomyCommand is `taxonomy list|add|edit|deprecate` (see casereview/theme_admin.go): the
// themes managed as the system, audited, and a running server's search follows. Edits take the
// theme's current version themselves: at a terminal there is no earlier read to protect, and
// the store still refuses a write that races another.
func (c *cli) taxonomyCommand() *cobra.Command {
	var code, grp, label, definition, slug, keywords, replacedBy string
	var all bool
	kws := func() []string {
		out := []string{}
		for _, k := range strings.Split(keywords, ",") {
			if k = strings.TrimSpace(k); k != "" {
				out = append(out, k)
			}
		}
		return out
	}
	// run opens the application, gets a theme from fn and prints it.
	run := func(cmd *cobra.Command, fn func(a *App, sys context.Context) (casereview.Theme, error)) error {
		return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
			th, err := fn(a, sys)
			if err != nil {
				return failed(err, themeFlags)
			}
			printTheme(c.stdout, th)
			return nil
		})
	}
	list := &cobra.Command{Use: "list [--group G] [--all]", Short: "List the themes (active only unless --all)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				themes, version, err := a.store.ListThemes(sys, grp)
				if err != nil {
					return failed(err, themeFlags)
				}
				fmt.Fprintf(c.stdout, "taxonomy version %d\n", version)
				for _, t := range themes {
					if t.Active || all {
						printTheme(c.stdout, t)
					}
				}
				return nil
			})
		}}
	list.Flags().StringVar(&grp, "group", "", "only this group (A, B or C)")
	list.Flags().BoolVar(&all, "all", false, "list deprecated themes too")

	add := &cobra.Command{Use: "add --code C --group G --label L --definition D [--slug S] [--keywords \"a, b\"]",
		Short: "Add a theme", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, func(a *App, sys context.Context) (casereview.Theme, error) {
				return a.store.CreateTheme(sys, casereview.NewTheme{Code: code, Slug: slug, Group: grp, Label: label, Definition: definition, Keywords: kws()})
			})
		}}
	add.Flags().StringVar(&code, "code", "", "theme code, e.g. A40 (required)")
	add.Flags().StringVar(&grp, "group", "", "theme group: A, B or C (required)")
	add.Flags().StringVar(&label, "label", "", "label (required)")
	add.Flags().StringVar(&definition, "definition", "", "definition (required)")
	add.Flags().StringVar(&slug, "slug", "", "slug (made from the label when absent)")
	add.Flags().StringVar(&keywords, "keywords", "", "keywords, separated by commas")
	for _, f := range []string{"code", "group", "label", "definition"} {
		_ = add.MarkFlagRequired(f)
	}

	edit := &cobra.Command{Use: "edit --code C [--label L] [--definition D] [--group G] [--keywords \"a, b\"]",
		Short: "Change a theme's label, definition, group or keywords", Args: cobra.NoArgs,
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			for _, f := range []string{"label", "definition", "group", "keywords"} {
				if cmd.Flags().Changed(f) {
					return nil
				}
			}
			return fmt.Errorf("nothing to change: give --label, --definition, --group or --keywords")
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, func(a *App, sys context.Context) (casereview.Theme, error) {
				cur, err := a.store.GetTheme(sys, code)
				if err != nil {
					return cur, err
				}
				var d casereview.ThemeChange
				if cmd.Flags().Changed("label") {
					d.Label = &label
				}
				if cmd.Flags().Changed("definition") {
					d.Definition = &definition
				}
				if cmd.Flags().Changed("group") {
					d.Group = &grp
				}
				if cmd.Flags().Changed("keywords") {
					k := kws()
					d.Keywords = &k
				}
				return a.store.UpdateTheme(sys, cur.Code, cur.TaxonomyVersion, d)
			})
		}}
	edit.Flags().StringVar(&code, "code", "", "theme code (A09) or slug (required)")
	edit.Flags().StringVar(&label, "label", "", "new label")
	edit.Flags().StringVar(&definition, "definition", "", "new definition")
	edit.Flags().StringVar(&grp, "group", "", "new group: A, B or C")
	edit.Flags().StringVar(&keywords, "keywords", "", "keywords, separated by commas (replaces the list)")
	_ = edit.MarkFlagRequired("code")

	deprecate := &cobra.Command{Use: "deprecate --code C [--replaced-by C2]",
		Short: "Deprecate a theme: it stays where assigned, and can no longer be assigned", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd, func(a *App, sys context.Context) (casereview.Theme, error) {
				cur, err := a.store.GetTheme(sys, code)
				if err != nil {
					return cur, err
				}
				return a.store.DeprecateTheme(sys, cur.Code, cur.TaxonomyVersion, replacedBy)
			})
		}}
	deprecate.Flags().StringVar(&code, "code", "", "theme code or slug (required)")
	deprecate.Flags().StringVar(&replacedBy, "replaced-by", "", "the theme to use instead")
	_ = deprecate.MarkFlagRequired("code")

	return group("taxonomy", "Manage the themes (audited; a running server's search follows)", list, add, edit, deprecate)
}

func printTheme(w io.Writer, t casereview.Theme) {
	state := ""
	if !t.Active {
		state = " [deprecated]"
		if t.ReplacedBy != "" {
			state = " [deprecated; use " + t.ReplacedBy + "]"
		}
	}
	fmt.Fprintf(w, "%s %s (%s) %s%s — version %d; keywords: %s\n", t.Code, t.Slug, t.Group, t.Label, state, t.TaxonomyVersion, strings.Join(t.Keywords, ", "))
}
