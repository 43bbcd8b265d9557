package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// ReminderRun says what one evaluation of the ladder did.
type ReminderRun struct {
	Events      int // new events raised (reminders, escalations, follow-ups)
	Escalations int
	Digests     int // digest emails queued
}

type dueCandidate struct {
	RecommendationID string   `gorm:"column:recommendation_id"`
	ActionID         string   `gorm:"column:action_id"`
	OrganisationID   string   `gorm:"column:organisation_id"`
	OrganisationName string   `gorm:"column:organisation_name"`
	Due              nullDate `gorm:"column:due"`
}

// The open, not-historic recommendations (the same rules as the derived flags: see flags.go).
const ladderOpen = "r.oversight_status NOT LIKE 'closed\\_%' ESCAPE '\\'" +
	" AND NOT (r.response_status = 'awaiting_response' AND r.last_activity_on IS NULL AND r.issued_on < @historic)"

// EvaluateReminders runs the reminder and escalation ladder as of asOf (issue 18 §2): responses
// and actions due within a before-due step, overdue ones each period, escalations, and
// follow-up checks that have come. It is idempotent: each step of each due date is raised once.
func (s *Store) EvaluateReminders(ctx context.Context, asOf casereview.Date, l casereview.Ladder) (ReminderRun, error) {
	if !actorOf(ctx).IsSystem() {
		return ReminderRun{}, deny(ctx, "only the service itself evaluates reminders")
	}
	var run ReminderRun
	db := s.read.WithContext(ctx)
	horizon := asOf.AddDays(l.MaxBefore())
	args := map[string]any{"horizon": dateOf(&horizon), "historic": dateOf(ptrDate(asOf.AddDays(-365 * casereview.HistoricYears)))}
	var responses []dueCandidate
	if err := db.Raw(`SELECT r.id AS recommendation_id, r.response_due AS due, a.organisation_id, o.name AS organisation_name
		FROM recommendations r JOIN addressees a ON a.recommendation_id = r.id AND a.role IN ('lead', 'supporting')
		JOIN organisations o ON o.id = a.organisation_id
		WHERE `+ladderOpen+` AND r.response_status = 'awaiting_response' AND r.response_due IS NOT NULL AND r.response_due <= @horizon
		ORDER BY r.id, a.organisation_id`, args).Scan(&responses).Error; err != nil {
		return run, translate(err)
	}
	var actions []dueCandidate
	if err := db.Raw(`SELECT r.id AS recommendation_id, x.id AS action_id, x.target_date AS due, x.organisation_id, o.name AS organisation_name
		FROM actions x JOIN recommendations r ON r.id = x.recommendation_id JOIN organisations o ON o.id = x.organisation_id
		WHERE `+ladderOpen+` AND x.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
		AND x.completion_date IS NULL AND x.target_date IS NOT NULL AND x.target_date <= @horizon
		ORDER BY r.id, x.id`, args).Scan(&actions).Error; err != nil {
		return run, translate(err)
	}
	// An open milestone of an unfinished action counts as the action's target does (the flags say so).
	var milestones []dueCandidate
	if err := db.Raw(`SELECT r.id AS recommendation_id, m.id AS action_id, m.due_date AS due, x.organisation_id, o.name AS organisation_name
		FROM milestones m JOIN actions x ON x.id = m.action_id JOIN recommendations r ON r.id = m.recommendation_id
		JOIN organisations o ON o.id = x.organisation_id
		WHERE `+ladderOpen+` AND x.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
		AND x.completion_date IS NULL AND m.done_date IS NULL AND m.due_date IS NOT NULL AND m.due_date <= @horizon
		ORDER BY r.id, m.id`, args).Scan(&milestones).Error; err != nil {
		return run, translate(err)
	}
	for _, subject := range []casereview.DueSubject{casereview.DueResponse, casereview.DueAction, casereview.DueMilestone} {
		cands := map[casereview.DueSubject][]dueCandidate{casereview.DueResponse: responses, casereview.DueAction: actions, casereview.DueMilestone: milestones}[subject]
		for _, c := range cands {
			if !c.Due.Valid {
				continue
			}
			id := c.RecommendationID
			if subject != casereview.DueResponse {
				id = c.ActionID // the action's or the milestone's id
			}
			for _, step := range l.Steps(c.Due.D, asOf) {
				ev := event{key: casereview.LadderEventKey(subject, id, c.OrganisationID, c.Due.D, step), kind: step.Kind,
					recommendationID: c.RecommendationID, organisationID: c.OrganisationID,
					summary: casereview.LadderSummary(subject, c.OrganisationName, step), link: "/recommendations/" + c.RecommendationID}
				if err := s.raiseOne(ctx, ev, &run); err != nil {
					return run, err
				}
			}
		}
	}
	var follow []dueCandidate
	if err := db.Raw(`SELECT r.id AS recommendation_id, r.follow_up_on AS due FROM recommendations r
		WHERE r.oversight_status LIKE 'closed\_%' ESCAPE '\' AND r.follow_up_on IS NOT NULL AND r.follow_up_on <= ?
		ORDER BY r.id`, dateOf(&asOf)).Scan(&follow).Error; err != nil {
		return run, translate(err)
	}
	for _, c := range follow {
		ev := event{key: fmt.Sprintf("follow_up:%s:%s", c.RecommendationID, c.Due.D), kind: casereview.NotifyFollowUpDue,
			recommendationID: c.RecommendationID, summary: "The follow-up check of a closed recommendation is due (" + c.Due.D.String() + ")",
			link: "/recommendations/" + c.RecommendationID}
		if err := s.raiseOne(ctx, ev, &run); err != nil {
			return run, err
		}
	}
	return run, nil
}

func ptrDate(d casereview.Date) *casereview.Date { return &d }

func (s *Store) raiseOne(ctx context.Context, ev event, run *ReminderRun) error {
	return s.inTx(ctx, func(t *tx) error {
		isNew, err := raise(t, ev)
		if isNew {
			run.Events++
			if ev.kind == casereview.NotifyEscalation {
				run.Escalations++
			}
		}
		return err
	})
}

// QueueDigests gathers the notifications people take in a daily digest (and, when weekly is
// set, a weekly one) that no digest has carried yet into one email each.
func (s *Store) QueueDigests(ctx context.Context, asOf casereview.Date, weekly bool) (int, error) {
	if !actorOf(ctx).IsSystem() {
		return 0, deny(ctx, "only the service itself sends digests")
	}
	kinds := []string{string(casereview.DeliverDaily)}
	if weekly {
		kinds = append(kinds, string(casereview.DeliverWeekly))
	}
	var rows []notificationRow
	if err := s.read.WithContext(ctx).Where("email IN ? AND digested_at IS NULL", kinds).Order("user_id, created_at, id").Find(&rows).Error; err != nil {
		return 0, translate(err)
	}
	byUser := map[string][]notificationRow{}
	for _, r := range rows {
		byUser[r.UserID] = append(byUser[r.UserID], r)
	}
	users := make([]string, 0, len(byUser))
	for u := range byUser {
		users = append(users, u)
	}
	sort.Strings(users)
	queued := 0
	for _, uid := range users {
		ns := byUser[uid]
		err := s.inTx(ctx, func(t *tx) error {
			var emails []string
			if err := t.db.Table("users").Where("id = ? AND disabled = ?", uid, false).Pluck("email", &emails).Error; err != nil {
				return err
			}
			ids := make([]string, len(ns))
			lines := make([]emailLine, len(ns))
			for i, n := range ns {
				ids[i], lines[i] = n.ID, emailLine{n.Summary, n.Link}
			}
			res := t.db.Model(&notificationRow{}).Where("id IN ? AND digested_at IS NULL", ids).Update("digested_at", t.now)
			if res.Error != nil || res.RowsAffected == 0 || len(emails) == 0 {
				return res.Error // another replica took them, or the person is disabled: nothing to send
			}
			key := fmt.Sprintf("digest:%s:%s:%s", uid, asOf, strings.Join(kinds, "+"))
			subject := fmt.Sprintf("Case review: %d notifications", len(ns))
			if err := enqueue(t, key, "digest", recipient{userID: uid, email: emails[0]}, subject, emailBody(lines), "/notifications", ""); err != nil {
				return err
			}
			t.audit(casereview.AuditDigestQueued, "user", uid, nil, map[string]any{"notifications": ids})
			queued++
			return nil
		})
		if err != nil {
			return queued, err
		}
	}
	return queued, nil
}
