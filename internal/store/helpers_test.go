package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// Helpers shared by the store tests beyond those in store_test.go.

// je is an expected change-journal row.
type je struct{ typ, id string }

func (e je) String() string { return e.typ + ":" + e.id }

// journalTail returns the highest sequence number in the journal, checking on the way that the
// whole journal is numbered 1..N with no gaps.
func journalTail(t *testing.T, s *store.Store) int64 {
	t.Helper()
	rows, err := s.JournalAfter(context.Background(), 0, 1_000_000)
	must(t, err)
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			t.Fatalf("journal row %d has seq %d; want %d (gap or disorder)", i, r.Seq, i+1)
		}
	}
	return int64(len(rows))
}

// expectJournal asserts that the rows after `after` are exactly want, numbered after+1... with
// no gaps, and returns the new tail.
func expectJournal(t *testing.T, s *store.Store, after int64, want ...je) int64 {
	t.Helper()
	rows, err := s.JournalAfter(context.Background(), after, 10_000)
	must(t, err)
	got := make([]je, len(rows))
	for i, r := range rows {
		got[i] = je{r.EntityType, r.EntityID}
		if r.Seq != after+int64(i)+1 {
			t.Fatalf("journal row %d after %d has seq %d; want %d", i, after, r.Seq, after+int64(i)+1)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("journal after %d:\n got  %v\n want %v", after, got, want)
	}
	return after + int64(len(rows))
}

// fe is an expected field error (field path and code; messages are for people).
type fe struct{ field, code string }

// wantErr asserts that err is a *casereview.Error with code and exactly the field errors fields
// (in any order).
func wantErr(t *testing.T, err error, code casereview.Code, fields ...fe) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want %s %v", code, fields)
	}
	var de *casereview.Error
	if !errors.As(err, &de) {
		t.Fatalf("got %T %v; want *casereview.Error %s", err, err, code)
	}
	if de.Code != code {
		t.Fatalf("got code %s (%v); want %s", de.Code, err, code)
	}
	got := make([]string, len(de.Fields))
	for i, f := range de.Fields {
		got[i] = f.Field + "=" + f.Code
	}
	want := make([]string, len(fields))
	for i, f := range fields {
		want[i] = f.field + "=" + f.code
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("field errors:\n got  %v\n want %v\n (%v)", got, want, err)
	}
}

// countRows runs SELECT count(*) FROM table [WHERE where] behind the domain's back.
func countRows(t *testing.T, s *store.Store, table, where string, args ...any) int {
	t.Helper()
	db, err := s.SQLDB()
	must(t, err)
	q := "SELECT count(*) FROM " + table
	if where != "" {
		q += " WHERE " + where
	}
	var n int
	if err := db.QueryRow(rebind(s, q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// execSQL runs a raw statement behind the domain's back; placeholders are written as ?.
func execSQL(s *store.Store, q string, args ...any) error {
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	_, err = db.Exec(rebind(s, q), args...)
	return err
}

// rebind turns ? placeholders into $n on PostgreSQL.
func rebind(s *store.Store, q string) string {
	if s.Dialect() != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tableCounts snapshots the row counts of every domain table and the journal.
func tableCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, tb := range []string{"partnerships", "organisations", "organisation_aliases", "reviews", "recommendations",
		"addressees", "theme_assignments", "actions", "change_journal", "themes"} {
		out[tb] = countRows(t, s, tb, "")
	}
	// The audit trail arrives with a later migration; when it is there, a failed write must not
	// leave an event behind either.
	if db, err := s.SQLDB(); err == nil {
		var n int
		if db.QueryRow("SELECT count(*) FROM audit_events").Scan(&n) == nil {
			out["audit_events"] = n
		}
	}
	return out
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Fatalf("table %s has %d rows; want %d (a failed write left data behind)", k, after[k], v)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func date(s string) *casereview.Date { d := casereview.MustDate(s); return &d }

// pageAll reads every page of a list with the given limit, checking that each page reports the
// same total, that only the last page lacks a cursor, and that every page but the last is full.
func pageAll[T any](t *testing.T, limit int, list func(casereview.PageRequest) (casereview.Page[T], error), id func(T) string) ([]string, int64) {
	t.Helper()
	var ids []string
	var total int64 = -1
	req := casereview.PageRequest{Limit: limit}
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pagination does not end")
		}
		p, err := list(req)
		must(t, err)
		if total >= 0 && p.Total != total {
			t.Fatalf("page %d reports total %d; the first page said %d", pages, p.Total, total)
		}
		total = p.Total
		for _, it := range p.Items {
			ids = append(ids, id(it))
		}
		if p.NextCursor == "" {
			if len(p.Items) > limit {
				t.Fatalf("last page has %d items; limit %d", len(p.Items), limit)
			}
			break
		}
		if len(p.Items) != limit {
			t.Fatalf("page %d has %d items and a cursor; want a full page of %d", pages, len(p.Items), limit)
		}
		cur := p.NextCursor
		req, err = casereview.ParsePageRequest(&limit, &cur)
		must(t, err)
	}
	return ids, total
}

// reversed returns ids newest first, as lists order them.
func reversed(ids []string) []string {
	out := slices.Clone(ids)
	slices.Reverse(out)
	return out
}
