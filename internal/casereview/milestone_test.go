package casereview_test

import (
	"errors"
	"strings"
	"testing"

	cr "github.com/casereview/casereview/internal/casereview"
)

// flMs is an unfinished action with the given target and open milestones' due dates.
func flMs(target *cr.Date, s cr.ImplementationStatus, completed bool, dues ...*cr.Date) cr.ActionDates {
	a := flAct(target, s, completed)
	for _, d := range dues {
		a.Milestones = append(a.Milestones, *d)
	}
	return a
}

// Open milestones count like target dates while their action is unfinished (issue 13 §4).
func TestComputeFlagsMilestones(t *testing.T) {
	recent := cr.MustDate("2025-06-01")
	const (
		ao = cr.FlagActionOverdue
		ds = cr.FlagDueSoon
		hi = cr.FlagHistoricNoRecord
	)
	open := cr.OversightUnassessed
	in := func(acts ...cr.ActionDates) cr.FlagInput {
		return cr.FlagInput{Response: cr.ResponseAccepted, Oversight: open, IssuedOn: recent, Actions: acts}
	}
	cases := []struct {
		name string
		in   cr.FlagInput
		want []cr.Flag
	}{
		{"milestone past due, target far off", in(flMs(flDay(200), cr.ImplInProgress, false, flDay(-1))), []cr.Flag{ao}},
		{"milestone past due, no target", in(flMs(nil, cr.ImplPlanned, false, flDay(-40))), []cr.Flag{ao}},
		{"milestone due today", in(flMs(nil, cr.ImplInProgress, false, flDay(0))), []cr.Flag{ds}},
		{"milestone due in 28 days", in(flMs(flDay(200), cr.ImplInProgress, false, flDay(28))), []cr.Flag{ds}},
		{"milestone due in 29 days", in(flMs(flDay(200), cr.ImplInProgress, false, flDay(29))), nil},
		{"one milestone late, one soon", in(flMs(nil, cr.ImplInProgress, false, flDay(-3), flDay(3))), []cr.Flag{ao, ds}},
		{"late milestone of a claimed action", in(flMs(nil, cr.ImplPending, false, flDay(-3))), nil},
		{"late milestone of a verified action", in(flMs(nil, cr.ImplVerified, false, flDay(-3))), nil},
		{"late milestone of an abandoned action", in(flMs(nil, cr.ImplNotImplemented, false, flDay(-3))), nil},
		{"late milestone of an action with a completion date", in(flMs(nil, cr.ImplInProgress, true, flDay(-3))), nil},
		{"milestone due soon on a closed recommendation", cr.FlagInput{Response: cr.ResponseAccepted, Oversight: "closed_acceptable_action",
			IssuedOn: recent, Actions: []cr.ActionDates{flMs(nil, cr.ImplInProgress, false, flDay(3))}}, nil},
		{"historic suppresses a late milestone", cr.FlagInput{Response: cr.ResponseAwaiting, Oversight: open, IssuedOn: *flDay(-800),
			Actions: []cr.ActionDates{flMs(nil, cr.ImplNotStarted, false, flDay(-10))}}, []cr.Flag{hi}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := cr.ComputeFlags(c.in, flAsOf); flNames(got) != flNames(c.want) {
				t.Fatalf("flags = %s, want %s", flNames(got), flNames(c.want))
			}
		})
	}
}

func TestMilestoneState(t *testing.T) {
	cases := []struct {
		due, done *cr.Date
		want      cr.MilestoneState
	}{
		{flDay(-1), nil, cr.MilestoneOverdue},
		{flDay(0), nil, cr.MilestoneDueSoon},
		{flDay(28), nil, cr.MilestoneDueSoon},
		{flDay(29), nil, cr.MilestoneOpen},
		{nil, nil, cr.MilestoneOpen},
		{flDay(-10), flDay(-11), cr.MilestoneDone},
		{nil, flDay(-1), cr.MilestoneDone},
	}
	for _, c := range cases {
		m := cr.Milestone{DueDate: c.due, DoneDate: c.done}
		if got := m.State(flAsOf); got != c.want {
			t.Errorf("due %v done %v: %s, want %s", c.due, c.done, got, c.want)
		}
	}
}

func TestMilestoneDraftValidate(t *testing.T) {
	cases := []struct {
		name  string
		d     cr.MilestoneDraft
		field string // "" when valid
		code  string
	}{
		{"valid", cr.MilestoneDraft{Title: "Draft the protocol", DueDate: flDay(30)}, "", ""},
		{"valid without a due date", cr.MilestoneDraft{Title: "Board sign-off"}, "", ""},
		{"done today", cr.MilestoneDraft{Title: "Pilot", DoneDate: flDay(0)}, "", ""},
		{"title required", cr.MilestoneDraft{Title: "   ", DueDate: flDay(3)}, "title", cr.FieldRequired},
		{"title too long", cr.MilestoneDraft{Title: strings.Repeat("x", cr.MaxMilestoneTitle+1)}, "title", cr.FieldTooLong},
		{"title on two lines", cr.MilestoneDraft{Title: "one\ntwo"}, "title", cr.FieldInvalid},
		{"title with a control character", cr.MilestoneDraft{Title: "bell\a"}, "title", cr.FieldInvalid},
		{"done in the future", cr.MilestoneDraft{Title: "Pilot", DoneDate: flDay(1)}, "done_date", cr.FieldInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.d.Validate(flAsOf)
			if c.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var e *cr.Error
			if !errors.As(err, &e) || len(e.Fields) == 0 || e.Fields[0].Field != c.field || e.Fields[0].Code != c.code {
				t.Fatalf("got %#v, want %s %s", err, c.field, c.code)
			}
		})
	}
	d := cr.MilestoneDraft{Title: "  padded  "}
	if err := d.Validate(flAsOf); err != nil || d.Title != "padded" {
		t.Fatalf("title not trimmed: %q %v", d.Title, err)
	}
}

// Whoever writes the action writes its milestones: its owner's agency editors and the review's
// panel; nobody else, oversight and admins included.
func TestCanWriteMilestone(t *testing.T) {
	const part, org, other = "p1", "o1", "o2"
	cases := []struct {
		name string
		a    cr.Actor
		want bool
	}{
		{"system", cr.System, true},
		{"owner's agency editor", policyUser("Ed", cr.Membership{OrganisationID: org, Role: cr.RoleAgencyEditor}), true},
		{"another agency's editor", policyUser("Ed", cr.Membership{OrganisationID: other, Role: cr.RoleAgencyEditor}), false},
		{"panel of the partnership", policyUser("Pan", cr.Membership{PartnershipID: part, Role: cr.RolePanel}), true},
		{"panel of another partnership", policyUser("Pan", cr.Membership{PartnershipID: "p2", Role: cr.RolePanel}), false},
		{"oversight", policyUser("Ov", cr.Membership{Role: cr.RoleOversight}), false},
		{"admin", policyUser("Ad", cr.Membership{Role: cr.RoleAdmin}), false},
		{"viewer of the owner", policyUser("Vi", cr.Membership{OrganisationID: org, Role: cr.RoleViewer}), false},
		{"anonymous", cr.Anonymous, false},
	}
	for _, c := range cases {
		if got := cr.CanWriteMilestone(c.a, part, org); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
