package casereview

import (
	"fmt"
	"slices"
)

// The reminder and escalation ladder (issue 18 §2), evaluated once a day against the dates the
// derived flags use. Each step has a key; the store records the key of every step it acted on, so
// running the evaluation twice (or on two replicas) sends nothing twice, and a due date that
// moves starts its ladder again (the key includes the date).

// Ladder is the configuration of the steps.
type Ladder struct {
	BeforeDays    []int // remind this many days before a date falls due (default 28 and 7)
	OverdueEvery  int   // remind again every this many days while overdue (default 7)
	EscalateAfter int   // escalate once when overdue by this many days (default 30)
}

// DefaultLadder is the ladder issue 18 asks for.
var DefaultLadder = Ladder{BeforeDays: []int{28, 7}, OverdueEvery: 7, EscalateAfter: 30}

// Validate checks the configuration.
func (l Ladder) Validate() error {
	for _, d := range l.BeforeDays {
		if d < 0 || d > 365 {
			return fmt.Errorf("reminder days before due must be from 0 to 365, not %d", d)
		}
	}
	if l.OverdueEvery < 1 || l.OverdueEvery > 365 {
		return fmt.Errorf("the overdue reminder period must be from 1 to 365 days, not %d", l.OverdueEvery)
	}
	if l.EscalateAfter < 1 || l.EscalateAfter > 3650 {
		return fmt.Errorf("the escalation period must be from 1 to 3650 days, not %d", l.EscalateAfter)
	}
	return nil
}

// MaxBefore is how far ahead the ladder looks.
func (l Ladder) MaxBefore() int {
	if len(l.BeforeDays) == 0 {
		return 0
	}
	return slices.Max(l.BeforeDays)
}

// LadderStep is one rung reached by a due date on a day.
type LadderStep struct {
	Kind NotificationKind
	Key  string // unique among the steps of one due date
	Days int    // days before due (DueSoon) or overdue (Overdue, Escalation)
}

// Steps returns the steps a date due on due has reached as of asOf: at most one reminder
// (the nearest before-due step not yet passed, or the current overdue period) and, once overdue
// by EscalateAfter days, the escalation. A day the evaluation missed is caught up by the next
// run (the step is still current), never sent twice (its key is the same).
func (l Ladder) Steps(due, asOf Date) []LadderStep {
	if !due.Before(asOf) { // due today or later: the before-due reminders
		days := daysBetween(asOf, due)
		best := -1
		for _, b := range l.BeforeDays {
			if days <= b && (best < 0 || b < best) {
				best = b
			}
		}
		if best < 0 {
			return nil
		}
		return []LadderStep{{Kind: NotifyDueSoon, Key: fmt.Sprintf("before-%d", best), Days: days}}
	}
	over := daysBetween(due, asOf)
	period := (over - 1) / l.OverdueEvery
	out := []LadderStep{{Kind: NotifyOverdue, Key: fmt.Sprintf("overdue-%d", period), Days: over}}
	if over >= l.EscalateAfter {
		out = append(out, LadderStep{Kind: NotifyEscalation, Key: "escalation", Days: over})
	}
	return out
}

// daysBetween is the whole days from a to b (negative when b is before a).
func daysBetween(a, b Date) int {
	return int(b.Time().Sub(a.Time()).Hours() / 24)
}

// DueSubject is what a ladder step is about: a recommendation's response or one action.
type DueSubject string

const (
	DueResponse DueSubject = "response"
	DueAction   DueSubject = "action"
	// DueMilestone: an open milestone of an unfinished action, due like its target date.
	DueMilestone DueSubject = "milestone"
)

// LadderEventKey names one step of one due date of one subject for one organisation.
func LadderEventKey(subject DueSubject, id, organisationID string, due Date, step LadderStep) string {
	return fmt.Sprintf("%s:%s:%s:%s:%s", subject, id, organisationID, due, step.Key)
}

// LadderSummary is the one-line summary of a step: it names the organisation and how many days,
// never the recommendation's text or title (the email goes to a senior contact who may hold no
// account, and restricted records must not leak through it).
func LadderSummary(subject DueSubject, organisationName string, step LadderStep) string {
	what := "A response from " + organisationName
	switch subject {
	case DueAction:
		what = "An action of " + organisationName
	case DueMilestone:
		what = "A milestone of an action of " + organisationName
	}
	switch step.Kind {
	case NotifyDueSoon:
		if step.Days == 0 {
			return what + " is due today"
		}
		return fmt.Sprintf("%s is due in %s", what, plural(step.Days, "day"))
	case NotifyEscalation:
		return fmt.Sprintf("Escalation: %s is %s overdue", lowerFirst(what), plural(step.Days, "day"))
	}
	return fmt.Sprintf("%s is %s overdue", what, plural(step.Days, "day"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
