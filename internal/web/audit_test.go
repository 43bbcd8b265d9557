package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// Only oversight officers and admins see the audit trail, as with GET /api/v1/audit.
func TestAuditTrailIsForOversightAndAdmins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("oversight@example.test", casereview.RoleOversight, "")
		b := s.Browser()
		p := b.SignIn("police@example.test")
		if p.Has(`a[href="/audit"]`) {
			t.Error("an agency editor is offered the audit trail")
		}
		if st := b.Get("/audit").Status; st != http.StatusForbidden {
			t.Errorf("agency editor GET /audit: %d", st)
		}
		if st := b.Post("/audit/verify", nil).Status; st != http.StatusForbidden {
			t.Errorf("agency editor POST /audit/verify: %d", st)
		}
		if st := b.Get("/audit/events/1").Status; st != http.StatusForbidden {
			t.Errorf("agency editor GET /audit/events/1: %d", st)
		}
		o := s.Browser()
		if p := o.SignIn("oversight@example.test"); !p.Has(`nav a[href="/audit"]`) {
			t.Error("oversight is not offered the audit trail")
		}
		o.Get("/audit").Must(http.StatusOK)
	})
}

// Filtering: by what happened, by the person (following their name), by the record (following
// it), by dates; each filter a removable tag; a bad date at its field; one event's before and
// after side by side, with the changed fields marked.
func TestAuditTrailFiltersAndEvent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("oversight@example.test", casereview.RoleOversight, "")
		orgID, _ := s.ScopeID("Eastmere and Vale Police")
		org, err := st.GetOrganisation(webtest.System(), orgID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.UpdateOrganisation(webtest.System(), org.ID, org.Version, casereview.OrganisationDraft{
			Name: "Eastmere and Vale Constabulary", Sector: org.Sector, Aliases: org.Aliases, ParentID: org.ParentID}); err != nil {
			t.Fatal(err)
		}
		b := s.Browser()
		b.SignIn("oversight@example.test")

		p := b.Get("/audit").Must(http.StatusOK)
		all := p.Doc.Find("#audit-events tbody tr").Length()
		if all == 0 || !strings.Contains(p.Text("#audit-count"), "events") {
			t.Fatalf("unfiltered: %d rows, %q", all, p.Text("#audit-count"))
		}

		p = b.Get("/audit?action=organisation.updated").Must(http.StatusOK)
		rows := p.Doc.Find("#audit-events tbody tr")
		if rows.Length() != 1 || !strings.Contains(rows.Text(), "Organisation updated") {
			t.Fatalf("organisation.updated: %d rows: %q", rows.Length(), rows.Text())
		}
		if !strings.Contains(p.Text("#audit-tags"), "Organisation updated") {
			t.Errorf("tags = %q", p.Text("#audit-tags"))
		}
		// The record link filters to everything that happened to that organisation.
		href, _ := rows.Find(`a[href^="/audit?entity_type="]`).Attr("href")
		p = b.Get(href).Must(http.StatusOK)
		p.Doc.Find("#audit-events tbody tr").Each(func(_ int, tr *goquery.Selection) {
			if txt := strings.ToLower(tr.Find("td").Last().Text()); !strings.Contains(txt, "organisation") {
				t.Errorf("a row about something else: %q", txt)
			}
		})
		if p.Doc.Find("#audit-events tbody tr").Length() < 2 {
			t.Errorf("the organisation's history has %d events, want its creation and the update", p.Doc.Find("#audit-events tbody tr").Length())
		}

		// The event page: before and after, the name marked as changed, the sector not.
		evHref, _ := b.Get("/audit?action=organisation.updated").Doc.Find(`#audit-events a[href^="/audit/events/"]`).Attr("href")
		p = b.Get(evHref).Must(http.StatusOK)
		name := p.Text("#field-Name")
		if !strings.Contains(name, "Eastmere and Vale Police") || !strings.Contains(name, "Eastmere and Vale Constabulary") || !strings.Contains(name, "Changed") {
			t.Errorf("name row = %q", name)
		}
		if strings.Contains(p.Text("#field-Sector"), "Changed") {
			t.Errorf("sector row = %q", p.Text("#field-Sector"))
		}

		// The person filter: following the oversight officer's own sign-in lists only theirs.
		p = b.Get("/audit?action=session.login").Must(http.StatusOK)
		who, _ := p.Doc.Find(`#audit-events a[href^="/audit?actor="]`).First().Attr("href")
		p = b.Get(who).Must(http.StatusOK)
		if n := p.Doc.Find("#audit-events tbody tr").Length(); n == 0 || n >= all {
			t.Errorf("by person: %d rows of %d", n, all)
		}
		if !strings.Contains(strings.ToLower(p.Text("#audit-tags")), "by oversight") {
			t.Errorf("person tag = %q", p.Text("#audit-tags"))
		}

		// Dates: a day with nothing; then the wrong way round, refused at the field.
		p = b.Get("/audit?" + url.Values{"from-day": {"1"}, "from-month": {"1"}, "from-year": {"2001"},
			"to-day": {"2"}, "to-month": {"1"}, "to-year": {"2001"}}.Encode()).Must(http.StatusOK)
		if p.Has("#audit-events") || !strings.Contains(p.Text("#audit-count"), "0 events") {
			t.Errorf("2001: %q", p.Text("#audit-count"))
		}
		p = b.Get("/audit?" + url.Values{"from-day": {"2"}, "from-month": {"1"}, "from-year": {"2026"},
			"to-day": {"1"}, "to-month": {"1"}, "to-year": {"2026"}}.Encode()).Must(http.StatusUnprocessableEntity)
		if !p.Has("#to-error") {
			t.Errorf("errors = %q", p.Errors())
		}
		if st := b.Get("/audit?action=made.up").Status; st != http.StatusUnprocessableEntity {
			t.Errorf("unknown action: %d", st)
		}
		if st := b.Get("/audit/events/999999").Status; st != http.StatusNotFound {
			t.Errorf("missing event: %d", st)
		}
	})
}

// "Verify the chain" says the trail is intact, and, after someone edits an event in the
// database behind the application's back, names the event where it breaks.
func TestAuditTrailVerifyTheChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		s.User("admin@example.test", casereview.RoleAdmin, "")
		b := s.Browser()
		b.SignIn("admin@example.test")
		p := b.Post("/audit/verify", nil).Must(http.StatusOK)
		if got := p.Text("#chain-result"); !strings.Contains(got, "The audit trail is intact") {
			t.Fatalf("result = %q", got)
		}

		st := s.API.App.Store()
		db, err := st.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		var stmts []string
		if st.Dialect() == "postgres" {
			stmts = []string{"ALTER TABLE audit_events DISABLE TRIGGER USER",
				"UPDATE audit_events SET actor_name = 'Nobody' WHERE seq = 3",
				"ALTER TABLE audit_events ENABLE TRIGGER USER"}
		} else {
			stmts = []string{"DROP TRIGGER audit_events_no_update", "UPDATE audit_events SET actor_name = 'Nobody' WHERE seq = 3"}
		}
		for _, q := range stmts {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		p = b.Post("/audit/verify", nil).Must(http.StatusOK)
		got := p.Text("#chain-result")
		if !strings.Contains(got, "The audit trail is broken") || !strings.Contains(got, "At event 3") {
			t.Errorf("after tampering: %q", got)
		}
		if !p.Has(`#chain-result a[href="/audit/events/3"]`) {
			t.Error("no link to the broken event")
		}
	})
}
