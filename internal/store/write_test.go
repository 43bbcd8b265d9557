package store_test

import (
	"errors"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// TestWriteJournalsAndAuditsWithItsChange: what a Write changes, journals (Touch) and audits
// (Audit) commits together, or, when fn fails, not at all; a change journaled without an audit
// event is refused.
func TestWriteJournalsAndAuditsWithItsChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		ctx := sysCtx()
		tail := journalTail(t, s)
		audits := countRows(t, s, "audit_events", "")
		rename := func(name string, audit bool, fail error) error {
			return s.Write(ctx, func(w store.Tx) error {
				if err := w.DB().Exec("UPDATE partnerships SET name = ? WHERE id = ?", name, f.p.ID).Error; err != nil {
					return err
				}
				w.Touch(store.JournalPartnership, f.p.ID)
				if audit {
					w.Audit(casereview.AuditImported, "partnership", f.p.ID, nil, map[string]any{"name": name})
				}
				return fail
			})
		}
		name := func() string {
			p, err := s.GetPartnership(ctx, f.p.ID)
			must(t, err)
			return p.Name
		}
		boom := errors.New("boom")
		if err := rename("Failed CSP", true, boom); !errors.Is(err, boom) {
			t.Fatalf("a failing fn returned %v, want its error", err)
		}
		if err := rename("Unaudited CSP", false, nil); err == nil {
			t.Fatal("a journaled change without an audit event was committed")
		}
		if got := name(); got != f.p.Name {
			t.Fatalf("after two refused writes the name is %q, want %q", got, f.p.Name)
		}
		tail = expectJournal(t, s, tail)
		if got := countRows(t, s, "audit_events", ""); got != audits {
			t.Fatalf("%d audit events after refused writes, want %d", got, audits)
		}
		must(t, rename("Renamed CSP", true, nil))
		if got := name(); got != "Renamed CSP" {
			t.Fatalf("name %q, want Renamed CSP", got)
		}
		expectJournal(t, s, tail, je{"partnership", f.p.ID})
		if got := countRows(t, s, "audit_events", ""); got != audits+1 {
			t.Fatalf("%d audit events, want %d", got, audits+1)
		}
	})
}
