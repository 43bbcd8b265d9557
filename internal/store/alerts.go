package store

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// The scheduler's side of saved-search alerts and follows (issue 18 §3). Both are evaluated
// under each recipient's permissions at the time of evaluation, by the service itself, and are
// idempotent: a watched search's high-water mark (saved_searches.checked_seq) and the follow
// job's mark in the audit trail (alert_marks) advance in the transaction that raises the
// notification, whose event key is unique as well, so running either twice tells nobody twice.

// WatchedSearch is a watched saved search as the alert job evaluates it.
type WatchedSearch struct {
	ID         string    `gorm:"column:id"`
	OwnerID    string    `gorm:"column:owner_id"`
	Name       string    `gorm:"column:name"`
	Query      string    `gorm:"column:query"`
	CheckedSeq int64     `gorm:"column:checked_seq"`
	CheckedAt  time.Time `gorm:"column:checked_at"`
}

func requireSystem(ctx context.Context, what string) error {
	if !actorOf(ctx).IsSystem() {
		return deny(ctx, "only the service itself "+what)
	}
	return nil
}

// WatchedSearches lists every watched saved search, oldest mark first.
func (s *Store) WatchedSearches(ctx context.Context) ([]WatchedSearch, error) {
	if err := requireSystem(ctx, "evaluates saved searches"); err != nil {
		return nil, err
	}
	var out []WatchedSearch
	err := s.read.WithContext(ctx).Table("saved_searches").Select("saved_searches.id, owner_id, name, query, checked_seq, checked_at").
		Joins("JOIN users u ON u.id = saved_searches.owner_id").Where("watch = ? AND u.disabled = ?", true, false).
		Order("checked_seq, saved_searches.id").Scan(&out).Error
	return out, translate(err)
}

// ChangedRecommendation is a recommendation the change journal records a change of (to it or
// to one of its actions), and when it was created.
type ChangedRecommendation struct {
	ID        string    `gorm:"column:id"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

// ChangedRecommendations lists the recommendations changed by the journal rows after after up to
// upto (their actions' changes count as theirs), that still exist.
func (s *Store) ChangedRecommendations(ctx context.Context, after, upto int64) ([]ChangedRecommendation, error) {
	if err := requireSystem(ctx, "evaluates saved searches"); err != nil {
		return nil, err
	}
	db := s.read.WithContext(ctx)
	var recs, actions []string
	if err := db.Table("change_journal").Where("seq > ? AND seq <= ? AND entity_type = ?", after, upto, journalRecommendation).
		Distinct("entity_id").Pluck("entity_id", &recs).Error; err != nil {
		return nil, translate(err)
	}
	if err := db.Table("change_journal").Where("seq > ? AND seq <= ? AND entity_type = ?", after, upto, journalAction).
		Distinct("entity_id").Pluck("entity_id", &actions).Error; err != nil {
		return nil, translate(err)
	}
	seen := map[string]bool{}
	for _, id := range recs {
		seen[id] = true
	}
	for start := 0; start < len(actions); start += 1000 {
		var of []string
		if err := db.Table("actions").Where("id IN ?", actions[start:min(start+1000, len(actions))]).Pluck("recommendation_id", &of).Error; err != nil {
			return nil, translate(err)
		}
		for _, id := range of {
			seen[id] = true
		}
	}
	ids := keys(seen)
	sort.Strings(ids)
	out := []ChangedRecommendation{}
	for start := 0; start < len(ids); start += 1000 {
		var rows []ChangedRecommendation
		if err := db.Table("recommendations").Select("id, created_at").Where("id IN ?", ids[start:min(start+1000, len(ids))]).
			Order("id").Scan(&rows).Error; err != nil {
			return nil, translate(err)
		}
		out = append(out, rows...)
	}
	return out, nil
}

// PersonActor is the user id's actor with their memberships of now; ok is false when they are
// disabled or gone (they are then told nothing).
func (s *Store) PersonActor(ctx context.Context, userID string) (casereview.Actor, bool, error) {
	if err := requireSystem(ctx, "acts for a person"); err != nil {
		return casereview.Actor{}, false, err
	}
	u, err := loadUser(s.read.WithContext(ctx), userID)
	if casereview.IsCode(err, casereview.CodeNotFound) {
		return casereview.Actor{}, false, nil
	}
	if err != nil || u.Disabled {
		return casereview.Actor{}, false, err
	}
	return u.Actor(), true, nil
}

// SearchAlertSummary is the line of a search alert: how many matched, new and changed, and the
// search's name (its owner's own words; nothing of the records).
func SearchAlertSummary(name string, fresh, changed int) string {
	var what string
	switch {
	case changed == 0:
		what = plural(fresh, "new recommendation matches", "new recommendations match")
	case fresh == 0:
		what = plural(changed, "changed recommendation matches", "changed recommendations match")
	default:
		what = fmt.Sprintf("%d new and %s", fresh, plural(changed, "changed recommendation match", "changed recommendations match"))
	}
	return fmt.Sprintf("%s your saved search '%s'", what, name)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// RecordSearchAlert moves w's mark to upto and, when there are matches (the recommendations its
// owner may read that match it; fresh of them new), tells its owner, in one transaction. It
// reports whether it raised an alert; nothing happens when another run moved the mark first, or
// the search stopped being watched.
func (s *Store) RecordSearchAlert(ctx context.Context, w WatchedSearch, upto int64, matches []string, fresh int) (bool, error) {
	if err := requireSystem(ctx, "evaluates saved searches"); err != nil {
		return false, err
	}
	raised := false
	err := s.inTx(ctx, func(t *tx) error {
		res := t.db.Model(&savedSearchRow{}).Where("id = ? AND checked_seq = ? AND watch = ?", w.ID, w.CheckedSeq, true).
			Updates(map[string]any{"checked_seq": upto, "checked_at": t.now})
		if res.Error != nil || res.RowsAffected == 0 || len(matches) == 0 {
			return res.Error
		}
		var emails []string
		if err := t.db.Table("users").Where("id = ? AND disabled = ?", w.OwnerID, false).Pluck("email", &emails).Error; err != nil || len(emails) == 0 {
			return err
		}
		ev := event{key: fmt.Sprintf("search_alert:%s:%d", w.ID, upto), kind: casereview.NotifySearchAlert,
			summary: SearchAlertSummary(w.Name, fresh, len(matches)-fresh), link: "/search?" + w.Query,
			to: []recipient{{userID: w.OwnerID, email: emails[0]}}, auditType: "saved_search", auditID: w.ID}
		if len(matches) == 1 {
			ev.recommendationID, ev.link = matches[0], "/recommendations/"+matches[0]
		}
		var err error
		raised, err = raise(t, ev)
		return err
	})
	return raised, err
}

// The follow job's mark in the audit trail.
const followMark = "follows"

// What changes of a followed record are told, by audit action, as the line says it.
var followedChanges = map[casereview.AuditAction]string{
	casereview.AuditRecommendationCreated:  "a new recommendation was added",
	casereview.AuditRecommendationUpdated:  "it was changed",
	casereview.AuditResponseRecorded:       "a response was recorded",
	casereview.AuditRecommendationAssessed: "oversight assessed it",
	casereview.AuditRecommendationReopened: "it was reopened",
	casereview.AuditActionCreated:          "an action was added",
	casereview.AuditActionUpdated:          "an action was changed",
	casereview.AuditActionDeleted:          "an action was removed",
	casereview.AuditActionProgressed:       "progress on an action was recorded",
	casereview.AuditMilestoneCreated:       "a milestone was added",
	casereview.AuditMilestoneUpdated:       "a milestone was changed",
	casereview.AuditMilestoneCompleted:     "a milestone was completed",
	casereview.AuditMilestoneDeleted:       "a milestone was removed",
	casereview.AuditEvidenceAdded:          "evidence was added",
	casereview.AuditEvidenceReviewed:       "oversight decided on evidence",
	casereview.AuditEvidenceWithdrawn:      "evidence was withdrawn",
	casereview.AuditReviewUpdated:          "it was changed",
}

// FollowRun says what one run of the follow job did.
type FollowRun struct {
	Events int // audit events read
	Told   int // notifications events raised
}

// NotifyFollowers tells the followers of each recommendation and review what changed since the
// job's mark in the audit trail (at most limit events a run): the followers who may read it
// now, but not the person who made the change. The first run starts at the trail's head.
func (s *Store) NotifyFollowers(ctx context.Context, limit int) (FollowRun, error) {
	var run FollowRun
	if err := requireSystem(ctx, "tells followers"); err != nil {
		return run, err
	}
	db := s.read.WithContext(ctx)
	var marks []int64
	if err := db.Table("alert_marks").Where("name = ?", followMark).Pluck("seq", &marks).Error; err != nil {
		return run, translate(err)
	}
	if len(marks) == 0 {
		err := s.write.WithContext(ctx).Exec(`INSERT INTO alert_marks (name, seq) SELECT ?, audit_seq FROM journal_head WHERE id = 1
			AND NOT EXISTS (SELECT 1 FROM alert_marks WHERE name = ?)`, followMark, followMark).Error
		return run, translate(err)
	}
	mark := marks[0]
	actions := make([]string, 0, len(followedChanges))
	for a := range followedChanges {
		actions = append(actions, string(a))
	}
	var rows []auditRow
	if err := db.Select("seq, occurred_at, actor_user_id, action, entity_type, entity_id, before_json, after_json").
		Where("seq > ? AND action IN ?", mark, actions).Order("seq").Limit(limit).Find(&rows).Error; err != nil {
		return run, translate(err)
	}
	actors := map[string]*casereview.Actor{}
	for _, r := range rows {
		run.Events++
		told := false
		err := s.inTx(ctx, func(t *tx) error {
			res := t.db.Exec("UPDATE alert_marks SET seq = ? WHERE name = ? AND seq = ?", r.Seq, followMark, mark)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return errMarkMoved
			}
			var err error
			told, err = tellFollowers(t, r, actors)
			return err
		})
		if err == errMarkMoved {
			return run, nil // another run is ahead
		}
		if err != nil {
			return run, err
		}
		mark = r.Seq
		if told {
			run.Told++
		}
	}
	return run, nil
}

var errMarkMoved = fmt.Errorf("store: the follow job's mark moved")

// tellFollowers raises one audit event's notification to the followers it concerns.
func tellFollowers(t *tx, r auditRow, actors map[string]*casereview.Actor) (bool, error) {
	var ids struct{ RecommendationID, ReviewID string }
	for _, j := range []*string{r.AfterJSON, r.BeforeJSON} {
		if j != nil && ids.RecommendationID == "" {
			_ = json.Unmarshal([]byte(*j), &ids)
		}
	}
	var x subject
	var found bool
	var err error
	var subjects [][2]string // (subject_type, subject_id) whose followers are told
	switch r.EntityType {
	case "review":
		x, found, err = followedOf(t.db, casereview.FollowReview, r.EntityID)
		subjects = [][2]string{{string(casereview.FollowReview), r.EntityID}}
	case "recommendation":
		ids.RecommendationID = r.EntityID
		fallthrough
	default:
		if ids.RecommendationID == "" {
			return false, nil
		}
		x, found, err = followedOf(t.db, casereview.FollowRecommendation, ids.RecommendationID)
		if found && ids.ReviewID == "" {
			var rv []string
			if err := t.db.Table("recommendations").Where("id = ?", ids.RecommendationID).Pluck("review_id", &rv).Error; err != nil || len(rv) == 0 {
				return false, err
			}
			ids.ReviewID = rv[0]
		}
		subjects = [][2]string{{string(casereview.FollowRecommendation), ids.RecommendationID}, {string(casereview.FollowReview), ids.ReviewID}}
		if r.Action == string(casereview.AuditRecommendationCreated) {
			subjects = subjects[1:] // nobody follows a recommendation before it exists
		}
	}
	if err != nil || !found {
		return false, err
	}
	var followers []struct {
		UserID string `gorm:"column:user_id"`
		Email  string `gorm:"column:email"`
	}
	q := t.db.Table("follows f").Select("DISTINCT f.user_id, u.email").Joins("JOIN users u ON u.id = f.user_id").
		Where("u.disabled = ? AND f.created_at <= ?", false, r.OccurredAt)
	var or []string
	var args []any
	for _, sj := range subjects {
		or = append(or, "(f.subject_type = ? AND f.subject_id = ?)")
		args = append(args, sj[0], sj[1])
	}
	q = q.Where("("+strings.Join(or, " OR ")+")", args...)
	if r.ActorUserID != nil { // the person who made the change knows of it
		q = q.Where("f.user_id <> ?", *r.ActorUserID)
	}
	if err := q.Order("u.email").Scan(&followers).Error; err != nil {
		return false, err
	}
	var to []recipient
	for _, f := range followers {
		a, ok := actors[f.UserID]
		if !ok {
			u, err := loadUser(t.db, f.UserID)
			if err != nil && !casereview.IsCode(err, casereview.CodeNotFound) {
				return false, err
			}
			if err == nil && !u.Disabled {
				act := u.Actor()
				a = &act
			}
			actors[f.UserID] = a
		}
		if a != nil && x.mayRead(*a) { // under the follower's permissions of now
			to = append(to, recipient{userID: f.UserID, email: f.Email})
		}
	}
	if len(to) == 0 {
		return false, nil
	}
	what := followedChanges[casereview.AuditAction(r.Action)]
	if r.Action == string(casereview.AuditRecommendationAssessed) && r.AfterJSON != nil && strings.Contains(*r.AfterJSON, `"OversightStatus":"closed_`) {
		what = "oversight closed it"
	}
	label := strings.ToUpper(x.label[:1]) + x.label[1:]
	ev := event{key: fmt.Sprintf("followed:%d", r.Seq), kind: casereview.NotifyFollowed, recommendationID: x.recID,
		summary: label + ": " + what, link: x.link, to: to, auditType: r.EntityType, auditID: r.EntityID}
	return raise(t, ev)
}
