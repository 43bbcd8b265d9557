package pfdimport_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/importer/pfdimport"
	"github.com/casereview/casereview/internal/store/imports"
)

// fictionalCorpus writes a small corpus in the shapes of the real one (its columns, its messy
// receiver fields, the tracker's HTML badges and "|" lists). Everything in it is FICTIONAL.
func fictionalCorpus(t *testing.T) string {
	dir := t.TempDir()
	write := func(name string, rows [][]string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	badge := func(s string) string { return `<div style="background-color: #1aa616;">` + s + `</div>` }
	write(pfdimport.ReportsFile, [][]string{
		{"url", "id", "date", "coroner", "area", "receiver", "investigation", "circumstances", "concerns", "source_files"},
		{"https://example.invalid/r1", "2099-0001", "2099-01-10", "A Coroner", "Northfold", "1. NHS England 2. Castlebrook Health Centre", "", "",
			"The MATTERS OF CONCERN are as follows: (1) The Mental Health Act assessment at Castlebrook took nine days. (2) Nobody at Castlebrook recorded the delay.", ""},
		{"https://example.invalid/r2", "2099-0002", "2099-02-11", "A Coroner", "Northfold", "[REDACTED], Chief Executive, Eastmere Hospitals NHS Trust", "", "",
			"The concerns relate to a) Discharge planning at Eastmere b) Follow-up calls c) Sharing records with the GP.", ""},
		{"https://example.invalid/r3", "2099-0003", "2099-03-12", "A Coroner", "Westvale", "", "", "",
			"1. The bend on the Westvale road has no warning sign.\n2. The verge hides the junction.", ""},
		{"https://example.invalid/r4", "2099-0004", "2099-04-13", "A Coroner", "Westvale", "Westvale Council", "", "",
			"The stairlift at Westvale House was not serviced.", ""},
	})
	write(pfdimport.TrackerFile, [][]string{
		{"Status", "Date added", "Date of report", "Ref", "Deceased name", "Coroner name", "Coroner area", "Category", "Sent to", "Sent to count", "Replies count", "Report URL"},
		{badge("completed"), "", "10/01/2099", "2099-0001", "", "", "Northfold", "Suicide (from 2015) | Mental Health related deaths", "NHS England | Castlebrook Health Centre", "2", "2", "https://example.invalid/r1"},
		{badge("overdue"), "", "12/03/2099", "2099-0003", "", "", "Westvale", "Road (Highways Safety) related deaths", "NHSE | Secretary of State for Transport | REDACTED", "3", "0", "https://example.invalid/r3"},
		{badge("partial"), "", "13/04/2099", "2099-0004", "", "", "Westvale", "Product related deaths", "WESTVALE COUNCIL", "2", "1", "https://example.invalid/r4"},
	})
	return dir
}

// TestImportFictionalCorpus: a dry run on a fresh database reports what the real run then
// creates; lists become one organisation each, variants one organisation with aliases,
// inline numbering several recommendations, every tracker state a response status, and the
// categories' themes suggestions.
func TestImportFictionalCorpus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		dir := fictionalCorpus(t)
		srv := apitest.Start(t, dialect, apitest.Options{Now: func() time.Time { return time.Date(2099, 6, 1, 12, 0, 0, 0, time.UTC) }})
		ctx := casereview.WithActor(context.Background(), casereview.System)
		s := srv.App.Store()

		dry, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir, DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		res, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		// Items: 2 inline (1)(2), 3 lettered, 2 numbered, 1 unnumbered.
		if res.Reports != 4 || res.Items != 8 || res.Result.ReviewsCreated != 4 || res.Result.RecommendationsCreated != 8 || res.PartnershipsCreated != 2 {
			t.Fatalf("real run: %+v", res)
		}
		// NHS England, Castlebrook Health Centre, Eastmere Hospitals NHS Trust, Department for Transport, Westvale Council.
		if res.OrganisationsCreated != 5 {
			t.Errorf("organisations created: %d; want 5", res.OrganisationsCreated)
		}
		if dry.Reports != res.Reports || dry.Items != res.Items || dry.OrganisationsCreated != res.OrganisationsCreated ||
			dry.PartnershipsCreated != res.PartnershipsCreated || dry.Result.ReviewsCreated != res.Result.ReviewsCreated ||
			dry.Result.RecommendationsCreated != res.Result.RecommendationsCreated || dry.Figures.Addressees != res.Figures.Addressees {
			t.Errorf("the dry run said %+v\nthe real run did %+v", dry, res)
		}
		if f := res.Figures; f.WithoutAddressee != 0 || f.UnmappedStatuses != 0 || f.Unthemed != 6 || f.SuggestedThemes != 2 {
			t.Errorf("figures: %+v", f)
		}

		orgs, err := s.AllOrganisations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string]casereview.Organisation{}
		for _, o := range orgs {
			byName[o.Name] = o
			if regexp.MustCompile(`\b1\.\s.*\b2\.`).MatchString(o.Name) || strings.Contains(strings.ToUpper(o.Name), "REDACTED") {
				t.Errorf("organisation %q is a list or a redaction", o.Name)
			}
		}
		if o, ok := byName["NHS England"]; !ok || !contains(o.Aliases, "NHSE") {
			t.Errorf("NHS England: %+v (organisations %v)", o, names(orgs))
		}
		if o, ok := byName["Department for Transport"]; !ok || !contains(o.Aliases, "Secretary of State for Transport") || o.Sector != "government_department" {
			t.Errorf("Department for Transport: %+v", o)
		}
		if _, ok := byName["Eastmere Hospitals NHS Trust"]; !ok {
			t.Errorf("the redacted recipient's organisation is missing: %v", names(orgs))
		}

		recs, err := s.ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		byText := map[string]casereview.Recommendation{}
		for _, r := range recs.Items {
			byText[r.Text] = r
			if len(r.Addressees) == 0 {
				t.Errorf("recommendation %s %q has no addressee", r.Number, r.Text)
			}
		}
		first := find(t, recs.Items, "nine days")
		if !strings.Contains(first.Text, "The MATTERS OF CONCERN are as follows:") || first.Number != "1" || len(first.Addressees) != 2 {
			t.Errorf("the first item of the first report: %+v", first)
		}
		for _, a := range first.Addressees {
			if a.ResponseStatus != casereview.ResponseReceived {
				t.Errorf("completed: addressee %s is %s", a.OrganisationName, a.ResponseStatus)
			}
		}
		if len(first.Themes) == 0 || first.Themes[0].Source != "suggested" || first.Themes[0].ConfirmedAt != nil {
			t.Errorf("themes from the categories are unconfirmed suggestions: %+v", first.Themes)
		}
		if r := find(t, recs.Items, "Follow-up calls"); r.Number != "b" {
			t.Errorf("lettered item: %+v", r)
		}
		bend := find(t, recs.Items, "warning sign")
		if len(bend.Addressees) != 2 || bend.ResponseStatus != casereview.ResponseAwaiting || len(bend.Themes) != 0 || bend.Scope != "national" {
			t.Errorf("overdue road report: %+v", bend)
		}
		if !contains(bend.Flags, casereview.FlagResponseOverdue) {
			t.Errorf("an overdue report's recommendation is not flagged overdue: %v", bend.Flags)
		}
		if r := find(t, recs.Items, "stairlift"); r.ResponseStatus != casereview.ResponseAwaiting || len(r.Addressees) != 1 {
			t.Errorf("partial: %+v", r)
		}

		// A second run changes nothing and creates nothing.
		again, err := pfdimport.Import(ctx, imports.Over(s), pfdimport.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if again.OrganisationsCreated != 0 || again.Result.RecommendationsUnchanged != 8 || again.Result.RecommendationsCreated+again.Result.RecommendationsUpdated != 0 {
			t.Errorf("re-import: %+v", again)
		}
	})
}

func find(t *testing.T, recs []casereview.Recommendation, words string) casereview.Recommendation {
	t.Helper()
	for _, r := range recs {
		if strings.Contains(r.Text, words) {
			return r
		}
	}
	t.Fatalf("no recommendation says %q", words)
	return casereview.Recommendation{}
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func names(orgs []casereview.Organisation) []string {
	var out []string
	for _, o := range orgs {
		out = append(out, o.Name)
	}
	sort.Strings(out)
	return out
}
