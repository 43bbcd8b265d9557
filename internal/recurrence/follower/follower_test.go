package follower_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/recurrence/follower"
	"github.com/casereview/casereview/internal/store"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const (
	dashA = "The police should ensure that all frontline officers receive refresher training in completing the DASH risk assessment."
	dashB = "Refresher training on completing the DASH risk assessment should be delivered to all frontline police officers."
	dashC = "All frontline officers should complete refresher training on the DASH risk assessment at domestic abuse incidents."
	other = "The trust should send discharge letters to the GP within seven days of discharge from the ward."
)

// Recommendations that ask for the same thing land in one cluster as they arrive through the
// journal; "made before" lists the earlier ones the caller may read, and nothing else; a rebuild
// gives the same clusters as following.
func TestFollowingTheJournalClustersAndMadeBeforeRespectsVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := dbtest.Open(t, dialect, dbtest.Options{})
		ctx := casereview.WithActor(context.Background(), casereview.System)
		p, err := s.CreatePartnership(ctx, casereview.PartnershipDraft{Name: "Northfold CSP", Kind: "community_safety_partnership", AreaCodes: []string{"LA:Northfold"}})
		must(t, err)
		police, err := s.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: "Northfold Police", Sector: "police"})
		must(t, err)
		review := func(ref, vis, published string) casereview.Review {
			d := casereview.MustDate(published)
			r, err := s.CreateReview(ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: p.ID, Reference: ref, Title: "Adult " + ref,
				Status: "published", PublishedOn: &d, Visibility: casereview.Visibility(vis)})
			must(t, err)
			return r
		}
		old := review("NF-1", "public", "2019-03-01")
		hidden := review("NF-2", "restricted", "2021-05-01")
		recent := review("NF-3", "public", "2024-09-01")
		n := 0
		rec := func(rv casereview.Review, text string) casereview.Recommendation {
			n++
			r, err := s.CreateRecommendation(ctx, casereview.RecommendationDraft{ReviewID: rv.ID, Number: fmt.Sprint(n), Text: text, Scope: "local",
				Addressees: []casereview.AddresseeDraft{{OrganisationID: police.ID, Role: "lead"}}})
			must(t, err)
			return r
		}
		a := rec(old, dashA)
		o := rec(old, other)
		f, err := follower.Open(ctx, s, quiet) // an empty state: places what exists
		must(t, err)
		b := rec(hidden, dashB)
		c := rec(recent, dashC)
		must(t, f.CatchUp(ctx))

		got, err := s.MadeBefore(ctx, c.ID)
		must(t, err)
		if ids := idsOf(got); len(ids) != 2 || ids[0] != b.ID || ids[1] != a.ID {
			t.Fatalf("made before c (system): want [b a], got %v", ids)
		}
		anon := casereview.WithActor(context.Background(), casereview.Anonymous)
		got, err = s.MadeBefore(anon, c.ID)
		must(t, err)
		if ids := idsOf(got); len(ids) != 1 || ids[0] != a.ID {
			t.Fatalf("made before c (anonymous) must hide the restricted review's: got %v", ids)
		}
		if got, err := s.MadeBefore(ctx, a.ID); err != nil || len(got) != 0 {
			t.Fatalf("nothing was made before a: %v %v", idsOf(got), err)
		}
		if _, err := s.MadeBefore(anon, b.ID); err == nil {
			t.Fatal("a restricted recommendation's made-before must not be readable anonymously")
		}
		_, members, err := s.RecurrenceCluster(ctx, o.ID)
		must(t, err)
		if len(members) != 0 {
			t.Fatalf("the unrelated recommendation should be alone, shares with %v", idsOf(members))
		}
		near := f.Nearest("refresher training for officers on the DASH risk assessment", "police", nil, 5, 0.05)
		if len(near) == 0 || near[0].Cluster != a.ID {
			t.Fatalf("a draft about DASH training should meet cluster a first: %+v", near)
		}

		_, before, err := s.RecurrenceState(ctx)
		must(t, err)
		must(t, f.Rebuild(ctx))
		seq, after, err := s.RecurrenceState(ctx)
		must(t, err)
		head, err := s.JournalHead(ctx)
		must(t, err)
		if seq != head || len(after) != 4 {
			t.Fatalf("rebuild: seq %d head %d, %d members", seq, head, len(after))
		}
		for id, cl := range before {
			if after[id] != cl {
				t.Fatalf("%s: followed %s, rebuilt %s", id, cl, after[id])
			}
		}

		// Deleting a recommendation takes it out of its cluster.
		cur, err := s.GetRecommendation(ctx, b.ID)
		must(t, err)
		must(t, s.DeleteRecommendation(ctx, b.ID, cur.Version))
		must(t, f.CatchUp(ctx))
		got, err = s.MadeBefore(ctx, c.ID)
		must(t, err)
		if ids := idsOf(got); len(ids) != 1 || ids[0] != a.ID {
			t.Fatalf("after deleting b: %v", ids)
		}
	})
}

func idsOf(rs []casereview.Recommendation) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

var _ follower.Source = (*store.Store)(nil)
