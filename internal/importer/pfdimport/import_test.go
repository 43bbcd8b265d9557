package pfdimport_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/store/imports"
)

// corpusDir is the real PFD corpus kept beside the repository. It names real people, so tests
// read it only when it is there and never copy anything out of it.
func corpusDir(t *testing.T) string {
	dir := os.Getenv("CASEREVIEW_PFD_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "shared", "corpus", "pfd")
		if _, err := os.Stat("/work/shared/corpus/pfd"); err == nil {
			dir = "/work/shared/corpus/pfd"
		}
	}
	if _, err := os.Stat(filepath.Join(dir, pfdimport.ReportsFile)); err != nil {
		t.Skipf("the PFD corpus is not here (%v); skipping", err)
	}
	return dir
}

// corpusRows reads a CSV of the corpus into header-keyed rows, without the importer's reader.
func corpusRows(t *testing.T, path string) []map[string]string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(row) {
				m[strings.TrimPrefix(h, "\ufeff")] = row[i]
			}
		}
		out = append(out, m)
	}
	return out
}

var (
	reListName   = regexp.MustCompile(`(^|\s)\(?1[.)]\s.*\s\(?2[.)]\s`)
	reFooter     = regexp.MustCompile(`Regulation 28\s*[–-]\s*After Inquest Document Template\s+Updated\s+\d{1,2}/\d{1,2}/\d{4}`)
	reTextWord   = regexp.MustCompile(`\p{L}{3,}`)
	reRoman      = regexp.MustCompile(`^[ivx]+$`)
	nationalSeen = []string{"NHS England", "Department of Health", "Department for Transport", "Home Office", "Care Quality Commission", "Ministry of Justice"}
)

// TestImportPFDCorpus imports the real corpus and checks it against the CSV files read here
// independently: no organisation is a list, no named recipient and no word of the concerns is
// lost, and every tracker state maps to a response.
func TestImportPFDCorpus(t *testing.T) {
	dir := corpusDir(t)
	if testing.Short() {
		t.Skip("imports the whole corpus")
	}
	srv := apitest.Start(t, "sqlite", apitest.Options{Now: time.Now})
	ctx := casereview.WithActor(context.Background(), casereview.System)
	s := srv.App.Store()

	dry, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d reports, %d recommendations, %d organisations created in %s", res.Reports, res.Items, res.OrganisationsCreated, time.Since(start))
	if dry.Reports != res.Reports || dry.Items != res.Items || dry.OrganisationsCreated != res.OrganisationsCreated || dry.PartnershipsCreated != res.PartnershipsCreated ||
		dry.Result.RecommendationsCreated != res.Result.RecommendationsCreated || res.Result.RecommendationsCreated != res.Items {
		t.Fatalf("the dry run on an empty database said %d reports, %d recommendations, %d organisations; the import made %d, %d (%d), %d",
			dry.Reports, dry.Items, dry.OrganisationsCreated, res.Reports, res.Items, res.Result.RecommendationsCreated, res.OrganisationsCreated)
	}
	reports := corpusRows(t, filepath.Join(dir, pfdimport.ReportsFile))
	tracker := corpusRows(t, filepath.Join(dir, pfdimport.TrackerFile))
	if res.Joined < len(reports)*9/10 {
		t.Fatalf("only %d of %d reports joined the tracker", res.Joined, len(reports))
	}

	// No organisation is a list, a redaction or cut short.
	orgs, err := s.AllOrganisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orgs {
		n := 0
		for _, b := range nationalSeen {
			if strings.Contains(o.Name, b) {
				n++
			}
		}
		if reListName.MatchString(o.Name) || n > 1 || strings.Contains(strings.ToUpper(o.Name), "REDACTED") || len([]rune(o.Name)) >= 200 {
			t.Errorf("organisation %q is a list, a redaction or cut short", o.Name)
		}
	}

	// Every recommendation, by review reference.
	reviews := map[string]string{} // id -> reference
	for page := (casereview.PageRequest{Limit: casereview.MaxPageSize}); ; {
		p, err := s.ListReviews(ctx, casereview.ReviewFilter{Type: "PFD"}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Items {
			reviews[r.ID] = r.Reference
		}
		if p.NextCursor == "" {
			break
		}
		page.After = p.Items[len(p.Items)-1].ID
	}
	recs := map[string][]casereview.Recommendation{}
	for page := (casereview.PageRequest{Limit: casereview.MaxPageSize}); ; {
		p, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewType: "PFD"}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Items {
			recs[reviews[r.ReviewID]] = append(recs[reviews[r.ReviewID]], r)
		}
		if p.NextCursor == "" {
			break
		}
		page.After = p.Items[len(p.Items)-1].ID
	}
	sentTo := map[string]string{}
	for _, tr := range tracker {
		if ref := strings.TrimSpace(tr["Ref"]); ref != "" {
			if _, ok := sentTo[ref]; !ok {
				sentTo[ref] = tr["Sent to"]
			}
		}
	}
	lostRecipients, lostWords := 0, 0
	first := map[string]bool{}
	for _, r := range reports {
		ref := strings.TrimSpace(r["id"])
		rs, ok := recs[ref]
		// A second row with the reference of one in the same area repeats that report.
		if strings.TrimSpace(r["concerns"]) == "" || ref == "" || !ok || first[r["area"]+"|"+ref] {
			continue
		}
		first[r["area"]+"|"+ref] = true
		// A recipient the source names (in the tracker, or the receiver field when the tracker
		// names none) is an addressee of every recommendation.
		named := false
		for _, e := range strings.Split(sentTo[ref], "|") {
			named = named || reTextWord.MatchString(strings.ReplaceAll(strings.ToUpper(e), "REDACTED", ""))
		}
		if !named {
			named = regexp.MustCompile(`\p{Lu}\p{Ll}{2,}`).MatchString(strings.ReplaceAll(r["receiver"], "REDACTED", ""))
		}
		for _, rec := range rs {
			if named && len(rec.Addressees) == 0 {
				lostRecipients++
				t.Errorf("report %s names recipients (%q) but recommendation %s has none", ref, clipped(sentTo[ref]+" / "+r["receiver"]), rec.Number)
			}
		}
		// Every word of the concerns is in one of its recommendations.
		var all strings.Builder
		for _, rec := range rs {
			all.WriteString(rec.Text + " ")
		}
		have := map[string]bool{}
		for _, w := range reTextWord.FindAllString(all.String(), -1) {
			have[strings.ToLower(w)] = true
		}
		for _, w := range reTextWord.FindAllString(reFooter.ReplaceAllString(r["concerns"], " "), -1) {
			if !have[strings.ToLower(w)] && !reRoman.MatchString(w) { // a list's label is its number
				lostWords++
				t.Errorf("report %s: the word %q of its concerns is in no recommendation", ref, w)
				break
			}
		}
	}
	if lostRecipients+lostWords > 0 {
		t.Fatalf("%d recommendations lost their recipients; %d reports lost words", lostRecipients, lostWords)
	}
	// Every tracker state maps to the response layer.
	for _, tr := range tracker {
		state := strings.TrimSpace(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(tr["Status"], ""))
		if _, ok := pfdimport.ResponseFor(state); !ok {
			t.Errorf("tracker state %q maps to no response", state)
		}
	}
	if res.Figures.UnmappedStatuses != 0 || res.Figures.WithoutAddresseeNamed != 0 {
		t.Errorf("figures: %+v", res.Figures)
	}

	// Themes from the tracker's categories are suggestions, never confirmed assignments.
	sug, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewType: "PFD"}, casereview.PageRequest{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range sug.Items {
		for _, th := range r.Themes {
			if th.Source != "suggested" || th.ConfirmedAt != nil {
				t.Fatalf("recommendation %s has theme %s from %s (confirmed %v); want an unconfirmed suggestion", r.ID, th.Code, th.Source, th.ConfirmedAt)
			}
		}
	}
	// Importing again changes nothing.
	again, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if again.Result.RecommendationsUnchanged != res.Items || again.Result.RecommendationsCreated+again.Result.RecommendationsUpdated != 0 || again.OrganisationsCreated != 0 {
		t.Fatalf("re-import: %+v", again.Result.Changes[:min(10, len(again.Result.Changes))])
	}

	start = time.Now()
	// It becomes searchable: the index holds every recommendation, and a word from one finds it.
	word := longestWord(sug.Items[0].Text)
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := srv.Do("GET", "/api/v1/search?facets=none&limit=1", nil)
		var body struct {
			Total  int    `json:"total"`
			Source string `json:"source"`
		}
		_ = json.Unmarshal(r.Body, &body)
		if body.Source == "index" && body.Total == res.Items {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the index never caught up: %s", r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("indexed in %s", time.Since(start))
	r := srv.Must(200, "GET", "/api/v1/search?facets=none&limit=100&q="+url.QueryEscape(word), nil)
	var hits struct {
		Total int `json:"total"`
	}
	r.JSON(t, &hits)
	if hits.Total == 0 {
		t.Fatalf("searching for %q found nothing", word)
	}
}

// clipped shortens a corpus value for a failure message (it names real organisations only).
func clipped(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// TestPFDFigures measures the import on the real corpus (dry run, nothing written) and prints
// the figures the README and docs/imports-and-exports.md report.
func TestPFDFigures(t *testing.T) {
	dir := corpusDir(t)
	srv := apitest.Start(t, "sqlite", apitest.Options{Now: time.Now})
	ctx := casereview.WithActor(context.Background(), casereview.System)
	res, err := pfdimport.Import(ctx, imports.Over(srv.App.Store()), pfdimport.Options{Dir: dir, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Figures
	t.Logf("| Reports | Recommendations | Addressees per recommendation | Organisations created | Without an addressee (source names one) |")
	t.Logf("| %d | %d | %.2f | %d | %d (%d) |", res.Reports, res.Items, f.PerRecommendation(res.Items), res.OrganisationsCreated, f.WithoutAddressee, f.WithoutAddresseeNamed)
	t.Logf("joined to the tracker %d; recipients from its Sent to %d; organisations addressed %d; aliases recorded %d", res.Joined, f.RecipientsFromTracker, f.Organisations, f.AliasesRecorded)
	t.Logf("statuses %v -> responses %v; unmapped %d", f.Statuses, f.Responses, f.UnmappedStatuses)
	t.Logf("recommendations with suggested themes %d, unthemed %d", f.SuggestedThemes, f.Unthemed)
	if res.Reports == 0 || f.WithoutAddresseeNamed != 0 {
		t.Errorf("figures: %+v", res)
	}
}

var reWord = regexp.MustCompile(`\p{L}{9,}`)

func longestWord(s string) string {
	best := ""
	for _, w := range reWord.FindAllString(s, -1) {
		if len(w) > len(best) {
			best = w
		}
	}
	return strings.ToLower(best)
}

func TestGuessSector(t *testing.T) {
	for name, want := range map[string]casereview.Sector{
		"Eastmere Police": "police", "HMP Northgate": "prisons", "Westvale NHS Foundation Trust": "nhs_trust",
		"Department of Health and Social Care": "government_department", "East Region Ambulance Service NHS Trust": "ambulance",
		"Care Quality Commission": "regulator", "Northfold County Council": "other", "Anytown Medical Practice": "gp",
	} {
		if got := pfdimport.GuessSector(name); got != want {
			t.Errorf("GuessSector(%q) = %s; want %s", name, got, want)
		}
	}
}
