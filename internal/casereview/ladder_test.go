package casereview

import (
	"slices"
	"testing"
)

func TestLadderSteps(t *testing.T) {
	due := Date{Year: 2026, Month: 6, Day: 30}
	cases := []struct {
		name  string
		asOf  Date
		steps []string // kind/key
	}{
		{"60 days ahead: nothing yet", due.AddDays(-60), nil},
		{"29 days ahead: nothing yet", due.AddDays(-29), nil},
		{"28 days ahead: the first reminder", due.AddDays(-28), []string{"due_soon/before-28"}},
		{"a missed day is caught up", due.AddDays(-20), []string{"due_soon/before-28"}},
		{"7 days ahead: the second", due.AddDays(-7), []string{"due_soon/before-7"}},
		{"due today: still before", due, []string{"due_soon/before-7"}},
		{"one day over: overdue, period 0", due.AddDays(1), []string{"overdue/overdue-0"}},
		{"seven days over: still period 0", due.AddDays(7), []string{"overdue/overdue-0"}},
		{"eight days over: weekly again", due.AddDays(8), []string{"overdue/overdue-1"}},
		{"29 days over: no escalation", due.AddDays(29), []string{"overdue/overdue-4"}},
		{"30 days over: escalation", due.AddDays(30), []string{"overdue/overdue-4", "escalation/escalation"}},
		{"90 days over: the escalation key stays the same", due.AddDays(90), []string{"overdue/overdue-12", "escalation/escalation"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, s := range DefaultLadder.Steps(due, c.asOf) {
				got = append(got, string(s.Kind)+"/"+s.Key)
			}
			if !slices.Equal(got, c.steps) {
				t.Fatalf("Steps(%s, %s) = %v, want %v", due, c.asOf, got, c.steps)
			}
		})
	}
}

func TestLadderConfiguration(t *testing.T) {
	l := Ladder{BeforeDays: []int{3}, OverdueEvery: 1, EscalateAfter: 2}
	due := Date{Year: 2026, Month: 1, Day: 10}
	if s := l.Steps(due, due.AddDays(-4)); s != nil {
		t.Fatalf("4 days ahead with a 3-day step: %v", s)
	}
	if s := l.Steps(due, due.AddDays(2)); len(s) != 2 || s[0].Key != "overdue-1" || s[1].Kind != NotifyEscalation {
		t.Fatalf("daily overdue reminders, escalation after 2 days: %v", s)
	}
	if err := (Ladder{OverdueEvery: 0, EscalateAfter: 30}).Validate(); err == nil {
		t.Fatal("a zero overdue period was accepted")
	}
	if err := DefaultLadder.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestAudiences(t *testing.T) {
	cases := []struct {
		kind NotificationKind
		want []Audience
	}{
		{NotifyDueSoon, []Audience{AudienceOrgEditors}},
		{NotifyOverdue, []Audience{AudienceOrgEditors}},
		{NotifySentBack, []Audience{AudienceOrgEditors}},
		{NotifyEscalation, []Audience{AudienceSeniorContact, AudienceOversight}},
		{NotifyFollowUpDue, []Audience{AudienceOversight}},
		{NotifySearchAlert, []Audience{AudienceSearchOwner}},
		{NotifyFollowed, []Audience{AudienceFollowers}},
		{NotifyReportRun, []Audience{AudienceSubscribers}},
	}
	for _, c := range cases {
		if got := Audiences(c.kind); !slices.Equal(got, c.want) {
			t.Errorf("Audiences(%s) = %v, want %v", c.kind, got, c.want)
		}
	}
	for _, k := range NotificationKinds {
		if len(Audiences(k)) == 0 {
			t.Errorf("%s goes to nobody", k)
		}
	}
}

func TestPreferences(t *testing.T) {
	if err := CheckPreferences([]NotificationPreference{{NotifyEscalation, DeliverOff}}); err == nil {
		t.Fatal("escalations were turned off")
	}
	if err := CheckPreferences([]NotificationPreference{{NotifyOverdue, "hourly"}}); err == nil {
		t.Fatal("an unknown delivery was accepted")
	}
	if err := CheckPreferences([]NotificationPreference{{NotifyOverdue, DeliverOff}, {NotifyEscalation, DeliverWeekly}}); err != nil {
		t.Fatal(err)
	}
	prefs := []NotificationPreference{{NotifyOverdue, DeliverDaily}, {NotifyEscalation, DeliverOff}}
	for _, c := range []struct {
		kind NotificationKind
		want Delivery
	}{{NotifyOverdue, DeliverDaily}, {NotifyDueSoon, DeliverImmediately}, {NotifyEscalation, DeliverImmediately}} {
		if got := EffectiveDelivery(prefs, c.kind); got != c.want {
			t.Errorf("EffectiveDelivery(%s) = %s, want %s", c.kind, got, c.want)
		}
	}
}

func TestLadderSummaryNamesNoRecord(t *testing.T) {
	s := LadderSummary(DueResponse, "Northshire Police", LadderStep{Kind: NotifyEscalation, Days: 31})
	if s != "Escalation: a response from Northshire Police is 31 days overdue" {
		t.Fatal(s)
	}
	if s := LadderSummary(DueAction, "X", LadderStep{Kind: NotifyDueSoon, Days: 1}); s != "An action of X is due in 1 day" {
		t.Fatal(s)
	}
}
