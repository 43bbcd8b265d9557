package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

type auditRow struct {
	Seq                 int64     `gorm:"column:seq;primaryKey"`
	OccurredAt          time.Time `gorm:"column:occurred_at"`
	ActorUserID         *string   `gorm:"column:actor_user_id"`
	ActorName           string    `gorm:"column:actor_name"`
	ActorOrganisationID *string   `gorm:"column:actor_organisation_id"`
	Action              string    `gorm:"column:action"`
	EntityType          string    `gorm:"column:entity_type"`
	EntityID            string    `gorm:"column:entity_id"`
	BeforeJSON          *string   `gorm:"column:before_json"`
	AfterJSON           *string   `gorm:"column:after_json"`
	RequestID           string    `gorm:"column:request_id"`
	ClientIP            string    `gorm:"column:client_ip"`
	PrevHash            string    `gorm:"column:prev_hash"`
	Hash                string    `gorm:"column:hash"`
}

func (auditRow) TableName() string { return "audit_events" }

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (r auditRow) domain() casereview.AuditEvent {
	return casereview.AuditEvent{Seq: r.Seq, OccurredAt: r.OccurredAt.UTC(), ActorUserID: deref(r.ActorUserID), ActorName: r.ActorName,
		ActorOrganisationID: deref(r.ActorOrganisationID), Action: casereview.AuditAction(r.Action), EntityType: r.EntityType,
		EntityID: r.EntityID, Before: deref(r.BeforeJSON), After: deref(r.AfterJSON), RequestID: r.RequestID, ClientIP: r.ClientIP,
		PrevHash: r.PrevHash, Hash: r.Hash}
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func snapshot(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit snapshot: %w", err)
	}
	return string(b), nil
}

// appendAudit chains this transaction's events onto the head read under the journal lock and
// moves the head to the last of them.
func (t *tx) appendAudit(head headRow) error {
	if len(t.events) == 0 && !t.rekey {
		return nil
	}
	actor := casereview.ActorFrom(t.ctx)
	req := casereview.RequestInfoFrom(t.ctx)
	org := ""
	if orgs := actor.EditorOrganisations(); len(orgs) > 0 {
		org = orgs[0]
	}
	prev, seq, keyID := head.AuditHash, head.AuditSeq, head.KeyID
	events := t.events
	if t.rekey && t.keys != nil && head.KeyID != t.keys.CurrentID() {
		// Decided under the head's lock, so replicas starting together write one marker.
		marker := pendingEvent{action: casereview.AuditChainKeyed, typ: "audit_chain", id: "head",
			after: casereview.ChainKeyedDetail{KeyID: t.keys.CurrentID(), PreviousKeyID: head.KeyID}}
		events = append([]pendingEvent{marker}, events...)
	}
	if len(events) == 0 {
		return nil
	}
	var key []byte
	if keyID != "" {
		var ok bool
		if key, ok = t.keys.ChainKey(keyID); !ok {
			return &casereview.Error{Code: casereview.CodeInternal, Message: "the audit chain is keyed with key " + keyID +
				", which this server does not hold: start it with the CASEREVIEW_SECRET_KEY the chain was keyed with (or that key as CASEREVIEW_SECRET_KEY_OLD)"}
		}
	}
	rows := make([]auditRow, len(events))
	for i, p := range events {
		before, err := snapshot(p.before)
		if err != nil {
			return err
		}
		after, err := snapshot(p.after)
		if err != nil {
			return err
		}
		seq++
		e := casereview.AuditEvent{Seq: seq, OccurredAt: t.now, ActorUserID: actor.UserID, ActorName: actor.Name,
			ActorOrganisationID: org, Action: p.action, EntityType: p.typ, EntityID: p.id, Before: before, After: after,
			RequestID: req.RequestID, ClientIP: req.ClientIP, PrevHash: prev}
		if p.action == casereview.AuditChainKeyed {
			keyID = t.keys.CurrentID()
			key, _ = t.keys.ChainKey(keyID)
		}
		if keyID == "" {
			e.Hash = e.ComputeHash()
		} else {
			e.Hash = e.ComputeMAC(key)
		}
		prev = e.Hash
		rows[i] = auditRow{Seq: e.Seq, OccurredAt: e.OccurredAt, ActorUserID: optional(e.ActorUserID), ActorName: e.ActorName,
			ActorOrganisationID: optional(e.ActorOrganisationID), Action: string(e.Action), EntityType: e.EntityType, EntityID: e.EntityID,
			BeforeJSON: optional(e.Before), AfterJSON: optional(e.After), RequestID: e.RequestID, ClientIP: e.ClientIP,
			PrevHash: e.PrevHash, Hash: e.Hash}
	}
	if err := t.db.CreateInBatches(&rows, 1000).Error; err != nil { // 14 columns: within any bind limit
		return fmt.Errorf("append audit events: %w", err)
	}
	return t.db.Exec("UPDATE journal_head SET audit_seq = ?, audit_hash = ?, audit_key_id = ? WHERE id = 1", seq, prev, keyID).Error
}

// Audit records events that change no data (a failed sign-in, an export) in a transaction of
// their own, so they join the same chain as every write.
func (s *Store) Audit(ctx context.Context, action casereview.AuditAction, typ, id string, detail any) error {
	return s.inTx(ctx, func(t *tx) error {
		t.audit(action, typ, id, nil, detail)
		return nil
	})
}

// ListAudit returns events matching f, newest first; before, when not zero, continues from an
// earlier page.
func (s *Store) ListAudit(ctx context.Context, f casereview.AuditFilter, limit int, before int64) (casereview.AuditPage, error) {
	if !casereview.CanReadAudit(casereview.ActorFrom(ctx)) {
		return casereview.AuditPage{}, casereview.Deny(casereview.ActorFrom(ctx), "only oversight officers and admins read the audit trail")
	}
	if limit < 1 || limit > casereview.MaxPageSize {
		limit = casereview.DefaultPageSize
	}
	query := func() *gorm.DB {
		q := s.read.WithContext(ctx).Model(&auditRow{})
		eq := map[string]string{"actor_user_id": f.ActorUserID, "actor_organisation_id": f.OrganisationID,
			"entity_type": f.EntityType, "entity_id": f.EntityID, "action": f.Action}
		for col, v := range eq {
			if v != "" {
				q = q.Where(col+" = ?", v)
			}
		}
		if f.From != nil {
			q = q.Where("occurred_at >= ?", f.From.UTC())
		}
		if f.To != nil {
			q = q.Where("occurred_at < ?", f.To.UTC())
		}
		return q
	}
	var out casereview.AuditPage
	if err := query().Count(&out.Total).Error; err != nil {
		return out, translate(err)
	}
	q := query()
	if before > 0 {
		q = q.Where("seq < ?", before)
	}
	var rows []auditRow
	if err := q.Order("seq DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return out, translate(err)
	}
	if len(rows) > limit {
		rows = rows[:limit]
		out.Before = rows[len(rows)-1].Seq
	}
	out.Items = make([]casereview.AuditEvent, len(rows))
	for i, r := range rows {
		out.Items[i] = r.domain()
	}
	return out, nil
}

// VerifyAudit walks the whole chain in sequence order, a batch at a time, and reports the first
// broken link.
func (s *Store) VerifyAudit(ctx context.Context, checkpoints []casereview.Checkpoint) (casereview.ChainCheck, error) {
	if !casereview.CanReadAudit(casereview.ActorFrom(ctx)) {
		return casereview.ChainCheck{}, casereview.Deny(casereview.ActorFrom(ctx), "only oversight officers and admins verify the audit trail")
	}
	// The head and the events are read in one snapshot. Every write commits its events together
	// with the head, so in a snapshot any event numbered beyond the head (or below 1) was put
	// there behind the application's back, and the walk must see it rather than stop at the head.
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == migrations.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	var v casereview.ChainVerifier
	v.UseKeys(s.auditKeys)
	if len(checkpoints) > 0 {
		if err := v.UseCheckpoints(checkpoints); err != nil {
			return casereview.ChainCheck{}, err
		}
	}
	var res casereview.ChainCheck
	err := s.read.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		var head headRow
		if err := db.Raw("SELECT seq, audit_seq, audit_hash, audit_key_id FROM journal_head WHERE id = 1").Scan(&head).Error; err != nil {
			return err
		}
		after, started := int64(0), false // no lower bound at first: a forged event may be numbered 0 or below
		for {
			var rows []auditRow
			q := db.Order("seq").Limit(1000)
			if started {
				q = q.Where("seq > ?", after)
			}
			if err := q.Find(&rows).Error; err != nil {
				return err
			}
			for _, r := range rows {
				if !v.Next(r.domain()) {
					res = v.Finish(head.AuditSeq, head.AuditHash)
					return nil
				}
				after, started = r.Seq, true
			}
			if len(rows) < 1000 {
				res = v.Finish(head.AuditSeq, head.AuditHash)
				return nil
			}
		}
	}, opts)
	if err != nil {
		return casereview.ChainCheck{}, translate(err)
	}
	return res, nil
}
