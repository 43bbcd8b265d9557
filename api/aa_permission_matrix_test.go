package api_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/casereview/casereview/internal/dbtest"
)

// TestPermissionMatrix runs the matrix described in permissions_test.go.
//
// It lives in a file whose name sorts first because go test starts a package's parallel tests in
// the order it meets them, file by file: the matrix is the package's longest test (its writes run
// one after another, each checked against the whole database) and nothing else waits on it, so it
// starts first and the package's shorter tests fill the other core around it (the package took
// 130 s instead of 143 s on 2 cores, against PostgreSQL too).
func TestPermissionMatrix(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)

		// The lists first, while the world is as set up.
		t.Run("lists", func(t *testing.T) { pmCheckLists(t, w) })
		t.Run("search", func(t *testing.T) { pmCheckSearch(t, w) })
		t.Run("summaries", func(t *testing.T) { pmCheckSummaries(t, w) })
		t.Run("work lists", func(t *testing.T) { pmCheckWork(t, w) })

		rows := pmRows(w)
		pmCheckCoverage(t, rows)
		spare := map[string][][]string{} // fresh records of refused rows, by operation and target
		// Writes run one at a time, in order: checkWrite compares the whole database around
		// each. Reads change nothing the matrix counts, so their requests are built in order
		// (building may make fresh records) and sent afterwards, side by side (pmSendReads).
		// Refused writes change nothing, so those in a row between two accepted writes are sent
		// together and the database compared once around them all (pmSendRefused): a change
		// still fails the test, naming the events and records it touched.
		var reads, refused []pmPending
		for _, r := range rows {
			write := r.method != "GET" && r.path != "/api/v1/audit/verify"
			key := r.method + " " + r.path + " " + r.target
			w.replay, w.made = nil, nil
			if write && r.want >= 400 {
				w.replay = slices.Clone(spare[key])
			}
			q := r.req(t, r.role)
			if write && r.want >= 400 && len(w.made) > 0 {
				spare[key] = w.made
			}
			w.replay, w.made = nil, nil
			if !pmMatches(r.path, q.path) {
				t.Fatalf("row %s %s (%s): request path %s is not an instance of the operation", r.method, r.path, r.target, q.path)
			}
			if !write {
				reads = append(reads, pmPending{r, q})
				continue
			}
			if r.want >= 400 {
				refused = append(refused, pmPending{r, q})
				continue
			}
			pmSendRefused(t, w, refused)
			refused = nil
			before := w.state(t)
			res := w.send(r.role, r.method, q.path, q.body, q.ifMatch)
			where := r.where()
			if !pmCheckResponse(t, where, r, res) {
				continue
			}
			w.checkWrite(t, where, r, q, pmResponse{location: res.Header.Get("Location"), body: res.Body}, before)
		}
		pmSendRefused(t, w, refused)
		pmSendReads(t, w, reads)
		t.Logf("%s: %d rows (%d reads)", dialect, len(rows), len(reads))

		t.Run("unlisted operations", func(t *testing.T) {
			for _, path := range []string{"/healthz", "/readyz", "/api/v1/openapi.yaml"} {
				for _, role := range pmRoles {
					if r := w.send(role, "GET", path, nil, ""); r.Status != http.StatusOK {
						t.Errorf("GET %s as %s: status %d, want 200: %s", path, role, r.Status, r.Body)
					}
				}
			}
		})
		t.Run("done when", func(t *testing.T) { pmDoneWhen(t, w) })
		t.Run("tracking", func(t *testing.T) { pmCheckTracking(t, w) })
	})
}
