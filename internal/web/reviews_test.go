package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

const eastmereCSP = "Eastmere Community Safety Partnership"

// formOf reads the values a browser would submit from the form matching selector: inputs,
// ticked boxes, chosen options and textareas (not the submit buttons).
func formOf(p *webtest.Page, selector string) url.Values {
	v := url.Values{}
	form := p.Doc.Find(selector)
	form.Find("input").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		typ, _ := s.Attr("type")
		val, _ := s.Attr("value")
		_, checked := s.Attr("checked")
		if name == "" || ((typ == "checkbox" || typ == "radio") && !checked) {
			return
		}
		v.Add(name, val)
	})
	form.Find("select").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		opt := s.Find("option[selected]")
		if opt.Length() == 0 {
			opt = s.Find("option").First()
		}
		val, _ := opt.Attr("value")
		v.Add(name, val)
	})
	form.Find("textarea").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		v.Add(name, s.Text())
	})
	return v
}

func reviewByReference(t *testing.T, s *webtest.Site, ref string) casereview.Review {
	t.Helper()
	res, err := s.API.App.Store().ListReviews(webtest.System(), casereview.ReviewFilter{Reference: ref}, casereview.PageRequest{Limit: 5})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("review %s: %v %+v", ref, err, res)
	}
	return res.Items[0]
}

func recommendationsOf(t *testing.T, s *webtest.Site, reviewID string) []casereview.Recommendation {
	t.Helper()
	res, err := s.API.App.Store().ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: reviewID}, casereview.PageRequest{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	return res.Items
}

func orgID(s *webtest.Site, name string) string { id, _ := s.ScopeID(name); return id }

func TestPanelRecordsAReviewAndItsRecommendations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, eastmereCSP)
		_, csp := s.ScopeID(eastmereCSP)
		b := s.Browser()
		b.SignIn("panel@example.test")

		p := b.Get("/reviews").Must(http.StatusOK)
		if !p.Has(`a[href="/reviews/new"]`) || !strings.Contains(p.Text(".app-reviews-table"), "EM-DHR-2021-02") {
			t.Fatalf("reviews list: %s", p.Text("main"))
		}
		p = b.Get("/reviews?type=PFD").Must(http.StatusOK)
		if n := p.Doc.Find(".app-reviews-table tbody tr").Length(); n != 3 || strings.Contains(p.Text("table"), "EM-DHR") {
			t.Errorf("PFD filter shows %d rows: %s", n, p.Text("table"))
		}

		p = b.Get("/reviews/new").Must(http.StatusOK)
		if v, _ := p.Doc.Find(`#partnership_id option[selected]`).Attr("value"); v != csp {
			t.Errorf("the panel's only partnership is not chosen: %q", v)
		}
		p = b.Post("/reviews/new", url.Values{"type": {"DHR"}, "partnership_id": {csp}, "reference": {"EM-DHR-2026-09"},
			"title": {"Adult Q"}, "status": {"in_progress"}, "visibility": {"restricted"},
			"commissioned_on-day": {"4"}, "commissioned_on-month": {"3"}, "commissioned_on-year": {"2026"},
			"summary": {"Adult Q was killed by her son."}})
		rv := reviewByReference(t, s, "EM-DHR-2026-09")
		if p.URL != "/reviews/"+rv.ID || !strings.Contains(p.Text(".govuk-notification-banner"), "EM-DHR-2026-09 recorded") {
			t.Fatalf("after recording ended at %s: %s", p.URL, p.Text("main"))
		}
		if rv.CommissionedOn == nil || rv.CommissionedOn.String() != "2026-03-04" || rv.Status != "in_progress" || rv.PartnershipID != csp {
			t.Errorf("saved review %+v", rv)
		}
		if !p.Has(`a[href="/reviews/`+rv.ID+`/edit"]`) || !p.Has(`a[href="/reviews/`+rv.ID+`/recommendations/new"]`) {
			t.Errorf("the panel sees no edit or add buttons: %s", p.Text(".moj-page-header-actions"))
		}

		evp, harbour := orgID(s, "Eastmere and Vale Police"), orgID(s, "Harbourlight Domestic Abuse Service")
		b.Get("/reviews/" + rv.ID + "/recommendations/new").Must(http.StatusOK)
		p = b.Post("/reviews/"+rv.ID+"/recommendations/new", url.Values{"number": {"1"}, "title": {"Strangulation in DASH"},
			"text": {"The police should treat strangulation as a significant risk indicator."}, "scope": {"local"},
			"intervention_type": {"training"}, "addressee_rows": {"3"},
			"addressees[0].organisation_id": {evp}, "addressees[0].role": {"lead"},
			"addressees[1].organisation_id": {""}, "addressees[1].role": {"supporting"},
			"addressees[2].organisation_id": {harbour}, "addressees[2].role": {"supporting"},
			"themes": {"A12", "C01"}, "primary_theme": {"C01"}, "then": {"another"}})
		if p.URL != "/reviews/"+rv.ID+"/recommendations/new" || p.Text(".govuk-notification-banner__heading") != "Recommendation 1 added" {
			t.Fatalf("save and add another ended at %s with %q", p.URL, p.Text(".govuk-notification-banner"))
		}
		if v, _ := p.Doc.Find("#number").Attr("value"); v != "" || p.Text("#text") != "" || p.Has(`input[name="themes"][checked]`) {
			t.Errorf("the next form is not empty: number %q", v)
		}
		if !strings.Contains(p.Text("#number-hint"), "Already recorded for this review: 1.") {
			t.Errorf("number hint %q", p.Text("#number-hint"))
		}
		p = b.Post("/reviews/"+rv.ID+"/recommendations/new", url.Values{"number": {"2"},
			"text": {"Harbourlight should offer outreach to older victims of adult family abuse in their homes."}, "scope": {"regional"},
			"addressee_rows": {"3"}, "addressees[0].organisation_id": {harbour}, "addressees[0].role": {"lead"},
			"themes": {"A04"}, "then": {"done"}})
		if p.URL != "/reviews/"+rv.ID || p.Text(".govuk-notification-banner__heading") != "Recommendation 2 added" {
			t.Fatalf("save ended at %s with %q", p.URL, p.Text(".govuk-notification-banner"))
		}

		recs := recommendationsOf(t, s, rv.ID)
		if len(recs) != 2 {
			t.Fatalf("%d recommendations saved", len(recs))
		}
		rows := p.Doc.Find(".app-review-recommendations tbody tr")
		if rows.Length() != 2 {
			t.Fatalf("the review page lists %d recommendations", rows.Length())
		}
		for _, r := range recs {
			if !p.Has(`.app-review-recommendations a[href="/recommendations/` + r.ID + `"]`) {
				t.Errorf("no link to recommendation %s", r.Number)
			}
			switch r.Number {
			case "1":
				if len(r.Addressees) != 2 || r.Scope != "local" || r.InterventionType == nil || *r.InterventionType != "training" {
					t.Errorf("recommendation 1: %+v", r)
				}
				for _, th := range r.Themes {
					if th.Primary != (th.Code == "C01") {
						t.Errorf("theme %s primary=%v", th.Code, th.Primary)
					}
				}
			case "2":
				if len(r.Addressees) != 1 || r.Addressees[0].Role != "lead" || len(r.Themes) != 1 || !r.Themes[0].Primary {
					t.Errorf("recommendation 2: %+v", r)
				}
			}
		}
		if first := rows.First().Find("td").First().Text(); first != "1" {
			t.Errorf("first row is number %q", first)
		}
		if txt := rows.First().Text(); !strings.Contains(txt, "Eastmere and Vale Police") || !strings.Contains(txt, "Awaiting response") {
			t.Errorf("row 1: %s", strings.Join(strings.Fields(txt), " "))
		}
	})
}

func TestPanelFormsShowErrorsAtTheirFieldsAndKeepWhatWasTyped(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("panel@example.test", casereview.RolePanel, eastmereCSP)
		_, csp := s.ScopeID(eastmereCSP)
		rv := reviewByReference(t, s, "EM-DHR-2021-02")
		before := len(recommendationsOf(t, s, rv.ID))
		b := s.Browser()
		b.SignIn("panel@example.test")

		evp, harbour := orgID(s, "Eastmere and Vale Police"), orgID(s, "Harbourlight Domestic Abuse Service")
		b.Get("/reviews/" + rv.ID + "/recommendations/new").Must(http.StatusOK)
		form := url.Values{"number": {""}, "title": {"Kept title"}, "text": {"  "}, "scope": {"national"}, "addressee_rows": {"3"},
			"addressees[0].organisation_id": {""}, "addressees[0].role": {"lead"},
			"addressees[1].organisation_id": {evp}, "addressees[1].role": {"boss"},
			"addressees[2].organisation_id": {harbour}, "addressees[2].role": {"supporting"},
			"themes": {"A12", "C05"}, "primary_theme": {"C05"},
			"response_due-day": {"31"}, "response_due-month": {"2"}, "response_due-year": {"2027"}, "then": {"done"}}
		p := b.Post("/reviews/"+rv.ID+"/recommendations/new", form)
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d: %s", p.Status, p.Text("main"))
		}
		for _, id := range []string{"number", "text", "addressees-1-role", "response_due"} {
			if !p.Has("#"+id+"-error") || !p.Has(`.govuk-error-summary a[href="#`+id+`"]`) || !p.Has("#"+id) {
				t.Errorf("no error at #%s: summary %v", id, p.Errors())
			}
		}
		if !strings.Contains(p.Text("#response_due-error"), "must be a real date") || !strings.Contains(p.Text("#number-error"), "Enter the recommendation's number") {
			t.Errorf("messages: %v", p.Errors())
		}
		if v, _ := p.Doc.Find("#title").Attr("value"); v != "Kept title" {
			t.Errorf("title not kept: %q", v)
		}
		if !p.Has(`#scope-national[checked]`) || !p.Has(`input[name="themes"][value="A12"][checked]`) ||
			!p.Has(`input[name="themes"][value="C05"][checked]`) || !p.Has(`#primary_theme option[value="C05"][selected]`) {
			t.Error("scope or themes not kept")
		}
		if v, _ := p.Doc.Find(`#addressees-1-organisation_id option[selected]`).Attr("value"); v != evp {
			t.Errorf("addressee row 2 not kept: %q", v)
		}
		if v, _ := p.Doc.Find(`#addressees-2-organisation_id option[selected]`).Attr("value"); v != harbour {
			t.Errorf("addressee row 3 not kept: %q", v)
		}
		if v, _ := p.Doc.Find(`#response_due-month`).Attr("value"); v != "2" {
			t.Errorf("date not kept: %q", v)
		}
		if p.Text("#addressees-1-role-error") != "Error: Select the organisation's role" {
			t.Errorf("role message %q", p.Text("#addressees-1-role-error"))
		}
		if len(p.Errors()) != 4 {
			t.Errorf("errors: %v", p.Errors())
		}

		// The same organisation twice: the domain's message lands on the second row.
		form.Set("number", "99")
		form.Set("text", "Do it.")
		form.Set("addressees[1].role", "lead")
		form.Set("addressees[2].organisation_id", evp)
		form.Del("response_due-day")
		form.Del("response_due-month")
		form.Del("response_due-year")
		p = b.Post("/reviews/"+rv.ID+"/recommendations/new", form)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Text("#addressees-2-organisation_id-error"), "already chosen in another row") || len(p.Errors()) != 1 {
			t.Fatalf("duplicate addressee: %d %v", p.Status, p.Errors())
		}
		// A number already used by the review is refused at the number.
		form.Set("number", "1")
		form.Set("addressees[2].organisation_id", "")
		p = b.Post("/reviews/"+rv.ID+"/recommendations/new", form)
		if p.Status != http.StatusUnprocessableEntity || p.Text("#number-error") != "Error: This review already has a recommendation with this number" {
			t.Fatalf("duplicate number: %d %v", p.Status, p.Errors())
		}

		// "Add another addressee" comes back with one more row and everything kept.
		form.Set("add_addressee", "1")
		p = b.Post("/reviews/"+rv.ID+"/recommendations/new", form)
		if p.Status != http.StatusOK || p.Doc.Find(".app-addressee").Length() != 4 || len(p.Errors()) != 0 {
			t.Fatalf("add another addressee: %d, %d rows, %v", p.Status, p.Doc.Find(".app-addressee").Length(), p.Errors())
		}
		if v, _ := p.Doc.Find(`#addressees-1-organisation_id option[selected]`).Attr("value"); v != evp || p.Text("#text") != "Do it." {
			t.Errorf("add another lost the form: %q", v)
		}
		if n := len(recommendationsOf(t, s, rv.ID)); n != before {
			t.Errorf("recommendations %d -> %d after refused forms", before, n)
		}

		// The review form too.
		b.Get("/reviews/new")
		p = b.Post("/reviews/new", url.Values{"type": {"DHR"}, "partnership_id": {csp}, "reference": {""}, "title": {"Adult P"},
			"status": {"published"}, "visibility": {"public"}, "commissioned_on-day": {"12"}, "commissioned_on-month": {"13"},
			"commissioned_on-year": {"2024"}, "report_url": {"not a link"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("review form status %d", p.Status)
		}
		for _, id := range []string{"reference", "commissioned_on", "published_on", "report_url"} {
			if !p.Has("#" + id + "-error") {
				t.Errorf("no error at %s: %v", id, p.Errors())
			}
		}
		if v, _ := p.Doc.Find("#title").Attr("value"); v != "Adult P" || !p.Has("#visibility-public[checked]") {
			t.Errorf("review form lost what was typed")
		}
	})
}

func TestOnlyTheReviewsPanelMayRecordOrChangeIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("agency@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("viewer@example.test", casereview.RoleViewer, eastmereCSP)
		s.User("other-panel@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		_, csp := s.ScopeID(eastmereCSP)
		rv := reviewByReference(t, s, "EM-DHR-2021-02")
		recs := recommendationsOf(t, s, rv.ID)
		rec := recs[0]
		countReviews := func() int64 {
			res, err := s.API.App.Store().ListReviews(webtest.System(), casereview.ReviewFilter{}, casereview.PageRequest{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return res.Total
		}
		reviews := countReviews()

		for _, who := range []string{"agency@example.test", "viewer@example.test", "other-panel@example.test"} {
			b := s.Browser()
			b.SignIn(who)
			p := b.Get("/reviews").Must(http.StatusOK)
			if who != "other-panel@example.test" && p.Has(`a[href="/reviews/new"]`) {
				t.Errorf("%s is offered to record a review", who)
			}
			p = b.Get("/reviews/" + rv.ID).Must(http.StatusOK)
			if p.Has(`a[href$="/edit"]`) || p.Has(`a[href$="/recommendations/new"]`) {
				t.Errorf("%s is offered to change review %s", who, rv.Reference)
			}
			if p = b.Get("/reviews/" + rv.ID + "/edit"); p.Status != http.StatusForbidden {
				t.Errorf("%s: edit form answered %d", who, p.Status)
			}
			if p = b.Get("/recommendations/" + rec.ID + "/edit"); p.Status != http.StatusForbidden {
				t.Errorf("%s: recommendation edit form answered %d", who, p.Status)
			}

			// Forged posts, with a valid token and valid values, are refused and change nothing.
			b.Get("/reviews")
			p = b.Post("/reviews/new", url.Values{"type": {"DHR"}, "partnership_id": {csp}, "reference": {"FORGED-1"},
				"title": {"Forged"}, "status": {"commissioned"}, "visibility": {"restricted"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("%s: forged new review answered %d", who, p.Status)
			}
			b.Get("/reviews")
			p = b.Post("/reviews/"+rv.ID+"/edit", url.Values{"type": {"DHR"}, "partnership_id": {csp}, "reference": {rv.Reference},
				"title": {"Forged"}, "status": {"published"}, "visibility": {"shared"}, "version": {strconv.Itoa(rv.Version)},
				"published_on-day": {"14"}, "published_on-month": {"6"}, "published_on-year": {"2022"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("%s: forged review edit answered %d", who, p.Status)
			}
			b.Get("/reviews")
			p = b.Post("/recommendations/"+rec.ID+"/edit", url.Values{"number": {rec.Number}, "text": {"Forged text"},
				"scope": {"local"}, "version": {strconv.Itoa(rec.Version)}, "addressee_rows": {"3"},
				"addressees[0].organisation_id": {rec.Addressees[0].OrganisationID}, "addressees[0].role": {"lead"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("%s: forged recommendation edit answered %d", who, p.Status)
			}
			b.Get("/reviews")
			p = b.Post("/reviews/"+rv.ID+"/recommendations/new", url.Values{"number": {"77"}, "text": {"Forged"}, "scope": {"local"}})
			if p.Status != http.StatusForbidden {
				t.Errorf("%s: forged new recommendation answered %d", who, p.Status)
			}
		}
		after, err := s.API.App.Store().GetRecommendation(webtest.System(), rec.ID)
		if err != nil || after.Text != rec.Text || after.Version != rec.Version {
			t.Errorf("the recommendation changed: %v %q v%d", err, after.Text, after.Version)
		}
		if got := reviewByReference(t, s, rv.Reference); got.Title != rv.Title || got.Version != rv.Version {
			t.Errorf("the review changed: %+v", got)
		}
		if n := countReviews(); n != reviews || len(recommendationsOf(t, s, rv.ID)) != len(recs) {
			t.Errorf("reviews %d -> %d", reviews, n)
		}
	})
}
