package store

import (
	"context"
	"errors"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Recurrence clusters (migration 00021), kept by internal/recurrence/follower. They are derived
// data like the search index: written by the system, never by a caller, so not audited.

type recurrenceMemberRow struct {
	RecommendationID string `gorm:"primaryKey"`
	ClusterID        string
	UpdatedAt        time.Time
}

func (recurrenceMemberRow) TableName() string { return "recurrence_members" }

type recurrenceStateRow struct {
	ID         int `gorm:"primaryKey"`
	AppliedSeq int64
}

func (recurrenceStateRow) TableName() string { return "recurrence_state" }

// RecurrenceState returns how far the stored clusters have followed the journal and every
// recommendation's cluster.
func (s *Store) RecurrenceState(ctx context.Context) (int64, map[string]string, error) {
	db := s.read.WithContext(ctx)
	var st recurrenceStateRow
	seq := int64(0)
	if err := db.Take(&st).Error; err == nil {
		seq = st.AppliedSeq
	} else if !errors.Is(err, gorm.ErrRecordNotFound) {
		return 0, nil, translate(err)
	}
	var rows []recurrenceMemberRow
	if err := db.Find(&rows).Error; err != nil {
		return 0, nil, translate(err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.RecommendationID] = r.ClusterID
	}
	return seq, out, nil
}

// SaveRecurrence stores cluster assignments (id -> cluster), forgets drop, and records seq, in
// one transaction. With replace it first forgets every assignment (a full rebuild).
func (s *Store) SaveRecurrence(ctx context.Context, set map[string]string, drop []string, seq int64, replace bool) error {
	now := time.Now().UTC()
	return s.write.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		if replace {
			if err := db.Where("1 = 1").Delete(&recurrenceMemberRow{}).Error; err != nil {
				return err
			}
		}
		for start := 0; start < len(drop); start += 1000 {
			if err := db.Where("recommendation_id IN ?", drop[start:min(start+1000, len(drop))]).Delete(&recurrenceMemberRow{}).Error; err != nil {
				return err
			}
		}
		rows := make([]recurrenceMemberRow, 0, len(set))
		for id, c := range set {
			rows = append(rows, recurrenceMemberRow{RecommendationID: id, ClusterID: c, UpdatedAt: now})
		}
		sort.Slice(rows, func(i, j int) bool { return rows[i].RecommendationID < rows[j].RecommendationID })
		if len(rows) > 0 {
			// Only ids that still exist: a recommendation deleted since it was read is skipped.
			var exist []string
			ids := make([]string, len(rows))
			for i, r := range rows {
				ids[i] = r.RecommendationID
			}
			for start := 0; start < len(ids); start += 1000 {
				var got []string
				if err := db.Table("recommendations").Where("id IN ?", ids[start:min(start+1000, len(ids))]).Pluck("id", &got).Error; err != nil {
					return err
				}
				exist = append(exist, got...)
			}
			ok := map[string]bool{}
			for _, id := range exist {
				ok[id] = true
			}
			kept := rows[:0]
			for _, r := range rows {
				if ok[r.RecommendationID] {
					kept = append(kept, r)
				}
			}
			if len(kept) > 0 {
				if err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "recommendation_id"}},
					DoUpdates: clause.AssignmentColumns([]string{"cluster_id", "updated_at"})}).CreateInBatches(kept, 500).Error; err != nil {
					return err
				}
			}
		}
		return db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
			DoUpdates: clause.AssignmentColumns([]string{"applied_seq"})}).Create(&recurrenceStateRow{ID: 1, AppliedSeq: seq}).Error
	})
}

// MadeBefore returns the recommendations in id's recurrence cluster issued before it (or on the
// same day and recorded earlier), latest first, among those the caller may read. The
// recommendation itself must be readable by the caller.
func (s *Store) MadeBefore(ctx context.Context, id string) ([]casereview.Recommendation, error) {
	rec, err := s.GetRecommendation(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.clusterOf(ctx, rec, true)
}

// RecurrenceCluster returns the cluster id of a recommendation the caller may read, and every
// member the caller may read, earliest first.
func (s *Store) RecurrenceCluster(ctx context.Context, id string) (string, []casereview.Recommendation, error) {
	rec, err := s.GetRecommendation(ctx, id)
	if err != nil {
		return "", nil, err
	}
	var m recurrenceMemberRow
	if err := s.read.WithContext(ctx).Where("recommendation_id = ?", rec.ID).Take(&m).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return "", nil, nil
		}
		return "", nil, translate(err)
	}
	members, err := s.clusterOf(ctx, rec, false)
	return m.ClusterID, members, err
}

func (s *Store) clusterOf(ctx context.Context, rec casereview.Recommendation, earlierOnly bool) ([]casereview.Recommendation, error) {
	db := s.read.WithContext(ctx)
	var ids []string
	err := db.Table("recurrence_members AS m").Joins("JOIN recurrence_members AS me ON me.cluster_id = m.cluster_id").
		Where("me.recommendation_id = ? AND m.recommendation_id <> ?", rec.ID, rec.ID).Pluck("m.recommendation_id", &ids).Error
	if err != nil {
		return nil, translate(err)
	}
	byID, err := s.RecommendationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]casereview.Recommendation, 0, len(byID))
	for _, r := range byID {
		if earlierOnly && !earlier(r, rec) {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if earlierOnly {
			return earlier(out[j], out[i])
		}
		return earlier(out[i], out[j])
	})
	return out, nil
}

func earlier(a, b casereview.Recommendation) bool {
	if a.IssuedOn != b.IssuedOn {
		return a.IssuedOn.Before(b.IssuedOn)
	}
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.Before(b.CreatedAt)
	}
	return a.ID < b.ID
}

// RecurringClusters returns the clusters with at least two recommendations the caller may read,
// largest first (ties: the longest span of years), at most limit of them. With keep (not nil),
// only the recommendations it holds count, each with its record key (from
// casereview.SummaryService.SummaryRecurringMembers, the summaries' filters), and each cluster
// carries the key sums of its members and of those verified, for shareable figures.
func (s *Store) RecurringClusters(ctx context.Context, limit int, keep map[string]int64) ([]casereview.RecurringCluster, error) {
	db := s.read.WithContext(ctx)
	type pair struct{ ID, ClusterID string }
	var pairs []pair
	if err := visible(ctx, db.Table("recurrence_members").Joins("JOIN recommendations ON recommendations.id = recurrence_members.recommendation_id").
		Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Select("recurrence_members.recommendation_id AS id, recurrence_members.cluster_id AS cluster_id").Scan(&pairs).Error; err != nil {
		return nil, translate(err)
	}
	byCluster := map[string][]string{}
	for _, p := range pairs {
		if _, ok := keep[p.ID]; keep != nil && !ok {
			continue
		}
		byCluster[p.ClusterID] = append(byCluster[p.ClusterID], p.ID)
	}
	var ids []string
	var keys []string
	for c, m := range byCluster {
		if len(m) > 1 {
			keys = append(keys, c)
			ids = append(ids, m...)
		}
	}
	recs := map[string]casereview.Recommendation{}
	for start := 0; start < len(ids); start += 1000 {
		got, err := s.RecommendationsByID(ctx, ids[start:min(start+1000, len(ids))])
		if err != nil {
			return nil, err
		}
		for k, v := range got {
			recs[k] = v
		}
	}
	var out []casereview.RecurringCluster
	for _, c := range keys {
		rc := casereview.RecurringCluster{RepeatedOrgs: map[string]int{}, ReviewIDs: map[string]bool{}}
		orgs := map[string]int{}
		for _, id := range byCluster[c] {
			r, ok := recs[id]
			if !ok {
				continue
			}
			rc.Members = append(rc.Members, r)
			rc.ReviewIDs[r.ReviewID] = true
			rc.MembersKeySum += keep[id]
			if r.ImplementationStatus == casereview.ImplVerified {
				rc.Verified++
				rc.VerifiedKeySum += keep[id]
			}
			for _, a := range r.Addressees {
				orgs[a.OrganisationName]++
			}
		}
		if len(rc.Members) < 2 {
			continue
		}
		sort.Slice(rc.Members, func(i, j int) bool { return earlier(rc.Members[i], rc.Members[j]) })
		rc.FirstYear, rc.LastYear = rc.Members[0].IssuedOn.Year, rc.Members[len(rc.Members)-1].IssuedOn.Year
		rc.Reviews = len(rc.ReviewIDs)
		for o, n := range orgs {
			if n > 1 {
				rc.RepeatedOrgs[o] = n
			}
		}
		rc.OrganisationN = len(orgs)
		out = append(out, rc)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].Members) != len(out[j].Members) {
			return len(out[i].Members) > len(out[j].Members)
		}
		if si, sj := out[i].LastYear-out[i].FirstYear, out[j].LastYear-out[j].FirstYear; si != sj {
			return si > sj
		}
		return out[i].Members[0].ID < out[j].Members[0].ID
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
