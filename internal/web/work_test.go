package web_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// tabTitles returns the recommendation titles listed in the work list's tab panel id.
func workTabTitles(p *webtest.Page, id string) []string {
	var out []string
	p.Doc.Find("#" + id + " tbody tr").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Find("td a").First().Text()))
	})
	return out
}

func workHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestWorkListByRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("prison@example.test", casereview.RoleAgencyEditor, "HMP Stonehallow")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		s.User("viewer@example.test", casereview.RoleViewer, "")

		// Evidence waiting to be verified, on an action of the police whose recommendation is
		// open (the demo closes some, and a closed record takes no evidence), beside the evidence
		// the demo itself leaves waiting.
		police, _ := s.ScopeID("Eastmere and Vale Police")
		st := s.API.App.Store()
		before, err := st.Work(webtest.System())
		if err != nil {
			t.Fatal(err)
		}
		acts, err := st.ListActions(webtest.System(), casereview.ActionFilter{OrganisationID: police}, casereview.PageRequest{Limit: 100})
		if err != nil {
			t.Fatalf("police actions in the demo data: %v", err)
		}
		var open casereview.Action
		for _, a := range acts.Items {
			if r, err := st.GetRecommendation(webtest.System(), a.RecommendationID); err == nil && !r.OversightStatus.IsClosed() {
				open = a
				break
			}
		}
		if open.ID == "" {
			t.Fatal("no police action on an open recommendation in the demo data")
		}
		ev, err := st.AddEvidence(webtest.System(), open.ID, casereview.EvidenceDraft{Title: "Training <register> 2026",
			EvidenceType: "training_record", URL: "https://intranet.example/register"})
		if err != nil {
			t.Fatalf("add evidence: %v", err)
		}

		// The police's editor: its own overdue recommendations, not the prison's.
		b := s.Browser()
		b.SignIn("police@example.test")
		p := b.Get("/").Must(200)
		if !p.Has(`.govuk-tabs[data-module="govuk-tabs"]`) || !p.Has(`.govuk-service-navigation__item--active a[href="/"]`) {
			t.Fatal("the work list has no tabs, or the navigation does not mark Your work")
		}
		first := p.Doc.Find(".govuk-tabs__list-item").First()
		if !strings.HasPrefix(strings.TrimSpace(first.Text()), "Overdue (") || !first.HasClass("govuk-tabs__list-item--selected") {
			t.Errorf("the first tab is %q, want Overdue with its count", first.Text())
		}
		overdue := workTabTitles(p, "overdue")
		if !workHas(overdue, "Exclusion zones not updated") {
			t.Errorf("the police's overdue list %v lacks a recommendation addressed to the police", overdue)
		}
		if workHas(overdue, "No domestic abuse programme for short sentences") {
			t.Error("the police's overdue list shows a recommendation addressed only to the prison")
		}
		if want := "Overdue (" + strconv.Itoa(len(overdue)) + ")"; !strings.Contains(p.Text(".govuk-tabs__list"), want) {
			t.Errorf("tab labels %q, want %q", p.Text(".govuk-tabs__list"), want)
		}
		if p.Has("#evidence-to-verify") || p.Has("#overdue-by-organisation") || strings.Contains(p.Body, ev.ID) {
			t.Error("an agency editor is shown oversight's lists")
		}
		row := p.Doc.Find("#overdue tbody tr").First()
		if href, _ := row.Find("a").Attr("href"); !strings.HasPrefix(href, "/recommendations/") {
			t.Errorf("an overdue row links to %q", href)
		}
		if row.Find(".app-status-tags strong").Length() != 3 || row.Find(".app-flag").Length() == 0 {
			t.Error("an overdue row lacks its three status tags or its flags")
		}
		if !strings.Contains(row.Text(), "recommendation") || !strings.Contains(row.Find(".app-rec-ref").Text(), "-") {
			t.Errorf("an overdue row does not name its review: %q", row.Find(".app-rec-ref").Text())
		}

		// The prison's editor: the prison's recommendation, not the police's.
		b2 := s.Browser()
		b2.SignIn("prison@example.test")
		p = b2.Get("/").Must(200)
		overdue = workTabTitles(p, "overdue")
		if !workHas(overdue, "No domestic abuse programme for short sentences") || workHas(overdue, "Exclusion zones not updated") {
			t.Errorf("the prison's overdue list: %v", overdue)
		}

		// Oversight: the evidence to verify (escaped), linked to its review page, and the overdue
		// list by organisation.
		b3 := s.Browser()
		b3.SignIn("oversight@example.test")
		p = b3.Get("/").Must(200)
		link := p.Doc.Find(`#evidence-to-verify a[href="/evidence/` + ev.ID + `/review"]`)
		if link.Length() != 1 {
			t.Fatalf("oversight's evidence to verify lacks a link to review %s:\n%s", ev.ID, p.Text("#evidence-to-verify"))
		}
		if strings.Contains(p.Body, "<register>") || !strings.Contains(p.Text("#evidence-to-verify"), "Training <register> 2026") {
			t.Error("the evidence title is not shown as escaped text")
		}
		if want := "Evidence to verify (" + strconv.Itoa(len(before.EvidenceToVerify)+1) + ")"; !strings.Contains(p.Text(".govuk-tabs__list"), want) {
			t.Errorf("tab labels: %q", p.Text(".govuk-tabs__list"))
		}
		orgs := p.Text("#overdue-by-organisation tbody")
		if !strings.Contains(orgs, "HMP Stonehallow") || !strings.Contains(orgs, "Eastmere and Vale Police") {
			t.Errorf("overdue by organisation: %q", orgs)
		}
		if !p.Has(`#overdue-by-organisation a[href^="/search?"][href*="flag=response_overdue"]`) {
			t.Error("the overdue counts do not link to the search for them")
		}
		if !strings.Contains(p.Text("#responses-to-assess"), "No response is waiting to be assessed") &&
			p.Doc.Find("#responses-to-assess tbody tr").Length() == 0 {
			t.Error("responses to assess has neither rows nor an empty state")
		}

		// A viewer has nothing to act on: no tabs, but ways in.
		b4 := s.Browser()
		b4.SignIn("viewer@example.test")
		p = b4.Get("/").Must(200)
		if p.Has(".govuk-tabs") || !p.Has(`a[href="/search"]`) || !p.Has(`a[href="/reviews"]`) || !p.Has(`form[action="/search"] input[type="search"]`) {
			t.Errorf("the viewer's home page:\n%s", p.Text("main"))
		}
	})
}

func TestWorkListEmptyStates(t *testing.T) {
	s := webtest.Start(t, "sqlite")
	// A new organisation: no recommendation is addressed to it, so every list is empty.
	if _, err := s.API.App.Store().CreateOrganisation(webtest.System(), casereview.OrganisationDraft{Name: "Wrenfield Tenancy Support", Sector: "housing"}); err != nil {
		t.Fatal(err)
	}
	s.User("school@example.test", casereview.RoleAgencyEditor, "Wrenfield Tenancy Support")
	b := s.Browser()
	b.SignIn("school@example.test")
	p := b.Get("/").Must(200)
	for id, want := range map[string]string{"overdue": "Nothing is overdue", "due-soon": "Nothing falls due", "awaiting-response": "No recommendation is waiting"} {
		if n := p.Doc.Find("#" + id + " tbody tr").Length(); n > 0 {
			t.Errorf("tab %s lists %d recommendations for an organisation nothing is addressed to", id, n)
		}
		if !strings.Contains(p.Text("#"+id), want) {
			t.Errorf("tab %s: %q, want it to say %q", id, p.Text("#"+id), want)
		}
	}
	if !strings.Contains(p.Text(".govuk-tabs__list"), "Overdue (0)") {
		t.Errorf("tab labels: %q", p.Text(".govuk-tabs__list"))
	}
}
