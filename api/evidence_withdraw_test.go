package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/dbtest"
)

// POST /api/v1/evidence/{id}/withdraw (issue 13 item 10): the uploader withdraws evidence added by
// mistake, with a reason, before oversight reviews it; then nobody reads or downloads it, no list
// or work list shows it, and the timeline and the audit trail say who withdrew it and why.
func TestWithdrawEvidenceThroughTheAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		l := evStart(t, dialect)
		w := l.w
		wrong := evUpload(t, l, lcEditor, "names.pdf", lcPDF(1))
		right := evUpload(t, l, lcEditor, "attendance.pdf", lcPDF(2))
		path := "/api/v1/evidence/" + wrong.ID + "/withdraw"
		reason := map[string]any{"reason": "The file names the people in the review."}

		// Only the uploader: not a colleague, another agency, the panel or oversight.
		for _, role := range []string{lcEditor2, lcOther, lcPanel, lcOversight} {
			l.refuse(t, lcForbidden, role, "POST", path, reason)
		}
		l.refuse(t, lcUnauthorised, lcAnon, "POST", path, reason)
		l.refuse(t, lcNotFound, lcEditor, "POST", "/api/v1/evidence/"+unknownID+"/withdraw", reason)
		// A reason, and a short one.
		l.refuse(t, lcInvalid(fieldErr{"reason", "required", ""}), lcEditor, "POST", path, map[string]any{})
		l.refuse(t, lcInvalid(fieldErr{"reason", "required", ""}), lcEditor, "POST", path, map[string]any{"reason": " "})
		l.refuse(t, lcInvalid(fieldErr{"reason", "too_long", ""}), lcEditor, "POST", path, map[string]any{"reason": strings.Repeat("x", 501)})

		n := w.auditTotal(t)
		if r := w.send(lcEditor, "POST", path, reason); r.Status != http.StatusNoContent {
			t.Fatalf("withdraw: %d %s", r.Status, r.Body)
		}
		w.expectAudit(t, "withdraw", n, lcEvent{"evidence.withdrawn", "evidence", wrong.ID, lcEditor})

		// Gone, for everyone: the item and its file answer as if they never were.
		for _, role := range []string{lcEditor, lcOversight, lcPanel} {
			for _, p := range []string{"/api/v1/evidence/" + wrong.ID, "/api/v1/evidence/" + wrong.ID + "/content"} {
				hidden := l.refuse(t, lcNotFound, role, "GET", p, nil)
				if missing := w.send(role, "GET", strings.Replace(p, wrong.ID, unknownID, 1), nil); pmDetail(t, hidden) != pmDetail(t, missing) {
					t.Errorf("%s: withdrawn says %q, missing says %q", p, pmDetail(t, hidden), pmDetail(t, missing))
				}
			}
		}
		var list struct {
			Items []lcEvidence `json:"items"`
		}
		w.get(t, lcOther, "/api/v1/actions/"+l.action+"/evidence", &list)
		if len(list.Items) != 1 || list.Items[0].ID != right.ID {
			t.Errorf("the action's evidence: %+v", list.Items)
		}
		for _, e := range w.work(t, lcOversight, "").EvidenceToVerify {
			if e.ID == wrong.ID {
				t.Error("oversight is still asked to verify the withdrawn item")
			}
		}

		// The timeline tells every reader who withdrew what and why.
		es := l.entries(t, lcOther)
		last := es[len(es)-1]
		if last.Kind != "evidence" || last.NewStatus != "withdrawn" || last.EvidenceID == nil || *last.EvidenceID != wrong.ID ||
			last.AuthorName != "Eddie Police" || !strings.Contains(last.Narrative, "(names.pdf)") || !strings.Contains(last.Narrative, "names the people") {
			t.Errorf("timeline entry %+v", last)
		}

		// Once only; and oversight cannot review what was withdrawn.
		l.refuse(t, problemWant{Status: http.StatusConflict, Type: "conflict", Errors: []fieldErr{{"status", "withdrawn", ""}}}, lcEditor, "POST", path, reason)
		l.refuse(t, problemWant{Status: http.StatusConflict, Type: "conflict"}, lcOversight, "POST", "/api/v1/evidence/"+wrong.ID+"/review",
			map[string]any{"decision": "verified"})
		// Reviewed evidence is part of the record.
		w.must(t, http.StatusOK, lcOversight, "POST", "/api/v1/evidence/"+right.ID+"/review", map[string]any{"decision": "verified"})
		l.refuse(t, problemWant{Status: http.StatusConflict, Type: "conflict", Errors: []fieldErr{{"status", "reviewed", ""}}}, lcEditor, "POST",
			"/api/v1/evidence/"+right.ID+"/withdraw", reason)
	})
}
