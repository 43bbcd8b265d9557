package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// The outbox sender's side of the store. A sender claims due rows for a lease; on PostgreSQL
// FOR UPDATE SKIP LOCKED lets senders on several replicas claim at once without ever claiming the
// same row, and the lease means a sender killed mid-send leaves its rows to be claimed again once
// it lapses. On SQLite the one writer connection serialises claims.

// ClaimOutbox claims up to n emails due now for owner until the lease ends.
func (s *Store) ClaimOutbox(ctx context.Context, owner string, n int, lease time.Duration) ([]casereview.OutboxMessage, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	lock := ""
	if s.dialect == migrations.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var rows []outboxRow
	err := s.write.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		return db.Raw(`UPDATE outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?
				AND (claimed_until IS NULL OR claimed_until < ?) ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
			RETURNING *`, owner, now.Add(lease), now, now, n).Scan(&rows).Error
	})
	if err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.OutboxMessage, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
		out[i].Body = r.Body
	}
	return out, nil
}

// OutboxLink is the path an outbox row links to (kept apart from its body for the check at send time).
func (s *Store) OutboxLink(ctx context.Context, id string) (string, error) {
	var links []string
	err := s.read.WithContext(ctx).Table("outbox").Where("id = ?", id).Pluck("link", &links).Error
	if err != nil || len(links) == 0 {
		return "", translate(err)
	}
	return links[0], nil
}

// errLeaseLost: the claim lapsed and another sender took the row.
var errLeaseLost = errors.New("outbox: the claim on this email lapsed before it was recorded")

// FinishOutbox records what became of a claimed email: sent, withheld, retried at next (err set,
// next non-zero) or failed for good (err set, next zero). Audited as the system.
func (s *Store) FinishOutbox(ctx context.Context, owner string, m casereview.OutboxMessage, status casereview.OutboxStatus, sendErr error, next time.Time) error {
	ctx = casereview.WithActor(ctx, casereview.System)
	return s.inTx(ctx, func(t *tx) error {
		up := map[string]any{"claimed_by": nil, "claimed_until": nil, "status": string(status)}
		var action casereview.AuditAction
		switch status {
		case casereview.OutboxSent:
			up["sent_at"], up["last_error"] = t.now, nil
			action = casereview.AuditEmailDelivered
		case casereview.OutboxWithheld:
			up["last_error"] = "the recipient may no longer read what it is about"
			action = casereview.AuditEmailWithheld
		case casereview.OutboxPending:
			up["next_attempt_at"], up["last_error"] = next.UTC(), errText(sendErr)
		case casereview.OutboxFailed:
			up["last_error"] = errText(sendErr)
			action = casereview.AuditEmailFailed
		}
		res := t.db.Model(&outboxRow{}).Where("id = ? AND claimed_by = ? AND status = 'pending'", m.ID, owner).Updates(up)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errLeaseLost
		}
		if action != "" {
			t.audit(action, "outbox", m.ID, nil, map[string]any{"kind": m.Kind, "recipient": m.RecipientEmail, "attempts": m.Attempts, "error": up["last_error"]})
		}
		return nil
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if len(s) > 1000 {
		s = s[:1000]
	}
	return s
}

// RecipientMayRead is the check at send time: an email to a person goes only while they are
// enabled and may read the recommendation it is about. An address without an account (a senior
// contact) is told only the summary line, which names no record, so it may always be sent.
func (s *Store) RecipientMayRead(ctx context.Context, m casereview.OutboxMessage) (bool, error) {
	if m.RecipientUserID == "" {
		return true, nil
	}
	db := s.read.WithContext(ctx)
	u, err := loadUser(db, m.RecipientUserID)
	if err != nil {
		if casereview.IsCode(err, casereview.CodeNotFound) {
			return false, nil
		}
		return false, err
	}
	if u.Disabled {
		return false, nil
	}
	if m.Kind == casereview.NotifyReportRun {
		return reportRunMayRead(db, u, m.ID)
	}
	if m.RecommendationID == "" {
		// A change to a followed review links to the review: it goes only while it is readable.
		if m.Kind != casereview.NotifyFollowed {
			return true, nil
		}
		link, err := s.OutboxLink(ctx, m.ID)
		if err != nil {
			return false, err
		}
		if id, ok := strings.CutPrefix(link, "/reviews/"); ok {
			x, found, err := followedOf(db, casereview.FollowReview, id)
			return found && x.mayRead(u.Actor()), err
		}
		return true, nil
	}
	ref, found, err := reviewRefOfRecommendation(db, m.RecommendationID)
	if err != nil || !found {
		return false, err
	}
	return casereview.CanReadRecommendation(u.Actor(), ref), nil
}

type leaseRow struct {
	Name       string     `gorm:"column:name;primaryKey"`
	Owner      *string    `gorm:"column:owner"`
	LeaseUntil *time.Time `gorm:"column:lease_until"`
	LastRunOn  nullDate   `gorm:"column:last_run_on"`
}

func (leaseRow) TableName() string { return "job_leases" }

// TakeLease gives owner the job name until the lease ends, unless another owner holds an
// unexpired lease; it also reports the last day the job completed. One replica runs each job.
func (s *Store) TakeLease(ctx context.Context, name, owner string, lease time.Duration) (bool, *casereview.Date, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var got bool
	var last *casereview.Date
	err := s.write.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		// ON CONFLICT: two replicas starting at once both find no row, and the second insert
		// must wait for the first and do nothing rather than fail the tick.
		if err := db.Exec("INSERT INTO job_leases (name) VALUES (?) ON CONFLICT (name) DO NOTHING", name).Error; err != nil {
			return err
		}
		res := db.Model(&leaseRow{}).Where("name = ? AND (owner IS NULL OR owner = ? OR lease_until IS NULL OR lease_until < ?)", name, owner, now).
			Updates(map[string]any{"owner": owner, "lease_until": now.Add(lease)})
		if res.Error != nil {
			return res.Error
		}
		got = res.RowsAffected == 1
		var row leaseRow
		if err := db.Where("name = ?", name).Take(&row).Error; err != nil {
			return err
		}
		last = row.LastRunOn.ptr()
		return nil
	})
	return got, last, translate(err)
}

// ReleaseLease ends owner's lease of name; done, when not nil, records the day the job completed.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string, done *casereview.Date) error {
	up := map[string]any{"owner": nil, "lease_until": nil}
	if done != nil {
		up["last_run_on"] = nullDate{D: *done, Valid: true}
	}
	return translate(s.write.WithContext(ctx).Model(&leaseRow{}).Where("name = ? AND owner = ?", name, owner).Updates(up).Error)
}

// OutboxDepth counts the outbox's emails by status, and says when the oldest email still
// waiting to be sent was queued (zero when none waits): the operator's view of a stuck sender.
func (s *Store) OutboxDepth(ctx context.Context) (map[casereview.OutboxStatus]int64, time.Time, error) {
	var rows []struct {
		Status string
		N      int64
	}
	if err := s.read.WithContext(ctx).Table("outbox").Select("status, COUNT(*) AS n").Group("status").Scan(&rows).Error; err != nil {
		return nil, time.Time{}, translate(err)
	}
	out := map[casereview.OutboxStatus]int64{}
	for _, st := range casereview.OutboxStatuses {
		out[st] = 0
	}
	for _, r := range rows {
		out[casereview.OutboxStatus(r.Status)] = r.N
	}
	var oldest []outboxRow
	err := s.read.WithContext(ctx).Select("created_at").Where("status = ?", casereview.OutboxPending).
		Order("created_at").Limit(1).Find(&oldest).Error
	if err != nil {
		return nil, time.Time{}, translate(err)
	}
	if len(oldest) == 0 {
		return out, time.Time{}, nil
	}
	return out, oldest[0].CreatedAt.UTC(), nil
}
