package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// A scheduled report's runs: each run's row, its stored documents, and the recording of a run
// with its notifications and emails in one transaction (see report_schedules.go).
type reportRunRow struct {
	ID            string    `gorm:"column:id;primaryKey"`
	ScheduleID    string    `gorm:"column:schedule_id"`
	Period        string    `gorm:"column:period"`
	AsOf          nullDate  `gorm:"column:as_of"`
	Title         string    `gorm:"column:title"`
	Definition    string    `gorm:"column:definition"`
	Summary       string    `gorm:"column:summary"`
	Figures       string    `gorm:"column:figures"`
	Comparison    string    `gorm:"column:comparison"`
	PreviousRunID *string   `gorm:"column:previous_run_id"`
	HTMLSHA256    string    `gorm:"column:html_sha256"`
	XLSXSHA256    string    `gorm:"column:xlsx_sha256"`
	CSVSHA256     string    `gorm:"column:csv_sha256"`
	RunBy         string    `gorm:"column:run_by"`
	CreatedAt     time.Time `gorm:"column:created_at"`
}

func (reportRunRow) TableName() string { return "report_runs" }

// reportComparison is report_runs.comparison.
type reportComparison struct {
	Headline []casereview.ReportDelta `json:"headline"`
	Deltas   []casereview.ReportDelta `json:"deltas"`
}

// reportFormats are a run's renderings and their media types.
var reportFormats = map[string]string{
	"html": "text/html; charset=utf-8",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"csv":  "text/csv; charset=utf-8",
}

// SetReportRunHold makes every report run call hold inside its transaction, after its run row
// and documents are written and before its notifications and emails: the kill test holds a run
// there and kills the process.
func (s *Store) SetReportRunHold(hold func(ctx context.Context)) { s.reportRunHold = hold }

func (r reportRunRow) domain(summaryID string) casereview.ReportRun {
	out := casereview.ReportRun{ID: r.ID, ScheduleID: r.ScheduleID, SummaryID: summaryID, Period: r.Period, AsOf: r.AsOf.D,
		Title: r.Title, Definition: r.Definition, Summary: r.Summary, PreviousRunID: deref(r.PreviousRunID), RunBy: r.RunBy,
		CreatedAt: r.CreatedAt.UTC()}
	var c reportComparison
	if json.Unmarshal([]byte(r.Comparison), &c) == nil {
		out.Headline, out.Deltas = c.Headline, c.Deltas
	}
	return out
}

// withDocuments adds the documents' sizes.
func withDocuments(db *gorm.DB, r reportRunRow, run *casereview.ReportRun) error {
	for _, f := range []struct{ format, sha string }{{"html", r.HTMLSHA256}, {"xlsx", r.XLSXSHA256}, {"csv", r.CSVSHA256}} {
		var size int64
		if err := db.Model(&blobRow{}).Where("sha256 = ?", f.sha).Select("size_bytes").Scan(&size).Error; err != nil {
			return err
		}
		run.Documents = append(run.Documents, casereview.ReportDocument{Format: f.format, SHA256: f.sha, SizeBytes: size})
	}
	return nil
}

func (s *Store) ListReportRuns(ctx context.Context, scheduleID string) ([]casereview.ReportRun, error) {
	sc, err := s.GetReportSchedule(ctx, scheduleID)
	if err != nil {
		return nil, err
	}
	db := s.read.WithContext(ctx)
	var rows []reportRunRow
	if err := db.Where("schedule_id = ?", sc.ID).Order("created_at DESC, id DESC").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]casereview.ReportRun, 0, len(rows))
	for _, r := range rows {
		run := r.domain(sc.SummaryID)
		if err := withDocuments(db, r, &run); err != nil {
			return nil, err
		}
		out = append(out, run)
	}
	return out, nil
}

// readableRun loads a run the caller may read.
func (s *Store) readableRun(ctx context.Context, id string) (reportRunRow, casereview.ReportSchedule, error) {
	var row reportRunRow
	if err := signedIn(ctx); err != nil {
		return row, casereview.ReportSchedule{}, err
	}
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return row, casereview.ReportSchedule{}, casereview.NotFound("report run")
	}
	db := s.read.WithContext(ctx)
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return row, casereview.ReportSchedule{}, notFoundAs(err, "report run")
	}
	sc, err := loadSchedule(db, row.ScheduleID)
	if err != nil {
		return row, sc, err
	}
	if !casereview.CanReadReportRuns(actorOf(ctx), sc) {
		return row, sc, casereview.NotFound("report run")
	}
	return row, sc, nil
}

func (s *Store) GetReportRun(ctx context.Context, id string) (casereview.ReportRun, error) {
	row, sc, err := s.readableRun(ctx, id)
	if err != nil {
		return casereview.ReportRun{}, err
	}
	run := row.domain(sc.SummaryID)
	return run, withDocuments(s.read.WithContext(ctx), row, &run)
}

func (s *Store) ReportRunDocument(ctx context.Context, runID, format string) (casereview.ReportDocument, []byte, error) {
	if _, ok := reportFormats[format]; !ok {
		return casereview.ReportDocument{}, nil, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be html, xlsx or csv")
	}
	row, _, err := s.readableRun(ctx, runID)
	if err != nil {
		return casereview.ReportDocument{}, nil, err
	}
	sha := map[string]string{"html": row.HTMLSHA256, "xlsx": row.XLSXSHA256, "csv": row.CSVSHA256}[format]
	var blob blobRow
	if err := s.read.WithContext(ctx).Where("sha256 = ?", sha).Take(&blob).Error; err != nil {
		return casereview.ReportDocument{}, nil, notFoundAs(err, "document")
	}
	return casereview.ReportDocument{Format: format, SHA256: sha, SizeBytes: blob.SizeBytes}, blob.Content, nil
}

// --- the runner's side (internal/notify): as the system, or for one who may run the schedule ---

// DueReportSchedules lists the schedules not paused whose next run date has come.
func (s *Store) DueReportSchedules(ctx context.Context, today casereview.Date) ([]casereview.ReportSchedule, error) {
	var rows []reportScheduleRow
	db := s.read.WithContext(ctx)
	if err := db.Where("paused = ? AND next_run_on <= ?", false, dateOf(&today)).Order("next_run_on, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return schedules(db, rows)
}

// ReportOwner is the actor a schedule's report is counted as: its summary's owner, while they
// are enabled and may still schedule it.
func (s *Store) ReportOwner(ctx context.Context, sc casereview.ReportSchedule) (casereview.Actor, error) {
	u, err := loadUser(s.read.WithContext(ctx), sc.OwnerID)
	if err != nil {
		return casereview.Actor{}, err
	}
	a := u.Actor()
	if u.Disabled || !casereview.CanScheduleReport(a, casereview.SavedSummary{OwnerID: sc.OwnerID}) {
		return a, casereview.Forbidden("the summary's owner may no longer run its schedule")
	}
	return a, nil
}

// LatestReportRun is the schedule's latest run's id and figures ("" when it has none).
func (s *Store) LatestReportRun(ctx context.Context, scheduleID string) (string, []byte, error) {
	var rows []reportRunRow
	if err := s.read.WithContext(ctx).Where("schedule_id = ?", scheduleID).Order("created_at DESC, id DESC").Limit(1).Find(&rows).Error; err != nil {
		return "", nil, err
	}
	if len(rows) == 0 {
		return "", nil, nil
	}
	return rows[0].ID, []byte(rows[0].Figures), nil
}

// RecordReportRun keeps a rendered run and tells its subscribers, in one transaction; created is
// false when the schedule's period already has its run (another replica, or a re-run, made it).
func (s *Store) RecordReportRun(ctx context.Context, d casereview.ReportRunDraft) (casereview.ReportRun, bool, error) {
	var run casereview.ReportRun
	created := false
	err := s.inTx(ctx, func(t *tx) error {
		sc, err := loadSchedule(t.db, d.ScheduleID)
		if err != nil {
			return err
		}
		shas := map[string]string{}
		for format, content := range map[string][]byte{"html": d.HTML, "xlsx": d.XLSX, "csv": d.CSV} {
			sum := sha256.Sum256(content)
			h := hex.EncodeToString(sum[:])
			media := reportFormats[format]
			if i := strings.IndexByte(media, ';'); i > 0 {
				media = media[:i]
			}
			if err := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&blobRow{SHA256: h, Content: content,
				SizeBytes: int64(len(content)), MediaType: media, CreatedAt: t.now}).Error; err != nil {
				return err
			}
			shas[format] = h
		}
		cmp, err := json.Marshal(reportComparison{Headline: d.Headline, Deltas: d.Deltas})
		if err != nil {
			return err
		}
		if d.ID == "" {
			d.ID = newID()
		}
		row := reportRunRow{ID: d.ID, ScheduleID: sc.ID, Period: d.Period, AsOf: dateOf(&d.AsOf), Title: d.Title,
			Definition: d.Definition, Summary: d.Summary, Figures: string(d.Figures), Comparison: string(cmp),
			PreviousRunID: optional(d.PreviousRunID), HTMLSHA256: shas["html"], XLSXSHA256: shas["xlsx"], CSVSHA256: shas["csv"],
			RunBy: d.RunBy, CreatedAt: t.now}
		res := t.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "schedule_id"}, {Name: "period"}}, DoNothing: true}).Create(&row)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return nil // the period's run is there already: nothing else is written
		}
		created = true
		if s.reportRunHold != nil {
			s.reportRunHold(ctx)
		}
		told, err := tellSubscribers(t, sc, row)
		if err != nil {
			return err
		}
		if d.NextRunOn != nil {
			if err := t.db.Model(&reportScheduleRow{}).Where("id = ?", sc.ID).Updates(map[string]any{"next_run_on": dateOf(d.NextRunOn)}).Error; err != nil {
				return err
			}
		}
		t.audit(casereview.AuditReportRan, "report_schedule", sc.ID, nil, map[string]any{"run_id": row.ID, "period": row.Period,
			"as_of": d.AsOf.String(), "title": row.Title, "html_sha256": row.HTMLSHA256, "xlsx_sha256": row.XLSXSHA256,
			"csv_sha256": row.CSVSHA256, "told": told, "run_by": row.RunBy})
		run = row.domain(sc.SummaryID)
		return withDocuments(t.db, row, &run)
	})
	if err != nil {
		return casereview.ReportRun{}, false, err
	}
	return run, created, nil
}

// ReportRunLink is the page of a run.
func ReportRunLink(runID string) string { return "/summaries/runs/" + runID }

// reportEventKey is a run's notification event.
func reportEventKey(runID string) string { return "report_run:" + runID }

// tellSubscribers notifies each subscriber who may read the summary's scope now (the check is
// made again at send time), as their choice for the kind says; it returns how many were told.
func tellSubscribers(t *tx, sc casereview.ReportSchedule, run reportRunRow) (int, error) {
	key, link := reportEventKey(run.ID), ReportRunLink(run.ID)
	if err := t.db.Create(&notificationEventRow{Key: key, Kind: string(casereview.NotifyReportRun), Summary: run.Summary, CreatedAt: t.now}).Error; err != nil {
		return 0, err
	}
	told := 0
	for _, sub := range sc.Subscribers {
		u, err := loadUser(t.db, sub.UserID)
		if err != nil {
			return told, err
		}
		if u.Disabled || !casereview.CanReadReportRuns(u.Actor(), sc) {
			continue
		}
		prefs, err := preferencesOf(t.db, u.ID)
		if err != nil {
			return told, err
		}
		delivery := casereview.EffectiveDelivery(prefs, casereview.NotifyReportRun)
		n := notificationRow{ID: newID(), UserID: u.ID, EventKey: key, Kind: string(casereview.NotifyReportRun), Summary: run.Summary,
			Link: link, Email: string(delivery), CreatedAt: t.now}
		if delivery == casereview.DeliverImmediately || delivery == casereview.DeliverOff {
			n.DigestedAt = &t.now
		}
		if err := t.db.Create(&n).Error; err != nil {
			return told, err
		}
		if delivery == casereview.DeliverImmediately {
			if err := enqueue(t, key, casereview.NotifyReportRun, recipient{userID: u.ID, email: u.Email},
				subjectOf(casereview.NotifyReportRun, run.Summary), emailBody([]emailLine{{run.Summary, link}}), link, ""); err != nil {
				return told, err
			}
		}
		told++
	}
	return told, nil
}

// reportRunMayRead is the check at send time of a report run's email: the recipient may still
// read the run (a subscriber who may read the summary's scope, its owner or an admin).
func reportRunMayRead(db *gorm.DB, u casereview.User, outboxID string) (bool, error) {
	var keys []string
	if err := db.Table("outbox").Where("id = ?", outboxID).Pluck("event_key", &keys).Error; err != nil || len(keys) == 0 {
		return false, err
	}
	runID := strings.TrimPrefix(keys[0], "report_run:")
	var row reportRunRow
	if err := db.Where("id = ?", runID).Take(&row).Error; err != nil {
		if casereview.IsCode(notFoundAs(err, "report run"), casereview.CodeNotFound) {
			return false, nil
		}
		return false, err
	}
	sc, err := loadSchedule(db, row.ScheduleID)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return false, nil
		}
		return false, err
	}
	return casereview.CanReadReportRuns(u.Actor(), sc), nil
}
