package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

// pmMilestoneRows are the permission matrix's rows for milestones (issue 13 §4): read by whoever
// reads the recommendation, written by whoever writes the action (its owner's editors and the
// review's panel), each write on its own fresh milestone.
func pmMilestoneRows(b *pmBuilder, w *pmWorld) {
	const ok, created, noContent, notFound = http.StatusOK, http.StatusCreated, http.StatusNoContent, http.StatusNotFound
	for _, r := range w.reviews {
		r := r
		read := func(role string) int {
			if pmReadsRec(role, r) {
				return ok
			}
			return notFound
		}
		for _, org := range []string{"O1", "O2"} {
			org, target := org, r.key+" owned by "+org
			write := func(status int) func(string) int {
				return func(role string) int { return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), status) }
			}
			fresh := func(t *testing.T) string { return w.freshMilestone(t, w.freshAction(t, r.rec, org)) }
			b.add("GET", "/api/v1/actions/{id}/milestones", target, read, pmFixed("/api/v1/actions/"+r.actions[org]+"/milestones"))
			b.add("POST", "/api/v1/actions/{id}/milestones", target+" (fresh)", write(created), func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/actions/" + w.freshAction(t, r.rec, org) + "/milestones",
					body: map[string]any{"title": fmt.Sprintf("Step %d", w.next()), "due_date": "2026-09-30"}}
			})
			b.add("GET", "/api/v1/milestones/{id}", target+" (fresh)", read, func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/milestones/" + fresh(t)}
			})
			b.add("PATCH", "/api/v1/milestones/{id}", target+" (fresh)", write(ok), func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/milestones/" + fresh(t), body: map[string]any{"title": "Renamed step"}, ifMatch: pmTag(1)}
			})
			b.add("POST", "/api/v1/milestones/{id}/complete", target+" (fresh)", write(ok), func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/milestones/" + fresh(t) + "/complete", body: map[string]any{}, ifMatch: pmTag(1)}
			})
			b.add("DELETE", "/api/v1/milestones/{id}", target+" (fresh)", write(noContent), func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/milestones/" + fresh(t), ifMatch: pmTag(1)}
			})
		}
	}
	// Milestones and actions that do not exist answer exactly as hidden ones do.
	missing := func(path string) string { return strings.Replace(path, "{id}", unknownID, 1) }
	b.add("GET", "/api/v1/actions/{id}/milestones", "missing", pmEveryone(notFound), pmFixed(missing("/api/v1/actions/{id}/milestones")))
	b.add("GET", "/api/v1/milestones/{id}", "missing", pmEveryone(notFound), pmFixed(missing("/api/v1/milestones/{id}")))
	for _, c := range []struct {
		method, path string
		body         map[string]any
		ifMatch      string
	}{
		{"POST", "/api/v1/actions/{id}/milestones", map[string]any{"title": "Step"}, ""},
		{"PATCH", "/api/v1/milestones/{id}", map[string]any{"title": "Step"}, pmTag(1)},
		{"POST", "/api/v1/milestones/{id}/complete", map[string]any{}, pmTag(1)},
		{"DELETE", "/api/v1/milestones/{id}", nil, pmTag(1)},
	} {
		c := c
		b.add(c.method, c.path, "missing", pmSignedIn(notFound), func(*testing.T, string) pmReq {
			q := pmReq{path: missing(c.path), ifMatch: c.ifMatch}
			if c.body != nil {
				q.body = c.body
			}
			return q
		})
	}
}

func (w *pmWorld) freshMilestone(t *testing.T, actionID string) string {
	m, err := w.st.CreateMilestone(w.ctx, actionID, casereview.MilestoneDraft{Title: fmt.Sprintf("Milestone %d", w.next())})
	pmOK(t, err, "create milestone")
	return m.ID
}
