package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// The action's editors add milestones and mark them done with plain forms; everyone who reads
// the recommendation sees each milestone with its due and done dates and how it stands.
func TestMilestonesOnTheRecommendationPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		s.User("police@example.test", casereview.RoleAgencyEditor, "Eastmere and Vale Police")
		s.User("icb@example.test", casereview.RoleAgencyEditor, "NHS Eastmere and Hollowbrook Integrated Care Board")
		rec := demoRec(t, s, "EM-DHR-2021-02", "8")
		act := actionOf(t, s, rec.ID, "Eastmere and Vale Police")
		today := casereview.DateOf(s.Clock.Now())
		b := s.Browser()
		b.SignIn("police@example.test")

		p := b.Get("/recommendations/" + rec.ID).Must(http.StatusOK)
		if !p.Has(`#action-` + act.ID + ` a[href="/actions/` + act.ID + `/milestones/new"]`) {
			t.Fatal("the owner is not offered Add milestone")
		}
		b.Get("/actions/" + act.ID + "/milestones/new").Must(http.StatusOK)

		// No title and an unreal date: both at their fields, what was typed kept, nothing added.
		p = b.Post("/actions/"+act.ID+"/milestones/new", url.Values{"title": {""},
			"due_date-day": {"31"}, "due_date-month": {"2"}, "due_date-year": {"2030"}}).Must(http.StatusUnprocessableEntity)
		if errs := p.Errors(); len(errs) != 2 || p.Text("#title-error") != "Error: Enter what the milestone is" || !p.Has("#due_date-error") {
			t.Errorf("errors = %q", errs)
		}
		if v, _ := p.Doc.Find("#due_date").Attr("value"); v != "31" {
			t.Errorf("the day typed was not kept: %q", v)
		}
		if ms, _ := st.ListMilestones(webtest.System(), act.ID); len(ms) != 0 {
			t.Fatalf("a refused form added %+v", ms)
		}

		// Added: back on the recommendation, listed with its due date and "Overdue".
		late := today.AddDays(-3)
		p = b.Post("/actions/"+act.ID+"/milestones/new", url.Values{"title": {"Guidance drafted"},
			"due_date-day": {itoa(late.Day)}, "due_date-month": {itoa(int(late.Month))}, "due_date-year": {itoa(late.Year)}}).Must(http.StatusOK)
		ms, err := st.ListMilestones(webtest.System(), act.ID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("milestones %+v %v", ms, err)
		}
		m := ms[0]
		row := p.Text("#milestone-" + m.ID)
		if !strings.Contains(row, "Guidance drafted") || !strings.Contains(row, late.Time().Format("2 January 2006")) || !strings.Contains(row, "Overdue") {
			t.Errorf("milestone row = %q", row)
		}
		if !strings.Contains(p.Text(".moj-timeline"), "Milestone added") {
			t.Error("the timeline does not show the milestone added")
		}

		// Marked as done: the date defaults to today; a future date is refused at the field.
		p = b.Get("/milestones/" + m.ID + "/complete").Must(http.StatusOK)
		if v, _ := p.Doc.Find("#done_date").Attr("value"); v != itoa(today.Day) {
			t.Errorf("done date day defaults to %q", v)
		}
		version, _ := p.Doc.Find(`input[name="version"]`).Attr("value")
		future := today.AddDays(2)
		p = b.Post("/milestones/"+m.ID+"/complete", url.Values{"version": {version},
			"done_date-day": {itoa(future.Day)}, "done_date-month": {itoa(int(future.Month))}, "done_date-year": {itoa(future.Year)}}).
			Must(http.StatusUnprocessableEntity)
		if p.Text("#done_date-error") != "Error: The date it was done must be today or in the past" {
			t.Errorf("errors = %q", p.Errors())
		}
		p = b.Post("/milestones/"+m.ID+"/complete", url.Values{"version": {version},
			"done_date-day": {itoa(today.Day)}, "done_date-month": {itoa(int(today.Month))}, "done_date-year": {itoa(today.Year)}}).Must(http.StatusOK)
		if row := p.Text("#milestone-" + m.ID); !strings.Contains(row, "Done") || strings.Contains(row, "Mark as done") {
			t.Errorf("after completion the row = %q", row)
		}
		if !strings.Contains(p.Text(".moj-timeline"), "Milestone done") {
			t.Error("the timeline does not show the milestone done")
		}

		// Another agency sees the milestone but may not add one or mark one done.
		other := s.Browser()
		other.SignIn("icb@example.test")
		p = other.Get("/recommendations/" + rec.ID).Must(http.StatusOK)
		if !strings.Contains(p.Text("#milestone-"+m.ID), "Guidance drafted") || p.Has(`a[href="/actions/`+act.ID+`/milestones/new"]`) {
			t.Errorf("another agency's view of the milestone: %q", p.Text("#action-"+act.ID))
		}
		other.Get("/actions/" + act.ID + "/milestones/new").Must(http.StatusForbidden)
		n, _ := st.ListMilestones(webtest.System(), act.ID)
		p2 := other.Get("/recommendations/" + rec.ID)
		other.Post("/actions/"+act.ID+"/milestones/new", url.Values{"csrf_token": {p2.CSRF()}, "title": {"Forged"}}).Must(http.StatusForbidden)
		if after, _ := st.ListMilestones(webtest.System(), act.ID); len(after) != len(n) {
			t.Fatalf("a forged post added a milestone: %+v", after)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
