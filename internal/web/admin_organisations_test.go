package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// An admin finds a likely duplicate, compares the two and merges them; the merged one's
// recommendation is found at once by searching for the survivor, and for the old name.
func TestAdminMergesDuplicateOrganisations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		sys := webtest.System()
		s.User("admin@example.test", casereview.RoleAdmin, "")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		survivor, err := st.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Police", Sector: "police"})
		if err != nil {
			t.Fatal(err)
		}
		dup, err := st.CreateOrganisation(sys, casereview.OrganisationDraft{Name: "Quendale Constabulary", Sector: "police", Aliases: []string{"Ravensholt Force"}})
		if err != nil {
			t.Fatal(err)
		}
		rv := demoRec(t, s, "EM-DHR-2021-02", "8")
		rec, err := st.CreateRecommendation(sys, casereview.RecommendationDraft{ReviewID: rv.ReviewID, Number: "99", Title: "Pathway",
			Text: "Map the referral pathway for every agency in Quendale.", Scope: "local",
			Addressees: []casereview.AddresseeDraft{{OrganisationID: dup.ID, Role: casereview.RoleLead}}})
		if err != nil {
			t.Fatal(err)
		}
		s.API.WaitForIndex()

		o := s.Browser()
		o.SignIn("oversight@example.test")
		for _, path := range []string{"/admin/organisations", "/admin/organisations/duplicates", "/admin/organisations/merge?a=" + dup.ID + "&b=" + survivor.ID} {
			if st := o.Get(path).Status; st != http.StatusForbidden {
				t.Errorf("oversight GET %s: %d", path, st)
			}
		}
		if st := o.Post("/admin/organisations/merge", url.Values{"a": {dup.ID}, "b": {survivor.ID}, "keep": {survivor.ID},
			"a_version": {"1"}, "b_version": {"1"}}).Status; st != http.StatusForbidden {
			t.Errorf("oversight merge: %d", st)
		}

		b := s.Browser()
		b.SignIn("admin@example.test")
		p := b.Get("/admin/organisations?q=quendale").Must(http.StatusOK)
		if row := p.Text("#organisation-" + dup.ID); !strings.Contains(row, "Ravensholt Force") || !strings.HasSuffix(strings.TrimSpace(row), "1 recommendations addressed to Quendale Constabulary") {
			t.Errorf("the duplicate's row = %q", row)
		}

		p = b.Get("/admin/organisations/duplicates").Must(http.StatusOK)
		var href string
		for _, a := range p.Doc.Find(`#duplicates a[href^="/admin/organisations/merge?"]`).EachIter() {
			if h, _ := a.Attr("href"); strings.Contains(h, dup.ID) && strings.Contains(h, survivor.ID) {
				href = h
			}
		}
		if href == "" {
			t.Fatalf("Quendale Constabulary and Quendale Police are not suggested: %q", p.Text("#duplicates"))
		}
		p = b.Get(href).Must(http.StatusOK)
		if pair := p.Text("#merge-pair"); !strings.Contains(pair, "Quendale Police") || !strings.Contains(pair, "Ravensholt Force") {
			t.Errorf("the comparison = %q", pair)
		}
		form := url.Values{}
		for _, n := range []string{"a", "a_version", "b", "b_version"} {
			v, _ := p.Doc.Find(`input[name="` + n + `"]`).Attr("value")
			form.Set(n, v)
		}
		// Neither chosen: asked at the field, nothing merged.
		p = b.Post("/admin/organisations/merge", form).Must(http.StatusUnprocessableEntity)
		if p.Text("#keep-error") != "Error: Choose which organisation stays" {
			t.Errorf("errors = %q", p.Errors())
		}
		if _, err := st.GetOrganisation(sys, dup.ID); err != nil {
			t.Fatalf("a refused form merged: %v", err)
		}

		form.Set("keep", survivor.ID)
		p = b.Post("/admin/organisations/merge", form).Must(http.StatusOK)
		if msg := p.Text(".govuk-notification-banner"); !strings.Contains(msg, "Quendale Constabulary merged into Quendale Police") || !strings.Contains(msg, "1 addressee") {
			t.Errorf("after merging: %q", msg)
		}
		got, err := st.GetRecommendation(sys, rec.ID)
		if err != nil || len(got.Addressees) != 1 || got.Addressees[0].OrganisationID != survivor.ID {
			t.Fatalf("the recommendation's addressees %+v %v", got.Addressees, err)
		}
		// The same form again: the duplicate is gone, so it cannot be merged twice.
		if st := b.Post("/admin/organisations/merge", form).Status; st == http.StatusOK {
			t.Error("merged twice")
		}

		// The duplicate's page now leads to the survivor's.
		if p := b.Get("/admin/organisations/" + dup.ID + "/edit").Must(http.StatusOK); p.URL != "/admin/organisations/"+survivor.ID+"/edit" {
			t.Errorf("the merged organisation's page is %s", p.URL)
		}

		// Search follows at once: by the survivor, and by the old name and alias.
		for _, q := range []string{"organisation=" + survivor.ID, "q=" + url.QueryEscape(`"Quendale Constabulary"`), "q=Ravensholt"} {
			p = b.Get("/search?" + q).Must(http.StatusOK)
			if !p.Has(`a[href="/recommendations/` + rec.ID + `"]`) {
				t.Errorf("search %s does not find the moved recommendation", q)
			}
		}
	})
}

// Changing an organisation: name, sector, aliases one to a line; a form crossing another save
// says so and keeps what was typed.
func TestAdminEditsAnOrganisation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("admin@example.test", casereview.RoleAdmin, "")
		o, err := st.CreateOrganisation(webtest.System(), casereview.OrganisationDraft{Name: "Quendale Hospice", Sector: "other"})
		if err != nil {
			t.Fatal(err)
		}
		b := s.Browser()
		b.SignIn("admin@example.test")
		p := b.Get("/admin/organisations/" + o.ID + "/edit").Must(http.StatusOK)
		version, _ := p.Doc.Find(`input[name="version"]`).Attr("value")
		p = b.Post("/admin/organisations/"+o.ID+"/edit", url.Values{"version": {version}, "name": {""}, "sector": {"other"}}).Must(http.StatusUnprocessableEntity)
		if !p.Has("#name-error") {
			t.Errorf("errors = %q", p.Errors())
		}
		b.Post("/admin/organisations/"+o.ID+"/edit", url.Values{"version": {version}, "name": {"Quendale Hospice Care"}, "sector": {"nhs_trust"},
			"aliases": {"Quendale Hospice\r\nQHC"}}).Must(http.StatusOK)
		got, _ := st.GetOrganisation(webtest.System(), o.ID)
		if got.Name != "Quendale Hospice Care" || got.Sector != "nhs_trust" || len(got.Aliases) != 2 {
			t.Errorf("saved %+v", got)
		}
		p = b.Post("/admin/organisations/"+o.ID+"/edit", url.Values{"version": {version}, "name": {"Quendale Hospice Trust"}, "sector": {"other"}}).Must(http.StatusConflict)
		if !strings.Contains(p.Text("#stale"), "Quendale Hospice Care") {
			t.Errorf("stale = %q", p.Text("#stale"))
		}
		if v, _ := p.Doc.Find("#name").Attr("value"); v != "Quendale Hospice Trust" {
			t.Errorf("typed name lost: %q", v)
		}
	})
}
