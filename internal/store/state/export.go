// Package state moves the case data of a whole instance, or of some partnerships, between
// instances (bulk JSON casereview-bulk/2; casereview.StateService): ExportState reads it as one
// snapshot, ImportState writes it all or nothing. It sits beside the store and runs its SQL only
// through the store's transaction API: store.Read for the export's snapshot, store.Write for the
// import, whose Tx journals each record created (Touch) and audits it (Audit), as the store's
// own writes do. The domain does not import this package, and it imports neither api nor web.
package state

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// Service implements casereview.StateService over a store.
type Service struct{ st *store.Store }

// New returns the state moves of st.
func New(st *store.Store) *Service { return &Service{st: st} }

var _ casereview.StateService = (*Service)(nil)

// ExportState reads the case data of the whole instance, or of the partnerships sc names, as
// one consistent snapshot (see stateTables for what moves). Admins only; the export itself is
// audited, with its scope and counts, since the dump holds restricted records.
func (s *Service) ExportState(ctx context.Context, sc casereview.StateScope) (casereview.StateDump, error) {
	if !casereview.CanMoveState(casereview.ActorFrom(ctx)) {
		return casereview.StateDump{}, casereview.Deny(casereview.ActorFrom(ctx), "only admins export an instance's state")
	}
	var parts []string
	for i, id := range sc.PartnershipIDs {
		n, ok := casereview.NormaliseID(id)
		if !ok {
			return casereview.StateDump{}, casereview.Invalid(fmt.Sprintf("partnership_id[%d]", i), casereview.FieldInvalid, "%q is not an id", id)
		}
		parts = append(parts, n)
	}
	dump := casereview.StateDump{Source: casereview.StateSource{Instance: sc.Instance, ExportID: store.NewID(),
		Partnerships: parts}, Users: []casereview.StateUser{}}
	read := func(db *gorm.DB) error {
		for i, id := range parts {
			var n int64
			if err := db.Table("partnerships").Where("id = ?", id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				return casereview.Invalid(fmt.Sprintf("partnership_id[%d]", i), casereview.FieldNotFound, "no partnership has id %s", id)
			}
		}
		for _, t := range stateTables {
			q := db.Table(t.name).Select(t.columnNames()).Order(t.order)
			if len(parts) > 0 {
				q = q.Where(scopeOf(t), sql.Named("p", parts))
			}
			rows, err := readStateRows(q, t)
			if err != nil {
				return fmt.Errorf("export %s: %w", t.name, err)
			}
			if t.name == "organisations" && len(parts) > 0 {
				if rows, err = withParents(db, t, rows); err != nil {
					return err
				}
			}
			dump.Tables = append(dump.Tables, casereview.StateTable{Name: t.name, Columns: t.columnNames(), Rows: rows})
		}
		return stateUsers(db, &dump)
	}
	err := s.st.Read(ctx, func(q store.Query) error { return read(q.DB()) })
	if err != nil {
		return casereview.StateDump{}, err
	}
	counts := map[string]int{}
	for _, t := range dump.Tables {
		counts[t.Name] = len(t.Rows)
	}
	err = s.st.Write(ctx, func(t store.Tx) error {
		dump.Source.ExportedAt = t.Now() // the store's clock, as the audit event's
		t.Audit(casereview.AuditExport, "state", dump.Source.ExportID, nil, map[string]any{"source": dump.Source, "rows": counts})
		return nil
	})
	return dump, err
}

// withParents adds the parents (and theirs) of the organisations a partnership's dump names.
func withParents(db *gorm.DB, t stateTable, rows [][]any) ([][]any, error) {
	have := map[string]bool{}
	for _, r := range rows {
		have[r[0].(string)] = true
	}
	for {
		var want []string
		for _, r := range rows {
			if p, ok := r[3].(string); ok && !have[p] {
				want = append(want, p)
				have[p] = true
			}
		}
		if len(want) == 0 {
			return rows, nil
		}
		more, err := readStateRows(db.Table(t.name).Select(t.columnNames()).Where("id IN ?", want).Order(t.order), t)
		if err != nil {
			return nil, err
		}
		rows = append(rows, more...)
	}
}

// stateUsers lists the users the dump's rows name, so that an importing instance can put its
// own user with the same email in their place.
func stateUsers(db *gorm.DB, dump *casereview.StateDump) error {
	ids := map[string]bool{}
	for i, tb := range dump.Tables {
		for j, col := range stateTables[i].cols {
			if col.ref != refUser {
				continue
			}
			for _, r := range tb.Rows {
				if id, ok := r[j].(string); ok {
					ids[id] = true
				}
			}
		}
	}
	return chunked(keys(ids), func(ks []string) error {
		var us []struct {
			ID          string `gorm:"column:id"`
			Email       string `gorm:"column:email"`
			DisplayName string `gorm:"column:display_name"`
		}
		if err := db.Table("users").Select("id, email, display_name").Where("id IN ?", ks).Order("email").Find(&us).Error; err != nil {
			return err
		}
		for _, u := range us {
			dump.Users = append(dump.Users, casereview.StateUser{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName})
		}
		return nil
	})
}

// readStateRows reads a table's rows as the dump's plain values.
func readStateRows(q *gorm.DB, t stateTable) ([][]any, error) {
	rs, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	out := [][]any{}
	for rs.Next() {
		raw := make([]any, len(t.cols))
		dest := make([]any, len(t.cols))
		for i := range raw {
			dest[i] = &raw[i]
		}
		if err := rs.Scan(dest...); err != nil {
			return nil, err
		}
		row := make([]any, len(t.cols))
		for i, col := range t.cols {
			if row[i], err = dumpValue(col.kind, raw[i]); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.name, col.name, err)
			}
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

// dumpValue turns what either driver returns for a column into the dump's value for its kind.
func dumpValue(k colKind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && k != colBytes {
		v = string(b)
	}
	switch k {
	case colText:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return fmt.Sprint(v), nil
	case colInt:
		switch x := v.(type) {
		case int64:
			return x, nil
		case int32:
			return int64(x), nil
		case int:
			return int64(x), nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		}
	case colBool:
		switch x := v.(type) {
		case bool:
			return x, nil
		case int64:
			return x != 0, nil
		case string:
			return x == "1" || strings.EqualFold(x, "true") || x == "t", nil
		}
	case colDate:
		var d store.NullDate
		if err := d.Scan(v); err != nil {
			return nil, err
		}
		return d.D.String(), nil
	case colTime:
		switch x := v.(type) {
		case time.Time:
			return x.UTC().Format(time.RFC3339Nano), nil
		case string:
			tm, err := parseStateTime(x)
			if err != nil {
				return nil, err
			}
			return tm.UTC().Format(time.RFC3339Nano), nil
		}
	case colBytes:
		if b, ok := v.([]byte); ok {
			return base64.StdEncoding.EncodeToString(b), nil
		}
	}
	return nil, fmt.Errorf("unexpected %T", v)
}

// parseStateTime reads a time as a dump writes it, or as SQLite may return it as text.
func parseStateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time", s)
}
