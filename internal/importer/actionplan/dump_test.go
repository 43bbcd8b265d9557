package actionplan_test

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/store"
)

// auditTables gain the import's own events, which the round-trip test checks one by one
// rather than comparing. journal_head's audit_* columns are the audit chain's head.
var auditTables = map[string]bool{"audit_events": true}

// dump reads every row of every table of the store's database, every column, as text: one
// sorted list of rows per table, so two dumps compare byte for byte.
func dump(t *testing.T, s *store.Store) map[string][]string {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if s.Dialect() == "postgres" {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	tables := queryStrings(t, db, q)
	if len(tables) < 20 {
		t.Fatalf("only %d tables found: %v", len(tables), tables)
	}
	out := map[string][]string{}
	for _, tb := range tables {
		if auditTables[tb] {
			continue
		}
		rows, err := db.Query(`SELECT * FROM "` + tb + `"`)
		must(t, err)
		cols, err := rows.Columns()
		must(t, err)
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			var cells []string
			for i, v := range vals {
				if tb == "journal_head" && strings.HasPrefix(cols[i], "audit_") {
					continue
				}
				cells = append(cells, cols[i]+"="+cellText(v))
			}
			lines = append(lines, strings.Join(cells, "|"))
		}
		must(t, rows.Err())
		rows.Close()
		sort.Strings(lines)
		out[tb] = lines
	}
	return out
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return fmt.Sprintf("%q", x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprintf("%v", x)
	}
}

func queryStrings(t *testing.T, db *sql.DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.Query(q, args...)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		must(t, rows.Scan(&s))
		out = append(out, s)
	}
	must(t, rows.Err())
	return out
}

// diffDumps describes how two dumps differ, table by table: the rows only before (-) and only
// after (+); "" when they are the same.
func diffDumps(a, b map[string][]string) string {
	var out []string
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	var sorted []string
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, tb := range sorted {
		x, y := a[tb], b[tb]
		inA, inB := map[string]int{}, map[string]int{}
		for _, r := range x {
			inA[r]++
		}
		for _, r := range y {
			inB[r]++
		}
		for _, r := range x {
			if inB[r] > 0 {
				inB[r]--
				continue
			}
			out = append(out, tb+" - "+r)
		}
		for _, r := range y {
			if inA[r] > 0 {
				inA[r]--
				continue
			}
			out = append(out, tb+" + "+r)
		}
	}
	if len(out) > 40 {
		out = append(out[:40], fmt.Sprintf("… and %d more", len(out)-40))
	}
	return strings.Join(out, "\n")
}
