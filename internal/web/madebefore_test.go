package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/recurrence"
	"github.com/casereview/casereview/internal/web"
	"github.com/casereview/casereview/internal/webtest"
)

// The demo's draft recommendation 5 of Jasmine (restricted) asks again what Adult D's
// recommendation 1 asked: its page shows that one under "Made before", with its review and
// statuses; Adult D's page, read by someone who cannot see Jasmine, shows nothing made before.
func TestMadeBeforeOnTheRecommendationPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		draft := demoRec(t, s, "EM-DHR-2023-04", "5")
		first := demoRec(t, s, "EM-DHR-2021-02", "1")
		s.User("admin@example.test", casereview.RoleAdmin, "")
		b := s.Browser()
		b.SignIn("admin@example.test")
		var p *webtest.Page
		for deadline := time.Now().Add(10 * time.Second); ; {
			p = b.Get("/recommendations/" + draft.ID).Must(http.StatusOK)
			if strings.Contains(p.Text("#made-before"), "EM-DHR-2021-02") || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond) // the follower places the demo data after start
		}
		mb := p.Doc.Find("#made-before")
		if mb.Length() == 0 || !strings.Contains(mb.Text(), "EM-DHR-2021-02, recommendation 1") {
			t.Fatalf("made before should list Adult D's recommendation 1: %q", strings.Join(strings.Fields(mb.Text()), " "))
		}
		if href, _ := mb.Find("a").First().Attr("href"); href != "/recommendations/"+first.ID {
			t.Errorf("made before links to %q", href)
		}
		if mb.Find("strong.govuk-tag").Length() < 3 {
			t.Errorf("made before should show the three statuses")
		}

		// An admin does not write casework: no button to link.
		if mb.Find(`form[action$="/links/new"]`).Length() != 0 {
			t.Error("an admin is offered the repeats link")
		}
		// The panel records, in one click, that the draft repeats Adult D's: a plain form that
		// posts the link, after which the row says it is linked and the link is listed.
		s.User("panel@example.test", casereview.RolePanel, eastmereCSP)
		pb := s.Browser()
		pb.SignIn("panel@example.test")
		pp := pb.Get("/recommendations/" + draft.ID).Must(http.StatusOK)
		form := pp.Doc.Find(`#made-before form[action="/recommendations/` + draft.ID + `/links/new"]`).First()
		if kind, _ := form.Find(`input[name="type"]`).Attr("value"); kind != "repeats" {
			t.Fatalf("the panel's made-before row has no repeats form (type %q)", kind)
		}
		fields := url.Values{}
		form.Find("input").Each(func(_ int, in *goquery.Selection) {
			name, _ := in.Attr("name")
			value, _ := in.Attr("value")
			fields.Set(name, value)
		})
		if fields.Get("target_id") != first.ID {
			t.Fatalf("the repeats form links to %q, want %q", fields.Get("target_id"), first.ID)
		}
		after := pb.Post("/recommendations/"+draft.ID+"/links/new", fields).Must(http.StatusOK)
		if !strings.Contains(after.Text("#made-before"), "Linked") || after.Doc.Find(`#made-before form[action$="/links/new"]`).Length() != 0 {
			t.Errorf("after linking, the row should say Linked and offer no button: %q", after.Text("#made-before"))
		}
		linked, err := s.API.App.Store().GetRecommendation(webtest.System(), draft.ID)
		if err != nil {
			t.Fatal(err)
		}
		links := linked.Links
		if len(links) != 1 || links[0].Type != "repeats" || links[0].FromID != draft.ID || links[0].ToID != first.ID {
			t.Errorf("links after the click: %+v", links)
		}

		// Adult D's recommendation came first: nothing was made before it.
		p = b.Get("/recommendations/" + first.ID).Must(http.StatusOK)
		if strings.Contains(p.Text("#made-before"), "EM-DHR-2023-04") {
			t.Errorf("a later recommendation is listed as made before")
		}
		// Someone who cannot see the restricted review sees the shared one's page without it,
		// and the restricted one's page not at all.
		s.User("harbour@example.test", casereview.RoleAgencyEditor, "Harbourlight Domestic Abuse Service")
		h := s.Browser()
		h.SignIn("harbour@example.test")
		if p := h.Get("/recommendations/" + first.ID).Must(http.StatusOK); strings.Contains(p.Body, "EM-DHR-2023-04") {
			t.Errorf("the restricted review leaks through made before")
		}
	})
}

// The recommendation form offers the earlier recommendations like the draft: a button that
// works without JavaScript, and the page (and fragment) it opens lists the closest ones the
// reader may see.
func TestEarlierRecommendationsWhileDrafting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		first := demoRec(t, s, "EM-DHR-2021-02", "1")
		s.User("admin@example.test", casereview.RoleAdmin, "")
		b := s.Browser()
		b.SignIn("admin@example.test")
		s.User("pat.panel@example.test", casereview.RolePanel, "Eastmere Community Safety Partnership")
		pb := s.Browser()
		pb.SignIn("pat.panel@example.test")
		form := pb.Get("/reviews/" + first.ReviewID + "/recommendations/new").Must(http.StatusOK)
		if act, _ := form.Doc.Find("#earlier button").Attr("formaction"); act != "/recommendations/earlier" {
			t.Fatalf("the form has no working earlier-recommendations button (formaction %q)", act)
		}
		q := url.QueryEscape("Officers should record any disclosure of non-fatal strangulation in the DASH risk assessment")
		var p *webtest.Page
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			p = b.Get("/recommendations/earlier?text=" + q).Must(http.StatusOK)
			if p.Doc.Find("#earlier-results a").Length() > 0 || time.Now().After(deadline) {
				break
			}
		}
		res := p.Doc.Find("#earlier-results")
		if href, _ := res.Find("a").First().Attr("href"); href != "/recommendations/"+first.ID && !strings.Contains(res.Text(), "EM-DHR-2023-04") {
			t.Fatalf("the closest to a DASH strangulation draft should be Adult D's 1 (or Jasmine's 5): %q", strings.Join(strings.Fields(res.Text()), " "))
		}
		if !strings.Contains(res.Text(), "Asks the same") {
			t.Errorf("the closest one should be marked as asking the same")
		}
		if p := b.Get("/recommendations/earlier?text=DASH").Must(http.StatusOK); !strings.Contains(p.Text("#earlier-results"), "at least three words") {
			t.Errorf("a one-word draft should ask for more words")
		}
		// Someone who cannot see the restricted Jasmine review is never shown it.
		s.User("harbour2@example.test", casereview.RoleAgencyEditor, "Harbourlight Domestic Abuse Service")
		h := s.Browser()
		h.SignIn("harbour2@example.test")
		if p := h.Get("/recommendations/earlier?text=" + q).Must(http.StatusOK); strings.Contains(p.Body, "EM-DHR-2023-04") {
			t.Errorf("the restricted review leaks into the drafting suggestions")
		}
	})
}

func TestWebThresholdIsTheClusterers(t *testing.T) {
	if web.SameRecurrence != recurrence.Default.Threshold {
		t.Fatalf("web marks 'asks the same' at %v, the clusterer at %v", web.SameRecurrence, recurrence.Default.Threshold)
	}
}

// The recurring-themes report lists the demo's DASH cluster for oversight, counted over what
// the reader can see: without the restricted Jasmine review it is not a recurrence at all.
func TestRecurringReport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		first := demoRec(t, s, "EM-DHR-2021-02", "1")
		s.User("over@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		b.SignIn("over@example.test")
		var p *webtest.Page
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			p = b.Get("/recurring").Must(http.StatusOK)
			if p.Has("#recurring") || time.Now().After(deadline) {
				break
			}
		}
		var row *goquery.Selection
		p.Doc.Find("#recurring tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if href, _ := tr.Find("a").Attr("href"); href == "/recommendations/"+first.ID {
				row = tr
			}
		})
		if row == nil {
			t.Fatalf("the DASH cluster is not listed: %q", strings.Join(strings.Fields(p.Text("main")), " "))
		}
		cells := texts(row.Find("td"))
		if cells[1] != "2" || cells[3] != "2" || !strings.Contains(cells[5], "Eastmere and Vale Police (2)") {
			t.Errorf("cluster row: %q", cells)
		}
		// The reporting pages' filters: a filter that leaves out one of the two (here, the
		// year of the later) leaves no recurrence; the form shows the filter chosen.
		later := b.Get("/recurring?year_to=2021").Must(http.StatusOK)
		if strings.Contains(later.Body, "/recommendations/"+first.ID) {
			t.Errorf("a filter that keeps one of the cluster's two still lists it")
		}
		if v, _ := later.Doc.Find(`input[name="year_to"]`).Attr("value"); v != "2021" {
			t.Errorf("the year filter is not shown chosen: %q", v)
		}
		b.Get("/recurring?year_from=abc").Must(http.StatusUnprocessableEntity)
		// To share: its figures as the cell key method publishes them, no organisations, and a
		// first recommendation named only when its review is public.
		sp := b.Get("/recurring?disclosure=shareable").Must(http.StatusOK)
		if sp.Has("#recurring") {
			sp.Doc.Find("#recurring tbody tr").Each(func(_ int, tr *goquery.Selection) {
				c := texts(tr.Find("td"))
				if c[1] != "<5" || c[3] != "<5" || strings.Contains(c[5], "(") {
					t.Errorf("shareable row %q: a cluster of 2 shows <5 times and reviews, and no organisations", c)
				}
			})
		}
		if strings.Contains(sp.Body, "Eastmere and Vale Police (2)") {
			t.Error("the shareable report names the organisations addressed")
		}
		events, err := s.API.App.Store().ListAudit(webtest.System(), casereview.AuditFilter{Action: string(casereview.AuditSummaryRead)}, 100, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events.Items {
			if e.EntityID == "recurring" {
				n++
			}
		}
		if n < 2 {
			t.Errorf("%d reads of the recurring report over restricted reviews audited, want at least 2", n)
		}
		// An agency editor does not use the reporting pages; a panel of another partnership,
		// which cannot see the restricted review, is not shown the cluster.
		s.User("harbour3@example.test", casereview.RoleAgencyEditor, "Harbourlight Domestic Abuse Service")
		h := s.Browser()
		h.SignIn("harbour3@example.test")
		h.Get("/recurring").Must(http.StatusForbidden)
		s.User("other-panel3@example.test", casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership")
		o := s.Browser()
		o.SignIn("other-panel3@example.test")
		if p := o.Get("/recurring").Must(http.StatusOK); strings.Contains(p.Body, "/recommendations/"+first.ID) {
			t.Errorf("a cluster made of a restricted review's recommendation is shown to someone who cannot see it")
		}
	})
}
