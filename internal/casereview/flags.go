package casereview

// Derived flags are computed from dates at read and query time, against an as-of date (today
// unless the caller asks about another day). They are never stored, so they are never stale.
// The store's SQL for filtering by flag must say exactly what Flags says; a test holds the two
// together.

type Flag string

const (
	FlagResponseOverdue  Flag = "response_overdue"   // the response due date passed while awaiting a response
	FlagActionOverdue    Flag = "action_overdue"     // an action's target date, or an open milestone's due date, passed before it was done
	FlagDueSoon          Flag = "due_soon"           // a response, an action or an open milestone falls due within DueSoonDays
	FlagStalled          Flag = "stalled"            // nothing recorded for StalledDays
	FlagHistoricNoRecord Flag = "historic_no_record" // issued over two years ago and nothing recorded: neutral, not non-compliance
	FlagFollowUpDue      Flag = "follow_up_due"      // closed, and the date to check the closure held has come
)

var Flags = []Flag{FlagResponseOverdue, FlagActionOverdue, FlagDueSoon, FlagStalled, FlagHistoricNoRecord, FlagFollowUpDue}

const (
	DueSoonDays   = 28
	StalledDays   = 90
	HistoricYears = 2
)

// ActionDates is what the flags need to know about an action.
type ActionDates struct {
	TargetDate *Date
	Status     ImplementationStatus
	Completed  bool // a completion date is recorded (as legacy action plans record it)
	// Milestones are the due dates of the action's open milestones (done ones and those without
	// a due date are left out): each counts like a target date while the action is unfinished.
	Milestones []Date
}

// Dues returns the dates the action must still meet: its target date and its open milestones'
// due dates, or none once it is finished.
func (a ActionDates) Dues() []Date {
	if a.Finished() {
		return nil
	}
	out := make([]Date, 0, len(a.Milestones)+1)
	if a.TargetDate != nil {
		out = append(out, *a.TargetDate)
	}
	return append(out, a.Milestones...)
}

// Finished reports whether an action no longer has a target to meet.
func (a ActionDates) Finished() bool {
	return a.Completed || a.Status == ImplPending || a.Status == ImplVerified || a.Status == ImplNotImplemented
}

// FlagInput is what the flags need to know about a recommendation.
type FlagInput struct {
	Response       ResponseStatus
	Oversight      OversightStatus
	ResponseDue    *Date
	IssuedOn       Date
	LastActivityOn *Date
	FollowUpOn     *Date
	Actions        []ActionDates
}

// ComputeFlags returns the flags of in as of asOf, in the order of Flags.
func ComputeFlags(in FlagInput, asOf Date) []Flag {
	closed := in.Oversight.IsClosed()
	soon := asOf.AddDays(DueSoonDays)
	within := func(d *Date) bool { return d != nil && !d.Before(asOf) && !soon.Before(*d) }
	var out []Flag
	awaiting := in.Response == ResponseAwaiting || in.Response == ""
	historic := !closed && awaiting && in.LastActivityOn == nil && in.IssuedOn.Before(asOf.AddDays(-365*HistoricYears))
	if !closed && awaiting && in.ResponseDue != nil && in.ResponseDue.Before(asOf) && !historic {
		out = append(out, FlagResponseOverdue)
	}
	actionOverdue, actionSoon := false, false
	for _, a := range in.Actions {
		for _, d := range a.Dues() {
			actionOverdue = actionOverdue || d.Before(asOf)
			actionSoon = actionSoon || within(&d)
		}
	}
	if !closed && actionOverdue && !historic {
		out = append(out, FlagActionOverdue)
	}
	if !closed && ((awaiting && within(in.ResponseDue)) || actionSoon) {
		out = append(out, FlagDueSoon)
	}
	if !closed && in.LastActivityOn != nil && in.LastActivityOn.Before(asOf.AddDays(-StalledDays)) {
		out = append(out, FlagStalled)
	}
	if historic {
		out = append(out, FlagHistoricNoRecord)
	}
	if closed && in.FollowUpOn != nil && !asOf.Before(*in.FollowUpOn) {
		out = append(out, FlagFollowUpDue)
	}
	return out
}
