package summaries

import (
	"slices"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// A recommendation's confirmed themes are kept with it as one column, recommendations.theme_set
// (migration 00027): their codes, comma-separated, or "" for none. The summaries group by that
// column, which has one value per recommendation, and share each group's count among its themes
// here, instead of joining the theme assignments (to themselves, for pairs): at 100k
// recommendations there are about 14,000 distinct sets, and the grouping is several times faster
// than the join.
const themeSetCol = "recommendations.theme_set"

// themeCodes splits a theme_set into its codes, in byte order.
func themeCodes(set string) []string {
	if set == "" {
		return nil
	}
	codes := strings.Split(set, ",")
	slices.Sort(codes)
	return codes
}

// expander returns, for a dimension counted from theme_set, the values a recommendation with a
// given set counts under; nil for every other dimension (a value is itself). It keeps the rules
// the joins had: filtering by theme narrows the theme dimension to the themes asked for, and by
// theme group the group dimension to the groups asked for; without a theme filter a
// recommendation with no confirmed theme counts under NoneKey.
func (sc *summaryScope) expander(d casereview.Dimension) func(string) []string {
	switch d {
	case casereview.DimTheme:
		return func(set string) []string {
			codes := themeCodes(set)
			if len(sc.themes) > 0 {
				return slices.DeleteFunc(codes, func(c string) bool { return !slices.Contains(sc.themes, c) })
			}
			if len(codes) == 0 {
				return []string{casereview.NoneKey}
			}
			return codes
		}
	case casereview.DimThemeGroup:
		return func(set string) []string {
			var groups []string
			for _, c := range themeCodes(set) {
				g, ok := sc.groupOf[c]
				if !ok || slices.Contains(groups, g) || (len(sc.f.ThemeGroups) > 0 && !slices.Contains(sc.f.ThemeGroups, g)) {
					continue
				}
				groups = append(groups, g)
			}
			if len(groups) == 0 && len(sc.themes) == 0 && len(sc.f.ThemeGroups) == 0 {
				return []string{casereview.NoneKey}
			}
			return groups
		}
	}
	return nil
}

// expand is e(v), or v alone when e is nil.
func expand(e func(string) []string, v string) []string {
	if e == nil {
		return []string{v}
	}
	return e(v)
}

// fromThemeSet reports whether d is counted from theme_set (and so needs no join).
func fromThemeSet(d casereview.Dimension) bool {
	return d == casereview.DimTheme || d == casereview.DimThemeGroup
}

// expandCells shares each row's count among the values its raw row and column values expand to.
func expandCells(rows []struct {
	R, C string
	N    int
	KS   int64
}, rx, cx func(string) []string) []struct {
	R, C string
	N    int
	KS   int64
} {
	type cell struct{ r, c string }
	at := map[cell]int{}
	out := rows[:0:0]
	for _, x := range rows {
		for _, r := range expand(rx, x.R) {
			for _, c := range expand(cx, x.C) {
				i, ok := at[cell{r, c}]
				if !ok {
					i = len(out)
					at[cell{r, c}] = i
					out = append(out, x)
					out[i].R, out[i].C, out[i].N, out[i].KS = r, c, 0, 0
				}
				out[i].N += x.N
				out[i].KS += x.KS
			}
		}
	}
	return out
}
