package store

import (
	"context"
	"slices"

	"github.com/casereview/casereview/internal/casereview"
)

var _ casereview.NotificationService = (*Store)(nil)

// signedInUser is the caller's user id, or an error for callers who are no person.
func signedInUser(ctx context.Context) (string, error) {
	a := actorOf(ctx)
	if a.UserID == "" {
		return "", deny(ctx, "notifications belong to a signed-in person")
	}
	return a.UserID, nil
}

func (s *Store) ListNotifications(ctx context.Context, unreadOnly bool, limit int) ([]casereview.Notification, int, error) {
	uid, err := signedInUser(ctx)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	q := s.read.WithContext(ctx).Where("user_id = ?", uid)
	if unreadOnly {
		q = q.Where("read_at IS NULL")
	}
	var rows []notificationRow
	if err := q.Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]casereview.Notification, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	unread, err := s.UnreadNotifications(ctx)
	return out, unread, err
}

func (s *Store) UnreadNotifications(ctx context.Context) (int, error) {
	uid, err := signedInUser(ctx)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.read.WithContext(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", uid).Count(&n).Error
	return int(n), translate(err)
}

func (s *Store) MarkNotificationsRead(ctx context.Context, ids []string) (int, error) {
	uid, err := signedInUser(ctx)
	if err != nil {
		return 0, err
	}
	var p casereview.Problems
	for i := range ids {
		ids[i] = casereview.CheckID(&p, "ids", ids[i], true)
	}
	if err := p.Err(); err != nil {
		return 0, err
	}
	var n int64
	err = s.inTx(ctx, func(t *tx) error {
		q := t.db.Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", uid)
		if len(ids) > 0 {
			q = q.Where("id IN ?", ids)
		}
		res := q.Update("read_at", t.now)
		if res.Error != nil {
			return res.Error
		}
		n = res.RowsAffected
		if n > 0 {
			t.audit(casereview.AuditNotificationsRead, "notifications", uid, nil, map[string]any{"read": n, "ids": ids})
		}
		return nil
	})
	return int(n), err
}

func (s *Store) NotificationPreferences(ctx context.Context) ([]casereview.NotificationPreference, error) {
	uid, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	mine, err := preferencesOf(s.read.WithContext(ctx), uid)
	if err != nil {
		return nil, translate(err)
	}
	return effective(mine), nil
}

// effective lists every kind with the delivery the person gets, in the order of the kinds.
func effective(mine []casereview.NotificationPreference) []casereview.NotificationPreference {
	out := make([]casereview.NotificationPreference, len(casereview.NotificationKinds))
	for i, k := range casereview.NotificationKinds {
		out[i] = casereview.NotificationPreference{Kind: k, Delivery: casereview.EffectiveDelivery(mine, k)}
	}
	return out
}

func (s *Store) SetNotificationPreferences(ctx context.Context, prefs []casereview.NotificationPreference) ([]casereview.NotificationPreference, error) {
	uid, err := signedInUser(ctx)
	if err != nil {
		return nil, err
	}
	if err := casereview.CheckPreferences(prefs); err != nil {
		return nil, err
	}
	var out []casereview.NotificationPreference
	err = s.inTx(ctx, func(t *tx) error {
		before, err := preferencesOf(t.db, uid)
		if err != nil {
			return err
		}
		for _, p := range prefs {
			if err := t.db.Where("user_id = ? AND kind = ?", uid, p.Kind).Delete(&preferenceRow{}).Error; err != nil {
				return err
			}
			if err := t.db.Create(&preferenceRow{UserID: uid, Kind: string(p.Kind), Delivery: string(p.Delivery)}).Error; err != nil {
				return err
			}
		}
		after, err := preferencesOf(t.db, uid)
		if err != nil {
			return err
		}
		out = effective(after)
		if !slices.Equal(effective(before), out) {
			// The record is the person's choices, known by their user id, as other audited records.
			rec := func(ps []casereview.NotificationPreference) map[string]any {
				return map[string]any{"ID": uid, "Preferences": ps}
			}
			t.audit(casereview.AuditNotificationPrefs, "notification_preferences", uid, rec(effective(before)), rec(out))
		}
		return nil
	})
	return out, err
}

func (s *Store) ListOutbox(ctx context.Context, f casereview.OutboxFilter, limit int) ([]casereview.OutboxMessage, error) {
	if !casereview.CanReadOutbox(actorOf(ctx)) {
		return nil, deny(ctx, "only admins read the outbox")
	}
	if f.Status != "" {
		var p casereview.Problems
		casereview.CheckEnum(&p, "status", f.Status, casereview.OutboxStatuses)
		if err := p.Err(); err != nil {
			return nil, err
		}
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	q := s.read.WithContext(ctx)
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	var rows []outboxRow
	if err := q.Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.OutboxMessage, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
