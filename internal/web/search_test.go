package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// searchTotal is the results count the page states in its heading ("42 recommendations").
func searchTotal(t *testing.T, p *webtest.Page) int {
	t.Helper()
	h := p.Text("#results")
	h = h[strings.LastIndex(h, ":")+1:]
	n, err := strconv.Atoi(strings.Fields(h)[0])
	if err != nil {
		t.Fatalf("results heading %q has no count", p.Text("#results"))
	}
	return n
}

// searchHitIDs lists the recommendation ids the page shows, in order.
func searchHitIDs(p *webtest.Page) []string {
	var ids []string
	p.Doc.Find(".app-result h3 a").Each(func(_ int, s *goquery.Selection) {
		href, _ := s.Attr("href")
		ids = append(ids, strings.TrimPrefix(href, "/recommendations/"))
	})
	return ids
}

// apiSearch runs the same search through the JSON API in the same browser (the same session).
func apiSearch(t *testing.T, b *webtest.Browser, query string) (ids []string, total int) {
	t.Helper()
	p := b.Get("/api/v1/search?" + query)
	if p.Status != http.StatusOK {
		t.Fatalf("api search %s: %d %s", query, p.Status, p.Body)
	}
	var body struct {
		Total int `json:"total"`
		Items []struct {
			Recommendation struct {
				ID string `json:"id"`
			} `json:"recommendation"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(p.Body), &body); err != nil {
		t.Fatal(err)
	}
	for _, it := range body.Items {
		ids = append(ids, it.Recommendation.ID)
	}
	return ids, body.Total
}

func TestSearchFiltersNarrowAndShowRemovableTags(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		s.User("panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		b := s.Browser()
		b.SignIn("panel@example.test")

		all := b.Get("/search").Must(200)
		if !all.Has(`.govuk-service-navigation__item--active a[href="/search"]`) || !all.Has(`input#q[type="search"][name="q"]`) {
			t.Fatal("the search page lacks its box or its navigation item")
		}
		if !all.Has(`.moj-filter-layout .moj-filter input[type="checkbox"][name="type"][value="DHR"]`) {
			t.Fatal("no review type filter")
		}
		if !strings.Contains(all.Text("details.govuk-details"), "agency:") {
			t.Error("the how-to does not explain field searches")
		}
		n0 := searchTotal(t, all)
		dhr := b.Get("/search?type=DHR").Must(200)
		n1 := searchTotal(t, dhr)
		both := b.Get("/search?type=DHR&sector=police").Must(200)
		n2 := searchTotal(t, both)
		if !(n0 > n1 && n1 > n2 && n2 > 0) {
			t.Fatalf("totals: all %d, DHR %d, DHR and police %d: each filter should narrow", n0, n1, n2)
		}
		// The count beside a checkbox is what ticking it finds.
		id, _ := dhr.Doc.Find(`input[name="sector"][value="police"]`).Attr("id")
		if label := dhr.Text(`label[for="` + id + `"]`); id == "" || !strings.Contains(label, "("+strconv.Itoa(n2)+" results)") {
			t.Errorf("the police sector's label %q, want the count %d", label, n2)
		}
		if !both.Has(`input[name="type"][value="DHR"][checked]`) || !both.Has(`input[name="sector"][value="police"][checked]`) {
			t.Error("the chosen filters are not ticked")
		}
		_, apiTotal := apiSearch(t, b, "type=DHR&sector=police")
		if apiTotal != n2 {
			t.Errorf("the page found %d, the API %d for the same search", n2, apiTotal)
		}

		// Each chosen value is a tag linking to the same search without it.
		tags := both.Doc.Find(".moj-filter__selected a.moj-filter__tag")
		if tags.Length() != 2 {
			t.Fatalf("%d filter tags, want 2: %q", tags.Length(), both.Text(".moj-filter__selected"))
		}
		var sectorTag string
		tags.Each(func(_ int, s *goquery.Selection) {
			href, _ := s.Attr("href")
			u, err := url.Parse(href)
			if err != nil || u.Path != "/search" {
				t.Errorf("tag %q links to %q", s.Text(), href)
				return
			}
			q := u.Query()
			switch {
			case strings.Contains(s.Text(), "Police"):
				sectorTag = href
				if q.Has("sector") || q.Get("type") != "DHR" {
					t.Errorf("the police tag links to %q", href)
				}
			case strings.Contains(s.Text(), "Domestic homicide review"):
				if q.Has("type") || q.Get("sector") != "police" {
					t.Errorf("the DHR tag links to %q", href)
				}
			default:
				t.Errorf("unexpected tag %q", s.Text())
			}
		})
		if sectorTag == "" {
			t.Fatal("no tag for the police sector")
		}
		if again := b.Get(sectorTag).Must(200); searchTotal(t, again) != n1 {
			t.Errorf("removing the sector filter found %d, want %d", searchTotal(t, again), n1)
		}
		if clear, _ := both.Doc.Find(".moj-filter__selected-heading a").Attr("href"); clear != "/search" {
			t.Errorf("clear filters links to %q", clear)
		}

		// Every hit is a DHR and names its review, addressees and statuses.
		hit := both.Doc.Find(".app-result").First()
		if !strings.Contains(hit.Find(".app-rec-ref").Text(), "Domestic homicide review") ||
			hit.Find(".app-status-tags strong").Length() != 3 || !strings.Contains(hit.Text(), "Addressed to") {
			t.Errorf("a hit: %q", strings.Join(strings.Fields(hit.Text()), " "))
		}

		// The sort form keeps the search.
		keep := map[string]string{}
		both.Doc.Find(`#sort-form input[type="hidden"]`).Each(func(_ int, s *goquery.Selection) {
			n, _ := s.Attr("name")
			v, _ := s.Attr("value")
			keep[n] = v
		})
		if keep["type"] != "DHR" || keep["sector"] != "police" || !both.Has(`select#sort[form="sort-form"]`) {
			t.Errorf("the sort form keeps %v", keep)
		}
		newest := b.Get("/search?type=DHR&sort=newest").Must(200)
		oldest := b.Get("/search?type=DHR&sort=oldest").Must(200)
		a, z := searchHitIDs(newest), searchHitIDs(oldest)
		if len(a) == 0 || a[0] == z[0] || !newest.Has(`#sort option[value="newest"][selected]`) {
			t.Errorf("newest first %v, oldest first %v", a, z)
		}
	})
}

func TestSearchPaging(t *testing.T) {
	s := webtest.Start(t, "sqlite")
	s.API.WaitForIndex()
	s.User("oversight@example.test", casereview.RoleOversight, "")
	b := s.Browser()
	b.SignIn("oversight@example.test")

	p1 := b.Get("/search?sort=oldest").Must(200)
	next, ok := p1.Doc.Find(`.govuk-pagination__next a[rel="next"]`).Attr("href")
	if !ok || p1.Has(".govuk-pagination__prev") {
		t.Fatalf("page 1: next %q, previous shown %v", next, p1.Has(".govuk-pagination__prev"))
	}
	p2 := b.Get(next).Must(200)
	next3, ok := p2.Doc.Find(`.govuk-pagination__next a`).Attr("href")
	if !ok {
		t.Fatal("page 2 has no next page (the demo data has over 40 recommendations)")
	}
	if prev, _ := p2.Doc.Find(`.govuk-pagination__prev a`).Attr("href"); prev != "/search?sort=oldest" {
		t.Errorf("page 2's previous page is %q", prev)
	}
	p3 := b.Get(next3).Must(200)
	prev3, _ := p3.Doc.Find(`.govuk-pagination__prev a`).Attr("href")
	back := b.Get(prev3).Must(200)
	if !slices.Equal(searchHitIDs(back), searchHitIDs(p2)) {
		t.Error("previous from page 3 does not show page 2")
	}
	ids1, ids2, ids3 := searchHitIDs(p1), searchHitIDs(p2), searchHitIDs(p3)
	for _, id := range append(ids2, ids3...) {
		if slices.Contains(ids1, id) {
			t.Fatalf("a recommendation shows on two pages: %s", id)
		}
	}
	if !strings.Contains(p2.Text("main"), "Showing 21 to 40") || p3.Text(".govuk-pagination__item--current") != "3" {
		t.Errorf("page 2 says %q; page 3 is numbered %q", p2.Text(".govuk-body-s"), p3.Text(".govuk-pagination__item--current"))
	}
	// The API's pages are the same.
	apiIDs, _ := apiSearch(t, b, "sort=oldest&limit=20")
	if !slices.Equal(apiIDs, ids1) {
		t.Error("the page's first page differs from the API's")
	}
	// A cursor this server never issued is a problem with a way out, not a failure.
	bad := b.Get("/search?sort=oldest&cursor=bm9wZQ")
	if bad.Status != http.StatusUnprocessableEntity || !bad.Has("#cursor a") || len(bad.Errors()) != 1 {
		t.Errorf("bad cursor: %d %v", bad.Status, bad.Errors())
	}
}

func TestSearchSyntaxErrorAndZeroHits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		s.User("agency@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		b.SignIn("agency@example.test")

		p := b.Get("/search?q=" + url.QueryEscape(`stalking "training`))
		p.Must(http.StatusUnprocessableEntity)
		errs := p.Errors()
		if len(errs) != 1 || !strings.Contains(errs[0], "missing closing quote") || !strings.Contains(errs[0], "at character 10") {
			t.Fatalf("error summary %v, want the parser's message and where", errs)
		}
		if href, _ := p.Doc.Find(".govuk-error-summary__list a").Attr("href"); href != "#q" {
			t.Errorf("the error links to %q", href)
		}
		if v, _ := p.Doc.Find("input#q").Attr("value"); v != `stalking "training` || !p.Has("#q-error") || !p.Has(".govuk-form-group--error #q") {
			t.Errorf("the query is not kept at the field with its error (value %q)", v)
		}
		if p.Text(".app-query-at") != `"` || !p.Has("details.govuk-details[open]") {
			t.Errorf("the mark is on %q; the how-to should be open", p.Text(".app-query-at"))
		}
		if !strings.HasPrefix(p.Text("title"), "Error:") {
			t.Errorf("title %q", p.Text("title"))
		}
		// The API refuses the same query the same way.
		if r := b.Get("/api/v1/search?q=" + url.QueryEscape(`stalking "training`)); r.Status != http.StatusBadRequest && r.Status != http.StatusUnprocessableEntity {
			t.Errorf("the API answered %d", r.Status)
		}
		// A field the index cannot run is reported too.
		if p := b.Get("/search?q=" + url.QueryEscape("flag:sometime training")); p.Status != http.StatusUnprocessableEntity || len(p.Errors()) != 1 {
			t.Errorf("unknown flag: %d %v", p.Status, p.Errors())
		}

		// Nothing found: say so, and how to find more.
		p = b.Get("/search?q=qwxzvbnm&type=DHR").Must(200)
		if searchTotal(t, p) != 0 || !p.Has(".app-no-results") || p.Has(".app-result") {
			t.Fatalf("zero hits: %q", p.Text("main"))
		}
		text := p.Text(".app-no-results")
		if !strings.Contains(text, "No recommendations match") || !strings.Contains(text, "spelling") || !p.Has(`.app-no-results a[href="/search?q=qwxzvbnm"]`) {
			t.Errorf("zero-hit advice: %q", text)
		}
		if !p.Has(`.moj-filter__selected a.moj-filter__tag`) || !p.Has(`input[name="type"][value="DHR"][checked]`) {
			t.Error("a chosen filter with no results left is not shown so it can be removed")
		}
	})
}

func TestSearchEscapesTextAndKeepsHighlights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		s.User("oversight@example.test", casereview.RoleOversight, "")
		st := s.API.App.Store()
		police, _ := s.ScopeID("Eastmere and Vale Police")
		reviews, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{Reference: "EM-DHR-2021-02"}, casereview.PageRequest{Limit: 1})
		if err != nil || len(reviews.Items) != 1 {
			t.Fatalf("demo review: %v", err)
		}
		_, err = st.CreateRecommendation(webtest.System(), casereview.RecommendationDraft{ReviewID: reviews.Items[0].ID, Number: "99",
			Title: `Quillfeather <b>bold</b> & "quoted"`,
			Text:  `Officers should record every quillfeather disclosure. <script>alert("x")</script> Then <b>quillfeather</b> again, with <img src=x onerror=alert(1)> and &amp; kept as typed.`,
			Scope: "local", Addressees: []casereview.AddresseeDraft{{OrganisationID: police, Role: casereview.RoleLead}},
			Themes: []casereview.ThemeDraft{{Code: "stalking", Primary: true}}})
		if err != nil {
			t.Fatal(err)
		}
		b := s.Browser()
		b.SignIn("oversight@example.test")
		var p *webtest.Page
		for deadline := time.Now().Add(10 * time.Second); ; {
			p = b.Get("/search?q=quillfeather").Must(200)
			if p.Has(".app-result") || time.Now().After(deadline) {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		hit := p.Doc.Find(".app-result").First()
		if hit.Length() == 0 {
			t.Fatal("the new recommendation was never found")
		}
		if hit.Find("script, img, b").Length() > 0 || strings.Contains(p.Body, "<script>alert") || strings.Contains(p.Body, "<b>") ||
			strings.Contains(p.Body, "<img src=x") {
			t.Fatalf("markup from the recommendation reached the page:\n%s", p.Body)
		}
		text := strings.Join(strings.Fields(hit.Find(".app-result__text").Text()), " ")
		for _, want := range []string{`<script>alert("x")</script>`, `<b>quillfeather</b>`, `<img src=x onerror=alert(1)>`, `&amp; kept`} {
			if !strings.Contains(text, want) {
				t.Errorf("the passage %q does not show %q as text", text, want)
			}
		}
		title := strings.Join(strings.Fields(hit.Find("h3 a").Text()), " ")
		if title != `Quillfeather <b>bold</b> & "quoted"` {
			t.Errorf("title shown as %q", title)
		}
		marks := hit.Find("mark.app-hit")
		if marks.Length() < 2 {
			t.Fatalf("%d highlights, want the word marked in the title and the text", marks.Length())
		}
		marks.Each(func(_ int, m *goquery.Selection) {
			if w := strings.ToLower(m.Text()); w != "quillfeather" {
				t.Errorf("highlighted %q", w)
			}
			if m.Children().Length() > 0 {
				t.Error("a highlight holds markup")
			}
		})
		if hit.Find("h3 mark.app-hit").Length() != 1 {
			t.Error("the title's match is not highlighted")
		}
		// A hit found by its addressee alone says so, with the name marked (issue 16 §2).
		p = b.Get("/search?q=" + url.QueryEscape(`agency:"Eastmere and Vale Police"`)).Must(200)
		matched := p.Doc.Find(".app-result .app-result__matched")
		if matched.Length() == 0 || matched.First().Find("mark").Length() == 0 {
			t.Errorf("no hit says it matched on the addressee: %d notes", matched.Length())
		}
	})
}

func TestSearchNeverShowsAnotherPartnershipsRestrictedReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.API.WaitForIndex()
		s.User("hollowbrook@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		s.User("eastmere@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		st := s.API.App.Store()
		reviews, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{Reference: "EM-DHR-2023-04"}, casereview.PageRequest{Limit: 1})
		if err != nil || len(reviews.Items) != 1 || reviews.Items[0].Visibility != casereview.Visibility("restricted") {
			t.Fatalf("the demo's restricted review: %v %+v", err, reviews.Items)
		}
		restricted, err := st.ListRecommendations(webtest.System(), casereview.RecommendationFilter{ReviewID: reviews.Items[0].ID}, casereview.PageRequest{Limit: 50})
		if err != nil || len(restricted.Items) == 0 {
			t.Fatalf("its recommendations: %v", err)
		}
		var restrictedIDs []string
		for _, r := range restricted.Items {
			restrictedIDs = append(restrictedIDs, r.ID)
		}

		// Its own partnership finds it.
		own := s.Browser()
		own.SignIn("eastmere@example.test")
		if p := own.Get("/search?q=" + url.QueryEscape("reference:EM-DHR-2023-04")).Must(200); searchTotal(t, p) != len(restricted.Items) {
			t.Fatalf("the owning partnership finds %d of its %d restricted recommendations", searchTotal(t, p), len(restricted.Items))
		}

		other := s.Browser()
		other.SignIn("hollowbrook@example.test")
		_, eastmere := s.ScopeID("Eastmere Community Safety Partnership")
		for _, q := range []string{
			"sort=newest&q=" + url.QueryEscape("reference:EM-DHR-2023-04"),
			"sort=relevance&q=" + url.QueryEscape(restricted.Items[0].Title),
			"sort=newest&partnership=" + eastmere,
			"sort=oldest",
		} {
			p := other.Get("/search?" + q).Must(200)
			ids := searchHitIDs(p)
			apiIDs, apiTotal := apiSearch(t, other, q+"&limit=20")
			if searchTotal(t, p) != apiTotal || !slices.Equal(ids, apiIDs) {
				t.Errorf("%s: the page shows %d %v, the API %d %v", q, searchTotal(t, p), ids, apiTotal, apiIDs)
			}
			for _, id := range restrictedIDs {
				if strings.Contains(p.Body, id) {
					t.Errorf("%s: the page shows restricted recommendation %s", q, id)
				}
			}
			if strings.Contains(p.Body, "EM-DHR-2023-04") && !strings.Contains(q, "EM-DHR-2023-04") {
				t.Errorf("%s: the page names the restricted review", q)
			}
		}
	})
}
