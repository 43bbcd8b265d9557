package state

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// stateWriter writes one dump inside ImportState's transaction.
type stateWriter struct {
	t        store.Tx
	src      casereview.StateSource
	res      casereview.ImportResult
	tables   []dumpTable
	progress func(done, total int)
	done     int
	total    int

	users   map[string]*string // the dump's user id -> this instance's (nil: none with that email)
	orgs    map[string]string  // the dump's organisation id -> this instance's
	parts   map[string]string  // the dump's partnership id -> this instance's
	recs    map[string]bool    // recommendations the dump or this instance has
	newOrgs map[string]bool    // organisations this import creates (their aliases come too)
}

var stateJournal = map[string]string{"partnerships": store.JournalPartnership, "organisations": store.JournalOrganisation,
	"reviews": store.JournalReview, "recommendations": store.JournalRecommendation, "actions": store.JournalAction}

func colIndex(t stateTable, name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	panic("state: no column " + name + " in " + t.name)
}

func (w *stateWriter) write(users []casereview.StateUser) error {
	if err := w.matchUsers(users); err != nil {
		return err
	}
	w.orgs, w.parts, w.recs, w.newOrgs = map[string]string{}, map[string]string{}, map[string]bool{}, map[string]bool{}
	if err := w.checkCodes(); err != nil {
		return err
	}
	for _, tb := range w.tables {
		if tb.spec.name == "recommendations" {
			for _, r := range tb.rows {
				w.recs[r[0].(string)] = true
			}
		}
	}
	for _, tb := range w.tables {
		rows, extra, err := w.prepare(tb)
		if err != nil {
			return err
		}
		if err := w.remap(tb.spec, rows); err != nil {
			return err
		}
		if err := w.insert(tb.spec, rows, extra); err != nil {
			return fmt.Errorf("import %s: %w", tb.spec.name, err)
		}
		w.res.Created[tb.spec.name] = len(rows)
		switch tb.spec.name {
		case "reviews":
			w.res.ReviewsCreated = len(rows)
			for _, r := range rows {
				w.res.ReviewIDs = append(w.res.ReviewIDs, r[0].(string))
			}
		case "recommendations":
			w.res.RecommendationsCreated = len(rows)
		case "actions":
			w.res.ActionsCreated = len(rows)
		}
		w.record(tb.spec, rows)
	}
	return nil
}

// matchUsers finds this instance's users with the emails of the dump's.
func (w *stateWriter) matchUsers(users []casereview.StateUser) error {
	w.users = map[string]*string{}
	byEmail, emails := map[string]string{}, map[string]bool{}
	for _, u := range users {
		byEmail[strings.ToLower(u.Email)] = u.ID
		emails[strings.ToLower(u.Email)] = true
		w.users[u.ID] = nil
	}
	return chunked(keys(emails), func(es []string) error {
		var found []struct {
			ID    string `gorm:"column:id"`
			Email string `gorm:"column:email"`
		}
		if err := w.t.DB().Table("users").Select("id, email").Where("email IN ?", es).Find(&found).Error; err != nil {
			return err
		}
		for _, f := range found {
			id := f.ID
			w.users[byEmail[f.Email]] = &id
		}
		return nil
	})
}

// checkCodes reports review types, intervention types and themes this instance lacks, against
// the first row that names each.
func (w *stateWriter) checkCodes() error {
	var p casereview.Problems
	check := func(table, column, ref string) error {
		var have []string
		if err := w.t.DB().Table(ref).Pluck("code", &have).Error; err != nil {
			return err
		}
		known := map[string]bool{}
		for _, c := range have {
			known[c] = true
		}
		for _, tb := range w.tables {
			if tb.spec.name != table {
				continue
			}
			k := colIndex(tb.spec, column)
			for j, r := range tb.rows {
				if v, ok := r[k].(string); ok && !known[v] {
					known[v] = true // once per code
					p.Add(fmt.Sprintf("tables[%d].rows[%d][%d]", tb.at, j, k), casereview.FieldUnknownValue, "%s %q does not exist in this instance", column, v)
				}
			}
		}
		return nil
	}
	for _, c := range [][3]string{{"reviews", "type", "review_types"}, {"recommendations", "intervention_type", "intervention_types"},
		{"theme_assignments", "theme_code", "themes"}, {"theme_suggestion_rejections", "theme_code", "themes"}} {
		if err := check(c[0], c[1], c[2]); err != nil {
			return err
		}
	}
	return p.Err()
}

// prepare picks the rows of a table to insert (leaving out partnerships, organisations and
// files this instance already has, refusing reviews it has) and returns the derived columns
// this instance computes itself.
func (w *stateWriter) prepare(tb dumpTable) ([][]any, map[string]func(row []any) any, error) {
	switch tb.spec.name {
	case "partnerships", "organisations":
		m, journal := w.parts, "partnership"
		if tb.spec.name == "organisations" {
			m, journal = w.orgs, "organisation"
		}
		var rows [][]any
		for _, r := range tb.rows {
			id, name := r[0].(string), r[1].(string)
			var found []string
			if err := w.t.DB().Table(tb.spec.name).Where("id = ? OR name_key = ?", id, casereview.NameKey(name)).Order("id").Pluck("id", &found).Error; err != nil {
				return nil, nil, err
			}
			if len(found) > 0 {
				m[id] = found[0]
				if found[0] != id {
					w.res.Changed("%s %q: this instance's own of that name is used", journal, name)
				}
				for _, f := range found {
					if f == id {
						m[id] = id
					}
				}
				continue
			}
			m[id] = id
			rows = append(rows, r)
		}
		if tb.spec.name == "organisations" {
			rows = parentsFirst(rows, colIndex(tb.spec, "parent_id"))
			for _, r := range rows {
				w.newOrgs[r[0].(string)] = true
			}
		}
		return rows, map[string]func([]any) any{"name_key": func(r []any) any { return casereview.NameKey(r[1].(string)) }}, nil
	case "organisation_aliases":
		var rows [][]any
		seen := map[string]bool{}
		for _, r := range tb.rows {
			k := r[0].(string) + "\x00" + store.AliasKey(r[1].(string))
			if w.newOrgs[r[0].(string)] && !seen[k] {
				seen[k] = true
				rows = append(rows, r)
			}
		}
		return rows, map[string]func([]any) any{"alias_key": func(r []any) any { return store.AliasKey(r[1].(string)) }}, nil
	case "reviews":
		return tb.rows, nil, w.refuseExisting(tb)
	case "recommendations":
		// A dump written before record keys existed: each recommendation gets a new random key.
		k := colIndex(tb.spec, "record_key")
		for _, r := range tb.rows {
			if r[k] == nil {
				r[k] = int64(rand.IntN(256))
			}
		}
		return tb.rows, nil, nil
	case "blobs":
		var rows [][]any
		for _, r := range tb.rows {
			var n int64
			if err := w.t.DB().Table("blobs").Where("sha256 = ?", r[0]).Count(&n).Error; err != nil {
				return nil, nil, err
			}
			if n == 0 {
				rows = append(rows, r)
			}
		}
		return rows, nil, nil
	}
	return tb.rows, nil, nil
}

// refuseExisting refuses reviews this instance already has, by id or by partnership and reference.
func (w *stateWriter) refuseExisting(tb dumpTable) error {
	var p casereview.Problems
	pi, ri := colIndex(tb.spec, "partnership_id"), colIndex(tb.spec, "reference")
	for j, r := range tb.rows {
		part := r[pi].(string)
		if m, ok := w.parts[part]; ok {
			part = m
		}
		var n int64
		if err := w.t.DB().Table("reviews").Where("id = ? OR (partnership_id = ? AND reference = ?)", r[0], part, r[ri]).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			p.Add(fmt.Sprintf("tables[%d].rows[%d]", tb.at, j), casereview.FieldDuplicate, "review %v is already in this instance", r[ri])
		}
	}
	if err := p.Err(); err != nil {
		var de *casereview.Error
		if errors.As(err, &de) {
			de.Code = casereview.CodeConflict
			de.Message = "some reviews of the file are already here: a state import moves records, it does not merge them"
		}
		return err
	}
	return nil
}

// parentsFirst orders organisations so that each comes after its parent.
func parentsFirst(rows [][]any, parent int) [][]any {
	placed := map[string]bool{}
	in := map[string]bool{}
	for _, r := range rows {
		in[r[0].(string)] = true
	}
	var out [][]any
	for len(out) < len(rows) {
		n := len(out)
		for _, r := range rows {
			id := r[0].(string)
			if placed[id] {
				continue
			}
			if p, ok := r[parent].(string); ok && in[p] && !placed[p] {
				continue
			}
			placed[id] = true
			out = append(out, r)
		}
		if len(out) == n { // a cycle: the database will refuse it
			for _, r := range rows {
				if !placed[r[0].(string)] {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// remap points the rows' references at this instance's partnerships, organisations and users,
// and empties references to recommendations neither the dump nor this instance has.
func (w *stateWriter) remap(t stateTable, rows [][]any) error {
	var missing []string
	for k, col := range t.cols {
		if col.ref != refRecommendation {
			continue
		}
		for _, r := range rows {
			if id, ok := r[k].(string); ok && !w.recs[id] {
				missing = append(missing, id)
			}
		}
	}
	if err := chunked(missing, func(ids []string) error {
		var found []string
		if err := w.t.DB().Table("recommendations").Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
			return err
		}
		for _, id := range found {
			w.recs[id] = true
		}
		return nil
	}); err != nil {
		return err
	}
	for k, col := range t.cols {
		for _, r := range rows {
			id, ok := r[k].(string)
			if !ok {
				continue
			}
			switch col.ref {
			case refOrganisation:
				if m, ok := w.orgs[id]; ok {
					r[k] = m
				}
			case refPartnership:
				if m, ok := w.parts[id]; ok {
					r[k] = m
				}
			case refUser:
				if m := w.users[id]; m != nil {
					r[k] = *m
				} else {
					r[k] = nil
				}
			case refRecommendation:
				if !w.recs[id] {
					r[k] = nil
				}
			}
		}
	}
	return nil
}

// withdrawal are the evidence columns a withdrawal sets: SQLite refuses new evidence that is
// withdrawn already, so they are set by an UPDATE after the insert, as a withdrawal is.
var withdrawal = []string{"withdrawn_at", "withdrawn_by_id", "withdrawn_by_name", "withdrawal_reason"}

// insert writes rows in statements of a few hundred values.
func (w *stateWriter) insert(t stateTable, rows [][]any, extra map[string]func([]any) any) error {
	if len(rows) == 0 {
		return nil
	}
	names := t.columnNames()
	var extras []string
	for n := range extra {
		extras = append(extras, n)
	}
	cols := append(append([]string{}, names...), extras...)
	var later [][]any // evidence withdrawals
	if t.name == "evidence" {
		for _, r := range rows {
			vals := make([]any, 0, len(withdrawal)+1)
			set := false
			for _, n := range withdrawal {
				v := r[colIndex(t, n)]
				set = set || v != nil
				vals = append(vals, v)
			}
			if set {
				later = append(later, append(vals, r[0]))
			}
		}
	}
	per := 400 / len(cols)
	if w.t.Dialect() == migrations.Postgres {
		per = 4000 / len(cols)
	}
	per = max(per, 1)
	place := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		args := make([]any, 0, len(chunk)*len(cols))
		for _, r := range chunk {
			for k, v := range r {
				if t.name == "evidence" && isWithdrawal(names[k]) {
					v = nil
				}
				args = append(args, v)
			}
			for _, n := range extras {
				args = append(args, extra[n](r))
			}
		}
		q := "INSERT INTO " + t.name + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(place+",", len(chunk)), ",")
		if err := w.t.DB().Exec(q, args...).Error; err != nil {
			return err
		}
		w.done += len(chunk)
		if w.progress != nil {
			w.progress(w.done, w.total)
		}
	}
	for _, l := range later {
		if err := w.t.DB().Exec("UPDATE evidence SET "+strings.Join(withdrawal, " = ?, ")+" = ? WHERE id = ?", l...).Error; err != nil {
			return err
		}
	}
	return nil
}

func isWithdrawal(name string) bool {
	for _, n := range withdrawal {
		if n == name {
			return true
		}
	}
	return false
}

// record journals the entities that search indexes and audits each record created, naming
// where it came from.
func (w *stateWriter) record(t stateTable, rows [][]any) {
	if j, ok := stateJournal[t.name]; ok {
		for _, r := range rows {
			w.t.Touch(j, r[0].(string))
		}
	}
	if t.entity == "" {
		return
	}
	k := colIndex(t, t.key)
	for _, r := range rows {
		rec := map[string]any{}
		for i, col := range t.cols {
			if col.kind != colBytes {
				rec[col.name] = r[i]
			}
		}
		w.t.Audit(casereview.AuditImported, t.entity, r[k].(string), nil, map[string]any{"source": w.src, "record": rec})
	}
}
