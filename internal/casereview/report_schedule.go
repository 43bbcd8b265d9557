package casereview

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Scheduled reports (issue 18 §4): a saved thematic summary run monthly or quarterly and sent to
// its subscribers. Each run is kept as it was sent (the rendered documents, content-addressed,
// with the definition and the as-of date used) and compared with the run before it. Exactly once
// per schedule and period: report_runs has one row per (schedule, period), written in the same
// transaction as its documents, notifications and emails.

// ReportFrequency is how often a schedule runs.
type ReportFrequency string

const (
	ReportMonthly   ReportFrequency = "monthly"
	ReportQuarterly ReportFrequency = "quarterly"
)

var ReportFrequencies = []ReportFrequency{ReportMonthly, ReportQuarterly}

// Label is the frequency in words.
func (f ReportFrequency) Label() string {
	switch f {
	case ReportMonthly:
		return "Monthly"
	case ReportQuarterly:
		return "Quarterly"
	}
	return string(f)
}

// months is the length of one period.
func (f ReportFrequency) months() int {
	if f == ReportQuarterly {
		return 3
	}
	return 1
}

// NextReportRun is the first run date after today: the first day of the next month (monthly)
// or of the next quarter, 1 January, April, July or October (quarterly).
func NextReportRun(f ReportFrequency, today Date) Date {
	m := f.months()
	first := time.Date(today.Year, today.Month, 1, 0, 0, 0, 0, time.UTC)
	// the start of the period today is in, then the next one
	start := first.AddDate(0, -((int(today.Month) - 1) % m), 0)
	return DateOf(start.AddDate(0, m, 0))
}

// ReportPeriod is the period a run on runOn reports: the month or quarter that ended the day
// before ("2026-11", "2026-Q4"), and the as-of date (its last day).
func ReportPeriod(f ReportFrequency, runOn Date) (key string, asOf Date) {
	asOf = runOn.AddDays(-1)
	if f == ReportQuarterly {
		return fmt.Sprintf("%04d-Q%d", asOf.Year, (int(asOf.Month)-1)/3+1), asOf
	}
	return fmt.Sprintf("%04d-%02d", asOf.Year, int(asOf.Month)), asOf
}

// ManualPeriod starts the period key of a run made by hand ("Run now"): each is a period of
// its own, so it never takes a scheduled period's place.
const ManualPeriod = "manual:"

// PeriodLabel is a run's period in words: "quarter 3 of 2026", "November 2026", "run by hand".
func PeriodLabel(p string) string {
	switch {
	case strings.HasPrefix(p, ManualPeriod):
		return "run by hand"
	case len(p) == 7 && p[4] == '-' && p[5] == 'Q':
		return "quarter " + p[6:] + " of " + p[:4]
	}
	if t, err := time.Parse("2006-01", p); err == nil {
		return t.Format("January 2006")
	}
	return p
}

// ReportSubscriber is one person a schedule's runs are sent to.
type ReportSubscriber struct {
	UserID, Name, Email string
}

// ReportSchedule is a saved summary's schedule.
type ReportSchedule struct {
	ID           string
	SummaryID    string
	SummaryTitle string
	OwnerID      string // the saved summary's owner: the report is counted under their permissions
	Definition   string // the saved summary's definition (the builder's query string)
	Frequency    ReportFrequency
	NextRunOn    Date
	Paused       bool
	Subscribers  []ReportSubscriber
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Scope is the partnerships the summary's definition names (none: every partnership).
func (s ReportSchedule) Scope() []string { return SummaryScope(s.Definition) }

// Subscribed reports whether the user is one of the subscribers.
func (s ReportSchedule) Subscribed(userID string) bool {
	return userID != "" && slices.ContainsFunc(s.Subscribers, func(x ReportSubscriber) bool { return x.UserID == userID })
}

// SummaryScope is the partnerships a summary definition names (its "partnership" filter).
func SummaryScope(definition string) []string {
	q, err := url.ParseQuery(definition)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range q["partnership"] {
		if p = strings.TrimSpace(p); p != "" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// ReportScheduleDraft is a new schedule, or a change of one.
type ReportScheduleDraft struct {
	Frequency ReportFrequency
	// Subscribers are email addresses of people with an account; the summary's owner is
	// always a subscriber.
	Subscribers []string
}

// MaxReportSubscribers bounds a schedule's list.
const MaxReportSubscribers = 50

// Validate checks the draft's own fields.
func (d ReportScheduleDraft) Validate() error {
	var p Problems
	CheckEnum(&p, "frequency", d.Frequency, ReportFrequencies)
	if len(d.Subscribers) > MaxReportSubscribers {
		p.Add("subscribers", FieldTooLong, "at most %d subscribers", MaxReportSubscribers)
	}
	for i, e := range d.Subscribers {
		if !strings.Contains(e, "@") || len(e) > 320 {
			p.Add(fmt.Sprintf("subscribers[%d]", i), FieldInvalid, "%q is not an email address", e)
		}
	}
	return p.Err()
}

// ReportDocument is one stored rendering of a run.
type ReportDocument struct {
	Format    string // html, xlsx, csv
	SHA256    string
	SizeBytes int64
}

// ReportDelta is one figure of a run beside the run before it.
type ReportDelta struct {
	Table, Row, Column string
	Previous, Current  float64
	Change             string // "up 3", "down 1", "no change"
}

// ReportRun is one run of a schedule, as it was sent.
type ReportRun struct {
	ID            string
	ScheduleID    string
	SummaryID     string
	Period        string // "2026-Q3", "2026-11", or ManualPeriod… for a run now
	AsOf          Date
	Title         string
	Definition    string
	Summary       string // the line subscribers are told
	Documents     []ReportDocument
	PreviousRunID string
	Headline      []ReportDelta // the headline figures against the previous run (all of them)
	Deltas        []ReportDelta // the other figures that changed
	RunBy         string
	CreatedAt     time.Time
}

// Document is the stored rendering in format, if any.
func (r ReportRun) Document(format string) (ReportDocument, bool) {
	for _, d := range r.Documents {
		if d.Format == format {
			return d, true
		}
	}
	return ReportDocument{}, false
}

// ReportRunDraft is a rendered run, ready to be recorded.
type ReportRunDraft struct {
	ID         string // chosen by the runner, so the documents can name their run ("" : the store's)
	ScheduleID string
	Period     string
	AsOf       Date
	Title      string
	Definition string
	Summary    string
	// Figures are the document's tables as JSON, kept for the next run's comparison.
	Figures         []byte
	PreviousRunID   string
	Headline        []ReportDelta
	Deltas          []ReportDelta
	HTML, XLSX, CSV []byte
	RunBy           string
	NextRunOn       *Date // for a scheduled run: the schedule's next run date
}

// ReportScheduleService keeps schedules and their runs.
type ReportScheduleService interface {
	CreateReportSchedule(ctx context.Context, summaryID string, d ReportScheduleDraft) (ReportSchedule, error)
	// ListReportSchedules lists a saved summary's schedules (to those who may read the summary).
	ListReportSchedules(ctx context.Context, summaryID string) ([]ReportSchedule, error)
	GetReportSchedule(ctx context.Context, id string) (ReportSchedule, error)
	SetReportSchedulePaused(ctx context.Context, id string, paused bool) (ReportSchedule, error)
	DeleteReportSchedule(ctx context.Context, id string) error
	ListReportRuns(ctx context.Context, scheduleID string) ([]ReportRun, error)
	GetReportRun(ctx context.Context, id string) (ReportRun, error)
	// ReportRunDocument is a run's stored document in format (html, xlsx, csv), byte for byte.
	ReportRunDocument(ctx context.Context, runID, format string) (ReportDocument, []byte, error)
}

// ReportRunner runs a schedule now (the demo's hand trigger, and the scheduler's job).
type ReportRunner interface {
	RunReportNow(ctx context.Context, scheduleID string) (ReportRun, error)
}

// CanScheduleReport: oversight officers and admins schedule a saved summary they may read.
func CanScheduleReport(a Actor, s SavedSummary) bool {
	return (a.IsAdmin() || a.IsOversight()) && CanReadSavedSummary(a, s)
}

// CanReadReportScope reports whether a may read a report over the partnerships scope (none:
// every partnership): oversight and admins read every scope; a partnership's panel (and viewers
// it lets read restricted reviews) read a report limited to their partnerships.
func CanReadReportScope(a Actor, scope []string) bool {
	if a.IsSystem() || a.IsAdmin() || a.IsOversight() {
		return true
	}
	if len(scope) == 0 || !CanUseDashboard(a) {
		return false
	}
	mine := a.Partnerships()
	for _, p := range scope {
		if !slices.Contains(mine, p) {
			return false
		}
	}
	return true
}

// CanReadReportRuns: the summary's owner and admins, and a subscriber who may read its scope.
func CanReadReportRuns(a Actor, s ReportSchedule) bool {
	if a.IsSystem() || a.IsAdmin() || (a.UserID != "" && a.UserID == s.OwnerID) {
		return true
	}
	return s.Subscribed(a.UserID) && CanReadReportScope(a, s.Scope())
}
