package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store/imports"
)

// pmMultipart is a request body sent as multipart/form-data by the permission matrix.
type pmMultipart struct {
	data  []byte
	ctype string
}

const imPlanCSV = "Recommendation,Scope,Action to take,Lead agency,Key milestones,Target date,Date of completion and outcome\n" +
	"1. Train all staff in recognising coercive control.,local,Deliver training,%s,,31/12/2026,\n"

func pmImportBody(t *testing.T, partnership, ref string) pmMultipart {
	data, ctype := lcMultipart(t, "plan.csv", []byte(strings.Replace(imPlanCSV, "%s", "Matrix organisation O1", 1)),
		"partnership_id", partnership, "review_reference", ref, "type", "DHR", "title", "Adult M")
	return pmMultipart{data: data, ctype: ctype}
}

// panelJob is an import job started by the matrix's panel member, made on first use.
func (w *pmWorld) panelJob(t *testing.T) string {
	if id := w.files["panel job"]; id != "" {
		return id
	}
	ctx := casereview.WithActor(context.Background(), w.users[pmPanel].Actor())
	j, err := imports.New(w.st).CreateImportJob(ctx, "actionplan", "plan.csv", true)
	pmOK(t, err, "create import job")
	w.files["panel job"] = j.ID
	return j.ID
}

type imJob struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	DryRun bool   `json:"dry_run"`
	Result *struct {
		ReviewsCreated           int      `json:"reviews_created"`
		RecommendationsCreated   int      `json:"recommendations_created"`
		RecommendationsUnchanged int      `json:"recommendations_unchanged"`
		ActionsCreated           int      `json:"actions_created"`
		ReviewIDs                []string `json:"review_ids"`
	} `json:"result"`
	Report []struct {
		Row      int    `json:"row"`
		Column   string `json:"column"`
		Severity string `json:"severity"`
		Problem  string `json:"problem"`
	} `json:"report"`
	Error string `json:"error"`
}

// imWait polls a job until it ends.
func imWait(t *testing.T, s *apitest.Server, loc string, headers ...string) imJob {
	t.Helper()
	// A bound, not a measure: a job takes well under a second alone, but the api package runs
	// its tests in parallel on two cores, and behind the permission matrix one waited over 30 s.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var j imJob
		s.Must(http.StatusOK, "GET", loc, nil, headers...).JSON(t, &j)
		if j.Status == "succeeded" || j.Status == "failed" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", loc, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func imPost(t *testing.T, s *apitest.Server, query string, file string, content []byte, fields ...string) string {
	t.Helper()
	body, ctype := lcMultipart(t, file, content, fields...)
	r := s.Must(http.StatusAccepted, "POST", "/api/v1/imports"+query, body, "Content-Type", ctype)
	loc := r.Header.Get("Location")
	if !strings.HasPrefix(loc, "/api/v1/imports/") {
		t.Fatalf("Location %q", loc)
	}
	return loc
}

func TestImportActionPlanThroughTheAPI(t *testing.T) {
	plan, err := os.ReadFile("../internal/importer/actionplan/testdata/messy_plan.csv")
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Now: time.Now})
		st := s.App.Store()
		ctx := casereview.WithActor(context.Background(), casereview.System)
		p, err := st.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership"})
		must(t, err)
		_, err = st.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police", Aliases: []string{"NFP", "Northfold Constabulary"}})
		must(t, err)
		_, err = st.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Council Children's Services", Sector: "la_childrens_services"})
		must(t, err)
		count := func() int {
			page, err := st.ListRecommendations(ctx, casereview.RecommendationFilter{}, casereview.PageRequest{Limit: 1})
			must(t, err)
			return int(page.Total)
		}

		// A dry run reports and writes nothing.
		dry := imWait(t, s, imPost(t, s, "?dry_run=true", "plan.csv", plan, "partnership_id", p.ID))
		if dry.Status != "succeeded" || !dry.DryRun || dry.Result == nil || dry.Result.RecommendationsCreated != 5 || count() != 0 {
			t.Fatalf("dry run job %+v; %d recommendations stored", dry, count())
		}
		warnings := 0
		for _, is := range dry.Report {
			if is.Severity == "warning" && is.Column == "Date of completion and outcome" {
				warnings++
			}
		}
		if warnings != 2 {
			t.Fatalf("dry run report %+v: want the two ambiguous completion notes", dry.Report)
		}
		// Then it commits.
		done := imWait(t, s, imPost(t, s, "", "plan.csv", plan, "partnership_id", p.ID))
		if done.Status != "succeeded" || done.Result.RecommendationsCreated != 5 || done.Result.ActionsCreated != 9 || count() != 5 {
			t.Fatalf("commit job %+v", done)
		}
		rid := done.Result.ReviewIDs[0]

		// The plan comes back out in the same template, and going back in changes nothing.
		x := s.Must(http.StatusOK, "GET", "/api/v1/reviews/"+rid+"/action-plan.xlsx", nil)
		if ct := x.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") || !strings.Contains(x.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("xlsx export headers %v", x.Header)
		}
		again := imWait(t, s, imPost(t, s, "", "export.xlsx", x.Body, "partnership_id", p.ID))
		if again.Status != "succeeded" || again.Result.RecommendationsUnchanged != 5 {
			t.Fatalf("re-import of the export: %+v", again)
		}
		c := s.Must(http.StatusOK, "GET", "/api/v1/reviews/"+rid+"/action-plan.csv", nil)
		if !bytes.Contains(c.Body, []byte("'=Add a question")) || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv export: %s", c.Body)
		}

		// A bad file fails with a row-level report and writes nothing.
		bad := imWait(t, s, imPost(t, s, "", "bad.csv", []byte("Recommendation,Scope,Action to take,Lead agency,Target date\n1. Do it,local,Act,NFP,someday\n"),
			"partnership_id", p.ID, "review_reference", "BAD-1", "type", "DHR", "title", "Adult Z"))
		last := bad.Report[len(bad.Report)-1]
		if bad.Status != "failed" || bad.Result != nil || last.Severity != "error" || last.Row != 2 || last.Column != "Target date" || count() != 5 {
			t.Fatalf("bad file job %+v", bad)
		}
		// Bulk JSON in the API's own shapes.
		doc := map[string]any{"format": "casereview-bulk/1", "reviews": []map[string]any{{"type": "DHR", "partnership_id": p.ID, "reference": "JSON-1",
			"title": "Adult J", "status": "in_progress", "visibility": "restricted", "recommendations": []map[string]any{
				{"number": "1", "text": "Share risk information.", "scope": "local"}, {"number": "2", "text": "", "scope": "local"}}}}}
		raw, _ := json.Marshal(doc)
		failed := imWait(t, s, imPost(t, s, "", "bulk.json", raw))
		if failed.Status != "failed" || len(failed.Report) != 1 || failed.Report[0].Column != "reviews[0].recommendations[1].text" || count() != 5 {
			t.Fatalf("invalid bulk JSON job %+v", failed)
		}
		doc["reviews"].([]map[string]any)[0]["recommendations"].([]map[string]any)[1]["text"] = "Audit the referrals."
		raw, _ = json.Marshal(doc)
		ok := imWait(t, s, imPost(t, s, "", "bulk.json", raw))
		if ok.Status != "succeeded" || ok.Result.RecommendationsCreated != 2 || count() != 7 {
			t.Fatalf("bulk JSON job %+v", ok)
		}
		// Without a file: refused at once.
		body, ctype := lcMultipart(t, "", nil, "partnership_id", p.ID)
		s.Must(http.StatusUnprocessableEntity, "POST", "/api/v1/imports", body, "Content-Type", ctype)
	})
}

// A panel member's import into another partnership fails as forbidden, writing nothing.
func TestImportIntoAnotherPartnershipFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		before, _ := w.list(t, pmAdmin, "/api/v1/reviews")
		r := w.send(pmPanel, "POST", "/api/v1/imports", pmImportBody(t, w.p["P2"], "OTHER-1"), "")
		if r.Status != http.StatusAccepted {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		j := imWait(t, w.s, r.Header.Get("Location"), "Authorization", "Bearer "+w.tokens[pmPanel])
		if j.Status != "failed" || !strings.Contains(j.Error, "panel") {
			t.Fatalf("job %+v", j)
		}
		if after, _ := w.list(t, pmAdmin, "/api/v1/reviews"); len(after) != len(before) {
			t.Fatalf("reviews %d, was %d", len(after), len(before))
		}
		// The viewer cannot follow the panel member's job.
		if r := w.send(pmViewer, "GET", r.Header.Get("Location"), nil, ""); r.Status != http.StatusNotFound {
			t.Fatalf("viewer reading another's job: %d", r.Status)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The README's example plan imports cleanly into the demo data, as the README shows.
func TestImportReadmeExample(t *testing.T) {
	plan, err := os.ReadFile("../internal/importer/actionplan/testdata/example_plan.csv")
	must(t, err)
	s := apitest.Start(t, "sqlite", apitest.Options{Demo: true, Now: time.Now})
	var parts struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	s.Must(http.StatusOK, "GET", "/api/v1/partnerships?q=Eastmere%20Community", nil).JSON(t, &parts)
	if len(parts.Items) != 1 {
		t.Fatalf("partnerships %+v", parts.Items)
	}
	j := imWait(t, s, imPost(t, s, "?dry_run=true", "example_plan.csv", plan, "partnership_id", parts.Items[0].ID))
	if j.Status != "succeeded" || j.Result.RecommendationsCreated != 3 || j.Result.ActionsCreated != 5 || len(j.Report) != 1 || j.Report[0].Row != 10 {
		t.Fatalf("job %+v", j)
	}
}
