package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/webtest"
)

// ReviewsByID answers in one query exactly what GetReview answers one by one, for every reader.
func TestReviewsByIDMatchesGetReview(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := webtest.Start(t, dialect)
		st := s.API.App.Store()
		all, err := st.ListReviews(webtest.System(), casereview.ReviewFilter{}, casereview.PageRequest{Limit: 100})
		if err != nil || len(all.Items) < 5 {
			t.Fatalf("demo reviews: %d %v", len(all.Items), err)
		}
		ids := []string{"not-an-id", "01a24653-499d-7b36-8725-1a4983669064"}
		for _, rv := range all.Items {
			ids = append(ids, rv.ID)
		}
		var restricted int
		for _, who := range []struct {
			role  casereview.Role
			scope string
		}{{casereview.RolePanel, "Hollowbrook Safeguarding Children Partnership"}, {casereview.RoleAgencyEditor, "Eastmere and Vale Police"}, {casereview.RoleOversight, ""}} {
			u := s.User(string(who.role)+"@byid.test", who.role, who.scope)
			ctx := casereview.WithActor(t.Context(), u.Actor())
			got, err := st.ReviewsByID(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for _, rv := range all.Items {
				one, err := st.GetReview(ctx, rv.ID)
				_, ok := got[rv.ID]
				switch {
				case err == nil && (!ok || got[rv.ID].Reference != one.Reference):
					t.Errorf("%s: %s readable one by one but not in the batch", who.role, rv.Reference)
				case err != nil && ok:
					t.Errorf("%s: %s hidden one by one (%v) but in the batch", who.role, rv.Reference, err)
				}
				if err == nil {
					want++
				} else if rv.Visibility == casereview.VisibilityRestricted {
					restricted++
				}
			}
			if len(got) != want {
				t.Errorf("%s: batch has %d reviews, want %d", who.role, len(got), want)
			}
		}
		if restricted == 0 {
			t.Fatal("no reader was refused a restricted review: the test proves nothing")
		}
	})
}
