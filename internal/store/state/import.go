package state

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// errStateDryRun rolls a dry run's transaction back once everything has been written in it.
var errStateDryRun = &casereview.Error{Code: casereview.CodeConflict, Message: "dry run"}

// ImportState writes a dump (bulk JSON casereview-bulk/2) into this instance in one
// transaction, all or nothing. Records keep their ids, so links, URLs and the dump's own
// cross-references stay valid; partnerships and organisations this instance already has (by
// id, then by name) are used instead of the dump's, and every reference to them follows; users
// are matched by email (see casereview.StateUser). A review this instance already has (by id,
// or by partnership and reference) is refused: a dump moves records to where they are not, it
// does not merge. The audit trail gets one data.imported event per record created, naming the
// dump's source, and one for the import as a whole. A dry run does all of it and rolls back,
// so it reports exactly what would be created.
func (s *Service) ImportState(ctx context.Context, d casereview.StateDump, o casereview.StateImportOptions) (casereview.ImportResult, error) {
	res := casereview.ImportResult{Source: "json:" + d.Source.Instance, DryRun: o.DryRun, Changes: []string{}, ReviewIDs: []string{}, Created: map[string]int{}}
	if !casereview.CanMoveState(casereview.ActorFrom(ctx)) {
		return res, casereview.Deny(casereview.ActorFrom(ctx), "only admins import an instance's state")
	}
	tables, err := parseDump(d)
	if err != nil {
		return res, err
	}
	var out casereview.ImportResult
	err = s.st.Write(ctx, func(t store.Tx) error {
		w := &stateWriter{t: t, src: d.Source, res: res, tables: tables, progress: o.Progress}
		for _, tb := range tables {
			w.total += len(tb.rows)
		}
		if err := w.write(d.Users); err != nil {
			return err
		}
		t.Audit(casereview.AuditImported, "import", store.NewID(), nil, map[string]any{"source": d.Source, "created": w.res.Created, "dry_run": o.DryRun})
		out = w.res
		if o.DryRun {
			return errStateDryRun
		}
		return nil
	})
	if errors.Is(err, errStateDryRun) {
		return out, nil
	}
	if err != nil {
		return res, err
	}
	return out, nil
}

// dumpTable is one table of a dump with its values converted for the database, its rows'
// values in stateTables' column order, and where in the document each came from.
type dumpTable struct {
	spec stateTable
	at   int // index in the document's tables
	rows [][]any
}

// parseDump checks a dump against the format: known tables, each once, with exactly the
// format's columns, and every value of its column's kind. Problems name tables[i].rows[j][k].
func parseDump(d casereview.StateDump) ([]dumpTable, error) {
	var p casereview.Problems
	byName := map[string]int{}
	for i, tb := range d.Tables {
		if _, dup := byName[tb.Name]; dup {
			p.Add(fmt.Sprintf("tables[%d].name", i), casereview.FieldDuplicate, "table %s appears twice", tb.Name)
		}
		byName[tb.Name] = i
	}
	var out []dumpTable
	for _, spec := range stateTables {
		i, ok := byName[spec.name]
		if !ok {
			continue
		}
		delete(byName, spec.name)
		tb := d.Tables[i]
		at := map[string]int{}
		for k, col := range tb.Columns {
			at[col] = k
		}
		idx := make([]int, len(spec.cols))
		absent := 0
		for k, col := range spec.cols {
			j, ok := at[col.name]
			switch {
			case !ok && col.optional:
				j = -1
				absent++
			case !ok:
				p.Add(fmt.Sprintf("tables[%d].columns", i), casereview.FieldRequired, "table %s lacks column %s", spec.name, col.name)
			}
			idx[k] = j
		}
		if len(tb.Columns) != len(spec.cols)-absent {
			p.Add(fmt.Sprintf("tables[%d].columns", i), casereview.FieldInvalid, "table %s has columns %s", spec.name, strings.Join(spec.columnNames(), ", "))
		}
		if p.Err() != nil {
			continue
		}
		dt := dumpTable{spec: spec, at: i}
		for j, r := range tb.Rows {
			if len(r) != len(tb.Columns) {
				p.Add(fmt.Sprintf("tables[%d].rows[%d]", i, j), casereview.FieldInvalid, "a row of %s has %d values for %d columns", spec.name, len(r), len(tb.Columns))
				continue
			}
			row := make([]any, len(spec.cols))
			for k, col := range spec.cols {
				if idx[k] < 0 {
					continue // an optional column the dump lacks: the writer fills it in
				}
				v, err := dbValue(col.kind, r[idx[k]])
				if err != nil {
					p.Add(fmt.Sprintf("tables[%d].rows[%d][%d]", i, j, idx[k]), casereview.FieldInvalid, "%s.%s: %v", spec.name, col.name, err)
				}
				row[k] = v
			}
			dt.rows = append(dt.rows, row)
		}
		out = append(out, dt)
	}
	for name, i := range byName {
		p.Add(fmt.Sprintf("tables[%d].name", i), casereview.FieldUnknownValue, "%q is not a table this format carries", name)
	}
	return out, p.Err()
}

// dbValue turns a dump's value (as decoded from JSON, or as ExportState made it) into what
// both databases take for a column of kind k.
func dbValue(k colKind, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case colText:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case colInt:
		switch x := v.(type) {
		case json.Number:
			return strconv.ParseInt(string(x), 10, 64)
		case int64:
			return x, nil
		case int:
			return int64(x), nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
		}
	case colBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case colDate:
		if s, ok := v.(string); ok {
			d, err := casereview.ParseDate(s)
			if err != nil {
				return nil, err
			}
			return d.String(), nil
		}
	case colTime:
		if s, ok := v.(string); ok {
			t, err := parseStateTime(s)
			return t.UTC(), err
		}
	case colBytes:
		if s, ok := v.(string); ok {
			return base64.StdEncoding.DecodeString(s)
		}
	}
	return nil, fmt.Errorf("%v (%T) is not a value of this column", v, v)
}
