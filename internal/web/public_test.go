package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// publicHitIDs lists the recommendation ids a public search page links to, failing on any
// link that leaves the public pages.
func publicHitIDs(t *testing.T, p *webtest.Page) []string {
	t.Helper()
	var ids []string
	p.Doc.Find(".app-result h3 a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		if !strings.HasPrefix(href, "/public/recommendations/") {
			t.Errorf("a public search result links to %q, outside the public pages", href)
		}
		ids = append(ids, strings.TrimPrefix(href, "/public/recommendations/"))
	})
	return ids
}

// reviewsWith lists, as the system, the reviews of the demo data with visibility v.
func reviewsWith(t *testing.T, s *webtest.Site, v casereview.Visibility) []casereview.Review {
	t.Helper()
	pg, err := s.API.App.Store().ListReviews(webtest.System(), casereview.ReviewFilter{Visibility: v}, casereview.PageRequest{Limit: casereview.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	return pg.Items
}

// firstRecommendationOf is a recommendation of one of reviews, read as the system.
func firstRecommendationOf(t *testing.T, s *webtest.Site, reviews []casereview.Review) casereview.Recommendation {
	t.Helper()
	for _, rv := range reviews {
		pg, err := s.API.App.Store().ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: rv.ID}, casereview.PageRequest{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Items) > 0 {
			return pg.Items[0]
		}
	}
	t.Fatal("the demo data has no recommendation on these reviews")
	return casereview.Recommendation{}
}

func TestPublicSearchReachesOnlyPublicReviews(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		st := s.API.App.Store()
		b := s.Browser() // never signs in

		// The sign-in page leads to the public view.
		if !b.Get("/sign-in").Must(200).Has(`a[href="/public/search"]`) {
			t.Fatal("the sign-in page does not link to the public pages")
		}
		want := 0
		for _, rv := range reviewsWith(t, s, casereview.VisibilityPublic) {
			want += rv.RecommendationCount
		}
		if want == 0 {
			t.Fatal("the demo data has no public recommendation: the test would prove nothing")
		}

		// Page through the whole public search and check every linked recommendation against
		// the database.
		var ids []string
		p := b.Get("/public/search").Must(200)
		for page := 0; ; page++ {
			if !strings.Contains(p.URL, "/public/") || p.Has(".moj-identity-bar") {
				t.Fatalf("page %d of the public search is not a public page: %s", page, p.URL)
			}
			ids = append(ids, publicHitIDs(t, p)...)
			next, ok := p.Doc.Find(`a[rel="next"]`).Attr("href")
			if !ok {
				break
			}
			if !strings.HasPrefix(next, "/public/search?") {
				t.Fatalf("the next page is %q, outside the public pages", next)
			}
			p = b.Get(next).Must(200)
		}
		if len(ids) != want {
			t.Errorf("the public search reached %d recommendations; the database has %d on public reviews", len(ids), want)
		}
		for _, id := range ids {
			rec, err := st.GetRecommendation(webtest.System(), id)
			if err != nil {
				t.Fatalf("recommendation %s: %v", id, err)
			}
			rv, err := st.GetReview(webtest.System(), rec.ReviewID)
			if err != nil {
				t.Fatal(err)
			}
			if rv.Visibility != casereview.VisibilityPublic {
				t.Errorf("the public search reaches recommendation %s of review %s, which is %s", id, rv.Reference, rv.Visibility)
			}
		}

		// Its counts are shareable figures (issue 15 §1): the total and the facet counts as the
		// cell key method publishes them, the same as the anonymous API's cross-tab for the same
		// records, and the page says so.
		if !p.Has("#search-shared") {
			t.Error("the public search does not say that its counts are adjusted")
		}
		var rows struct {
			RowValues []struct{ Key string }     `json:"row_values"`
			RowTotals []struct{ Display string } `json:"row_totals"`
			Total     struct{ Count *int }       `json:"total"`
		}
		s.API.Must(200, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=oversight", nil).JSON(t, &rows)
		var found struct {
			Total      int64  `json:"total"`
			Disclosure string `json:"disclosure"`
			Facets     []struct {
				Values []struct{ Value, Display string } `json:"values"`
			} `json:"facets"`
		}
		s.API.Must(200, "GET", "/api/v1/search?facets=type", nil).JSON(t, &found)
		if found.Disclosure != "shareable" || rows.Total.Count == nil || found.Total != int64(*rows.Total.Count) {
			t.Errorf("anonymous search: disclosure %q, total %d; the cross-tab's total %v", found.Disclosure, found.Total, rows.Total.Count)
		}
		first := b.Get("/public/search").Must(200)
		for i, rv := range rows.RowValues {
			var api string
			for _, v := range found.Facets[0].Values {
				if v.Value == rv.Key {
					api = v.Display
				}
			}
			if api != rows.RowTotals[i].Display && !(api == "" && rows.RowTotals[i].Display == "0") {
				t.Errorf("type %s: the search facet publishes %q, the cross-tab %q", rv.Key, api, rows.RowTotals[i].Display)
			}
			if api == "" {
				continue
			}
			id, _ := first.Doc.Find(`input[name="type"][value="` + rv.Key + `"]`).Attr("id")
			if got := first.Text(`label[for="` + id + `"] .app-facet-count`); !strings.HasPrefix(got, "("+api+" ") {
				t.Errorf("type %s: the page shows %q, the API %q", rv.Key, got, api)
			}
		}

		// A public recommendation's page: text, review, addressees, the three layers.
		rec, err := st.GetRecommendation(webtest.System(), ids[0])
		if err != nil {
			t.Fatal(err)
		}
		rp := b.Get("/public/recommendations/" + rec.ID).Must(200)
		if got := rp.Text(".app-rec-text"); got != strings.TrimSpace(rec.Text) {
			t.Errorf("the page shows the text %q, want %q", got, rec.Text)
		}
		if n := rp.Doc.Find(".govuk-summary-list__key").FilterFunction(func(_ int, s *goquery.Selection) bool {
			k := strings.TrimSpace(s.Text())
			return k == "Response" || k == "Implementation" || k == "Oversight"
		}).Length(); n != 3 {
			t.Errorf("the page shows %d status layers, want 3", n)
		}
		for _, a := range rec.Addressees {
			if !strings.Contains(rp.Text("main"), a.OrganisationName) {
				t.Errorf("the page does not name the addressee %s", a.OrganisationName)
			}
		}
		for _, sel := range []string{`form[method="post"]`, ".moj-identity-bar", ".moj-timeline"} {
			if rp.Has(sel) {
				t.Errorf("the public recommendation page has %s", sel)
			}
		}

		// The figures.
		fp := b.Get("/public/figures").Must(200)
		if !fp.Has("table#figures tbody tr") || !strings.Contains(fp.Text("#figures-caption"), "oversight") {
			t.Fatal("the figures page has no table by partnership and oversight status")
		}
		if !b.Get("/public/figures?layer=response").Must(200).Has("table#figures") {
			t.Fatal("no figures by response status")
		}
		// The figures publish what the API publishes to an anonymous caller for the same records
		// (the cell key method): the grand total is the shareable cross-tab's, and each column
		// total its column total, whichever route asked.
		var ct struct {
			ColValues []struct{ Key, Label string } `json:"col_values"`
			ColTotals []struct{ Display string }    `json:"col_totals"`
			Total     struct{ Display string }      `json:"total"`
		}
		s.API.Must(200, "GET", "/api/v1/summaries/crosstab?rows=review_type&cols=oversight", nil).JSON(t, &ct)
		last := fp.Doc.Find("table#figures tbody tr").Last().Find("td")
		if got := strings.TrimSpace(last.Last().Text()); got != ct.Total.Display {
			t.Errorf("the figures' grand total is %q, the API's %q", got, ct.Total.Display)
		}
		// Both list the statuses that occur, in lifecycle order, then the total.
		if last.Length() != len(ct.ColTotals)+1 {
			t.Fatalf("the figures have %d columns, the API %d", last.Length()-1, len(ct.ColTotals))
		}
		for j, cv := range ct.ColValues {
			if got := strings.TrimSpace(last.Eq(j).Text()); got != ct.ColTotals[j].Display {
				t.Errorf("%s: the figures show %q, the API %q", cv.Label, got, ct.ColTotals[j].Display)
			}
		}
	})
}

func TestPublicPagesHideRestrictedSharedAndStaff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		st := s.API.App.Store()

		// A recommendation of a restricted and of a shared review are not found, even for a
		// person signed in who may read them elsewhere.
		restricted := firstRecommendationOf(t, s, reviewsWith(t, s, casereview.VisibilityRestricted))
		shared := firstRecommendationOf(t, s, reviewsWith(t, s, casereview.VisibilityShared))
		s.User("ottoline.fenwick@example.test", casereview.RoleOversight, "")
		signed := s.Browser()
		signed.SignIn("ottoline.fenwick@example.test")
		anon := s.Browser()
		for _, rec := range []casereview.Recommendation{restricted, shared} {
			signed.Get("/recommendations/" + rec.ID).Must(200) // it exists, and oversight reads it
			for _, b := range []*webtest.Browser{anon, signed} {
				p := b.Get("/public/recommendations/" + rec.ID)
				if p.Status != http.StatusNotFound {
					t.Errorf("the public page of recommendation %s answers %d, want 404", rec.ID, p.Status)
				}
				if strings.Contains(p.Body, rec.Text) {
					t.Errorf("the 404 page shows the text of recommendation %s", rec.ID)
				}
			}
		}

		// A member of staff responds to a public recommendation: the public page shows the
		// date the response layer changed, and neither who did it nor what they wrote.
		pub := firstRecommendationOf(t, s, reviewsWith(t, s, casereview.VisibilityPublic))
		if len(pub.Addressees) == 0 {
			t.Fatal("the public recommendation has no addressee")
		}
		org, err := st.GetOrganisation(webtest.System(), pub.Addressees[0].OrganisationID)
		if err != nil {
			t.Fatal(err)
		}
		editor := s.User("quillon.vantablack@example.test", casereview.RoleAgencyEditor, org.Name)
		note := "Holding reply drafted by the records team on the ninth floor"
		if _, err := st.RecordResponse(casereview.WithActor(t.Context(), editor.Actor()), pub.ID,
			casereview.ResponseDraft{OrganisationID: org.ID, Decision: "response_received", Narrative: note}); err != nil {
			t.Fatal(err)
		}
		staffPage := signed.Get("/recommendations/" + pub.ID).Must(200)
		if !strings.Contains(staffPage.Body, note) || !strings.Contains(staffPage.Body, editor.DisplayName) {
			t.Fatal("the signed-in page does not show the response and its author: the checks below would prove nothing")
		}

		users, err := st.ListUsers(webtest.System(), casereview.UserFilter{}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			t.Fatal(err)
		}
		if len(users.Items) < 2 {
			t.Fatalf("only %d users", len(users.Items))
		}
		pages := map[string]*webtest.Page{}
		for _, path := range []string{"/public/search", "/public/search?q=" + strings.Fields(pub.Text)[0],
			"/public/recommendations/" + pub.ID, "/public/figures", "/public/figures?layer=implementation",
			"/public/figures?layer=response", "/public/recommendations/" + restricted.ID} {
			pages[path] = signed.Get(path) // signed in, yet anonymous on these pages
			pages[path+" (anonymous)"] = anon.Get(path)
		}
		for path, p := range pages {
			if p.Status != 200 && p.Status != 404 {
				t.Errorf("%s: %d", path, p.Status)
			}
			for _, u := range users.Items {
				for _, name := range []string{u.DisplayName, u.Email} {
					if strings.Contains(strings.ToLower(p.Body), strings.ToLower(name)) {
						t.Errorf("%s shows the user %q", path, name)
					}
				}
			}
			if strings.Contains(p.Body, note) {
				t.Errorf("%s shows a note written by staff", path)
			}
		}
		rp := pages["/public/recommendations/"+pub.ID+" (anonymous)"]
		if got := rp.Doc.Find(".govuk-summary-list__row").First().Text(); !strings.Contains(got, "Last changed on 1 December 2026") {
			t.Errorf("the response layer reads %q, want the day of the response", strings.Join(strings.Fields(got), " "))
		}
	})
}

func TestPublicPagesAreRateLimitedPerClient(t *testing.T) {
	s := webtest.Start(t, "sqlite")
	b := s.Browser()
	var limited *webtest.Page
	for i := 0; i < 400 && limited == nil; i++ {
		if p := b.Get("/public/figures"); p.Status == http.StatusTooManyRequests {
			limited = p
		} else if p.Status != 200 {
			t.Fatalf("request %d: %d", i, p.Status)
		}
	}
	if limited == nil {
		t.Fatal("400 public pages in a row were never limited")
	}
	if limited.Header.Get("Retry-After") == "" || !limited.Has("h1") {
		t.Errorf("the 429 page has no Retry-After or no heading: %v", limited.Header)
	}
	// The limit is the public pages' own: the sign-in page still answers.
	b.Get("/sign-in").Must(200)
}
