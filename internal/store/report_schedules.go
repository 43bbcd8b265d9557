package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Scheduled reports (casereview.ReportScheduleService): schedules of saved thematic summaries,
// their subscribers and their stored runs. A run is recorded in one transaction: its row (one
// per schedule and period: report_runs' unique key), its documents (content-addressed in blobs,
// the evidence files' store), its notifications and emails, and the schedule's next date. So a
// run is there whole or not at all, and a second replica or a re-run finds the period taken.

type reportScheduleRow struct {
	ID        string    `gorm:"column:id;primaryKey"`
	SummaryID string    `gorm:"column:summary_id"`
	Frequency string    `gorm:"column:frequency"`
	NextRunOn nullDate  `gorm:"column:next_run_on"`
	Paused    bool      `gorm:"column:paused"`
	CreatedBy *string   `gorm:"column:created_by"`
	CreatedAt time.Time `gorm:"column:created_at"`
	UpdatedAt time.Time `gorm:"column:updated_at"`
}

func (reportScheduleRow) TableName() string { return "report_schedules" }

type reportSubscriberRow struct {
	ScheduleID string `gorm:"column:schedule_id;primaryKey"`
	UserID     string `gorm:"column:user_id;primaryKey"`
}

func (reportSubscriberRow) TableName() string { return "report_subscribers" }

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

// loadSchedule reads a schedule with its summary and subscribers, without a permission check.
func loadSchedule(db *gorm.DB, id string) (casereview.ReportSchedule, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.ReportSchedule{}, casereview.NotFound("report schedule")
	}
	var row reportScheduleRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.ReportSchedule{}, notFoundAs(err, "report schedule")
	}
	out, err := schedules(db, []reportScheduleRow{row})
	if err != nil {
		return casereview.ReportSchedule{}, err
	}
	return out[0], nil
}

// schedules completes rows with their summaries and subscribers.
func schedules(db *gorm.DB, rows []reportScheduleRow) ([]casereview.ReportSchedule, error) {
	out := make([]casereview.ReportSchedule, 0, len(rows))
	for _, r := range rows {
		var sum savedSummaryRow
		if err := db.Where("id = ?", r.SummaryID).Take(&sum).Error; err != nil {
			return nil, notFoundAs(err, "saved summary")
		}
		var subs []struct {
			ID          string `gorm:"column:id"`
			DisplayName string `gorm:"column:display_name"`
			Email       string `gorm:"column:email"`
		}
		if err := db.Table("report_subscribers").Select("users.id, users.display_name, users.email").
			Joins("JOIN users ON users.id = report_subscribers.user_id").Where("report_subscribers.schedule_id = ?", r.ID).
			Order("users.email").Scan(&subs).Error; err != nil {
			return nil, err
		}
		s := casereview.ReportSchedule{ID: r.ID, SummaryID: r.SummaryID, SummaryTitle: sum.Title, OwnerID: sum.OwnerID,
			Definition: sum.Definition, Frequency: casereview.ReportFrequency(r.Frequency), NextRunOn: r.NextRunOn.D, Paused: r.Paused,
			Subscribers: []casereview.ReportSubscriber{}, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		for _, x := range subs {
			s.Subscribers = append(s.Subscribers, casereview.ReportSubscriber{UserID: x.ID, Name: x.DisplayName, Email: x.Email})
		}
		out = append(out, s)
	}
	return out, nil
}

// schedulableSummary loads a saved summary the caller may schedule, inside db.
func schedulableSummary(ctx context.Context, db *gorm.DB, id string) (casereview.SavedSummary, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.SavedSummary{}, casereview.NotFound("saved summary")
	}
	var row savedSummaryRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.SavedSummary{}, notFoundAs(err, "saved summary")
	}
	a := actorOf(ctx)
	if !casereview.CanReadSavedSummary(a, row.domain()) {
		return casereview.SavedSummary{}, casereview.NotFound("saved summary")
	}
	if !casereview.CanScheduleReport(a, row.domain()) {
		return casereview.SavedSummary{}, deny(ctx, "only oversight officers and admins schedule reports")
	}
	return row.domain(), nil
}

// signedIn refuses an anonymous caller (401): schedules and runs are only ever for people.
func signedIn(ctx context.Context) error {
	if !actorOf(ctx).SignedIn() {
		return casereview.Unauthenticated()
	}
	return nil
}

func (s *Store) CreateReportSchedule(ctx context.Context, summaryID string, d casereview.ReportScheduleDraft) (casereview.ReportSchedule, error) {
	var out casereview.ReportSchedule
	if err := signedIn(ctx); err != nil {
		return out, err
	}
	err := s.inTx(ctx, func(t *tx) error {
		sum, err := schedulableSummary(ctx, t.db, summaryID)
		if err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return err
		}
		owner, err := loadUser(t.db, sum.OwnerID)
		if err != nil {
			return err
		}
		ids := []string{owner.ID}
		var p casereview.Problems
		scope := casereview.SummaryScope(sum.Definition)
		for i, e := range d.Subscribers {
			f := fmt.Sprintf("subscribers[%d]", i)
			var row userRow
			err := t.db.Where("email = ?", strings.ToLower(strings.TrimSpace(e))).Take(&row).Error
			if err != nil {
				if notFoundAs(err, "user") != nil && casereview.IsCode(notFoundAs(err, "user"), casereview.CodeNotFound) {
					p.Add(f, casereview.FieldNotFound, "nobody in the service has the address %s", e)
					continue
				}
				return err
			}
			u, err := loadUser(t.db, row.ID)
			if err != nil {
				return err
			}
			if u.Disabled || !casereview.CanReadReportScope(u.Actor(), scope) {
				p.Add(f, casereview.FieldInvalid, "%s may not read this summary's figures", e)
				continue
			}
			if !containsString(ids, u.ID) {
				ids = append(ids, u.ID)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		row := reportScheduleRow{ID: newID(), SummaryID: sum.ID, Frequency: string(d.Frequency),
			NextRunOn: dateOf(ptrDate(casereview.NextReportRun(d.Frequency, casereview.DateOf(t.now)))),
			CreatedBy: optional(actorOf(ctx).UserID), CreatedAt: t.now, UpdatedAt: t.now}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := t.db.Create(&reportSubscriberRow{ScheduleID: row.ID, UserID: id}).Error; err != nil {
				return err
			}
		}
		if out, err = loadSchedule(t.db, row.ID); err != nil {
			return err
		}
		t.audit(casereview.AuditReportScheduled, "report_schedule", row.ID, nil, scheduleAudit(out))
		return nil
	})
	return out, err
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// scheduleAudit is what the audit trail keeps of a schedule: no definition text.
func scheduleAudit(s casereview.ReportSchedule) map[string]any {
	subs := make([]string, len(s.Subscribers))
	for i, x := range s.Subscribers {
		subs[i] = x.Email
	}
	return map[string]any{"ID": s.ID, "summary_id": s.SummaryID, "title": s.SummaryTitle, "frequency": s.Frequency,
		"next_run_on": s.NextRunOn.String(), "paused": s.Paused, "subscribers": subs}
}

func (s *Store) ListReportSchedules(ctx context.Context, summaryID string) ([]casereview.ReportSchedule, error) {
	if err := signedIn(ctx); err != nil {
		return nil, err
	}
	sum, err := s.GetSavedSummary(ctx, summaryID)
	if err != nil {
		return nil, err
	}
	var rows []reportScheduleRow
	db := s.read.WithContext(ctx)
	if err := db.Where("summary_id = ?", sum.ID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	return schedules(db, rows)
}

func (s *Store) GetReportSchedule(ctx context.Context, id string) (casereview.ReportSchedule, error) {
	if err := signedIn(ctx); err != nil {
		return casereview.ReportSchedule{}, err
	}
	sc, err := loadSchedule(s.read.WithContext(ctx), id)
	if err != nil {
		return sc, err
	}
	if !casereview.CanReadReportRuns(actorOf(ctx), sc) {
		return casereview.ReportSchedule{}, casereview.NotFound("report schedule")
	}
	return sc, nil
}

// changeableSchedule loads a schedule the caller may change (pause, resume, delete, run now).
func changeableSchedule(ctx context.Context, t *tx, id string) (casereview.ReportSchedule, error) {
	if err := signedIn(ctx); err != nil {
		return casereview.ReportSchedule{}, err
	}
	sc, err := loadSchedule(t.db, id)
	if err != nil {
		return sc, err
	}
	if !casereview.CanReadReportRuns(actorOf(ctx), sc) {
		return casereview.ReportSchedule{}, casereview.NotFound("report schedule")
	}
	if _, err := schedulableSummary(ctx, t.db, sc.SummaryID); err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return sc, deny(ctx, "only the summary's owner and admins change its schedules")
		}
		return sc, err
	}
	return sc, nil
}

// CheckReportRunAllowed refuses a run now by one who may not change the schedule.
func (s *Store) CheckReportRunAllowed(ctx context.Context, id string) (casereview.ReportSchedule, error) {
	var sc casereview.ReportSchedule
	err := s.read.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		var err error
		sc, err = changeableSchedule(ctx, &tx{db: db, ctx: ctx}, id)
		return err
	})
	return sc, err
}

func (s *Store) SetReportSchedulePaused(ctx context.Context, id string, paused bool) (casereview.ReportSchedule, error) {
	var out casereview.ReportSchedule
	err := s.inTx(ctx, func(t *tx) error {
		before, err := changeableSchedule(ctx, t, id)
		if err != nil {
			return err
		}
		up := map[string]any{"paused": paused, "updated_at": t.now}
		if !paused && before.Paused {
			// a resumed schedule runs at its next date from today: missed periods are not caught up
			up["next_run_on"] = dateOf(ptrDate(casereview.NextReportRun(before.Frequency, casereview.DateOf(t.now))))
		}
		if err := t.db.Model(&reportScheduleRow{}).Where("id = ?", before.ID).Updates(up).Error; err != nil {
			return err
		}
		if out, err = loadSchedule(t.db, before.ID); err != nil {
			return err
		}
		t.audit(casereview.AuditReportScheduleChanged, "report_schedule", out.ID, scheduleAudit(before), scheduleAudit(out))
		return nil
	})
	return out, err
}

func (s *Store) DeleteReportSchedule(ctx context.Context, id string) error {
	return s.inTx(ctx, func(t *tx) error {
		sc, err := changeableSchedule(ctx, t, id)
		if err != nil {
			return err
		}
		var runs int64
		if err := t.db.Model(&reportRunRow{}).Where("schedule_id = ?", sc.ID).Count(&runs).Error; err != nil {
			return err
		}
		before := scheduleAudit(sc)
		before["runs"] = runs
		t.audit(casereview.AuditReportUnscheduled, "report_schedule", sc.ID, before, nil)
		return t.db.Delete(&reportScheduleRow{ID: sc.ID}).Error
	})
}

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
