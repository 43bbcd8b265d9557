package eval

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/extract"
)

// The extraction section measures internal/extract against recommendations whose text and
// number someone else recorded: the TAIC register (ids and texts of the recommendations of 106
// full report texts) and five coroners' PFD reports as PDFs, whose concerns we counted by hand
// (pfdConcerns; counts only, no text). Each is measured beside a naive splitter run on the same
// documents: every line that starts with a number begins a recommendation.
func init() {
	Register(Section{Name: "extraction", Title: "Recommendations drawn from report documents", Run: runExtraction})
}

// pfdConcerns: how many matters of concern each PFD report PDF lists, judged by hand by reading
// the report (numbered "1.", "(1)" or "1)", bulleted, or one unnumbered concern). Each report is
// named by the first 16 hex digits of its file's SHA-256, never by its file name (which names the
// person who died); the section hashes the corpus's PDFs at run time to find them.
var pfdConcerns = map[string]int{
	"162373c50affb33f": 2,
	"35081548f8fe78cb": 6,
	"58e409b4d52f4c00": 1,
	"c57d65f609aa3657": 4,
	"c956afed9b3f3251": 2,
}

// truthRec is one recommendation as the register records it: its id and the two forms of its
// text the register keeps (the full recommendation with its lead-in, and the operative sentence).
type truthRec struct {
	id    string
	forms []string
}

type extractScore struct {
	docs, truths, preds, tp int
	sims                    []float64 // one per truth: the matched prediction's similarity, 0 when none
}

func (s *extractScore) add(truth []truthRec, preds []string) {
	s.docs++
	s.truths += len(truth)
	s.preds += len(preds)
	matched := matchPredictions(truth, preds)
	for i := range truth {
		sim := 0.0
		if j, ok := matched[i]; ok {
			s.tp++
			for _, f := range truth[i].forms {
				sim = max(sim, textSimilarity(preds[j], f))
			}
		}
		s.sims = append(s.sims, sim)
	}
}

func (s *extractScore) row(name string) []string {
	p, r := 0.0, 0.0
	if s.preds > 0 {
		p = float64(s.tp) / float64(s.preds)
	}
	if s.truths > 0 {
		r = float64(s.tp) / float64(s.truths)
	}
	return []string{name, fmt.Sprint(s.docs), fmt.Sprint(s.truths), fmt.Sprint(s.preds), F(p), F(r), F(median(s.sims))}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	c := append([]float64(nil), xs...)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

func runExtraction(ctx context.Context, env *Env) (Report, error) {
	texts, err := env.Corpus("taic/report_texts")
	if err != nil {
		return Report{}, err
	}
	csvPath, err := env.Corpus("taic/cleaned_TAIC_recommendations_2024_11_19.csv")
	if err != nil {
		return Report{}, err
	}
	truth, err := readTAICTruth(csvPath)
	if err != nil {
		return Report{}, err
	}
	files, _ := filepath.Glob(filepath.Join(texts, "TAIC_*.txt"))
	sort.Strings(files)
	var ours, naive extractScore
	var misses []string
	elsewhere := map[string]bool{} // every id the register holds, under any report
	for _, recs := range truth {
		for _, r := range recs {
			elsewhere[r.id] = true
		}
	}
	unmatched, unmatchedOwn, unmatchedElsewhere, unmatchedNowhere := 0, 0, 0, 0
	recalled, recalledOwn := 0, 0
	var recalledNumbers []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return Report{}, err
		}
		id := strings.TrimSuffix(filepath.Base(f), ".txt")
		t := truth[id]
		if len(t) == 0 {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return Report{}, err
		}
		doc, err := extract.Read(filepath.Base(f), data, nil)
		if err != nil {
			return Report{}, fmt.Errorf("%s: %w", id, err)
		}
		// The proposals form leaves recalled proposals unticked, so only the others count as
		// proposed; the recalled ones are counted apart, with how many were the report's own.
		var preds, recalledTexts []string
		var props []extract.Proposal
		for _, p := range extract.Find(doc, extract.Options{}) {
			if p.Recalled {
				recalledTexts = append(recalledTexts, p.Text)
				recalledNumbers = append(recalledNumbers, p.Number)
				continue
			}
			props = append(props, p)
			preds = append(preds, p.Text)
		}
		matched := map[int]bool{}
		found := matchPredictions(t, preds)
		for _, j := range found {
			matched[j] = true
		}
		// A recalled mark is wrong when the proposal is one of the report's own that the ticked
		// proposals missed.
		var missed []truthRec
		for i, r := range t {
			if _, ok := found[i]; !ok {
				missed = append(missed, r)
			}
		}
		recalled += len(recalledTexts)
		recalledOwn += len(matchPredictions(missed, recalledTexts))
		own := map[string]bool{}
		for _, r := range t {
			own[r.id] = true
		}
		for j, p := range props {
			if !matched[j] {
				unmatched++
				switch {
				case own[p.Number]:
					unmatchedOwn++
				case elsewhere[p.Number]:
					unmatchedElsewhere++
				case recIDForm.MatchString(p.Number):
					unmatchedNowhere++
				}
			}
		}
		if os.Getenv("EVAL_EXTRACTION_DEBUG") == id {
			debugExtraction(env, t, doc)
		}
		before := ours.tp
		ours.add(t, preds)
		if ours.tp-before < len(t) || len(preds) > len(t) {
			misses = append(misses, fmt.Sprintf("%s (%d of %d found, %d proposed)", id, ours.tp-before, len(t), len(preds)))
		}
		naive.add(t, naiveSplit(doc))
	}
	rep := Report{Tables: []Table{{
		Caption: "TAIC: 106 full report texts against the register's recommendation ids and texts. Targets: precision ≥ 0.95, recall ≥ 0.95, median similarity ≥ 0.95.",
		Header:  []string{"method", "reports", "true recs", "proposed", "precision", "recall", "median similarity"},
		Rows:    [][]string{ours.row("internal/extract"), naive.row("baseline: every line starting with a number")},
	}}}
	rep.Notes = append(rep.Notes, fmt.Sprintf("Proposed counts the proposals the form ticks. Besides them, %d proposals were marked recalled from another investigation (shown unticked: %s); %d of them match a recommendation the register files under the report itself (a recalled mark that is wrong costs recall above).", recalled, strings.Join(recalledNumbers, ", "), recalledOwn))
	rep.Notes = append(rep.Notes, fmt.Sprintf("Of the %d proposals matching no recommendation of their report, %d carry an identifier the register files under the report itself (the text found is not the register's), %d one it files under another report (recalled, not marked so), %d one it files under no report (the register lacks it), and %d no identifier.", unmatched, unmatchedOwn, unmatchedElsewhere, unmatchedNowhere, unmatched-unmatchedOwn-unmatchedElsewhere-unmatchedNowhere))
	if len(misses) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("Reports not extracted exactly (%d): %s.", len(misses), strings.Join(misses, "; ")))
	}

	pfdRep, err := runPFDExtraction(env)
	switch {
	case err == nil:
		rep.Tables = append(rep.Tables, pfdRep)
	default:
		rep.Notes = append(rep.Notes, "PFD PDFs not measured: "+err.Error())
	}
	rep.Notes = append(rep.Notes, "A proposal is matched to a true recommendation when their character 4-gram sets overlap with a Dice coefficient ≥ 0.5 (one to one, best pairs first). Similarity is 1 − edit distance / longer length over letters and digits only (lower-cased; PDF text breaks words with spaces and the register has mojibake), against the closer of the register's two texts (with and without its lead-in); a true recommendation not found scores 0.")
	return rep, nil
}

func runPFDExtraction(env *Env) (Table, error) {
	dir, err := env.Corpus("pfd/report_pdfs")
	if err != nil {
		return Table{}, err
	}
	pdf := extract.FindPDFReader("")
	if !pdf.Available() {
		return Table{}, fmt.Errorf("%w: pdftotext is not installed", ErrSkip)
	}
	var ours, naive extractScore
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	sort.Strings(files)
	found := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return Table{}, err
		}
		sum := sha256.Sum256(data)
		want, judged := pfdConcerns[fmt.Sprintf("%x", sum[:8])]
		if !judged {
			continue
		}
		found++
		doc, err := extract.Read("report.pdf", data, pdf)
		if err != nil {
			return Table{}, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		var preds []string
		for _, p := range extract.Find(doc, extract.Options{}) {
			preds = append(preds, p.Text)
		}
		countScore(&ours, want, len(preds))
		countScore(&naive, want, len(naiveSplit(doc)))
	}
	if found != len(pfdConcerns) {
		return Table{}, fmt.Errorf("%w: %d of the %d judged PFD report PDFs are in %s", ErrSkip, found, len(pfdConcerns), dir)
	}
	return Table{
		Caption: "PFD: five coroners' reports (PDF through pdftotext), matters of concern counted by hand; counts only, so no similarity.",
		Header:  []string{"method", "reports", "true concerns", "proposed", "precision", "recall", "median similarity"},
		Rows:    [][]string{noSim(ours.row("internal/extract")), noSim(naive.row("baseline: every line starting with a number"))},
	}, nil
}

func noSim(r []string) []string { r[len(r)-1] = "—"; return r }

// countScore scores a document whose truth is a count: as many proposals as there are concerns
// count as found, the rest as wrong.
func countScore(s *extractScore, truth, preds int) {
	s.docs++
	s.truths += truth
	s.preds += preds
	s.tp += min(truth, preds)
}

// naiveSplit is the baseline: a recommendation starts at every line that starts with a number,
// and runs to the next.
var recIDForm = regexp.MustCompile(`^\d{3}/\d{2}$`)

var naiveStartRe = regexp.MustCompile(`^\s*\(?\d{1,3}[.)]?\s+\S`)

func naiveSplit(doc extract.Document) []string {
	var out []string
	var cur []string
	for _, p := range doc.Pages {
		for _, l := range strings.Split(p, "\n") {
			if naiveStartRe.MatchString(l) {
				if len(cur) > 0 {
					out = append(out, strings.Join(cur, " "))
				}
				cur = []string{l}
			} else if len(cur) > 0 {
				cur = append(cur, l)
			}
		}
	}
	if len(cur) > 0 {
		out = append(out, strings.Join(cur, " "))
	}
	return out
}

func readTAICTruth(path string) (map[string][]truthRec, error) {
	rows, col, err := readTable(path, "report_id", "recommendation_id", "recommendation", "recommendation_text")
	if err != nil {
		return nil, err
	}
	out := map[string][]truthRec{}
	seen := map[string]bool{}
	for _, row := range rows {
		rep, id := row[col["report_id"]], row[col["recommendation_id"]]
		if seen[rep+" "+id] {
			continue
		}
		seen[rep+" "+id] = true
		out[rep] = append(out[rep], truthRec{id: id, forms: []string{row[col["recommendation"]], row[col["recommendation_text"]]}})
	}
	return out, nil
}

// --- matching and similarity ---

// normText keeps letters and digits, lower-cased: PDF text splits words ("recommend ation") and
// the register has mojibake, neither of which is the extractor's doing.
func normText(s string) string {
	s = strings.ReplaceAll(s, "_x000D_", "")
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func grams(s string) map[string]bool {
	g := map[string]bool{}
	for i := 0; i+4 <= len(s); i++ {
		g[s[i:i+4]] = true
	}
	return g
}

func dice(a, b map[string]bool) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	n := 0
	for k := range a {
		if b[k] {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}

// matchPredictions pairs true recommendations with proposals one to one, best pairs first.
func matchPredictions(truth []truthRec, preds []string) map[int]int {
	pg := make([]map[string]bool, len(preds))
	for j, p := range preds {
		pg[j] = grams(normText(p))
	}
	type pair struct {
		i, j int
		s    float64
	}
	var pairs []pair
	for i, t := range truth {
		var tg []map[string]bool
		for _, f := range t.forms {
			tg = append(tg, grams(normText(f)))
		}
		for j := range preds {
			best := 0.0
			for _, g := range tg {
				best = max(best, dice(g, pg[j]))
			}
			if best >= 0.5 {
				pairs = append(pairs, pair{i, j, best})
			}
		}
	}
	sort.Slice(pairs, func(a, b int) bool { return pairs[a].s > pairs[b].s })
	out := map[int]int{}
	used := map[int]bool{}
	for _, p := range pairs {
		if _, ok := out[p.i]; ok || used[p.j] {
			continue
		}
		out[p.i] = p.j
		used[p.j] = true
	}
	return out
}

// textSimilarity is 1 − Levenshtein distance / the longer length, over normText.
func textSimilarity(a, b string) float64 {
	x, y := []byte(normText(a)), []byte(normText(b))
	if len(x) == 0 && len(y) == 0 {
		return 1
	}
	prev := make([]int32, len(y)+1)
	cur := make([]int32, len(y)+1)
	for j := range prev {
		prev[j] = int32(j)
	}
	for i := 1; i <= len(x); i++ {
		cur[0] = int32(i)
		for j := 1; j <= len(y); j++ {
			c := prev[j-1]
			if x[i-1] != y[j-1] {
				c++
			}
			c = min(c, prev[j]+1, cur[j-1]+1)
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(y)])/float64(max(len(x), len(y)))
}

// debugExtraction prints one report's proposals and truth to the log (EVAL_EXTRACTION_DEBUG=id),
// for working on the finder; the log is the terminal, never a file that is kept.
func debugExtraction(env *Env, truth []truthRec, doc extract.Document) {
	props := extract.Find(doc, extract.Options{})
	var preds []string
	for _, p := range props {
		preds = append(preds, p.Text)
	}
	m := matchPredictions(truth, preds)
	for i, t := range truth {
		j, ok := m[i]
		fmt.Fprintf(env.Log, "TRUTH %s matched=%v\n  %.300s\n", t.id, ok, t.forms[0])
		if ok {
			fmt.Fprintf(env.Log, "  sim=%.3f\n", max(textSimilarity(preds[j], t.forms[0]), textSimilarity(preds[j], t.forms[1])))
		}
	}
	for _, p := range props {
		fmt.Fprintf(env.Log, "PROPOSAL %s p%d [%s]\n  %.400s\n", p.Number, p.Page, p.Heading, p.Text)
	}
}
