package store

import (
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

type identified interface{ rowID() string }

// listPage runs one keyset-paginated list, newest first (ids are UUIDv7, so id order is creation
// order). query builds the filtered query afresh each time it is called, so the count and the
// page cannot share state by accident.
// cols, when not empty, selects the page's columns; the count never uses it.
func listPage[R identified](query func() *gorm.DB, table, cols string, page casereview.PageRequest) ([]R, int64, string, error) {
	var total int64
	if err := query().Count(&total).Error; err != nil {
		return nil, 0, "", translate(err)
	}
	q := query()
	if cols != "" {
		q = q.Select(cols)
	}
	if page.After != "" {
		q = q.Where(table+".id < ?", page.After)
	}
	var rows []R
	if err := q.Order(clause.OrderByColumn{Column: clause.Column{Table: table, Name: "id"}, Desc: true}).
		Limit(page.Limit + 1).Find(&rows).Error; err != nil {
		return nil, 0, "", translate(err)
	}
	next := ""
	if len(rows) > page.Limit {
		rows = rows[:page.Limit]
		next = casereview.EncodeCursor(rows[len(rows)-1].rowID())
	}
	return rows, total, next, nil
}

// lockRow loads the row with id for update inside t, answering not-found or stale-version
// errors in the domain's terms. On PostgreSQL the row stays locked until commit; SQLite has a
// single writer, so the transaction itself is the lock.
//
// guard, when not nil, runs before the version is compared, so that a caller who may not see
// or change the record learns nothing from a version mismatch.
func lockRow[R any](t *tx, row *R, id string, version int, kind string, versionOf func(*R) int, guard ...func(*R) error) error {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.NotFound(kind)
	}
	if err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(row).Error; err != nil {
		return notFoundAs(err, kind)
	}
	for _, g := range guard {
		if err := g(row); err != nil {
			return err
		}
	}
	if v := versionOf(row); v != version {
		return casereview.Stale(kind, v)
	}
	return nil
}

// likePattern escapes s for a case-insensitive substring match with LIKE ... ESCAPE '\'.
func likePattern(s string) string {
	out := make([]rune, 0, len(s)+2)
	out = append(out, '%')
	for _, r := range s {
		if r == '%' || r == '_' || r == '\\' {
			out = append(out, '\\')
		}
		out = append(out, r)
	}
	return string(append(out, '%'))
}
