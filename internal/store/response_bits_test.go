package store_test

import (
	"testing"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// addressees.response_bits (migration 00030) says what the summaries read of an addressee's own
// response: 1 when it has responded (anything but awaiting), 2 when the domain counts the
// response as accepted. The migration lists the statuses; this holds them to the domain's, for
// every status there is.
func TestAddresseeResponseBits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		f := newFixture(t, s)
		r, err := s.CreateRecommendation(sysCtx(), f.recDraft("1"))
		must(t, err)
		db, err := s.SQLDB()
		must(t, err)
		for _, st := range casereview.ResponseStatuses {
			must(t, execSQL(s, `UPDATE addressees SET response_status = ? WHERE recommendation_id = ?`, string(st), r.ID))
			var bits int
			must(t, db.QueryRow(rebind(s, `SELECT response_bits FROM addressees WHERE recommendation_id = ?`), r.ID).Scan(&bits))
			want := 0
			if st != casereview.ResponseAwaiting {
				want |= 1
			}
			if st.Accepted() {
				want |= 2
			}
			if bits != want {
				t.Errorf("response status %s: response_bits %d, want %d", st, bits, want)
			}
		}
	})
}
