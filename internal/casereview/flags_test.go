package casereview_test

import (
	"slices"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

var flAsOf = cr.MustDate("2026-03-02")

// flDay returns as-of plus n days.
func flDay(n int) *cr.Date { d := flAsOf.AddDays(n); return &d }

func flAct(target *cr.Date, s cr.ImplementationStatus, completed bool) cr.ActionDates {
	return cr.ActionDates{TargetDate: target, Status: s, Completed: completed}
}

func flNames(fs []cr.Flag) string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return "[" + strings.Join(out, " ") + "]"
}

func TestComputeFlags(t *testing.T) {
	recent := cr.MustDate("2025-06-01")
	const (
		ro = cr.FlagResponseOverdue
		ao = cr.FlagActionOverdue
		ds = cr.FlagDueSoon
		st = cr.FlagStalled
		hi = cr.FlagHistoricNoRecord
		fu = cr.FlagFollowUpDue
	)
	open := cr.OversightUnassessed
	closed := cr.OversightStatus("closed_no_response")
	cases := []struct {
		name string
		in   cr.FlagInput
		want []cr.Flag
	}{
		{"nothing due", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent}, nil},

		// The response due date.
		{"due yesterday", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(-1)}, []cr.Flag{ro}},
		{"due long ago", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(-400)}, []cr.Flag{ro}},
		{"due today is not overdue", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(0)}, []cr.Flag{ds}},
		{"due tomorrow", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(1)}, []cr.Flag{ds}},
		{"due in 28 days", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(28)}, []cr.Flag{ds}},
		{"due in 29 days", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent, ResponseDue: flDay(29)}, nil},
		{"empty response counts as awaiting", cr.FlagInput{Oversight: open, IssuedOn: recent, ResponseDue: flDay(-1)}, []cr.Flag{ro}},
		{"responded after the due date", cr.FlagInput{Response: cr.ResponseNotAccepted, Oversight: open, IssuedOn: recent, ResponseDue: flDay(-1)}, nil},
		{"holding reply stops the clock", cr.FlagInput{Response: cr.ResponseReceived, Oversight: open, IssuedOn: recent, ResponseDue: flDay(-1)}, nil},
		{"responded before due", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent, ResponseDue: flDay(3)}, nil},

		// Actions.
		{"action target yesterday", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-1), cr.ImplInProgress, false)}}, []cr.Flag{ao}},
		{"action target today", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(0), cr.ImplInProgress, false)}}, []cr.Flag{ds}},
		{"action target in 28 days", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(28), cr.ImplPlanned, false)}}, []cr.Flag{ds}},
		{"action target in 29 days", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(29), cr.ImplNotStarted, false)}}, nil},
		{"action not started, overdue", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplNotStarted, false)}}, []cr.Flag{ao}},
		{"action planned, overdue", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplPlanned, false)}}, []cr.Flag{ao}},
		{"action with a completion date", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplInProgress, true)}}, nil},
		{"completed action due soon", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(5), cr.ImplNotStarted, true)}}, nil},
		{"action claimed", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplPending, false)}}, nil},
		{"action verified", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplVerified, false)}}, nil},
		{"action abandoned", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-30), cr.ImplNotImplemented, false)}}, nil},
		{"finished action due soon", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(3), cr.ImplVerified, false)}}, nil},
		{"action without a target", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(nil, cr.ImplInProgress, false)}}, nil},
		{"one finished, one due soon", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-9), cr.ImplPending, false), flAct(flDay(9), cr.ImplInProgress, false)}}, []cr.Flag{ds}},
		{"one overdue, one due soon", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent,
			Actions: []cr.ActionDates{flAct(flDay(-9), cr.ImplInProgress, false), flAct(flDay(9), cr.ImplInProgress, false)}}, []cr.Flag{ao, ds}},
		{"action due soon while awaiting a response", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: recent,
			ResponseDue: flDay(60), Actions: []cr.ActionDates{flAct(flDay(10), cr.ImplPlanned, false)}}, []cr.Flag{ds}},

		// Activity.
		{"activity 90 days ago", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent, LastActivityOn: flDay(-90)}, nil},
		{"activity 91 days ago", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent, LastActivityOn: flDay(-91)}, []cr.Flag{st}},
		{"activity today", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent, LastActivityOn: flDay(0)}, nil},
		{"no activity is not stalled", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: cr.MustDate("2000-01-01")}, nil},

		// Historic records: two years (730 days) with nothing recorded.
		{"issued exactly two years ago", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-730)}, nil},
		{"issued two years and a day ago", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-731)}, []cr.Flag{hi}},
		{"calendar check: two years before 2026-03-02", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: cr.MustDate("2024-03-02")}, nil},
		{"calendar check: the day before that", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: cr.MustDate("2024-03-01")}, []cr.Flag{hi}},
		{"historic suppresses response_overdue", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-800),
			ResponseDue: flDay(-700)}, []cr.Flag{hi}},
		{"historic suppresses action_overdue", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-800),
			Actions: []cr.ActionDates{flAct(flDay(-10), cr.ImplNotStarted, false)}}, []cr.Flag{hi}},
		{"just short of historic, overdue", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-730),
			ResponseDue: flDay(-640), Actions: []cr.ActionDates{flAct(flDay(-10), cr.ImplNotStarted, false)}}, []cr.Flag{ro, ao}},
		{"old but with activity", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-800),
			ResponseDue: flDay(-700), LastActivityOn: flDay(-10)}, []cr.Flag{ro}},
		{"old, responded, no activity", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: *flDay(-800)}, nil},
		{"old, with stale activity", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-800),
			ResponseDue: flDay(-700), LastActivityOn: flDay(-500)}, []cr.Flag{ro, st}},
		{"old and closed", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: closed, IssuedOn: *flDay(-800)}, nil},

		// Closed recommendations carry only follow_up_due.
		{"closed suppresses the rest", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: closed, IssuedOn: recent, ResponseDue: flDay(-10),
			LastActivityOn: flDay(-200), Actions: []cr.ActionDates{flAct(flDay(-5), cr.ImplInProgress, false), flAct(flDay(5), cr.ImplInProgress, false)}}, nil},
		{"closed, due soon", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: "closed_duplicate", IssuedOn: recent, ResponseDue: flDay(5)}, nil},
		{"follow-up today", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: closed, IssuedOn: recent, FollowUpOn: flDay(0)}, []cr.Flag{fu}},
		{"follow-up passed", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: closed, IssuedOn: recent, FollowUpOn: flDay(-40)}, []cr.Flag{fu}},
		{"follow-up tomorrow", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: closed, IssuedOn: recent, FollowUpOn: flDay(1)}, nil},
		{"closed and everything late", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: "closed_superseded", IssuedOn: *flDay(-900),
			ResponseDue: flDay(-800), LastActivityOn: flDay(-300), FollowUpOn: flDay(-1),
			Actions: []cr.ActionDates{flAct(flDay(-5), cr.ImplInProgress, false)}}, []cr.Flag{fu}},
		{"open with a follow-up date", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: "open_acceptable", IssuedOn: recent, FollowUpOn: flDay(-1)}, nil},

		// Several at once, in the order of Flags.
		{"overdue, due soon and stalled", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: "open_unacceptable", IssuedOn: recent,
			ResponseDue: flDay(-3), LastActivityOn: flDay(-100),
			Actions: []cr.ActionDates{flAct(flDay(10), cr.ImplInProgress, false), flAct(flDay(-1), cr.ImplPlanned, false)}}, []cr.Flag{ro, ao, ds, st}},
	}
	for _, c := range cases {
		got := cr.ComputeFlags(c.in, flAsOf)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %s, want %s", c.name, flNames(got), flNames(c.want))
		}
	}
}

func TestComputeFlagsFinished(t *testing.T) {
	finished := map[cr.ImplementationStatus]bool{cr.ImplPending: true, cr.ImplVerified: true, cr.ImplNotImplemented: true}
	for _, s := range cr.ImplementationStatuses {
		if got := (cr.ActionDates{Status: s}).Finished(); got != finished[s] {
			t.Errorf("%s: Finished = %v", s, got)
		}
		if !(cr.ActionDates{Status: s, Completed: true}).Finished() {
			t.Errorf("%s with a completion date is not finished", s)
		}
	}
}

// TestComputeFlagsInvariants runs every combination of a small grid of inputs and checks the
// rules that hold whatever the dates: order and uniqueness, closed records carry only
// follow_up_due, historic suppresses the overdue flags, and an as-of date with nothing due
// carries nothing due.
func TestComputeFlagsInvariants(t *testing.T) {
	dates := []*cr.Date{nil, flDay(-800), flDay(-91), flDay(-90), flDay(-1), flDay(0), flDay(28), flDay(29)}
	responses := []cr.ResponseStatus{cr.ResponseAwaiting, cr.ResponseAccepted}
	oversights := []cr.OversightStatus{cr.OversightUnassessed, "closed_reconsidered"}
	issued := []cr.Date{*flDay(-731), *flDay(-730)}
	statuses := []cr.ImplementationStatus{cr.ImplInProgress, cr.ImplVerified}
	n := 0
	for _, resp := range responses {
		for _, ov := range oversights {
			for _, iss := range issued {
				for _, due := range dates {
					for _, last := range dates {
						for _, fup := range dates {
							for _, target := range dates {
								for _, st := range statuses {
									in := cr.FlagInput{Response: resp, Oversight: ov, IssuedOn: iss, ResponseDue: due, LastActivityOn: last, FollowUpOn: fup,
										Actions: []cr.ActionDates{flAct(target, st, false)}}
									got := cr.ComputeFlags(in, flAsOf)
									n++
									pos := -1
									for _, f := range got {
										i := slices.Index(cr.Flags, f)
										if i <= pos {
											t.Fatalf("%+v: flags %s out of order or repeated", in, flNames(got))
										}
										pos = i
									}
									if ov.IsClosed() && len(got) > 0 && !slices.Equal(got, []cr.Flag{cr.FlagFollowUpDue}) {
										t.Fatalf("%+v: closed but flagged %s", in, flNames(got))
									}
									if slices.Contains(got, cr.FlagFollowUpDue) && !ov.IsClosed() {
										t.Fatalf("%+v: open but follow_up_due", in)
									}
									if slices.Contains(got, cr.FlagHistoricNoRecord) &&
										(slices.Contains(got, cr.FlagResponseOverdue) || slices.Contains(got, cr.FlagActionOverdue) || slices.Contains(got, cr.FlagStalled)) {
										t.Fatalf("%+v: historic with %s", in, flNames(got))
									}
								}
							}
						}
					}
				}
			}
		}
	}
	if n < 10000 {
		t.Fatalf("only %d combinations", n)
	}
}
