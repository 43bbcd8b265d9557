package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// Scheduled reports (issue 18 §4): the scheduler's job that runs each due schedule of a saved
// thematic summary, and the hand trigger ("Run now"). A run renders the summary as its owner
// would see it, compares it with the schedule's previous run, writes the three documents and
// hands everything to the store, which records it with its notifications and emails in one
// transaction, once per schedule and period.

// ReportStore is what the report runs need of the store.
type ReportStore interface {
	DueReportSchedules(ctx context.Context, today casereview.Date) ([]casereview.ReportSchedule, error)
	ReportOwner(ctx context.Context, sc casereview.ReportSchedule) (casereview.Actor, error)
	LatestReportRun(ctx context.Context, scheduleID string) (string, []byte, error)
	RecordReportRun(ctx context.Context, d casereview.ReportRunDraft) (casereview.ReportRun, bool, error)
	CheckReportRunAllowed(ctx context.Context, scheduleID string) (casereview.ReportSchedule, error)
}

// SummaryRenderer renders a saved summary (web.SummaryRenderer).
type SummaryRenderer interface {
	RenderSummary(ctx context.Context, title, definition string, asOf casereview.Date, now time.Time) (report.Document, error)
}

// Reports runs scheduled reports.
type Reports struct {
	Store    ReportStore
	Renderer SummaryRenderer
	Now      func() time.Time
	Log      *slog.Logger
}

var _ casereview.ReportRunner = (*Reports)(nil)

func (r *Reports) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// RunDue runs every schedule whose date has come, each for the period its date closes, and
// returns how many runs it recorded (a period another replica recorded first is not counted).
func (r *Reports) RunDue(ctx context.Context) (int, error) {
	sys := casereview.WithActor(ctx, casereview.System)
	today := casereview.DateOf(r.now().UTC())
	due, err := r.Store.DueReportSchedules(sys, today)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sc := range due {
		period, asOf := casereview.ReportPeriod(sc.Frequency, sc.NextRunOn)
		next := casereview.NextReportRun(sc.Frequency, today)
		_, created, err := r.run(sys, sc, period, asOf, "the scheduler", &next)
		if err != nil {
			// one schedule's failure (its owner gone, its definition no longer valid) does not stop the others
			if r.Log != nil {
				r.Log.Error("scheduled report not run", "schedule_id", sc.ID, "period", period, "error", err.Error())
			}
			continue
		}
		if created {
			n++
		}
	}
	return n, nil
}

// RunReportNow runs a schedule at once, as of today, for one who may change it.
func (r *Reports) RunReportNow(ctx context.Context, scheduleID string) (casereview.ReportRun, error) {
	sc, err := r.Store.CheckReportRunAllowed(ctx, scheduleID)
	if err != nil {
		return casereview.ReportRun{}, err
	}
	now := r.now().UTC()
	who := casereview.ActorFrom(ctx).Name
	if who == "" {
		who = "by hand"
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	run, _, err := r.run(ctx, sc, casereview.ManualPeriod+hex.EncodeToString(b[:]), casereview.DateOf(now), who, nil)
	return run, err
}

// run renders, compares and records one run; record is the context the store writes with.
func (r *Reports) run(record context.Context, sc casereview.ReportSchedule, period string, asOf casereview.Date, runBy string, next *casereview.Date) (casereview.ReportRun, bool, error) {
	owner, err := r.Store.ReportOwner(casereview.WithActor(record, casereview.System), sc)
	if err != nil {
		return casereview.ReportRun{}, false, err
	}
	doc, err := r.Renderer.RenderSummary(casereview.WithActor(record, owner), sc.SummaryTitle, sc.Definition, asOf, r.now())
	if err != nil {
		return casereview.ReportRun{}, false, fmt.Errorf("render %q: %w", sc.SummaryTitle, err)
	}
	figures, err := json.Marshal(doc.Tables)
	if err != nil {
		return casereview.ReportRun{}, false, err
	}
	prevID, prevFigures, err := r.Store.LatestReportRun(casereview.WithActor(record, casereview.System), sc.ID)
	if err != nil {
		return casereview.ReportRun{}, false, err
	}
	d := casereview.ReportRunDraft{ID: uuid.Must(uuid.NewV7()).String(), ScheduleID: sc.ID, Period: period, AsOf: asOf, Title: sc.SummaryTitle, Definition: sc.Definition,
		Figures: figures, PreviousRunID: prevID, RunBy: runBy, NextRunOn: next}
	doc.Notes = append(doc.Notes, "Scheduled report ("+sc.Frequency.Label()+"), "+casereview.PeriodLabel(period)+", run "+d.ID+".")
	if prevID != "" {
		var prev []report.Table
		if err := json.Unmarshal(prevFigures, &prev); err != nil {
			return casereview.ReportRun{}, false, fmt.Errorf("read the previous run's figures: %w", err)
		}
		d.Headline, d.Deltas = CompareRuns(prev, doc.Tables)
		doc.Tables = append(doc.Tables, comparisonTable(d.Headline, d.Deltas))
	} else {
		doc.Notes = append(doc.Notes, "The first run of this schedule: nothing to compare with yet.")
	}
	d.Summary = runSummary(sc.SummaryTitle, period, asOf, d.Headline, doc.Tables)
	var html, xlsx, csv bytes.Buffer
	if err := report.WriteHTML(&html, doc); err != nil {
		return casereview.ReportRun{}, false, err
	}
	if err := report.WriteXLSX(&xlsx, doc); err != nil {
		return casereview.ReportRun{}, false, err
	}
	if err := report.WriteCSV(&csv, doc); err != nil {
		return casereview.ReportRun{}, false, err
	}
	d.HTML, d.XLSX, d.CSV = html.Bytes(), xlsx.Bytes(), csv.Bytes()
	run, created, err := r.Store.RecordReportRun(record, d)
	if err == nil && created && r.Log != nil {
		r.Log.Info("scheduled report ran", "schedule_id", sc.ID, "run_id", run.ID, "period", period)
	}
	return run, created, err
}

// listTable is the document's list of recommendations, which is not compared figure by figure.
const listTable = "Recommendations"

// CompareRuns sets the figures of this run beside the previous run's: every headline figure,
// and each other figure (a table's row, by its first cell, and column) that changed or is new.
func CompareRuns(prev, cur []report.Table) (headline, deltas []casereview.ReportDelta) {
	before := map[[3]string]float64{}
	for _, t := range prev {
		for _, row := range t.Rows {
			for i, c := range row {
				if i > 0 && i < len(t.Columns) && c.Number != nil && len(row) > 0 {
					before[[3]string{t.Name, row[0].Text, t.Columns[i]}] = *c.Number
				}
			}
		}
	}
	for _, t := range cur {
		if t.Name == listTable {
			continue
		}
		for _, row := range t.Rows {
			for i, c := range row {
				if i == 0 || i >= len(t.Columns) || c.Number == nil {
					continue
				}
				p, had := before[[3]string{t.Name, row[0].Text, t.Columns[i]}]
				d := casereview.ReportDelta{Table: t.Name, Row: row[0].Text, Column: t.Columns[i], Previous: p, Current: *c.Number,
					Change: changeWords(p, *c.Number, had)}
				switch {
				case t.Name == "Headline":
					headline = append(headline, d)
				case !had || p != *c.Number:
					deltas = append(deltas, d)
				}
			}
		}
	}
	return headline, deltas
}

func changeWords(prev, cur float64, had bool) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	switch {
	case !had:
		return "new"
	case cur > prev:
		return "up " + f(cur-prev)
	case cur < prev:
		return "down " + f(prev-cur)
	}
	return "no change"
}

// comparisonTable is the comparison as a table of the stored document.
func comparisonTable(headline, deltas []casereview.ReportDelta) report.Table {
	t := report.Table{Name: "Since the previous run", Caption: "Every headline figure, then each other figure that changed",
		Columns: []string{"Table", "Row", "Figure", "Previous run", "This run", "Change"}}
	for _, d := range append(append([]casereview.ReportDelta{}, headline...), deltas...) {
		prev := report.Cell{Text: "", Number: nil}
		if d.Change != "new" {
			v := d.Previous
			prev = report.Float(v)
			prev.Text = strconv.FormatFloat(v, 'f', -1, 64)
		}
		cur := report.Float(d.Current)
		cur.Text = strconv.FormatFloat(d.Current, 'f', -1, 64)
		t.Rows = append(t.Rows, []report.Cell{report.Text(d.Table), report.Text(d.Row), report.Text(d.Column), prev, cur, report.Text(d.Change)})
	}
	return t
}

// runSummary is the line subscribers are told: the summary's title, the period and the number
// of recommendations with its change (figures the subscriber may read; no record's text).
func runSummary(title, period string, asOf casereview.Date, headline []casereview.ReportDelta, tables []report.Table) string {
	s := fmt.Sprintf("Report %q for %s is ready (figures as of %s)", title, casereview.PeriodLabel(period), asOf.Time().Format("2 January 2006"))
	for _, d := range headline {
		if d.Row == "Recommendations" {
			return fmt.Sprintf("%s: %s recommendations, %s since the previous run", s, strconv.FormatFloat(d.Current, 'f', -1, 64), d.Change)
		}
	}
	for _, t := range tables {
		if t.Name == "Headline" && len(t.Rows) > 0 && len(t.Rows[0]) > 1 {
			return s + ": " + t.Rows[0][1].Text + " recommendations"
		}
	}
	return s
}
