package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

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
