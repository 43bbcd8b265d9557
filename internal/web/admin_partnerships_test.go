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

// Admins find, add and change partnerships; problems at their fields; an edit that crosses
// someone else's says so and keeps what was typed; nobody else gets in.
func TestAdminPartnerships(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("admin@example.test", casereview.RoleAdmin, "")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		o := s.Browser()
		if p := o.SignIn("oversight@example.test"); p.Has(`nav a[href="/admin"]`) {
			t.Error("oversight is offered Administration")
		}
		for _, path := range []string{"/admin", "/admin/partnerships", "/admin/partnerships/new"} {
			if st := o.Get(path).Status; st != http.StatusForbidden {
				t.Errorf("oversight GET %s: %d", path, st)
			}
		}
		if st := o.Post("/admin/partnerships/new", url.Values{"name": {"Sneaky"}, "kind": {"other"}}).Status; st != http.StatusForbidden {
			t.Errorf("oversight POST: %d", st)
		}

		b := s.Browser()
		if p := b.SignIn("admin@example.test"); !p.Has(`nav a[href="/admin"]`) {
			t.Fatal("no Administration in the admin's navigation")
		}
		if p := b.Get("/admin").Must(http.StatusOK); !p.Has(`#admin-links a[href="/admin/partnerships"]`) {
			t.Error("the hub does not lead to partnerships")
		}
		p := b.Get("/admin/partnerships").Must(http.StatusOK)
		listed := p.Doc.Find("#partnerships tbody tr").Length()
		if listed == 0 {
			t.Fatal("no partnerships listed")
		}

		// Nothing typed: both required fields at their fields, nothing created.
		p = b.Post("/admin/partnerships/new", url.Values{"name": {" "}, "area_codes": {""}}).Must(http.StatusUnprocessableEntity)
		if p.Text("#name-error") != "Error: Enter the partnership's name" || p.Text("#kind-error") != "Error: Choose what kind of partnership it is" {
			t.Errorf("errors = %q", p.Errors())
		}
		p = b.Post("/admin/partnerships/new", url.Values{"name": {"Hollowbrook Safeguarding Adults Board"}, "kind": {"safeguarding_adults_board"},
			"area_codes": {"E06000099\r\nE06000098, E06000099"}}).Must(http.StatusOK)
		row := p.Doc.Find("#partnerships tbody tr")
		if row.Length() != 1 || !strings.Contains(row.Text(), "Safeguarding adults board") || !strings.Contains(row.Text(), "E06000098") {
			t.Fatalf("after adding: %q", row.Text())
		}
		id := strings.TrimPrefix(row.AttrOr("id", ""), "partnership-")
		got, err := st.GetPartnership(webtest.System(), id)
		if err != nil || len(got.AreaCodes) != 2 || got.ViewersSeeRestricted {
			t.Fatalf("stored %+v %v", got, err)
		}

		// Change it; then a stale form is refused with a warning and what was typed kept.
		p = b.Get("/admin/partnerships/" + id + "/edit").Must(http.StatusOK)
		version, _ := p.Doc.Find(`input[name="version"]`).Attr("value")
		if v, _ := p.Doc.Find("#name").Attr("value"); v != got.Name {
			t.Errorf("name shown %q", v)
		}
		b.Post("/admin/partnerships/"+id+"/edit", url.Values{"version": {version}, "name": {"Hollowbrook SAB"}, "kind": {"safeguarding_adults_board"},
			"area_codes": {"E06000098"}, "viewers_see_restricted": {"yes"}}).Must(http.StatusOK)
		got, _ = st.GetPartnership(webtest.System(), id)
		if got.Name != "Hollowbrook SAB" || !got.ViewersSeeRestricted || len(got.AreaCodes) != 1 {
			t.Errorf("after the change %+v", got)
		}
		p = b.Post("/admin/partnerships/"+id+"/edit", url.Values{"version": {version}, "name": {"Hollowbrook Board"}, "kind": {"other"}}).Must(http.StatusConflict)
		if !strings.Contains(p.Text("#stale"), "Hollowbrook SAB") {
			t.Errorf("stale warning = %q", p.Text("#stale"))
		}
		if v, _ := p.Doc.Find("#name").Attr("value"); v != "Hollowbrook Board" {
			t.Errorf("what was typed was lost: %q", v)
		}
		if v, _ := p.Doc.Find(`input[name="version"]`).Attr("value"); v != itoa(got.Version) {
			t.Errorf("version %q, want %d", v, got.Version)
		}
		if again, _ := st.GetPartnership(webtest.System(), id); again.Name != "Hollowbrook SAB" {
			t.Errorf("a stale form changed it: %q", again.Name)
		}

		// Finding: by part of the name, by kind; a kind that is not one, at its field.
		p = b.Get("/admin/partnerships?q=hollowbrook+sab").Must(http.StatusOK)
		if n := p.Doc.Find("#partnerships tbody tr").Length(); n != 1 {
			t.Errorf("by name: %d rows", n)
		}
		p = b.Get("/admin/partnerships?kind=coroner_area&q=hollowbrook+sab").Must(http.StatusOK)
		if !p.Has("#no-partnerships") {
			t.Error("kind filter ignored")
		}
		if st := b.Get("/admin/partnerships?kind=club").Status; st != http.StatusUnprocessableEntity {
			t.Errorf("bad kind: %d", st)
		}
	})
}
