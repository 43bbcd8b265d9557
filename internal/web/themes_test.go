package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// Everyone signed in can read the taxonomy: each theme's definition, keywords and the codes of
// other systems that map to it; a deprecated theme says so and points to its replacement.
func TestThemesPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		b := s.Browser()
		if p := b.SignIn("police@example.test"); !p.Has(`nav a[href="/themes"]`) {
			t.Error("no Themes in the navigation")
		}
		p := b.Get("/themes").Must(http.StatusOK)
		if n := p.Doc.Find("table.app-themes tbody tr").Length(); n < 30 {
			t.Errorf("%d themes listed", n)
		}
		if !strings.Contains(p.Text("#group-A"), "violence against women and girls") {
			t.Errorf("group A heading = %q", p.Text("#group-A"))
		}
		if !p.Has(`#theme-B04 a[href="/themes/B04"]`) {
			t.Fatal("B04 has no link")
		}

		p = b.Get("/themes/B04").Must(http.StatusOK)
		th, err := s.API.App.Store().GetTheme(webtest.System(), "B04")
		if err != nil {
			t.Fatal(err)
		}
		if p.Text("h1") != th.Label || p.Text("#definition") != th.Definition {
			t.Errorf("heading %q, definition %q", p.Text("h1"), p.Text("#definition"))
		}
		if n := p.Doc.Find("#keywords li").Length(); n != len(th.Keywords) || n == 0 {
			t.Errorf("%d keywords shown, the theme has %d", n, len(th.Keywords))
		}
		if cw := p.Text("#crosswalks"); !strings.Contains(cw, "Prevention of future deaths report category") || !strings.Contains(cw, "suicide") {
			t.Errorf("crosswalks = %q", cw)
		}
		if !p.Has(`a[href="/search?theme=B04"]`) || p.Has("#deprecated") {
			t.Error("no search link, or marked deprecated")
		}

		if _, err := s.API.App.Store().DeprecateTheme(webtest.System(), "B04", th.TaxonomyVersion, "C12"); err != nil {
			t.Fatal(err)
		}
		p = b.Get("/themes/B04").Must(http.StatusOK)
		if !strings.Contains(p.Text("#deprecated"), "deprecated") || !p.Has(`#deprecated a[href="/themes/C12"]`) {
			t.Errorf("deprecated notice = %q", p.Text("#deprecated"))
		}
		if !strings.Contains(b.Get("/themes").Text("#theme-B04"), "Deprecated") {
			t.Error("the list does not show B04 deprecated")
		}
		if st := b.Get("/themes/ZZ99").Status; st != http.StatusNotFound {
			t.Errorf("unknown theme: %d", st)
		}
	})
}
