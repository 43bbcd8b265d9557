package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// A watched search's mark moves once: a second run that read the same mark (another replica, or
// a run repeated after a crash) raises nothing and moves nothing. Only the service evaluates,
// and only the owner sees, renames or deletes a saved search.
func TestSearchAlertIsRaisedOnceAndSavedSearchesAreTheirOwners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		owner, ownCtx := ntPerson(t, s, "owner@example.org", casereview.MembershipDraft{Role: casereview.RoleOversight})
		_, otherCtx := ntPerson(t, s, "other@example.org", casereview.MembershipDraft{Role: casereview.RoleOversight})
		saved, err := s.SaveSearch(ownCtx, " Training ", "sort=newest&q=training&theme=", true)
		must(t, err)
		if saved.Name != "Training" || saved.Query != "q=training&sort=newest" {
			t.Fatalf("saved %+v: want the trimmed name and canonical query", saved)
		}
		for _, bad := range []string{"cursor=abc", "q=(open", "flag=nonsense", "sort=a&sort=b", "colour=red"} {
			if _, err := s.SaveSearch(ownCtx, "Bad", bad, false); casereview.ErrorCode(err) != casereview.CodeInvalid {
				t.Errorf("query %q: %v, want invalid", bad, err)
			}
		}
		if _, err := s.GetSavedSearch(otherCtx, saved.ID); casereview.ErrorCode(err) != casereview.CodeNotFound {
			t.Errorf("another person read it: %v", err)
		}
		if err := s.DeleteSavedSearch(otherCtx, saved.ID); casereview.ErrorCode(err) != casereview.CodeNotFound {
			t.Errorf("another person deleted it: %v", err)
		}
		if _, err := s.WatchedSearches(ownCtx); casereview.ErrorCode(err) != casereview.CodeForbidden {
			t.Errorf("a person listed every watched search: %v", err)
		}

		rec, err := s.CreateRecommendation(sysCtx(), f.recDraft("1"))
		must(t, err)
		ws, err := s.WatchedSearches(sysCtx())
		must(t, err)
		if len(ws) != 1 || ws[0].OwnerID != owner.ID {
			t.Fatalf("watched: %+v", ws)
		}
		head, err := s.JournalHead(sysCtx())
		must(t, err)
		changed, err := s.ChangedRecommendations(sysCtx(), ws[0].CheckedSeq, head)
		must(t, err)
		if len(changed) != 1 || changed[0].ID != rec.ID {
			t.Fatalf("changed: %+v, want the new recommendation", changed)
		}
		for i, want := range []bool{true, false} { // the second run read the same, now stale, mark
			raised, err := s.RecordSearchAlert(sysCtx(), ws[0], head, []string{rec.ID}, 1)
			must(t, err)
			if raised != want {
				t.Errorf("run %d raised %v, want %v", i+1, raised, want)
			}
		}
		if ns := ntList(t, s, ownCtx); len(ns) != 1 || ns[0].Kind != casereview.NotifySearchAlert || ns[0].Summary != "1 new recommendation matches your saved search 'Training'" {
			t.Errorf("owner's notifications: %+v", ns)
		}
		if ns := ntList(t, s, otherCtx); len(ns) != 0 {
			t.Errorf("another person was told: %+v", ns)
		}
		ws, err = s.WatchedSearches(sysCtx())
		must(t, err)
		if ws[0].CheckedSeq != head {
			t.Errorf("mark %d, want %d", ws[0].CheckedSeq, head)
		}
	})
}
