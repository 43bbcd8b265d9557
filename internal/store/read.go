package store

import (
	"context"
	"database/sql"
	"slices"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// The transaction API for the packages beside the store (internal/store/summaries,
// internal/store/state): they run SQL of their own, but only through Read and Write (write.go),
// and see the caller's visibility and the derived flags
// only through Query, so no count they make can include what the caller may not read and no
// rule is written twice. Everything else of the store stays unexported.

// Query is one read-only transaction as its caller sees it. It is valid only inside the
// function given to Read.
type Query struct {
	s   *Store
	ctx context.Context
	db  *gorm.DB
}

// Read runs fn in one read-only transaction that sees one snapshot: on PostgreSQL a READ ONLY,
// REPEATABLE READ transaction, on SQLite a deferred one on the read pool (WAL gives it a
// snapshot). The error fn returns comes back translated into a domain error, as every store
// error does. fn must not call Read or another store method: each would wait for a connection of
// its own while fn holds one.
func (s *Store) Read(ctx context.Context, fn func(q Query) error) error {
	var opts []*sql.TxOptions
	if s.dialect == migrations.Postgres {
		opts = append(opts, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	}
	return translate(s.read.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		return fn(Query{s: s, ctx: ctx, db: db})
	}, opts...))
}

// DB is the transaction.
func (q Query) DB() *gorm.DB { return q.db }

// Dialect names the database: "postgres" or "sqlite" (the migrations package's constants).
func (q Query) Dialect() string { return q.s.dialect }

// AsOf is the date derived flags are computed against: the caller's as_of, or today.
func (q Query) AsOf() casereview.Date { return q.s.asOf(q.ctx) }

// Visible narrows db, which must have the recommendations and reviews tables available by those
// names, to the recommendations the caller may read (casereview.CanReadRecommendation).
func (q Query) Visible(db *gorm.DB) *gorm.DB { return visible(q.ctx, db) }

// FlagWhere narrows db, over the recommendations table, to the recommendations that carry flag
// as of asOf: the SQL twin of casereview.ComputeFlags.
func (q Query) FlagWhere(db *gorm.DB, flag casereview.Flag, asOf casereview.Date) *gorm.DB {
	return flagWhere(db, flag, asOf)
}

// OverdueWhere narrows db, over the recommendations table, to the recommendations overdue for a
// response or an action as of asOf: FlagWhere's two overdue flags, either of them, in one cheaper
// condition.
func (q Query) OverdueWhere(db *gorm.DB, asOf casereview.Date) *gorm.DB {
	return overdueWhere(db, asOf)
}

// KnownReviewType answers an unknown review type code as invalid in field ("" passes).
func (q Query) KnownReviewType(field, code string) error { return knownReviewType(q.db, field, code) }

// Recommendations loads the recommendations with ids, in that order, as the lists show them:
// flags as of asOf, links to what the caller may not read left out. The caller has already
// narrowed ids to what it may read (Visible).
func (q Query) Recommendations(ids []string, asOf casereview.Date) ([]casereview.Recommendation, error) {
	var rows []recommendationRow
	for chunk := range slices.Chunk(ids, 1000) {
		var part []recommendationRow
		if err := q.db.Where("id IN ?", chunk).Find(&part).Error; err != nil {
			return nil, translate(err)
		}
		rows = append(rows, part...)
	}
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i
	}
	slices.SortFunc(rows, func(a, b recommendationRow) int { return pos[a.ID] - pos[b.ID] })
	var recs []casereview.Recommendation
	for chunk := range slices.Chunk(rows, 1000) {
		part, err := q.s.recommendations(q.db, chunk, asOf)
		if err != nil {
			return nil, err
		}
		recs = append(recs, part...)
	}
	if err := hideLinks(q.ctx, q.db, recs); err != nil {
		return nil, err
	}
	return recs, nil
}

// ActionDue is what decides when one action falls due: its dates and open milestones, and the
// organisation that owns it.
type ActionDue struct {
	RecommendationID, OrganisationID string
	Dates                            casereview.ActionDates
}

// ActionDues returns the actions of the recommendations with recIDs, with their open
// milestones' due dates.
func (q Query) ActionDues(recIDs []string) ([]ActionDue, error) {
	var acts []actionRow
	for chunk := range slices.Chunk(recIDs, 1000) {
		var part []actionRow
		if err := q.db.Select("id, recommendation_id, organisation_id, target_date, completion_date, implementation_status").
			Where("recommendation_id IN ?", chunk).Find(&part).Error; err != nil {
			return nil, translate(err)
		}
		acts = append(acts, part...)
	}
	dues, err := openMilestoneDues(q.db, recIDs)
	if err != nil {
		return nil, err
	}
	out := make([]ActionDue, len(acts))
	for i, a := range acts {
		out[i] = ActionDue{RecommendationID: a.RecommendationID, OrganisationID: a.OrganisationID,
			Dates: casereview.ActionDates{TargetDate: a.TargetDate.ptr(), Status: casereview.ImplementationStatus(a.ImplementationStatus),
				Completed: a.CompletionDate.Valid, Milestones: dues[a.ID]}}
	}
	return out, nil
}

// ConfirmedTheme is the SQL for casereview.ThemeAssignment.Confirmed on the theme assignments
// aliased alias: only confirmed themes count in filters, facets and summaries.
func ConfirmedTheme(alias string) string { return confirmedTheme(alias) }

// NullDate is the column type of a calendar date (a DATE on PostgreSQL, ISO text on SQLite), to
// scan one into or pass one as a parameter.
type NullDate = nullDate
