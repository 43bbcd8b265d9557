package actionplan

import (
	"fmt"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

func msDay(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

func TestParseMilestones(t *testing.T) {
	cases := []struct {
		cell string
		want string
	}{
		{"", "[]"},
		{"  \n ", "[]"},
		{"Form redesigned; pilot in two sectors", `["Form redesigned; pilot in two sectors" <nil> <nil>]`},
		{"31/03/2026 – Course written", `["Course written" 2026-03-31 <nil>]`},
		{"Sept 2025: training delivered", `["training delivered" 2025-09-30 <nil>]`},
		{"2026-06-30 (done 20/06/2026) - Pilot", `["Pilot" 2026-06-30 2026-06-20]`},
		{"TBC – Board sign-off", `["Board sign-off" <nil> <nil>]`},
		{"tbc (Completed 1/4/26) — Board", `["Board" <nil> 2026-04-01]`},
		{"• Draft agreed\r\n- Phase 1: consult partners", `["Draft agreed" <nil> <nil>]["Phase 1: consult partners" <nil> <nil>]`},
		{"Q3 – review", `["Q3 – review" <nil> <nil>]`},
	}
	for _, c := range cases {
		got, bad := ParseMilestones(c.cell)
		s := "[]"
		if len(got) > 0 {
			s = ""
		}
		for _, d := range got {
			s += fmt.Sprintf("[%q %v %v]", d.Title, d.DueDate, d.DoneDate)
		}
		if s != c.want || len(bad) != 0 {
			t.Errorf("%q: %s (bad %v), want %s", c.cell, s, bad, c.want)
		}
		if c.cell == "" && got != nil {
			t.Errorf("a blank cell must leave milestones as they are (nil), got %#v", got)
		}
	}
	if _, bad := ParseMilestones("31/03/2026 (done someday) – Pilot"); len(bad) != 1 {
		t.Errorf("an unreadable done date is not reported: %v", bad)
	}
}

// Whatever the title, what the writer writes reads back as it was.
func TestFormatMilestonesReadsBack(t *testing.T) {
	titles := []string{"Plain", "31/03/2024 - dated-looking", "TBC – x", "a: b – c — d - e", "Review (done 01/01/2024)",
		"(done 01/01/2024)", "=1+1", "- bullet-like", "•dot", "Sept 2025: x", "ends with –"}
	dues := []*casereview.Date{nil, msDay("2026-03-31")}
	dones := []*casereview.Date{nil, msDay("2026-02-01")}
	var ms []casereview.Milestone
	for _, title := range titles {
		for _, due := range dues {
			for _, done := range dones {
				ms = append(ms, casereview.Milestone{Title: title, DueDate: due, DoneDate: done})
			}
		}
	}
	got, bad := ParseMilestones(FormatMilestones(ms))
	if len(got) != len(ms) || len(bad) != 0 {
		t.Fatalf("%d read back of %d (bad %v)", len(got), len(ms), bad)
	}
	for i, m := range ms {
		g := got[i]
		if g.Title != m.Title || fmt.Sprint(g.DueDate) != fmt.Sprint(m.DueDate) || fmt.Sprint(g.DoneDate) != fmt.Sprint(m.DoneDate) {
			t.Errorf("%q due %v done %v read back as %q %v %v", m.Title, m.DueDate, m.DoneDate, g.Title, g.DueDate, g.DoneDate)
		}
	}
}
