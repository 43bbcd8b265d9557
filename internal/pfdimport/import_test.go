package pfdimport_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/pfdimport"
)

// corpusDir is the real PFD corpus kept beside the repository. It names real people, so tests
// read it only when it is there and never copy anything out of it.
func corpusDir(t *testing.T) string {
	dir := os.Getenv("CASEREVIEW_PFD_CORPUS")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "corpus", "pfd")
		if _, err := os.Stat("/work/shared/corpus/pfd"); err == nil {
			dir = "/work/shared/corpus/pfd"
		}
	}
	if _, err := os.Stat(filepath.Join(dir, pfdimport.ReportsFile)); err != nil {
		t.Skipf("the PFD corpus is not here (%v); skipping", err)
	}
	return dir
}

// expected counts reviews and concern items straight from the CSV, without the importer's
// splitter: a report's items are 1 … n where "k." or "k)" opens a line for every k up to n.
func expected(t *testing.T, dir string) (reviews, items int) {
	f, err := os.Open(filepath.Join(dir, pfdimport.ReportsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.LazyQuotes = true
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		concerns := strings.TrimSpace(row[col["concerns"]])
		key := row[col["area"]] + "|" + row[col["id"]]
		if row[col["id"]] == "" {
			key += row[col["url"]]
		}
		if concerns == "" || seen[key] {
			continue
		}
		seen[key] = true
		reviews++
		lines := strings.Split(concerns, "\n")
		n := 0
		for _, l := range lines {
			l = strings.TrimLeft(l, " \t(")
			next := fmt.Sprint(n + 1)
			if strings.HasPrefix(l, next+". ") || strings.HasPrefix(l, next+") ") || strings.HasPrefix(l, next+".\t") || strings.HasPrefix(l, next+")\t") {
				n++
			}
		}
		if n < 2 {
			n = 1
		}
		items += n
	}
	return reviews, items
}

func TestImportPFDCorpus(t *testing.T) {
	dir := corpusDir(t)
	if testing.Short() {
		t.Skip("imports the whole corpus")
	}
	wantReviews, wantItems := expected(t, dir)
	srv := apitest.Start(t, "sqlite", apitest.Options{Now: time.Now})
	ctx := casereview.WithActor(context.Background(), casereview.System)
	s := srv.App.Store()

	dry, err := pfdimport.Import(ctx, s, pfdimport.Options{Dir: dir, DryRun: true, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if dry.Result.RecommendationsCreated != 0 || dry.PartnershipsCreated == 0 {
		t.Fatalf("dry run over an empty database: %+v", dry)
	}
	start := time.Now()
	res, err := pfdimport.Import(ctx, s, pfdimport.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("imported %d reports, %d recommendations, %d organisations created in %s", res.Reports, res.Items, res.OrganisationsCreated, time.Since(start))
	if res.Result.ReviewsCreated != wantReviews || res.Result.RecommendationsCreated != wantItems {
		t.Fatalf("imported %d reviews and %d recommendations; the CSV has %d reports with concerns and %d items",
			res.Result.ReviewsCreated, res.Result.RecommendationsCreated, wantReviews, wantItems)
	}
	if res.Joined < wantReviews*9/10 {
		t.Fatalf("only %d of %d reports joined the tracker", res.Joined, wantReviews)
	}
	// Every review is a restricted PFD review.
	page, err := s.ListReviews(ctx, casereview.ReviewFilter{Type: "PFD", Visibility: casereview.VisibilityRestricted}, casereview.PageRequest{Limit: 1})
	if err != nil || page.Total != int64(wantReviews) {
		t.Fatalf("restricted PFD reviews: %d (%v); want %d", page.Total, err, wantReviews)
	}
	// Themes from the tracker's categories are suggestions, never confirmed assignments.
	recs, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{Theme: "B04"}, casereview.PageRequest{Limit: 200})
	if err != nil || recs.Total == 0 {
		t.Fatalf("no recommendation carries the suicide theme from the crosswalk (%v)", err)
	}
	for _, r := range recs.Items {
		for _, th := range r.Themes {
			if th.Source != "suggested" {
				t.Fatalf("recommendation %s has theme %s from %s; want suggested", r.ID, th.Code, th.Source)
			}
		}
	}
	// Importing again changes nothing.
	again, err := pfdimport.Import(ctx, s, pfdimport.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if again.Result.RecommendationsUnchanged != wantItems || again.Result.RecommendationsCreated+again.Result.RecommendationsUpdated != 0 || again.OrganisationsCreated != 0 {
		t.Fatalf("re-import: %+v", again)
	}

	start = time.Now()
	// It becomes searchable: the index holds every recommendation, and a word from one finds it.
	word := longestWord(recs.Items[0].Text)
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := srv.Do("GET", "/api/v1/search?facets=none&limit=1", nil)
		var body struct {
			Total  int    `json:"total"`
			Source string `json:"source"`
		}
		_ = json.Unmarshal(r.Body, &body)
		if body.Source == "index" && body.Total == wantItems {
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
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total int `json:"total"`
	}
	r.JSON(t, &hits)
	if hits.Total == 0 {
		t.Fatalf("searching for %q found nothing", word)
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

func TestSplitConcerns(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"Staff were not trained.", []string{"1:Staff were not trained."}},
		{"1. First concern.\n2. Second concern,\nwhich runs on.\n3) Third.", []string{"1:First concern.", "2:Second concern,\nwhich runs on.", "3:Third."}},
		{"The matters are:\n\n1. A.\n\n2. B, citing paragraph 4. of the guidance.", []string{"1:A.", "2:B, citing paragraph 4. of the guidance."}},
		{"1. Only one numbered item.", []string{"1:1. Only one numbered item."}},
		{"(1) A.\n(2) B.\n5. not a next number", []string{"1:A.", "2:B.\n5. not a next number"}},
	}
	for _, c := range cases {
		var got []string
		for _, it := range pfdimport.SplitConcerns(c.in) {
			got = append(got, it.Number+":"+it.Text)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("SplitConcerns(%q) = %q; want %q", c.in, got, c.want)
		}
	}
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
