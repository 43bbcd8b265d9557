package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Notifications are written in the transaction of the change that causes them (the
// transactional outbox): a rolled-back change tells nobody, and a committed one cannot lose its
// emails. notification_events makes every event happen once: a second raise of the same key
// (the ladder run again, or on another replica) finds it and writes nothing.

type notificationEventRow struct {
	Key              string    `gorm:"column:key;primaryKey"`
	Kind             string    `gorm:"column:kind"`
	RecommendationID *string   `gorm:"column:recommendation_id"`
	OrganisationID   *string   `gorm:"column:organisation_id"`
	Summary          string    `gorm:"column:summary"`
	CreatedAt        time.Time `gorm:"column:created_at"`
}

func (notificationEventRow) TableName() string { return "notification_events" }

type notificationRow struct {
	ID               string     `gorm:"column:id;primaryKey"`
	UserID           string     `gorm:"column:user_id"`
	EventKey         string     `gorm:"column:event_key"`
	Kind             string     `gorm:"column:kind"`
	Summary          string     `gorm:"column:summary"`
	Link             string     `gorm:"column:link"`
	RecommendationID *string    `gorm:"column:recommendation_id"`
	Email            string     `gorm:"column:email"`
	DigestedAt       *time.Time `gorm:"column:digested_at"`
	ReadAt           *time.Time `gorm:"column:read_at"`
	CreatedAt        time.Time  `gorm:"column:created_at"`
}

func (notificationRow) TableName() string { return "notifications" }

func (r notificationRow) domain() casereview.Notification {
	n := casereview.Notification{ID: r.ID, Kind: casereview.NotificationKind(r.Kind), Summary: r.Summary, Link: r.Link,
		RecommendationID: deref(r.RecommendationID), Email: casereview.Delivery(r.Email), CreatedAt: r.CreatedAt.UTC()}
	if r.ReadAt != nil {
		t := r.ReadAt.UTC()
		n.ReadAt = &t
	}
	return n
}

type outboxRow struct {
	ID               string     `gorm:"column:id;primaryKey"`
	EventKey         string     `gorm:"column:event_key"`
	Kind             string     `gorm:"column:kind"`
	RecipientUserID  *string    `gorm:"column:recipient_user_id"`
	RecipientEmail   string     `gorm:"column:recipient_email"`
	Subject          string     `gorm:"column:subject"`
	Body             string     `gorm:"column:body"`
	Link             string     `gorm:"column:link"`
	RecommendationID *string    `gorm:"column:recommendation_id"`
	Status           string     `gorm:"column:status"`
	Attempts         int        `gorm:"column:attempts"`
	NextAttemptAt    time.Time  `gorm:"column:next_attempt_at"`
	ClaimedBy        *string    `gorm:"column:claimed_by"`
	ClaimedUntil     *time.Time `gorm:"column:claimed_until"`
	LastError        *string    `gorm:"column:last_error"`
	SentAt           *time.Time `gorm:"column:sent_at"`
	CreatedAt        time.Time  `gorm:"column:created_at"`
}

func (outboxRow) TableName() string { return "outbox" }

func (r outboxRow) domain() casereview.OutboxMessage {
	m := casereview.OutboxMessage{ID: r.ID, Kind: casereview.NotificationKind(r.Kind), RecipientUserID: deref(r.RecipientUserID),
		RecipientEmail: r.RecipientEmail, Subject: r.Subject, Body: r.Body, RecommendationID: deref(r.RecommendationID),
		Status: casereview.OutboxStatus(r.Status), Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt.UTC(), LastError: deref(r.LastError),
		CreatedAt: r.CreatedAt.UTC()}
	if r.SentAt != nil {
		t := r.SentAt.UTC()
		m.SentAt = &t
	}
	return m
}

// LinkPlaceholder stands for the service's public address in an outbox body; the sender puts
// the configured address in its place (CASEREVIEW_PUBLIC_URL), so a change of address does not
// leave stale links in waiting emails.
const LinkPlaceholder = "{{base}}"

// event is one thing that happened that people are told of.
type event struct {
	key              string
	kind             casereview.NotificationKind
	recommendationID string
	organisationID   string // the organisation concerned (its editors, its senior contact)
	summary          string
	link             string
	// to, when set, are the recipients (a saved search's owner, a record's followers) instead
	// of the kind's audiences; auditType and auditID then name what the audit event is about.
	to                 []recipient
	auditType, auditID string
}

type recipient struct {
	userID, email string
}

// raise records ev once, with a notification for every recipient who has an account and an
// outbox row for every email due at once, and audits it. It reports whether ev was new.
func raise(t *tx, ev event) (bool, error) { return raiseAudited(t, ev, true) }

// raiseWith records ev as part of another audited change (evidence rejected, a claim sent back,
// an assessment): that change's event, in the same transaction, already records the write.
func raiseWith(t *tx, ev event) (bool, error) { return raiseAudited(t, ev, false) }

func raiseAudited(t *tx, ev event, audited bool) (bool, error) {
	res := t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&notificationEventRow{Key: ev.key, Kind: string(ev.kind),
		RecommendationID: optional(ev.recommendationID), OrganisationID: optional(ev.organisationID), Summary: ev.summary, CreatedAt: t.now})
	if res.Error != nil {
		return false, fmt.Errorf("record notification event: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return false, nil
	}
	recips := ev.to
	if recips == nil {
		var err error
		if recips, err = recipientsOf(t.db, ev); err != nil {
			return false, err
		}
	}
	for _, r := range recips {
		delivery := casereview.DeliverImmediately // a senior contact without an account: at once
		if r.userID != "" {
			prefs, err := preferencesOf(t.db, r.userID)
			if err != nil {
				return false, err
			}
			delivery = casereview.EffectiveDelivery(prefs, ev.kind)
			n := notificationRow{ID: newID(), UserID: r.userID, EventKey: ev.key, Kind: string(ev.kind), Summary: ev.summary, Link: ev.link,
				RecommendationID: optional(ev.recommendationID), Email: string(delivery), CreatedAt: t.now}
			if delivery == casereview.DeliverImmediately || delivery == casereview.DeliverOff {
				n.DigestedAt = &t.now // no digest will pick it up
			}
			if err := t.db.Create(&n).Error; err != nil {
				return false, err
			}
		}
		if delivery == casereview.DeliverImmediately {
			if err := enqueue(t, ev.key, ev.kind, r, subjectOf(ev.kind, ev.summary), emailBody([]emailLine{{ev.summary, ev.link}}), ev.link, ev.recommendationID); err != nil {
				return false, err
			}
		}
	}
	if !audited {
		return true, nil
	}
	action := casereview.AuditNotified
	if ev.kind == casereview.NotifyEscalation {
		action = casereview.AuditEscalated
	}
	typ, id := "organisation", ev.organisationID
	if ev.recommendationID != "" {
		typ, id = "recommendation", ev.recommendationID
	}
	if ev.auditType != "" {
		typ, id = ev.auditType, ev.auditID
	}
	t.audit(action, typ, id, nil, map[string]any{"event": ev.key, "kind": ev.kind, "summary": ev.summary, "recipients": len(recips)})
	return true, nil
}

// enqueue writes one email to the outbox.
func enqueue(t *tx, key string, kind casereview.NotificationKind, r recipient, subject, body, link, recommendationID string) error {
	return t.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&outboxRow{ID: newID(), EventKey: key, Kind: string(kind),
		RecipientUserID: optional(r.userID), RecipientEmail: r.email, Subject: subject, Body: body, Link: link,
		RecommendationID: optional(recommendationID), Status: string(casereview.OutboxPending), NextAttemptAt: t.now, CreatedAt: t.now}).Error
}

func subjectOf(kind casereview.NotificationKind, summary string) string {
	s := "Case review: " + summary
	if len(s) > 150 {
		s = s[:150]
	}
	return s
}

type emailLine struct{ summary, link string }

// emailBody is the plain text of an email: a summary line and a link per item, nothing of the
// record itself (the recipient signs in to read it, under their permissions of the day).
func emailBody(lines []emailLine) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.summary + "\n" + LinkPlaceholder + l.link + "\n\n")
	}
	b.WriteString("Sign in to read the record. Choose which emails you get on your account page: " + LinkPlaceholder + "/account\n")
	return b.String()
}

// recipientsOf resolves ev's audiences to people, each address once.
func recipientsOf(db *gorm.DB, ev event) ([]recipient, error) {
	var out []recipient
	seen := map[string]bool{}
	add := func(rs []recipient) {
		for _, r := range rs {
			if r.email != "" && !seen[r.email] {
				seen[r.email] = true
				out = append(out, r)
			}
		}
	}
	for _, a := range casereview.Audiences(ev.kind) {
		var rows []struct {
			ID    string `gorm:"column:id"`
			Email string `gorm:"column:email"`
		}
		q := db.Table("users").Select("DISTINCT users.id, users.email").Joins("JOIN memberships m ON m.user_id = users.id").
			Where("users.disabled = ?", false).Order("users.email")
		switch a {
		case casereview.AudienceSearchOwner, casereview.AudienceFollowers:
			continue // named by the event itself (event.to), under each one's permissions
		case casereview.AudienceOrgEditors:
			if ev.organisationID == "" {
				continue
			}
			q = q.Where("m.role = ? AND m.organisation_id = ?", casereview.RoleAgencyEditor, ev.organisationID)
		case casereview.AudienceOversight:
			q = q.Where("m.role = ?", casereview.RoleOversight)
		case casereview.AudienceSeniorContact:
			var contact []string
			if err := db.Table("organisations").Where("id = ? AND senior_contact_email <> ''", ev.organisationID).
				Pluck("senior_contact_email", &contact).Error; err != nil || len(contact) == 0 {
				if err != nil {
					return nil, err
				}
				continue
			}
			// A senior contact with an account also sees it in their notification centre.
			q = db.Table("users").Select("id, email").Where("email = ? AND disabled = ?", contact[0], false)
			if err := q.Find(&rows).Error; err != nil {
				return nil, err
			}
			if len(rows) == 0 {
				add([]recipient{{email: contact[0]}})
				continue
			}
			add([]recipient{{userID: rows[0].ID, email: rows[0].Email}})
			continue
		}
		if err := q.Find(&rows).Error; err != nil {
			return nil, err
		}
		for _, r := range rows {
			add([]recipient{{userID: r.ID, email: r.Email}})
		}
	}
	return out, nil
}

type preferenceRow struct {
	UserID   string `gorm:"column:user_id;primaryKey"`
	Kind     string `gorm:"column:kind;primaryKey"`
	Delivery string `gorm:"column:delivery"`
}

func (preferenceRow) TableName() string { return "notification_preferences" }

func preferencesOf(db *gorm.DB, userID string) ([]casereview.NotificationPreference, error) {
	var rows []preferenceRow
	if err := db.Where("user_id = ?", userID).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]casereview.NotificationPreference, len(rows))
	for i, r := range rows {
		out[i] = casereview.NotificationPreference{Kind: casereview.NotificationKind(r.Kind), Delivery: casereview.Delivery(r.Delivery)}
	}
	return out, nil
}

// organisationName is the name a summary line gives an organisation.
func organisationName(db *gorm.DB, id string) (string, error) {
	var names []string
	if err := db.Table("organisations").Where("id = ?", id).Pluck("name", &names).Error; err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "an organisation", nil
	}
	return names[0], nil
}

// raiseSentBack tells the action's organisation at once that oversight sent its work back
// (evidence rejected, a claim sent back); what names the organisation with %s.
func raiseSentBack(t *tx, key, recommendationID, actionID, what string) error {
	var orgs []string
	if err := t.db.Table("actions").Where("id = ?", actionID).Pluck("organisation_id", &orgs).Error; err != nil || len(orgs) == 0 {
		return err
	}
	name, err := organisationName(t.db, orgs[0])
	if err != nil {
		return err
	}
	_, err = raiseWith(t, event{key: key, kind: casereview.NotifySentBack, recommendationID: recommendationID, organisationID: orgs[0],
		summary: fmt.Sprintf(what, name), link: "/recommendations/" + recommendationID})
	return err
}

// raiseUnacceptable tells the addressed organisations at once that oversight judged the
// response unacceptable.
func raiseUnacceptable(t *tx, assessmentID, recommendationID string) error {
	var orgs []string
	if err := t.db.Table("addressees").Where("recommendation_id = ? AND role IN ?", recommendationID, []string{"lead", "supporting"}).
		Order("position").Pluck("organisation_id", &orgs).Error; err != nil {
		return err
	}
	for _, org := range orgs {
		name, err := organisationName(t.db, org)
		if err != nil {
			return err
		}
		if _, err := raiseWith(t, event{key: "unacceptable:" + assessmentID + ":" + org, kind: casereview.NotifySentBack, recommendationID: recommendationID,
			organisationID: org, summary: "Oversight judged the response of " + name + " unacceptable", link: "/recommendations/" + recommendationID}); err != nil {
			return err
		}
	}
	return nil
}
