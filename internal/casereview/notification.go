package casereview

import (
	"context"
	"fmt"
	"time"
)

// Notifications (issue 18): what the service tells people, in their notification centre and by
// email. Who gets which kind is decided here (Audiences); the store writes them in the same
// transaction as the change that causes them, and the outbox sender delivers the emails.

// NotificationKind says what a notification is about; people choose a delivery per kind.
type NotificationKind string

const (
	NotifyDueSoon     NotificationKind = "due_soon"      // a response or an action falls due within a reminder step
	NotifyOverdue     NotificationKind = "overdue"       // a response or an action is overdue (again each period)
	NotifyEscalation  NotificationKind = "escalation"    // overdue past the escalation period: senior contact and oversight
	NotifySentBack    NotificationKind = "sent_back"     // evidence rejected, a claim sent back, a response judged unacceptable
	NotifyFollowUpDue NotificationKind = "follow_up_due" // a closed recommendation's follow-up check has come
	NotifySearchAlert NotificationKind = "search_alert"  // new or changed recommendations match a watched saved search
	NotifyFollowed    NotificationKind = "followed"      // a recommendation or review the person follows changed
	NotifyReportRun   NotificationKind = "report_run"    // a scheduled report ran (its subscribers)
)

var NotificationKinds = []NotificationKind{NotifyDueSoon, NotifyOverdue, NotifyEscalation, NotifySentBack, NotifyFollowUpDue, NotifySearchAlert, NotifyFollowed, NotifyReportRun}

// Label is the kind in words, for the account page and emails.
func (k NotificationKind) Label() string {
	switch k {
	case NotifyDueSoon:
		return "Reminders before something is due"
	case NotifyOverdue:
		return "Overdue responses and actions"
	case NotifyEscalation:
		return "Escalations"
	case NotifySentBack:
		return "Evidence rejected, claims sent back, responses judged unacceptable"
	case NotifyFollowUpDue:
		return "Follow-up checks of closed recommendations"
	case NotifySearchAlert:
		return "New or changed recommendations matching a saved search you watch"
	case NotifyFollowed:
		return "Changes to recommendations and reviews you follow"
	case NotifyReportRun:
		return "Scheduled reports you subscribe to"
	}
	return string(k)
}

// Mandatory reports whether a person may not turn the kind's email off (they may still take it
// in a digest): an escalation must reach its recipients.
func (k NotificationKind) Mandatory() bool { return k == NotifyEscalation }

// Delivery is how a person takes one kind of notification by email. Every notification is
// shown in the notification centre whatever the delivery.
type Delivery string

const (
	DeliverImmediately Delivery = "immediately"
	DeliverDaily       Delivery = "daily"
	DeliverWeekly      Delivery = "weekly"
	DeliverOff         Delivery = "off"
)

var Deliveries = []Delivery{DeliverImmediately, DeliverDaily, DeliverWeekly, DeliverOff}

// Label is the delivery in words.
func (d Delivery) Label() string {
	switch d {
	case DeliverImmediately:
		return "Immediately"
	case DeliverDaily:
		return "In a daily digest"
	case DeliverWeekly:
		return "In a weekly digest"
	case DeliverOff:
		return "Not by email"
	}
	return string(d)
}

// Audience is a group of recipients a kind goes to.
type Audience string

const (
	AudienceOrgEditors    Audience = "organisation_editors" // the agency editors of the organisation concerned
	AudienceSeniorContact Audience = "senior_contact"       // the organisation's named senior contact (an address, maybe no account)
	AudienceOversight     Audience = "oversight"            // every oversight officer
	AudienceSearchOwner   Audience = "search_owner"         // a watched saved search's owner, if they may read what matched
	AudienceFollowers     Audience = "followers"            // those following the record who may read it, but not who changed it
	AudienceSubscribers   Audience = "subscribers"          // a report schedule's subscribers who may read its scope (store/report_schedules.go)
)

// Audiences says who gets each kind: the rules of issue 18 §2.
func Audiences(k NotificationKind) []Audience {
	switch k {
	case NotifyDueSoon, NotifyOverdue, NotifySentBack:
		return []Audience{AudienceOrgEditors}
	case NotifyEscalation:
		return []Audience{AudienceSeniorContact, AudienceOversight}
	case NotifyFollowUpDue:
		return []Audience{AudienceOversight}
	case NotifySearchAlert:
		return []Audience{AudienceSearchOwner}
	case NotifyFollowed:
		return []Audience{AudienceFollowers}
	case NotifyReportRun:
		return []Audience{AudienceSubscribers}
	}
	return nil
}

// NotificationPreference is one person's delivery of one kind.
type NotificationPreference struct {
	Kind     NotificationKind
	Delivery Delivery
}

// DefaultDelivery is the delivery of a kind nobody chose one for.
func DefaultDelivery(NotificationKind) Delivery { return DeliverImmediately }

// CheckPreferences validates a person's choices: known kinds and deliveries, and none turning
// off a mandatory kind.
func CheckPreferences(prefs []NotificationPreference) error {
	var p Problems
	for i, x := range prefs {
		f := fmt.Sprintf("preferences[%d]", i)
		CheckEnum(&p, f+".kind", x.Kind, NotificationKinds)
		CheckEnum(&p, f+".delivery", x.Delivery, Deliveries)
		if x.Kind.Mandatory() && x.Delivery == DeliverOff {
			p.Add(f+".delivery", FieldInvalid, "%s cannot be turned off: choose immediately, daily or weekly", x.Kind.Label())
		}
	}
	return p.Err()
}

// EffectiveDelivery is the delivery a person gets for a kind given their choices.
func EffectiveDelivery(prefs []NotificationPreference, k NotificationKind) Delivery {
	for _, x := range prefs {
		if x.Kind == k {
			if k.Mandatory() && x.Delivery == DeliverOff {
				return DefaultDelivery(k)
			}
			return x.Delivery
		}
	}
	return DefaultDelivery(k)
}

// Notification is one entry of a person's notification centre.
type Notification struct {
	ID               string
	Kind             NotificationKind
	Summary          string // one line, never restricted content beyond what the person may read
	Link             string // the path of the record it is about, e.g. /recommendations/{id}
	RecommendationID string
	Email            Delivery
	ReadAt           *time.Time
	CreatedAt        time.Time
}

// OutboxStatus is where an email stands.
type OutboxStatus string

const (
	OutboxPending  OutboxStatus = "pending"  // waiting to be sent (kept so when no SMTP server is configured)
	OutboxSent     OutboxStatus = "sent"     // delivered to the SMTP server
	OutboxFailed   OutboxStatus = "failed"   // given up after the last attempt
	OutboxWithheld OutboxStatus = "withheld" // its recipient could no longer read what it is about at send time
)

var OutboxStatuses = []OutboxStatus{OutboxPending, OutboxSent, OutboxFailed, OutboxWithheld}

// OutboxMessage is one email of the outbox.
type OutboxMessage struct {
	ID               string
	Kind             NotificationKind
	RecipientUserID  string
	RecipientEmail   string
	Subject          string
	Body             string
	RecommendationID string
	Status           OutboxStatus
	Attempts         int
	NextAttemptAt    time.Time
	LastError        string
	SentAt           *time.Time
	CreatedAt        time.Time
}

// OutboxFilter narrows the admin's outbox list.
type OutboxFilter struct {
	Status OutboxStatus
}

// NotificationService is the notification centre and the outbox, as the front ends use them.
type NotificationService interface {
	// ListNotifications is the caller's newest limit notifications (newest first), and how many
	// of all theirs are unread.
	ListNotifications(ctx context.Context, unreadOnly bool, limit int) ([]Notification, int, error)
	UnreadNotifications(ctx context.Context) (int, error)
	// MarkNotificationsRead marks the caller's notifications read (all of them when ids is empty).
	MarkNotificationsRead(ctx context.Context, ids []string) (int, error)
	NotificationPreferences(ctx context.Context) ([]NotificationPreference, error)
	SetNotificationPreferences(ctx context.Context, prefs []NotificationPreference) ([]NotificationPreference, error)
	// ListOutbox is the outbox, newest first, for admins (CanReadOutbox).
	ListOutbox(ctx context.Context, f OutboxFilter, limit int) ([]OutboxMessage, error)
}

// CanReadOutbox: the outbox holds emails to everyone, so only admins (and the system) read it.
func CanReadOutbox(a Actor) bool { return a.IsSystem() || a.IsAdmin() }
