package store_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Concurrent writers produce one journal block per write, numbered 1..N with no gaps, in commit
// order; and a follower reading while they write never sees a later sequence number before an
// earlier one (DESIGN §2, "Sequence gaps").
func TestConcurrentWritersJournal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		// SQLite has one writer connection, so its writers queue; the run is still cheap there.
		workers, perWorker := 8, 25
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		base := journalTail(t, s)

		// Each worker alternates: create a recommendation, then an action on it.
		type write struct {
			worker, n int
			rows      []je
		}
		results := make([][]write, workers)
		errs := make(chan error, workers)
		stop := make(chan struct{})

		// The follower checks, on every read, that what it sees continues exactly where it left
		// off: seq last+1, last+2, ... A transaction that committed out of order would show as a
		// jump followed later by the missing number.
		var followed []store.JournalEntry
		followerDone := make(chan error, 1)
		go func() {
			last := base
			check := func() error {
				rows, err := s.JournalAfter(ctx, last, 1000)
				if err != nil {
					return err
				}
				for _, r := range rows {
					if r.Seq != last+1 {
						return fmt.Errorf("follower at %d then saw seq %d", last, r.Seq)
					}
					last = r.Seq
					followed = append(followed, r)
				}
				return nil
			}
			for {
				select {
				case <-stop:
					followerDone <- check()
					return
				default:
				}
				if err := check(); err != nil {
					followerDone <- err
					return
				}
			}
		}()

		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var rec casereview.Recommendation
				for n := range perWorker {
					if n%2 == 0 {
						r, err := s.CreateRecommendation(ctx, f.recDraft(fmt.Sprintf("w%d-%d", w, n)))
						if err != nil {
							errs <- fmt.Errorf("worker %d write %d: %w", w, n, err)
							return
						}
						rec = r
						results[w] = append(results[w], write{w, n, []je{{"recommendation", r.ID}}})
						continue
					}
					a, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID,
						Description: fmt.Sprintf("Action %d of worker %d", n, w)})
					if err != nil {
						errs <- fmt.Errorf("worker %d write %d: %w", w, n, err)
						return
					}
					results[w] = append(results[w], write{w, n, []je{{"action", a.ID}, {"recommendation", rec.ID}}})
				}
			}()
		}
		wg.Wait()
		close(stop)
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if err := <-followerDone; err != nil {
			t.Fatal(err)
		}
		if t.Failed() {
			return
		}

		rows, err := s.JournalAfter(ctx, base, 100_000)
		must(t, err)
		wantRows := 0
		for _, ws := range results {
			for _, w := range ws {
				wantRows += len(w.rows)
			}
		}
		wantRecs, wantActs := workers*((perWorker+1)/2), workers*(perWorker/2)
		if wantRows != wantRecs+2*wantActs || len(rows) != wantRows {
			t.Fatalf("journal has %d rows after the writes; want %d", len(rows), wantRows)
		}
		if !slices.Equal(rows, followed) {
			t.Fatalf("the follower saw %d rows, not the same %d rows the journal holds", len(followed), len(rows))
		}
		for i, r := range rows {
			if r.Seq != base+int64(i)+1 {
				t.Fatalf("row %d has seq %d; want %d", i, r.Seq, base+int64(i)+1)
			}
		}
		// Find each write's block: its rows must be adjacent, in the order the write touched
		// them, and each worker's writes (issued one after another) must appear in that order.
		at := map[je]int{}
		for i, r := range rows {
			e := je{r.EntityType, r.EntityID}
			if r.EntityType == "action" {
				if _, dup := at[e]; dup {
					t.Fatalf("action %s journalled twice", r.EntityID)
				}
			}
			if _, seen := at[e]; !seen || r.EntityType == "action" {
				at[e] = i
			}
		}
		for w, ws := range results {
			prev := -1
			for _, wr := range ws {
				first := wr.rows[0]
				start, ok := at[first]
				if !ok {
					t.Fatalf("worker %d write %d (%v) is not in the journal", w, wr.n, first)
				}
				for k, e := range wr.rows {
					got := je{rows[start+k].EntityType, rows[start+k].EntityID}
					if got != e {
						t.Fatalf("worker %d write %d: row %d of its block is %v; want %v", w, wr.n, k, got, e)
					}
				}
				if start <= prev {
					t.Fatalf("worker %d write %d is journalled at %d, before its previous write at %d", w, wr.n, start, prev)
				}
				prev = start
			}
		}
		if n := countRows(t, s, "recommendations", ""); n != wantRecs {
			t.Fatalf("%d recommendations; want %d", n, wantRecs)
		}
		if n := countRows(t, s, "actions", ""); n != wantActs {
			t.Fatalf("%d actions; want %d", n, wantActs)
		}
	})
}

// Two writers holding the same version race to update one record: exactly one wins and the
// other is told its version is stale. Repeated to give the race a chance to interleave.
func TestConcurrentUpdatesSameVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		rec, err := s.CreateRecommendation(ctx, f.recDraft("1"))
		must(t, err)
		act, err := s.CreateAction(ctx, casereview.ActionDraft{RecommendationID: rec.ID, OrganisationID: f.police.ID, Description: "Audit referrals."})
		must(t, err)
		rounds := 10
		if dialect == "sqlite" {
			rounds = 3
		}
		race := func(name string, version int, update func(i int) error) {
			t.Helper()
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = update(i)
				}()
			}
			close(start)
			wg.Wait()
			ok, stale := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case casereview.IsCode(err, casereview.CodePreconditionFailed):
					stale++
				default:
					t.Fatalf("%s at version %d: unexpected error %v", name, version, err)
				}
			}
			if ok != 1 || stale != 1 {
				t.Fatalf("%s at version %d: %d succeeded and %d were stale; want 1 and 1 (%v)", name, version, ok, stale, errs)
			}
		}
		for range rounds {
			seq := journalTail(t, s)
			v := rec.Version
			race("recommendation", v, func(i int) error {
				d := rec.Draft()
				d.Title = fmt.Sprintf("writer %d at version %d", i, v)
				_, err := s.UpdateRecommendation(ctx, rec.ID, v, d)
				return err
			})
			rec, err = s.GetRecommendation(ctx, rec.ID)
			must(t, err)
			if rec.Version != v+1 {
				t.Fatalf("version %d after one successful update from %d", rec.Version, v)
			}
			expectJournal(t, s, seq, je{"recommendation", rec.ID})

			seq = journalTail(t, s)
			av := act.Version
			race("action", av, func(i int) error {
				d := act.Draft()
				d.Description = fmt.Sprintf("writer %d at version %d", i, av)
				_, err := s.UpdateAction(ctx, act.ID, av, d)
				return err
			})
			act, err = s.GetAction(ctx, act.ID)
			must(t, err)
			if act.Version != av+1 {
				t.Fatalf("action version %d after one successful update from %d", act.Version, av)
			}
			expectJournal(t, s, seq, je{"action", act.ID}, je{"recommendation", rec.ID})
		}
	})
}

// Writers racing to create the same recommendation number: one wins, the others get a conflict
// (from the store's check or, when they raced past it, from the unique index), and the losers
// leave no journal rows, addressees or theme assignments behind.
func TestConcurrentDuplicateNumbers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		ctx := sysCtx()
		f := newFixture(t, s)
		const writers = 6
		for round := range 3 {
			seq := journalTail(t, s)
			number := fmt.Sprint("dup-", round)
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, writers)
			ids := make([]string, writers)
			for i := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					d := f.recDraft(number)
					d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: f.la.ID, Role: "supporting"})
					r, err := s.CreateRecommendation(ctx, d)
					errs[i], ids[i] = err, r.ID
				}()
			}
			close(start)
			wg.Wait()
			winner := ""
			for i, err := range errs {
				if err == nil {
					if winner != "" {
						t.Fatalf("round %d: two writers created number %s", round, number)
					}
					winner = ids[i]
					continue
				}
				var de *casereview.Error
				if !errors.As(err, &de) || de.Code != casereview.CodeConflict {
					t.Fatalf("round %d: loser got %v; want conflict", round, err)
				}
				for _, fld := range de.Fields {
					if fld.Field != "number" || fld.Code != "duplicate" {
						t.Fatalf("round %d: loser's field error %+v", round, fld)
					}
				}
			}
			if winner == "" {
				t.Fatalf("round %d: nobody won: %v", round, errs)
			}
			expectJournal(t, s, seq, je{"recommendation", winner})
			if n := countRows(t, s, "recommendations", "number = ?", number); n != 1 {
				t.Fatalf("round %d: %d recommendations numbered %s", round, n, number)
			}
			if n := countRows(t, s, "addressees", "recommendation_id NOT IN (SELECT id FROM recommendations)"); n != 0 {
				t.Fatalf("round %d: %d orphan addressees", round, n)
			}
			if n := countRows(t, s, "addressees", "recommendation_id = ?", winner); n != 2 {
				t.Fatalf("round %d: the winner has %d addressees; want 2", round, n)
			}
			if n := countRows(t, s, "theme_assignments", "recommendation_id = ?", winner); n != 2 {
				t.Fatalf("round %d: the winner has %d themes; want 2", round, n)
			}
		}
	})
}
