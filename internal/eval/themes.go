package eval

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/suggest"
	"github.com/casereview/casereview/internal/taxonomy"
)

// The themes section measures theme suggestions (internal/suggest) against a person's
// judgement of real recommendations: PFD matters of concern, split into items as the PFD import
// splits them, and TAIC recommendations. themes/judged.tsv holds the ids and the theme codes
// judged right, nothing of the text; the text is read from the corpus at run time. The items
// were judged by reading them before the suggester was run on them. The outOfSample part
// ("fresh2") is the out-of-sample measure; the others (tuning, check, the first held-out part and
// the first fresh part) have all been seen while tuning. The baseline is the suggester as it was
// before issue 16 (suggest.Legacy, with the keywords of themes/baseline_keywords.yaml), run in
// the same process.
//
// EVAL_THEMES_SEEN_ONLY=1 leaves the out-of-sample part out (for work on the suggester, so that
// it is not looked at); EVAL_THEMES_LEARN=1 prints the per-keyword and per-theme factors learnt
// from the seen parts (themes_learn.go) to the log.

//go:embed themes/judged.tsv
var themesJudged []byte

//go:embed themes/baseline_keywords.yaml
var themesBaselineKeywords []byte

// outOfSample is the part that measures the suggester: judged and committed before the
// suggester was run on it, and never looked at item by item while tuning. seenParts are the rest,
// in the order they were judged.
const outOfSample = "fresh2"

var seenParts = []string{"tuning", "check", "heldout", "fresh"}

func init() {
	Register(Section{Name: "themes", Title: "Theme suggestions", Run: runThemes})
}

type judgedItem struct {
	source, id, split string
	want              []string
	text              string
}

func readJudged() ([]judgedItem, error) {
	var out []judgedItem
	sc := bufio.NewScanner(bytes.NewReader(themesJudged))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("judged.tsv line %d: %d fields, want 4", n, len(f))
		}
		it := judgedItem{source: f[0], id: f[1], split: f[2]}
		if f[3] != "-" {
			it.want = strings.Fields(f[3])
		}
		out = append(out, it)
	}
	return out, sc.Err()
}

// itemKey is how judged.tsv names an item: a hash of its source and id, so that the committed
// file names no report; it resolves only against the corpus read at run time.
func itemKey(source, id string) string {
	h := sha256.Sum256([]byte(source + "\x00" + id))
	return fmt.Sprintf("%x", h[:8])
}

// pfdItemID names one PFD concern item without any word of its address (which holds a name):
// the judiciary reference, the first three bytes of the address's SHA-256, the item's label.
func pfdItemID(r pfdimport.Report, number string) string {
	u := sha256.Sum256([]byte(r.URL))
	return fmt.Sprintf("%s/%x#%s", r.Reference(), u[:3], number)
}

// pfdItems returns every PFD concern item by its key.
func pfdItems(dir string) (map[string]string, error) {
	reps, err := pfdimport.ReadCorpus(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, r := range reps {
		for _, it := range pfdimport.SplitConcerns(r.Concerns) {
			out[itemKey("pfd", pfdItemID(r, it.Number))] = it.Text
		}
	}
	return out, nil
}

// taicItems returns every TAIC recommendation's text by the key of report_id#recommendation_id.
func taicItems(path string) (map[string]string, error) {
	rows, col, err := readTable(path, "report_id", "recommendation_id", "recommendation_text")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, rec := range rows {
		out[itemKey("taic", rec[col["report_id"]]+"#"+rec[col["recommendation_id"]])] = rec[col["recommendation_text"]]
	}
	return out, nil
}

func themesFromTaxonomy(tax *taxonomy.Taxonomy) []casereview.Theme {
	out := make([]casereview.Theme, len(tax.Themes))
	for i, th := range tax.Themes {
		out[i] = casereview.Theme{Code: th.Code, Slug: th.Slug, Group: th.Group, Label: th.Label, Keywords: th.Keywords, Active: true}
	}
	return out
}

// baselineThemes are the current themes with the keywords they had before.
func baselineThemes(current []casereview.Theme) ([]casereview.Theme, error) {
	var kws map[string][]string
	if err := yaml.Unmarshal(themesBaselineKeywords, &kws); err != nil {
		return nil, fmt.Errorf("baseline_keywords.yaml: %w", err)
	}
	out := slices.Clone(current)
	for i := range out {
		out[i].Keywords = kws[out[i].Code]
	}
	return out, nil
}

// counts are micro-averaged over the items of one part.
type counts struct{ tp, fp, fn, items int }

func (c counts) precision() float64 {
	if c.tp+c.fp == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c counts) recall() float64 {
	if c.tp+c.fn == 0 {
		return 0
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func (c counts) f1() float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func (c *counts) add(want []string, got []casereview.ThemeSuggestion) {
	c.items++
	for _, s := range got {
		if slices.Contains(want, s.Code) {
			c.tp++
		} else {
			c.fp++
		}
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(s casereview.ThemeSuggestion) bool { return s.Code == w }) {
			c.fn++
		}
	}
}

func above(sugs []casereview.ThemeSuggestion, min float64) []casereview.ThemeSuggestion {
	var out []casereview.ThemeSuggestion
	for _, s := range sugs {
		if s.Score >= min {
			out = append(out, s)
		}
	}
	return out
}

func runThemes(ctx context.Context, env *Env) (Report, error) {
	pfdDir, err := env.Corpus("pfd")
	if err != nil {
		return Report{}, err
	}
	taicPath, err := env.Corpus("taic/cleaned_TAIC_recommendations_2024_11_19.csv")
	if err != nil {
		return Report{}, err
	}
	judged, err := readJudged()
	if err != nil {
		return Report{}, err
	}
	pfd, err := pfdItems(pfdDir)
	if err != nil {
		return Report{}, err
	}
	taic, err := taicItems(taicPath)
	if err != nil {
		return Report{}, err
	}
	for i := range judged {
		src := pfd
		if judged[i].source == "taic" {
			src = taic
		}
		t, ok := src[judged[i].id]
		if !ok {
			return Report{}, fmt.Errorf("judged item %s %s is not in the corpus", judged[i].source, judged[i].id)
		}
		judged[i].text = t
	}

	tax, err := taxonomy.Default()
	if err != nil {
		return Report{}, err
	}
	themes := themesFromTaxonomy(tax)
	oldThemes, err := baselineThemes(themes)
	if err != nil {
		return Report{}, err
	}
	// The new matcher with no threshold of its own, so one run gives every threshold.
	syn, err := taxonomy.DefaultSynonyms()
	if err != nil {
		return Report{}, err
	}
	opts, err := suggest.DefaultOptions()
	if err != nil {
		return Report{}, err
	}
	opts.MinScore = 0
	cur, err := suggest.NewWithOptions(syn, opts)
	if err != nil {
		return Report{}, err
	}
	// The same rules without the learnt factors, for learning them (factors multiply evidence,
	// so learning needs the evidence before them).
	opts.Factors, opts.KeywordFactors = nil, nil
	unscaled, err := suggest.NewWithOptions(syn, opts)
	if err != nil {
		return Report{}, err
	}
	old, err := suggest.Legacy()
	if err != nil {
		return Report{}, err
	}

	verbose := os.Getenv("EVAL_VERBOSE") != ""
	learn := os.Getenv("EVAL_THEMES_LEARN") != ""
	if os.Getenv("EVAL_THEMES_SEEN_ONLY") != "" {
		for _, it := range judged {
			if it.split == outOfSample && it.source == "pfd" {
				delete(pfd, it.id) // nor counted in the last table
			}
		}
		judged = slices.DeleteFunc(judged, func(it judgedItem) bool { return it.split == outOfSample })
	}
	thresholds := []float64{0.5, 0.55, 0.6, 0.65, 0.7, 0.8}
	var seen []evidence
	type key struct {
		split string
		what  string
	}
	res := map[key]*counts{}
	get := func(k key) *counts {
		if res[k] == nil {
			res[k] = &counts{}
		}
		return res[k]
	}
	for _, it := range judged {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		oldGot := old.Suggest(it.text, oldThemes)
		newAll := cur.Suggest(it.text, themes)
		newGot := above(newAll, suggest.DefaultMinScore)
		splits := []string{it.split, "all"}
		if it.split != outOfSample {
			splits = append(splits, "seen")
			seen = append(seen, newEvidence(it, unscaled.Evidence(it.text, themes)))
		}
		for _, split := range splits {
			get(key{split, "baseline"}).add(it.want, oldGot)
			get(key{split, "new"}).add(it.want, newGot)
			for _, th := range thresholds {
				get(key{split, fmt.Sprintf("t%.2f", th)}).add(it.want, above(newAll, th))
			}
		}
		if verbose && it.split != outOfSample {
			fmt.Fprintf(env.Log, "%s %s want %v\n  old %s\n  new %s\n", it.source, it.id, it.want, describe(oldGot, it.want), describe(newGot, it.want))
		}
	}

	var rep Report
	main := Table{
		Caption: fmt.Sprintf("Micro-averaged over the judged items (themes suggested against themes judged right). "+
			"Baseline: the suggester before issue 16 (taxonomy version 2 keywords, stemmed words, one word enough, threshold %.2f). "+
			"Now: compound keywords, words as written, boilerplate ignored, passing mentions discounted, per-keyword and per-theme factors, threshold %.2f.", suggest.LegacyMinScore, suggest.DefaultMinScore),
		Header: []string{"part", "items", "judged themes", "baseline suggested", "baseline precision", "baseline recall", "baseline F1",
			"now suggested", "now precision", "now recall", "now F1"},
	}
	for _, split := range []string{outOfSample, "fresh", "heldout", "check", "tuning", "seen", "all"} {
		if res[key{split, "new"}] == nil {
			continue
		}
		b, n := get(key{split, "baseline"}), get(key{split, "new"})
		main.Rows = append(main.Rows, []string{splitName(split), fmt.Sprint(n.items), fmt.Sprint(n.tp + n.fn),
			fmt.Sprint(b.tp + b.fp), F(b.precision()), F(b.recall()), F(b.f1()),
			fmt.Sprint(n.tp + n.fp), F(n.precision()), F(n.recall()), F(n.f1())})
	}
	rep.Tables = append(rep.Tables, main)

	sweep := Table{Caption: "The new suggester at other thresholds (precision / recall).", Header: []string{"threshold", splitName(outOfSample), splitName("seen"), splitName("fresh"), splitName("heldout"), "check", "tuning"}}
	for _, th := range thresholds {
		row := []string{fmt.Sprintf("%.2f", th)}
		for _, split := range []string{outOfSample, "seen", "fresh", "heldout", "check", "tuning"} {
			c := get(key{split, fmt.Sprintf("t%.2f", th)})
			if c.items == 0 { // the out-of-sample part, left out
				row = append(row, "—")
				continue
			}
			row = append(row, F(c.precision())+" / "+F(c.recall()))
		}
		sweep.Rows = append(sweep.Rows, row)
	}
	rep.Tables = append(rep.Tables, sweep)

	// How well factors learnt this way carry to items they were not learnt on, using only the
	// seen parts: learnt on all but one, counted on that one, for each.
	cross := Table{Caption: "Cross-check on the seen parts only: per-theme factors learnt on all seen parts but one, counted on that one (each in turn), against no factors.",
		Header: []string{"threshold", "no factors", "factors learnt on the other parts"}}
	for _, th := range thresholds {
		n, c := countCodes(seen, calibration{}, th), crossCheck(seen, th)
		cross.Rows = append(cross.Rows, []string{fmt.Sprintf("%.2f", th), F(n.precision()) + " / " + F(n.recall()), F(c.precision()) + " / " + F(c.recall())})
	}
	rep.Tables = append(rep.Tables, cross)
	if learn {
		fmt.Fprintf(env.Log, "themes: factors learnt on the %d seen items at threshold %.2f:\n%s", len(seen), suggest.DefaultMinScore, calibrationYAML(learnCalibration(seen, suggest.DefaultMinScore)))
	}

	// The defects the issue named, counted over every PFD concern item: how often each theme is
	// suggested, before and now. A18 needs domestic abuse words as well as suicide ones; the
	// others fired on words of other meaning.
	ids := make([]string, 0, len(pfd))
	for id := range pfd {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	named := []string{"A18", "C10", "C21", "A02", "C17", "C16", "C04"}
	before, now := map[string]int{}, map[string]int{}
	for _, id := range ids {
		for _, s := range old.Suggest(pfd[id], oldThemes) {
			before[s.Code]++
		}
		for _, s := range above(cur.Suggest(pfd[id], themes), suggest.DefaultMinScore) {
			now[s.Code]++
		}
	}
	defects := Table{Caption: fmt.Sprintf("How many of the %d PFD concern items each theme named in issue 16 is suggested for.", len(ids)),
		Header: []string{"theme", "baseline", "now"}}
	for _, c := range named {
		label := c
		if th, ok := tax.ThemeByCode(c); ok {
			label = c + " " + th.Label
		}
		defects.Rows = append(defects.Rows, []string{label, fmt.Sprint(before[c]), fmt.Sprint(now[c])})
	}
	rep.Tables = append(rep.Tables, defects)
	rep.Notes = append(rep.Notes, fmt.Sprintf("Judged items: %d PFD concern items and %d TAIC recommendations (internal/eval/themes/judged.tsv); "+
		"see docs/eval.md for how they were chosen and judged.", countSource(judged, "pfd"), countSource(judged, "taic")))
	return rep, nil
}

func splitName(s string) string {
	switch s {
	case outOfSample:
		return "fresh 2 (out of sample)"
	case "fresh":
		return "fresh 1 (seen)"
	case "heldout":
		return "held-out 1 (seen)"
	case "check":
		return "check (seen)"
	case "tuning":
		return "tuning (seen)"
	case "seen":
		return "seen (four parts)"
	}
	return s
}

func countSource(items []judgedItem, src string) int {
	n := 0
	for _, it := range items {
		if it.source == src {
			n++
		}
	}
	return n
}

// describe lists suggestions for EVAL_VERBOSE: + right, - wrong, with the words that triggered them.
func describe(got []casereview.ThemeSuggestion, want []string) string {
	var parts []string
	for _, s := range got {
		mark := "-"
		if slices.Contains(want, s.Code) {
			mark = "+"
		}
		var why []string
		for _, t := range s.Triggers {
			why = append(why, t.Text)
		}
		parts = append(parts, fmt.Sprintf("%s%s %.2f(%s)", mark, s.Code, s.Score, strings.Join(why, ",")))
	}
	return strings.Join(parts, " ")
}
