package api_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Issue 13 item 8 over HTTP: an admin downloads the signed checkpoints (the server wrote one
// at start), and the verify endpoint checks the chain against them, sent as the file's JSON
// lines or as JSON. Removing the latest events and moving the head back passes a plain check
// but not one against the checkpoints; an edited checkpoint is refused.
func TestAuditCheckpointsOverHTTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{})
		newFixture(t, s)
		// The start's checkpoint is written by the background work, beside the first requests:
		// wait for it (a loaded machine once read the file before it was there).
		r := do(t, s, 200, "GET", "/api/v1/audit/checkpoints", nil)
		for deadline := time.Now().Add(10 * time.Second); bytes.Count(r.Body, []byte("\n")) == 0 && time.Now().Before(deadline); {
			time.Sleep(20 * time.Millisecond)
			r = do(t, s, 200, "GET", "/api/v1/audit/checkpoints", nil)
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/x-ndjson" {
			t.Errorf("Content-Type %q", ct)
		}
		if n := bytes.Count(r.Body, []byte("\n")); n != 1 {
			t.Fatalf("%d checkpoints after start; want 1 (written at start): %s", n, r.Body)
		}
		if _, err := s.App.Store().WriteCheckpoint(casereview.WithActor(context.Background(), casereview.System)); err != nil {
			t.Fatal(err)
		}
		file := do(t, s, 200, "GET", "/api/v1/audit/checkpoints", nil).Body
		var v auVerify
		do(t, s, 200, "POST", "/api/v1/audit/verify", file, "Content-Type", "application/x-ndjson").JSON(t, &v)
		if !v.OK {
			t.Fatalf("honest chain against its checkpoints: %+v", v)
		}
		evs, _ := auAllPages(t, s, "", 200) // newest first
		last, keep := evs[0], evs[2]
		auTamperSQL(t, s, func() {
			auSQL(t, s, "DELETE FROM audit_events WHERE seq > ?", keep.Seq)
			auSQL(t, s, "UPDATE journal_head SET audit_seq = ?, audit_hash = ? WHERE id = 1", keep.Seq, keep.Hash)
		})
		if v := auGetVerify(t, s); !v.OK {
			t.Fatalf("the shortened chain, without checkpoints: %+v (intact as far as it goes)", v)
		}
		v = auVerify{}
		do(t, s, 200, "POST", "/api/v1/audit/verify", file, "Content-Type", "application/x-ndjson").JSON(t, &v)
		if v.OK || v.BrokenAt == nil || *v.BrokenAt != keep.Seq+1 || v.Problem == nil || !strings.Contains(*v.Problem, "checkpoint") {
			t.Fatalf("the shortened chain against the checkpoints (last was %d): %+v", last.Seq, v)
		}
		forged := strings.Replace(string(file), `"seq":`+strconv.FormatInt(last.Seq, 10), `"seq":`+strconv.FormatInt(keep.Seq, 10), 1)
		r = s.Do("POST", "/api/v1/audit/verify", forged, "Content-Type", "application/x-ndjson")
		checkProblem(t, r, "/api/v1/audit/verify", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "checkpoints[1]", Code: "invalid"}}})
		r = s.Do("POST", "/api/v1/audit/verify", map[string]any{"checkpoints": []any{}})
		checkProblem(t, r, "/api/v1/audit/verify", problemWant{Status: 422, Type: "invalid", Errors: []fieldErr{{Field: "checkpoints", Code: "required"}}})
	})
}
