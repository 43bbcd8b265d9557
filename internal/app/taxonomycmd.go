package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

const taxonomyUsage = `  casereview taxonomy list [--group G] [--all]           list the themes (active only unless --all)
  casereview taxonomy add --code C --group G --label L --definition D [--slug S] [--keywords "a, b"]
  casereview taxonomy edit --code C [--label L] [--definition D] [--group G] [--keywords "a, b"]
  casereview taxonomy deprecate --code C [--replaced-by C2]
                                  manage the themes as the system (audited; a running server's search follows)
`

// runTaxonomy runs `taxonomy list|add|edit|deprecate` (see casereview/theme_admin.go). Edits
// take the theme's current version themselves: at a terminal there is no earlier read to
// protect, and the store still refuses a write that races another.
func runTaxonomy(ctx context.Context, a *App, args []string, stdout, stderr io.Writer) int {
	sys := casereview.WithActor(ctx, casereview.System)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "error:", describe(err))
		return 1
	}
	fs := flag.NewFlagSet("taxonomy "+args[1], flag.ContinueOnError)
	fs.SetOutput(stderr)
	code := fs.String("code", "", "theme code (A09) or slug")
	group := fs.String("group", "", "theme group (A, B or C)")
	label := fs.String("label", "", "label")
	definition := fs.String("definition", "", "definition")
	slug := fs.String("slug", "", "slug (made from the label when absent)")
	keywords := fs.String("keywords", "", "keywords, separated by commas (replaces the list)")
	replacedBy := fs.String("replaced-by", "", "the theme to use instead")
	all := fs.Bool("all", false, "list inactive themes too")
	if err := fs.Parse(args[2:]); err != nil {
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	kws := func() []string {
		out := []string{}
		for _, k := range strings.Split(*keywords, ",") {
			if k = strings.TrimSpace(k); k != "" {
				out = append(out, k)
			}
		}
		return out
	}
	var th casereview.Theme
	var err error
	switch args[1] {
	case "list":
		themes, version, err := a.store.ListThemes(sys, *group)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "taxonomy version %d\n", version)
		for _, t := range themes {
			if t.Active || *all {
				printTheme(stdout, t)
			}
		}
		return 0
	case "add":
		th, err = a.store.CreateTheme(sys, casereview.NewTheme{Code: *code, Slug: *slug, Group: *group, Label: *label, Definition: *definition, Keywords: kws()})
	case "edit":
		var cur casereview.Theme
		if cur, err = a.store.GetTheme(sys, *code); err != nil {
			return fail(err)
		}
		var d casereview.ThemeChange
		if set["label"] {
			d.Label = label
		}
		if set["definition"] {
			d.Definition = definition
		}
		if set["group"] {
			d.Group = group
		}
		if set["keywords"] {
			k := kws()
			d.Keywords = &k
		}
		th, err = a.store.UpdateTheme(sys, cur.Code, cur.TaxonomyVersion, d)
	case "deprecate":
		var cur casereview.Theme
		if cur, err = a.store.GetTheme(sys, *code); err != nil {
			return fail(err)
		}
		th, err = a.store.DeprecateTheme(sys, cur.Code, cur.TaxonomyVersion, *replacedBy)
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", "taxonomy "+args[1], usage)
		return 2
	}
	if err != nil {
		return fail(err)
	}
	printTheme(stdout, th)
	return 0
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
