package api_test

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/extract/extracttest"
)

// The permission matrix (DESIGN §7, §9): every operation of the specification, called by every
// role against its own and other partnerships' and organisations' records and against reviews of
// each visibility, must answer exactly the status the access rules give. The rules, as stated
// here independently of internal/casereview/policy.go:
//
//   - public reviews are readable by anyone, shared ones by every signed-in user, restricted ones
//     by admins, oversight and the panel of the owning partnership, and by the partnership's
//     viewers only when it lets them (P2 does, P1 does not); a recommendation of a restricted
//     review also by the editors of the organisations it is addressed to (not its review, nor its
//     siblings);
//   - the panel of P1 manages P1's reviews and recommendations, and nothing of P2, shared or not;
//   - the agency editor of O1 writes only O1-owned actions, on recommendations it can see;
//   - a user with several memberships (panel of P1 and editor of O2) has the union of what each
//     gives, each in its own scope: P1's reviews as the panel, O2's actions as the editor, and
//     neither O1's actions outside P1 nor anything of P2's reviews;
//   - admins manage users, partnerships and organisations but not review content; panel members
//     may also add organisations;
//   - oversight reads everything, and with admins reads the audit trail; viewers only read;
//   - an anonymous caller gets 401 on every write and on /me, /me/*, /users* and /audit*;
//   - a record the caller may not see answers 404, never 403.
//
// Everything beneath a review inherits its visibility. Writes send a correct If-Match and a real
// change (a new title, description, area code…), and each row acts on a fresh record, or
// changes only its target, so rows do not depend on each other. Around every write the matrix
// compares the database (checkWrite): a refused write changes nothing at all, and a successful
// one really changes its target and nothing else.

// pmRow is one cell of the matrix.
type pmRow struct {
	method, path string // the operation, as the specification names it
	role, target string
	want         int
	req          func(t *testing.T, role string) pmReq
}

// pmReq is the concrete request of a row, built just before it is sent.
type pmReq struct {
	path    string
	body    any
	ifMatch string
}

// pmUnlisted are the operations with checks of their own rather than rows: they are the same
// for every caller, or they are how a caller becomes one (TestPermissionMatrixSession).
var pmUnlisted = map[string]bool{
	"GET /healthz": true, "GET /readyz": true, "GET /api/v1/openapi.yaml": true,
	"POST /api/v1/auth/login": true, "POST /api/v1/auth/mfa": true, "POST /api/v1/auth/logout": true,
}

// The access rules as the matrix states them.

func pmReads(role string, r *pmReview) bool {
	switch r.vis {
	case casereview.VisibilityPublic:
		return true
	case casereview.VisibilityShared:
		return role != pmAnon
	}
	return role == pmAdmin || role == pmOversight || pmManages(role, r) ||
		(role == pmViewerP2 && r.partnership == "P2") // P2 lets its viewers read its restricted reviews; P1 does not
}

// pmPanelOf and pmEditorOf name the partnership a role sits on the panel of and the
// organisation it edits for ("" for none).
func pmPanelOf(role string) string {
	if role == pmPanel || role == pmMulti {
		return "P1"
	}
	return ""
}

func pmEditorOf(role string) string {
	switch role {
	case pmEditor:
		return "O1"
	case pmMulti:
		return "O2"
	}
	return ""
}

// pmReadsRec: a recommendation (and what lies beneath it) is read by whoever reads its review,
// and on a restricted review by the editors of its addressees (issue 13 §10). Every fixture
// recommendation is addressed to O1 and O2 unless a row says otherwise (pmReadsRecTo).
func pmReadsRec(role string, r *pmReview) bool { return pmReadsRecTo(role, r, "O1", "O2") }

func pmReadsRecTo(role string, r *pmReview, addressees ...string) bool {
	return pmReads(role, r) || (r.vis == casereview.VisibilityRestricted && slices.Contains(addressees, pmEditorOf(role)))
}

func pmManages(role string, r *pmReview) bool {
	return pmPanelOf(role) != "" && pmPanelOf(role) == r.partnership
}

func pmWritesAction(role string, r *pmReview, org string) bool {
	return pmManages(role, r) || pmEditorOf(role) == org
}

// pmWrite is the status of a write beneath a review: 401 for an anonymous caller, 404 when the
// caller may not see the record, 403 when it may see but not do, ok otherwise.
func pmWrite(role string, visible, allowed bool, ok int) int {
	switch {
	case role == pmAnon:
		return http.StatusUnauthorized
	case !visible:
		return http.StatusNotFound
	case !allowed:
		return http.StatusForbidden
	}
	return ok
}

// pmResponds: the editors of an addressee give its response; the panel may record it.
func pmResponds(role string, r *pmReview, org string) bool {
	return pmManages(role, r) || pmEditorOf(role) == org
}

// pmLinks: the panel of the recommendation's partnership and oversight link recommendations.
func pmLinks(role string, r *pmReview) bool { return pmManages(role, r) || role == pmOversight }

func pmEveryone(ok int) func(string) int { return func(string) int { return ok } }

func pmSignedIn(ok int) func(string) int {
	return func(role string) int {
		if role == pmAnon {
			return http.StatusUnauthorized
		}
		return ok
	}
}

// pmOnly answers ok for the roles given, 401 for anonymous and 403 for everyone else.
func pmOnly(ok int, roles ...string) func(string) int {
	return func(role string) int {
		switch {
		case role == pmAnon:
			return http.StatusUnauthorized
		case slices.Contains(roles, role):
			return ok
		}
		return http.StatusForbidden
	}
}

// pmBuilder collects rows.
type pmBuilder struct{ rows []pmRow }

// add adds a row per role (every role unless roles are given) for one operation and target.
func (b *pmBuilder) add(method, path, target string, want func(role string) int, req func(t *testing.T, role string) pmReq, roles ...string) {
	if len(roles) == 0 {
		roles = pmRoles
	}
	for _, role := range roles {
		b.rows = append(b.rows, pmRow{method: method, path: path, role: role, target: target, want: want(role), req: req})
	}
}

func pmFixed(path string) func(*testing.T, string) pmReq {
	return func(*testing.T, string) pmReq { return pmReq{path: path} }
}

func pmRows(w *pmWorld) []pmRow {
	b := &pmBuilder{}
	const ok, created, noContent = http.StatusOK, http.StatusCreated, http.StatusNoContent
	const forbidden, notFound, conflict, invalid = http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity
	signedIn := pmRoles[1:]

	// Reference data: open to everyone.
	b.add("GET", "/api/v1/review-types", "all", pmEveryone(ok), pmFixed("/api/v1/review-types"))
	b.add("GET", "/api/v1/review-types/{code}", "DHR", pmEveryone(ok), pmFixed("/api/v1/review-types/DHR"))
	b.add("GET", "/api/v1/intervention-types", "all", pmEveryone(ok), pmFixed("/api/v1/intervention-types"))
	b.add("GET", "/api/v1/themes", "all", pmEveryone(ok), pmFixed("/api/v1/themes"))
	b.add("GET", "/api/v1/themes/{code}", "A01", pmEveryone(ok), pmFixed("/api/v1/themes/A01"))
	// The taxonomy: managed by admins only.
	themes := 0 // theme codes are few: count them apart from w.next
	freshTheme := func(t *testing.T) casereview.Theme {
		themes++
		n := themes
		th, err := w.st.CreateTheme(w.ctx, casereview.NewTheme{Code: fmt.Sprintf("C%02d", 50+n), Group: "C",
			Label: fmt.Sprintf("Matrix theme %d", n), Definition: "A theme for the permission matrix."})
		pmOK(t, err, "create theme")
		return th
	}
	b.add("POST", "/api/v1/themes", "new", pmOnly(created, pmAdmin), func(t *testing.T, role string) pmReq {
		themes++
		n := themes
		return pmReq{path: "/api/v1/themes", body: map[string]any{"code": fmt.Sprintf("B%02d", 50+n), "group": "B",
			"label": fmt.Sprintf("New theme %d", n), "definition": "A new theme.", "keywords": []string{"matrix"}}}
	})
	b.add("PATCH", "/api/v1/themes/{code}", "A01", pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
		th, err := w.st.GetTheme(w.ctx, "A01")
		pmOK(t, err, "get theme")
		return pmReq{path: "/api/v1/themes/A01", body: map[string]any{"label": th.Label}, ifMatch: pmTag(th.TaxonomyVersion)}
	})
	b.add("POST", "/api/v1/themes/{code}/deprecate", "fresh", pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
		th := freshTheme(t)
		return pmReq{path: "/api/v1/themes/" + th.Code + "/deprecate", body: map[string]any{}, ifMatch: pmTag(th.TaxonomyVersion)}
	})

	// Partnerships: read by everyone, managed by admins.
	b.add("GET", "/api/v1/partnerships", "all", pmEveryone(ok), pmFixed("/api/v1/partnerships"))
	b.add("POST", "/api/v1/partnerships", "new", pmOnly(created, pmAdmin), func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/partnerships", body: map[string]any{"name": fmt.Sprintf("New partnership %d", w.next()), "kind": "other"}}
	})
	for _, k := range []string{"P1", "P2"} {
		id := w.p[k]
		b.add("GET", "/api/v1/partnerships/{id}", k, pmEveryone(ok), pmFixed("/api/v1/partnerships/"+id))
		b.add("PATCH", "/api/v1/partnerships/{id}", k, pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
			p, err := w.st.GetPartnership(w.ctx, id)
			pmOK(t, err, "get partnership")
			return pmReq{path: "/api/v1/partnerships/" + id, body: map[string]any{"area_codes": []string{fmt.Sprintf("LA:%d", w.next())}}, ifMatch: pmTag(p.Version)}
		})
	}
	b.add("DELETE", "/api/v1/partnerships/{id}", "P1 (has reviews)", pmOnly(conflict, pmAdmin), func(t *testing.T, role string) pmReq {
		p, err := w.st.GetPartnership(w.ctx, w.p["P1"])
		pmOK(t, err, "get partnership")
		return pmReq{path: "/api/v1/partnerships/" + p.ID, ifMatch: pmTag(p.Version)}
	})
	b.add("DELETE", "/api/v1/partnerships/{id}", "fresh", pmOnly(noContent, pmAdmin), func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/partnerships/" + w.freshPartnership(t), ifMatch: pmTag(1)}
	})

	// Organisations: read by everyone, added by admins and panel members, changed by admins.
	b.add("GET", "/api/v1/organisations", "all", pmEveryone(ok), pmFixed("/api/v1/organisations"))
	b.add("POST", "/api/v1/organisations", "new", pmOnly(created, pmAdmin, pmPanel, pmMulti), func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/organisations", body: map[string]any{"name": fmt.Sprintf("New organisation %d", w.next()), "sector": "housing"}}
	})
	for _, k := range []string{"O1", "O2"} {
		id := w.o[k]
		b.add("GET", "/api/v1/organisations/{id}", k, pmEveryone(ok), pmFixed("/api/v1/organisations/"+id))
		b.add("PATCH", "/api/v1/organisations/{id}", k, pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
			o, err := w.st.GetOrganisation(w.ctx, id)
			pmOK(t, err, "get organisation")
			return pmReq{path: "/api/v1/organisations/" + id, body: map[string]any{"aliases": []string{fmt.Sprintf("Alias %d", w.next())}}, ifMatch: pmTag(o.Version)}
		})
	}
	b.add("DELETE", "/api/v1/organisations/{id}", "O1 (addressed)", pmOnly(conflict, pmAdmin), func(t *testing.T, role string) pmReq {
		o, err := w.st.GetOrganisation(w.ctx, w.o["O1"])
		pmOK(t, err, "get organisation")
		return pmReq{path: "/api/v1/organisations/" + o.ID, ifMatch: pmTag(o.Version)}
	})
	b.add("DELETE", "/api/v1/organisations/{id}", "fresh", pmOnly(noContent, pmAdmin), func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/organisations/" + w.freshOrganisation(t), ifMatch: pmTag(1)}
	})

	// Merging duplicates: admins only.
	b.add("GET", "/api/v1/organisations/duplicates", "all", pmOnly(ok, pmAdmin), pmFixed("/api/v1/organisations/duplicates"))
	b.add("POST", "/api/v1/organisations/{id}/merge", "fresh pair", pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
		var ids [2]string
		for i := range ids {
			o, err := w.st.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: fmt.Sprintf("Merge candidate %d", w.next()), Sector: "other"})
			pmOK(t, err, "create organisation to merge")
			ids[i] = o.ID
		}
		return pmReq{path: "/api/v1/organisations/" + ids[0] + "/merge", body: map[string]any{"merge": ids[1], "version": 1, "merge_version": 1}}
	})

	// Reviews.
	b.add("GET", "/api/v1/reviews", "visible", pmEveryone(ok), pmFixed("/api/v1/reviews"))
	for _, k := range []string{"P1", "P2"} {
		k := k
		b.add("POST", "/api/v1/reviews", k, func(role string) int {
			return pmWrite(role, true, pmManages(role, &pmReview{partnership: k}), created)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews", body: map[string]any{"type": "DHR", "partnership_id": w.p[k],
				"reference": fmt.Sprintf("NEW-%d", w.next()), "title": "New review"}}
		})
	}
	for _, r := range w.reviews {
		r := r
		b.add("GET", "/api/v1/reviews/{id}", r.key, func(role string) int {
			if pmReads(role, r) {
				return ok
			}
			return notFound
		}, pmFixed("/api/v1/reviews/"+r.id))
		b.add("PATCH", "/api/v1/reviews/{id}", r.key, func(role string) int {
			return pmWrite(role, pmReads(role, r), pmManages(role, r), ok)
		}, func(t *testing.T, role string) pmReq {
			tag, cur := w.reviewTag(t, r.id)
			return pmReq{path: "/api/v1/reviews/" + r.id, body: map[string]any{"title": fmt.Sprintf("%s, revised %d", cur.Title, w.next())}, ifMatch: tag}
		})
		b.add("DELETE", "/api/v1/reviews/{id}", r.key+" (has recommendations)", func(role string) int {
			return pmWrite(role, pmReads(role, r), pmManages(role, r), conflict)
		}, func(t *testing.T, role string) pmReq {
			tag, _ := w.reviewTag(t, r.id)
			return pmReq{path: "/api/v1/reviews/" + r.id, ifMatch: tag}
		})
		b.add("DELETE", "/api/v1/reviews/{id}", r.key+" (fresh)", func(role string) int {
			return pmWrite(role, pmReads(role, r), pmManages(role, r), noContent)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews/" + w.freshReview(t, r.partnership, r.vis), ifMatch: pmTag(1)}
		})
	}

	// Recommendations.
	b.add("GET", "/api/v1/recommendations", "visible", pmEveryone(ok), pmFixed("/api/v1/recommendations"))
	for _, r := range w.reviews {
		r := r
		// A review's report (issue 17 §2): read with the review, uploaded and confirmed by its
		// panel.
		reads := func(role string) int {
			if pmReads(role, r) {
				return ok
			}
			return notFound
		}
		b.add("GET", "/api/v1/reviews/{id}/reports", r.key, reads, pmFixed("/api/v1/reviews/"+r.id+"/reports"))
		b.add("GET", "/api/v1/reports/{id}", r.key, reads, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reports/" + w.reportOf(t, r)}
		})
		b.add("GET", "/api/v1/reports/{id}/content", r.key, reads, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reports/" + w.reportOf(t, r) + "/content"}
		})
		b.add("POST", "/api/v1/reviews/{id}/reports", r.key, func(role string) int {
			return pmWrite(role, pmReads(role, r), pmManages(role, r), created)
		}, func(t *testing.T, role string) pmReq {
			data, ctype := lcMultipart(t, "report.txt", pmReportText(w.next()))
			return pmReq{path: "/api/v1/reviews/" + r.id + "/reports", body: pmMultipart{data: data, ctype: ctype}}
		})
		b.add("POST", "/api/v1/reports/{id}/confirm", r.key+" (fresh)", func(role string) int {
			return pmWrite(role, pmReads(role, r), pmManages(role, r), created)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reports/" + w.freshReport(t, r) + "/confirm", body: map[string]any{"proposals": []map[string]any{
				{"number": fmt.Sprintf("N%d", w.next()), "text": extracttest.DHRTexts[2], "scope": "local", "page": 4}}}}
		})
		// A review the caller may not see is named in the body, so it is reported as a field
		// that names no review (422), exactly as for an id that does not exist.
		b.add("POST", "/api/v1/recommendations", r.key, func(role string) int {
			if role != pmAnon && !pmReads(role, r) {
				return invalid
			}
			return pmWrite(role, true, pmManages(role, r), created)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations", body: map[string]any{"review_id": r.id, "number": fmt.Sprintf("N%d", w.next()),
				"text": "Agencies should share risk information.", "scope": "local",
				"addressees": []map[string]any{{"organisation_id": w.o["O1"], "role": "lead"}}}}
		})
		b.add("GET", "/api/v1/recommendations/{id}", r.key, func(role string) int {
			if pmReadsRec(role, r) {
				return ok
			}
			return notFound
		}, pmFixed("/api/v1/recommendations/"+r.rec))
		b.add("PATCH", "/api/v1/recommendations/{id}", r.key, func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmManages(role, r), ok)
		}, func(t *testing.T, role string) pmReq {
			tag, _ := w.recommendationTag(t, r.rec)
			return pmReq{path: "/api/v1/recommendations/" + r.rec, body: map[string]any{"title": fmt.Sprintf("Referral pathway, revised %d", w.next())}, ifMatch: tag}
		})
		b.add("DELETE", "/api/v1/recommendations/{id}", r.key+" (has actions)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmManages(role, r), conflict)
		}, func(t *testing.T, role string) pmReq {
			tag, _ := w.recommendationTag(t, r.rec)
			return pmReq{path: "/api/v1/recommendations/" + r.rec, ifMatch: tag}
		})
		b.add("DELETE", "/api/v1/recommendations/{id}", r.key+" (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmManages(role, r), noContent)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, r.id), ifMatch: pmTag(1)}
		})
	}

	// Actions.
	b.add("GET", "/api/v1/actions", "visible", pmEveryone(ok), pmFixed("/api/v1/actions"))
	for _, r := range w.reviews {
		r := r
		for _, org := range []string{"O1", "O2"} {
			org, target := org, r.key+" owned by "+org
			b.add("POST", "/api/v1/recommendations/{id}/actions", target, func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), created)
			}, func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/recommendations/" + r.rec + "/actions",
					body: map[string]any{"organisation_id": w.o[org], "description": fmt.Sprintf("New action %d", w.next())}}
			})
			b.add("GET", "/api/v1/actions/{id}", target, func(role string) int {
				if pmReadsRec(role, r) {
					return ok
				}
				return notFound
			}, pmFixed("/api/v1/actions/"+r.actions[org]))
			b.add("PATCH", "/api/v1/actions/{id}", target, func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), ok)
			}, func(t *testing.T, role string) pmReq {
				tag, cur := w.actionTag(t, r.actions[org])
				return pmReq{path: "/api/v1/actions/" + cur.ID, body: map[string]any{"description": fmt.Sprintf("Action owned by %s, revised %d", org, w.next())}, ifMatch: tag}
			})
			b.add("DELETE", "/api/v1/actions/{id}", target+" (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), noContent)
			}, func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/actions/" + w.freshAction(t, r.rec, org), ifMatch: pmTag(1)}
			})
		}
		// Handing an O1 action to O2 needs the right to write for both.
		b.add("PATCH", "/api/v1/actions/{id}", r.key+" O1 action handed to O2 (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, "O1") && pmWritesAction(role, r, "O2"), ok)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/actions/" + w.freshAction(t, r.rec, "O1"), body: map[string]any{"organisation_id": w.o["O2"]}, ifMatch: pmTag(1)}
		})
	}

	// Records that do not exist answer exactly as hidden ones do.
	for _, c := range []struct{ collection string }{{"reviews"}, {"recommendations"}, {"actions"}} {
		path := "/api/v1/" + c.collection + "/{id}"
		concrete := "/api/v1/" + c.collection + "/" + unknownID
		b.add("GET", path, "missing", pmEveryone(notFound), pmFixed(concrete))
		b.add("PATCH", path, "missing", pmSignedIn(notFound), func(*testing.T, string) pmReq {
			return pmReq{path: concrete, body: map[string]any{}, ifMatch: pmTag(1)}
		})
		b.add("DELETE", path, "missing", pmSignedIn(notFound), func(*testing.T, string) pmReq {
			return pmReq{path: concrete, ifMatch: pmTag(1)}
		})
	}

	// Tracking (DESIGN §4): responses, timelines, assessments, links, progress and evidence.
	// Reads follow the review's visibility; every write names its own fresh record.
	const preconditionRequired = http.StatusPreconditionRequired
	for _, r := range w.reviews {
		r := r
		read := func(role string) int {
			if pmReadsRec(role, r) {
				return ok
			}
			return notFound
		}
		b.add("GET", "/api/v1/recommendations/{id}/responses", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/responses"))
		b.add("GET", "/api/v1/recommendations/{id}/timeline", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/timeline"))
		b.add("GET", "/api/v1/recommendations/{id}/similar", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/similar"))
		b.add("GET", "/api/v1/recommendations/{id}/made-before", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/made-before"))
		b.add("GET", "/api/v1/recommendations/{id}/actions", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/actions"))
		// Theme suggestions are read with the recommendation, and accepted or rejected by whoever
		// may change its themes: the panel of its partnership. A fresh recommendation's text
		// ("the referral pathway") suggests C05.
		b.add("GET", "/api/v1/recommendations/{id}/theme-suggestions", r.key, read, pmFixed("/api/v1/recommendations/"+r.rec+"/theme-suggestions"))
		b.add("POST", "/api/v1/recommendations/{id}/theme-suggestions/{code}/accept", r.key+" C05 (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmManages(role, r), ok)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, r.id) + "/theme-suggestions/C05/accept", ifMatch: pmTag(1)}
		})
		b.add("POST", "/api/v1/recommendations/{id}/theme-suggestions/{code}/reject", r.key+" C05 (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmManages(role, r), created)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, r.id) + "/theme-suggestions/C05/reject",
				body: map[string]any{"reason": "It is about one referral, not the pathway."}}
		})
		b.add("GET", "/api/v1/evidence/{id}", r.key, read, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/evidence/" + w.fileOf(t, r)}
		})
		b.add("GET", "/api/v1/evidence/{id}/content", r.key, read, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/evidence/" + w.fileOf(t, r) + "/content"}
		})

		// A response is given by the addressee's editors, or recorded by the panel.
		for _, org := range []string{"O1", "O2"} {
			org := org
			b.add("POST", "/api/v1/recommendations/{id}/responses", r.key+" from "+org+" (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmResponds(role, r, org), created)
			}, func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, r.id) + "/responses",
					body: map[string]any{"organisation_id": w.o[org], "decision": "response_received"}}
			})
		}
		// Only an addressee responds: 422 (not_addressee) for those who may respond for O1.
		b.add("POST", "/api/v1/recommendations/{id}/responses", r.key+" from O1, addressed to O2 alone (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRecTo(role, r, "O2"), pmResponds(role, r, "O1"), invalid)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendationTo(t, r.id, "O2") + "/responses",
				body: map[string]any{"organisation_id": w.o["O1"], "decision": "response_received"}}
		})

		// Classification is oversight's alone, and needs If-Match.
		assess := func(withTag bool) func(*testing.T, string) pmReq {
			return func(t *testing.T, role string) pmReq {
				id := w.freshRecommendation(t, r.id)
				q := pmReq{path: "/api/v1/recommendations/" + id + "/assessments",
					body: map[string]any{"classification": "open_acceptable", "rationale": "The response addresses the finding."}}
				if withTag {
					q.ifMatch, _ = w.recommendationTag(t, id)
				}
				return q
			}
		}
		b.add("POST", "/api/v1/recommendations/{id}/assessments", r.key+" (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmOversight, ok)
		}, assess(true))
		b.add("POST", "/api/v1/recommendations/{id}/assessments", r.key+" without If-Match (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), true, preconditionRequired)
		}, assess(false), pmOversight)

		// Links: the panel of the recommendation's partnership, and oversight.
		b.add("POST", "/api/v1/recommendations/{id}/links", r.key+" to another of its recommendations (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmLinks(role, r), created)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, r.id) + "/links",
				body: map[string]any{"type": "similar_to", "target_id": w.freshRecommendation(t, r.id)}}
		})
		b.add("DELETE", "/api/v1/links/{id}", r.key+" (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), pmLinks(role, r), noContent)
		}, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/links/" + w.freshLink(t, w.freshRecommendation(t, r.id), w.freshRecommendation(t, r.id))}
		})

		// Oversight alone reviews evidence, once.
		reviewEvidence := func(body map[string]any, fresh func(*testing.T, string) string) func(*testing.T, string) pmReq {
			return func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/evidence/" + fresh(t, w.freshAction(t, r.rec, "O1")) + "/review", body: body}
			}
		}
		b.add("POST", "/api/v1/evidence/{id}/review", r.key+" verified (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmOversight, ok)
		}, reviewEvidence(map[string]any{"decision": "verified"}, w.freshEvidence))
		b.add("POST", "/api/v1/evidence/{id}/review", r.key+" rejected with a note (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmOversight, ok)
		}, reviewEvidence(map[string]any{"decision": "rejected", "note": "The minutes do not record the training."}, w.freshEvidence))
		b.add("POST", "/api/v1/evidence/{id}/review", r.key+" already verified (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmOversight, conflict)
		}, reviewEvidence(map[string]any{"decision": "rejected", "note": "Second thoughts."}, w.freshVerifiedEvidence))

		// Withdrawal (issue 13 item 10): the uploader alone, while the evidence is pending, with a
		// reason; withdrawn evidence is then missing for everyone.
		withdraw := func(uploader string, fresh func(*testing.T, string, string) string, body map[string]any) func(*testing.T, string) pmReq {
			return func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/evidence/" + fresh(t, uploader, w.freshAction(t, r.rec, "O1")) + "/withdraw", body: body}
			}
		}
		because := map[string]any{"reason": "Uploaded the wrong file."}
		b.add("POST", "/api/v1/evidence/{id}/withdraw", r.key+" uploaded by the O1 editor (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmEditor, noContent)
		}, withdraw(pmEditor, w.freshEvidenceBy, because))
		b.add("POST", "/api/v1/evidence/{id}/withdraw", r.key+" uploaded by the O1 editor, without a reason (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmEditor, invalid)
		}, withdraw(pmEditor, w.freshEvidenceBy, map[string]any{}))
		b.add("POST", "/api/v1/evidence/{id}/withdraw", r.key+" uploaded by the O1 editor, already verified (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), role == pmEditor, conflict)
		}, withdraw(pmEditor, w.freshVerifiedEvidenceBy, because))
		if pmManages(pmPanel, r) {
			b.add("POST", "/api/v1/evidence/{id}/withdraw", r.key+" uploaded by the panel (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), role == pmPanel, noContent)
			}, withdraw(pmPanel, w.freshEvidenceBy, because))
		}
		b.add("POST", "/api/v1/evidence/{id}/withdraw", r.key+" uploaded by the system (fresh)", func(role string) int {
			return pmWrite(role, pmReadsRec(role, r), false, noContent)
		}, withdraw("", func(t *testing.T, _ string, action string) string { return w.freshEvidence(t, action) }, because))
		for _, p := range []string{"/api/v1/evidence/{id}", "/api/v1/evidence/{id}/content"} {
			p := p
			b.add("GET", p, r.key+" withdrawn", pmEveryone(notFound), func(t *testing.T, role string) pmReq {
				return pmReq{path: strings.Replace(p, "{id}", w.withdrawnOf(t, r), 1)}
			})
		}

		for _, org := range []string{"O1", "O2"} {
			org, target := org, r.key+" owned by "+org
			b.add("GET", "/api/v1/actions/{id}/evidence", target, read, pmFixed("/api/v1/actions/"+r.actions[org]+"/evidence"))
			b.add("POST", "/api/v1/actions/{id}/evidence", target+" (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), created)
			}, func(t *testing.T, role string) pmReq {
				return pmReq{path: "/api/v1/actions/" + w.freshAction(t, r.rec, org) + "/evidence",
					body: map[string]any{"title": fmt.Sprintf("Training record %d", w.next()), "url": "https://intranet.example.org/training"}}
			})

			progress := func(fresh func(*testing.T) string, body map[string]any, withTag bool) func(*testing.T, string) pmReq {
				return func(t *testing.T, role string) pmReq {
					id := fresh(t)
					q := pmReq{path: "/api/v1/actions/" + id + "/progress", body: body}
					if withTag {
						q.ifMatch, _ = w.actionTag(t, id)
					}
					return q
				}
			}
			action := func(t *testing.T) string { return w.freshAction(t, r.rec, org) }
			claim := func(t *testing.T) string { return w.freshClaim(t, r.rec, org) }
			// A note: the owner's editors, the panel, and oversight (casereview.ActionProgress).
			b.add("POST", "/api/v1/actions/{id}/progress", target+", a note (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org) || role == pmOversight, ok)
			}, progress(action, map[string]any{"narrative": "Met the designated safeguarding lead."}, true))
			// The outcome is the owner's statement: oversight may note, but not rewrite it.
			b.add("POST", "/api/v1/actions/{id}/progress", target+", a note setting the outcome (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), ok)
			}, progress(action, map[string]any{"narrative": "Training booked.", "outcome": "Every duty officer trained"}, true))
			b.add("POST", "/api/v1/actions/{id}/progress", target+", not_started to in_progress (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), pmWritesAction(role, r, org), ok)
			}, progress(action, map[string]any{"status": "in_progress", "narrative": "Work has begun."}, true))
			b.add("POST", "/api/v1/actions/{id}/progress", target+", a note without If-Match (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), true, preconditionRequired)
			}, progress(action, map[string]any{"narrative": "Met the designated safeguarding lead."}, false), pmEditor, pmPanel)
			// A claim of completion is verified, or sent back, by oversight alone.
			b.add("POST", "/api/v1/actions/{id}/progress", target+", claim verified (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), role == pmOversight, ok)
			}, progress(claim, map[string]any{"status": "implemented_verified"}, true))
			b.add("POST", "/api/v1/actions/{id}/progress", target+", claim sent back (fresh)", func(role string) int {
				return pmWrite(role, pmReadsRec(role, r), role == pmOversight, ok)
			}, progress(claim, map[string]any{"status": "in_progress", "reason": "The evidence does not show who was trained."}, true))
		}
	}
	// A link to a recommendation the caller may not see is refused as if the target did not
	// exist (422), after the right to link the source is checked. (The editor of O2 reads the
	// target, addressed to O2, so the panel-and-editor user may link to it.)
	b.add("POST", "/api/v1/recommendations/{id}/links", "P1-shared to P2-restricted (fresh)", func(role string) int {
		src, dst := w.byKey["P1-shared"], w.byKey["P2-restricted"]
		if role != pmAnon && pmLinks(role, src) && !pmReadsRec(role, dst) {
			return invalid
		}
		return pmWrite(role, pmReadsRec(role, src), pmLinks(role, src), created)
	}, func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/recommendations/" + w.freshRecommendation(t, w.byKey["P1-shared"].id) + "/links",
			body: map[string]any{"type": "similar_to", "target_id": w.freshRecommendation(t, w.byKey["P2-restricted"].id)}}
	})
	b.add("GET", "/api/v1/work", "own", pmSignedIn(ok), pmFixed("/api/v1/work"))
	b.add("GET", "/api/v1/recurrence/nearest", "draft", pmEveryone(ok), pmFixed("/api/v1/recurrence/nearest?text=refresher+training+for+officers"))

	// Tracking records that do not exist answer exactly as hidden ones do.
	missing := func(path string) string { return strings.Replace(path, "{id}", unknownID, 1) }
	for _, path := range []string{"/api/v1/recommendations/{id}/responses", "/api/v1/recommendations/{id}/timeline",
		"/api/v1/recommendations/{id}/similar", "/api/v1/recommendations/{id}/made-before", "/api/v1/recommendations/{id}/theme-suggestions", "/api/v1/actions/{id}/evidence", "/api/v1/evidence/{id}", "/api/v1/evidence/{id}/content",
		"/api/v1/responses/{id}", "/api/v1/links/{id}", "/api/v1/recommendations/{id}/actions"} {
		b.add("GET", path, "missing", pmEveryone(notFound), pmFixed(missing(path)))
	}
	for _, c := range []struct {
		method, path string
		body         map[string]any
		ifMatch      string
	}{
		{"POST", "/api/v1/recommendations/{id}/responses", map[string]any{"organisation_id": w.o["O1"], "decision": "response_received"}, ""},
		{"POST", "/api/v1/recommendations/{id}/assessments", map[string]any{"classification": "open_acceptable"}, pmTag(1)},
		{"POST", "/api/v1/recommendations/{id}/links", map[string]any{"type": "similar_to", "target_id": w.byKey["P1-public"].rec}, ""},
		{"DELETE", "/api/v1/links/{id}", nil, ""},
		{"POST", "/api/v1/actions/{id}/progress", map[string]any{"narrative": "A note."}, pmTag(1)},
		{"POST", "/api/v1/actions/{id}/evidence", map[string]any{"title": "Minutes", "url": "https://intranet.example.org/minutes"}, ""},
		{"POST", "/api/v1/evidence/{id}/review", map[string]any{"decision": "verified"}, ""},
		{"POST", "/api/v1/evidence/{id}/withdraw", map[string]any{"reason": "Wrong file."}, ""},
		{"POST", "/api/v1/recommendations/{id}/theme-suggestions/{code}/accept", nil, pmTag(1)},
		{"POST", "/api/v1/recommendations/{id}/theme-suggestions/{code}/reject", map[string]any{"reason": "No."}, ""},
	} {
		c := c
		b.add(c.method, c.path, "missing", pmSignedIn(notFound), func(*testing.T, string) pmReq {
			q := pmReq{path: strings.Replace(missing(c.path), "{code}", "C05", 1), ifMatch: c.ifMatch}
			if c.body != nil {
				q.body = c.body
			}
			return q
		})
	}

	// An admin resets a (fresh) user's password; others cannot see the user.
	b.add("POST", "/api/v1/users/{id}/password", "fresh user", func(role string) int {
		switch role {
		case pmAnon:
			return http.StatusUnauthorized
		case pmAdmin:
			return ok
		}
		return notFound
	}, func(t *testing.T, role string) pmReq {
		id, _ := w.freshUser(t)
		return pmReq{path: "/api/v1/users/" + id + "/password", body: map[string]any{"password": "granite harbour violet sail"}}
	})
	// An admin clears a (fresh) user's second factor; others cannot see the user.
	b.add("POST", "/api/v1/users/{id}/mfa/reset", "fresh user", func(role string) int {
		switch role {
		case pmAnon:
			return http.StatusUnauthorized
		case pmAdmin:
			return ok
		}
		return notFound
	}, func(t *testing.T, role string) pmReq {
		id, _ := w.freshUser(t)
		return pmReq{path: "/api/v1/users/" + id + "/mfa/reset"}
	})
	// The caller's own account.
	b.add("GET", "/api/v1/me", "self", pmSignedIn(ok), pmFixed("/api/v1/me"))
	// A password change revokes every token, so it is made from a signed-in session only.
	b.add("POST", "/api/v1/me/password", "self", pmSignedIn(forbidden), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/me/password", body: map[string]any{"current_password": pmPassword, "new_password": pmPassword}}
	})
	// An authenticator is set up from a signed-in session, never with an API token.
	b.add("POST", "/api/v1/me/mfa/totp", "self", pmSignedIn(forbidden), pmFixed("/api/v1/me/mfa/totp"))
	b.add("POST", "/api/v1/me/mfa/totp/confirm", "self", pmSignedIn(forbidden), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/me/mfa/totp/confirm", body: map[string]any{"code": "123456"}}
	})
	b.add("GET", "/api/v1/me/tokens", "self", pmSignedIn(ok), pmFixed("/api/v1/me/tokens"))
	// Tokens do not mint tokens: only a recent sign-in does.
	b.add("POST", "/api/v1/me/tokens", "self", pmSignedIn(forbidden), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/me/tokens", body: map[string]any{"name": fmt.Sprintf("script %d", w.next())}}
	})
	b.add("DELETE", "/api/v1/me/tokens/{id}", "own token (fresh)", pmSignedIn(noContent), func(t *testing.T, role string) pmReq {
		_, id := w.freshToken(t, role)
		return pmReq{path: "/api/v1/me/tokens/" + id}
	}, signedIn...)
	b.add("DELETE", "/api/v1/me/tokens/{id}", "another user's token (fresh)", pmSignedIn(notFound), func(t *testing.T, role string) pmReq {
		_, id := w.freshToken(t, "bystander")
		return pmReq{path: "/api/v1/me/tokens/" + id}
	})

	pmReportRows(w, b) // scheduled reports (permissions_reports_test.go)

	// The caller's own notifications and email choices: anyone signed in, only their own.
	b.add("GET", "/api/v1/notifications", "own", pmSignedIn(ok), pmFixed("/api/v1/notifications"))
	b.add("POST", "/api/v1/notifications/read", "own", pmSignedIn(ok), func(*testing.T, string) pmReq {
		// One that is nobody's: some roles have notifications (from the matrix's rejections),
		// and a row must not depend on which ran before it.
		return pmReq{path: "/api/v1/notifications/read", body: map[string]any{"ids": []string{"01a24950-0000-7000-8000-000000000000"}}}
	})
	b.add("GET", "/api/v1/notifications/preferences", "own", pmSignedIn(ok), pmFixed("/api/v1/notifications/preferences"))
	b.add("PUT", "/api/v1/notifications/preferences", "own", pmSignedIn(ok), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/notifications/preferences", body: map[string]any{"preferences": []map[string]any{
			{"kind": "overdue", "delivery": []string{"daily", "weekly"}[w.next()%2]}}}}
	})

	// Saved searches: anyone signed in keeps their own; another's does not exist for them.
	b.add("GET", "/api/v1/saved-searches", "own", pmSignedIn(ok), pmFixed("/api/v1/saved-searches"))
	b.add("POST", "/api/v1/saved-searches", "new", pmSignedIn(created), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/saved-searches", body: map[string]any{"name": fmt.Sprintf("Search %d", w.next()), "query": "q=training&sort=newest"}}
	})
	for _, target := range []string{"own", "another's"} {
		target := target
		want := map[string]int{"own": ok, "another's": notFound}[target]
		saved := func(t *testing.T, role string) string {
			owner := role
			if target != "own" || role == pmAnon {
				owner = "bystander"
			}
			return w.freshSavedSearch(t, owner)
		}
		b.add("GET", "/api/v1/saved-searches/{id}", target, pmSignedIn(want), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/saved-searches/" + saved(t, role)}
		})
		b.add("PATCH", "/api/v1/saved-searches/{id}", target, pmSignedIn(want), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/saved-searches/" + saved(t, role), body: map[string]any{"name": fmt.Sprintf("Renamed %d", w.next())}}
		})
		b.add("DELETE", "/api/v1/saved-searches/{id}", target, pmSignedIn(map[string]int{"own": noContent, "another's": notFound}[target]), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/saved-searches/" + saved(t, role)}
		})
	}
	// Following: anyone signed in who may read the recommendation or review.
	b.add("GET", "/api/v1/follows", "own", pmSignedIn(ok), pmFixed("/api/v1/follows"))
	for _, r := range w.reviews {
		r := r
		recWant := func(role string) int { return pmWrite(role, pmReadsRec(role, r), true, ok) }
		revWant := func(role string) int { return pmWrite(role, pmReads(role, r), true, ok) }
		for _, m := range []string{"GET", "PUT", "DELETE"} {
			m := m
			b.add(m, "/api/v1/recommendations/{id}/follow", r.key, recWant, func(t *testing.T, role string) pmReq {
				if m == "DELETE" && role != pmAnon && pmReadsRec(role, r) {
					w.follow(t, role, casereview.FollowRecommendation, r.rec) // so that there is something to unfollow
				}
				return pmReq{path: "/api/v1/recommendations/" + r.rec + "/follow"}
			})
			b.add(m, "/api/v1/reviews/{id}/follow", r.key, revWant, func(t *testing.T, role string) pmReq {
				if m == "DELETE" && role != pmAnon && pmReads(role, r) {
					w.follow(t, role, casereview.FollowReview, r.id)
				}
				return pmReq{path: "/api/v1/reviews/" + r.id + "/follow"}
			})
		}
	}

	// Users: admins manage them; anyone signed in may read themself; other users are hidden.
	b.add("GET", "/api/v1/users", "all", pmOnly(ok, pmAdmin), pmFixed("/api/v1/users"))
	b.add("POST", "/api/v1/users", "new", pmOnly(created, pmAdmin), func(*testing.T, string) pmReq {
		return pmReq{path: "/api/v1/users", body: map[string]any{"email": fmt.Sprintf("new%d@matrix.example.org", w.next()), "display_name": "New user"}}
	})
	userTarget := func(role, target string) string {
		if target == "self" {
			return w.users[role].ID
		}
		return w.users["bystander"].ID
	}
	selfOrOther := func(target string, self, other int) func(string) int {
		return func(role string) int {
			switch {
			case role == pmAnon:
				return http.StatusUnauthorized
			case role == pmAdmin && target == "self":
				return self
			case role == pmAdmin:
				return other
			case target == "self":
				return self
			}
			return notFound
		}
	}
	for _, target := range []string{"self", "other"} {
		target := target
		roles := pmRoles
		if target == "self" {
			roles = signedIn
		}
		b.add("GET", "/api/v1/users/{id}", target, selfOrOther(target, ok, ok), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/users/" + userTarget(role, target)}
		}, roles...)
		b.add("PATCH", "/api/v1/users/{id}", target, func(role string) int {
			if role == pmAdmin {
				return ok
			}
			return selfOrOther(target, forbidden, notFound)(role)
		}, func(t *testing.T, role string) pmReq {
			u, err := w.st.GetUser(w.ctx, userTarget(role, target))
			pmOK(t, err, "get user")
			return pmReq{path: "/api/v1/users/" + u.ID, body: map[string]any{"display_name": fmt.Sprintf("Matrix user %d", w.next())}, ifMatch: pmTag(u.Version)}
		}, roles...)
	}
	b.add("GET", "/api/v1/users/{id}", "missing", pmSignedIn(notFound), pmFixed("/api/v1/users/"+unknownID))
	// Adding a membership the caller already holds changes nothing: 409 for the admin, 403
	// for anyone else, who may see themself but not manage users.
	b.add("POST", "/api/v1/users/{id}/memberships", "self (a membership held)", func(role string) int {
		if role == pmAdmin {
			return conflict
		}
		return forbidden
	}, func(t *testing.T, role string) pmReq {
		u := w.users[role]
		m := u.Memberships[0]
		body := map[string]any{"role": string(m.Role)}
		if m.OrganisationID != "" {
			body["organisation_id"] = m.OrganisationID
		}
		if m.PartnershipID != "" {
			body["partnership_id"] = m.PartnershipID
		}
		return pmReq{path: "/api/v1/users/" + u.ID + "/memberships", body: body}
	}, signedIn...)
	b.add("POST", "/api/v1/users/{id}/memberships", "other (fresh)", func(role string) int {
		if role == pmAdmin {
			return created
		}
		return selfOrOther("other", 0, notFound)(role)
	}, func(t *testing.T, role string) pmReq {
		id, _ := w.freshUser(t)
		return pmReq{path: "/api/v1/users/" + id + "/memberships", body: map[string]any{"role": "viewer"}}
	})
	// An admin may not remove their own admin role (422, nothing changes).
	b.add("DELETE", "/api/v1/users/{id}/memberships/{membershipId}", "self", func(role string) int {
		if role == pmAdmin {
			return invalid
		}
		return forbidden
	}, func(t *testing.T, role string) pmReq {
		u := w.users[role]
		return pmReq{path: "/api/v1/users/" + u.ID + "/memberships/" + u.Memberships[0].ID}
	}, signedIn...)
	b.add("DELETE", "/api/v1/users/{id}/memberships/{membershipId}", "other (fresh)", func(role string) int {
		if role == pmAdmin {
			return ok
		}
		return selfOrOther("other", 0, notFound)(role)
	}, func(t *testing.T, role string) pmReq {
		id, m := w.freshUser(t)
		return pmReq{path: "/api/v1/users/" + id + "/memberships/" + m}
	})

	// Search: open to everyone, each finding only what they may read (pmCheckSearch checks what);
	// a query that cannot be read is refused alike for all.
	b.add("GET", "/api/v1/search", "visible", pmEveryone(ok), pmFixed("/api/v1/search?q=pathway"))
	b.add("GET", "/api/v1/search", "unbalanced quote", pmEveryone(http.StatusBadRequest), pmFixed("/api/v1/search?q=%22pathway"))
	pmSummaryRows(b)

	// The audit trail: oversight and admins.
	b.add("GET", "/api/v1/audit", "all", pmOnly(ok, pmAdmin, pmOversight), pmFixed("/api/v1/audit?limit=5"))
	b.add("GET", "/api/v1/audit/verify", "chain", pmOnly(ok, pmAdmin, pmOversight), pmFixed("/api/v1/audit/verify"))
	// Checkpoints (issue 13 item 8): admins download them; oversight and admins verify against them.
	b.add("GET", "/api/v1/audit/checkpoints", "file", pmOnly(ok, pmAdmin), pmFixed("/api/v1/audit/checkpoints"))
	b.add("POST", "/api/v1/audit/verify", "signed checkpoint", pmOnly(ok, pmAdmin, pmOversight), func(t *testing.T, role string) pmReq {
		cp, err := w.st.SignAuditHead(w.ctx)
		pmOK(t, err, "sign the audit head")
		return pmReq{path: "/api/v1/audit/verify", body: map[string]any{"checkpoints": []any{cp}}}
	})
	// Operations: admins ask this server to rebuild its search index (issue 19 item 1).
	b.add("POST", "/api/v1/admin/search/rebuild", "this server's index", pmOnly(http.StatusAccepted, pmAdmin), pmFixed("/api/v1/admin/search/rebuild"))
	// Imports and exports (issue 6): anyone who can read a review can export its plan; panel
	// members start imports (each import's writes are then checked as theirs); a job is seen by
	// the user who started it, oversight and admins.
	for _, r := range w.reviews {
		r := r
		for _, ext := range []string{"xlsx", "csv"} {
			b.add("GET", "/api/v1/reviews/{id}/action-plan."+ext, r.key, func(role string) int {
				if pmReads(role, r) {
					return ok
				}
				return notFound
			}, pmFixed("/api/v1/reviews/"+r.id+"/action-plan."+ext))
		}
	}
	b.add("POST", "/api/v1/imports", "P1 action plan (dry run)", pmOnly(http.StatusAccepted, pmPanel, pmMulti), func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/imports?dry_run=true", body: pmImportBody(t, w.p["P1"], fmt.Sprintf("IMP-%d", w.next()))}
	})
	b.add("GET", "/api/v1/imports/{id}", "the panel member's job", func(role string) int {
		switch role {
		case pmPanel, pmAdmin, pmOversight:
			return ok
		}
		return notFound
	}, func(t *testing.T, role string) pmReq {
		return pmReq{path: "/api/v1/imports/" + w.panelJob(t)}
	})
	// A whole state (issue 14): admins only, since it holds every partnership's records.
	b.add("GET", "/api/v1/instance-export", "the whole instance", pmOnly(ok, pmAdmin), pmFixed("/api/v1/instance-export"))
	b.add("POST", "/api/v1/instance-imports", "an empty state (dry run)", pmOnly(http.StatusAccepted, pmAdmin), func(t *testing.T, role string) pmReq {
		data, ctype := lcMultipart(t, "state.json", []byte(`{"format":"casereview-bulk/2","source":{"instance":"matrix","export_id":"x","exported_at":"2026-01-01T00:00:00Z"},"users":[],"tables":[]}`))
		return pmReq{path: "/api/v1/instance-imports?dry_run=true", body: pmMultipart{data: data, ctype: ctype}}
	})
	pmMilestoneRows(b, w)
	pmEqualityRows(b, w)
	return b.rows
}

// pmCheckCoverage fails unless every operation of the specification has rows (or is one of the
// few with checks of their own), and every row names an operation of the specification.
func pmCheckCoverage(t *testing.T, rows []pmRow) {
	t.Helper()
	spec := map[string]bool{}
	for path, item := range loadSpec(t).Paths.Map() {
		for method := range item.Operations() {
			spec[strings.ToUpper(method)+" "+path] = true
		}
	}
	covered := map[string]bool{}
	for _, r := range rows {
		covered[r.method+" "+r.path] = true
	}
	var missing, unknown []string
	for op := range spec {
		if !covered[op] && !pmUnlisted[op] {
			missing = append(missing, op)
		}
	}
	for op := range covered {
		if !spec[op] {
			unknown = append(unknown, op)
		}
	}
	for op := range pmUnlisted {
		if !spec[op] {
			unknown = append(unknown, op+" (unlisted)")
		}
	}
	sort.Strings(missing)
	sort.Strings(unknown)
	if len(missing) > 0 {
		t.Errorf("operations of openapi.yaml with no row in the permission matrix:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(unknown) > 0 {
		t.Errorf("rows name operations openapi.yaml does not have:\n  %s", strings.Join(unknown, "\n  "))
	}
}

// pmMatches reports whether a concrete path is an instance of the template.
func pmMatches(template, path string) bool {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(template, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "[^/]+"
		} else {
			segs[i] = regexp.QuoteMeta(s)
		}
	}
	return regexp.MustCompile("^" + strings.Join(segs, "/") + "$").MatchString(path)
}

// pmCheckLists asserts that each role's lists hold exactly the records of the reviews it may
// read, with totals to match.
func pmCheckLists(t *testing.T, w *pmWorld) {
	all := []string{"P1-restricted", "P1-shared", "P1-public", "P2-restricted", "P2-shared"}
	want := map[string][]string{
		pmAnon:      {"P1-public"},
		pmAdmin:     all,
		pmOversight: all,
		pmPanel:     {"P1-restricted", "P1-shared", "P1-public", "P2-shared"},
		pmEditor:    {"P1-shared", "P1-public", "P2-shared"},
		pmViewer:    {"P1-shared", "P1-public", "P2-shared"},
		pmViewerP1:  {"P1-shared", "P1-public", "P2-shared"}, // P1 keeps its restricted review from its viewers
		pmViewerP2:  {"P1-shared", "P1-public", "P2-restricted", "P2-shared"},
		pmMulti:     {"P1-restricted", "P1-shared", "P1-public", "P2-shared"},
	}
	// The editors of O1 and O2 also read the restricted reviews' recommendations, all addressed
	// to both.
	wantRecs := map[string][]string{pmEditor: all, pmMulti: all}
	for _, role := range pmRoles {
		var reviews, recs, actions []string
		for _, r := range w.reviews {
			if pmReads(role, r) != slices.Contains(want[role], r.key) {
				t.Fatalf("the matrix's rules disagree with the list table for %s on %s", role, r.key)
			}
		}
		for _, k := range want[role] {
			reviews = append(reviews, w.byKey[k].id)
		}
		readsRecs := want[role]
		if l, ok := wantRecs[role]; ok {
			readsRecs = l
		}
		for _, r := range w.reviews {
			if pmReadsRec(role, r) != slices.Contains(readsRecs, r.key) {
				t.Fatalf("the matrix's rules disagree with the list table for %s on %s's recommendation", role, r.key)
			}
		}
		for _, k := range readsRecs {
			r := w.byKey[k]
			recs = append(recs, r.rec)
			actions = append(actions, r.actions["O1"], r.actions["O2"])
		}
		for _, l := range []struct {
			path string
			ids  []string
		}{
			{"/api/v1/reviews?limit=200", reviews},
			{"/api/v1/recommendations?limit=200", recs},
			{"/api/v1/actions?limit=200", actions},
			// Filters never widen what a caller sees.
			{"/api/v1/recommendations?partnership_id=" + w.p["P2"], pmRecsOf(w, readsRecs, "P2")},
			{"/api/v1/actions?organisation_id=" + w.o["O2"], pmActionsOf(w, readsRecs, "O2")},
			{"/api/v1/reviews?visibility=restricted", pmReviewsRestricted(w, want[role])},
		} {
			sort.Strings(l.ids)
			got, total := w.list(t, role, l.path)
			if l.ids == nil {
				l.ids = []string{}
			}
			if !slices.Equal(got, l.ids) || total != int64(len(l.ids)) {
				t.Errorf("GET %s as %s: ids %v (total %d), want %v (total %d)", l.path, role, got, total, l.ids, len(l.ids))
			}
		}
	}
}

// pmCheckSearch asserts that each role's searches find exactly the recommendations of the
// reviews it may read: for an empty query, for a word every fixture recommendation holds, and
// when a filter or a field names hidden records; and that neither the total nor any facet count
// counts the others.
func pmCheckSearch(t *testing.T, w *pmWorld) {
	w.awaitIndex(t)
	keys := pmRecordKeys(t, w)
	for _, role := range pmRoles {
		var visible, restricted, ofP2 []string
		counts := map[string]map[string]int{"type": {}, "organisation": {}, "sector": {}, "partnership": {}, "year": {}, "scope": {},
			"theme": {}, "theme_group": {}}
		// An anonymous caller's figures are published under the cell key method (issue 15 §1),
		// each from the sum of its records' keys.
		sums := map[string]map[string]int64{}
		var allKeys int64
		for _, r := range w.reviews {
			if !pmReadsRec(role, r) {
				continue
			}
			visible = append(visible, r.rec)
			if r.partnership == "P2" {
				ofP2 = append(ofP2, r.rec)
			}
			if r.vis == casereview.VisibilityRestricted {
				restricted = append(restricted, r.rec)
			}
			k := keys[r.rec]
			allKeys += k
			add := func(name, value string) {
				counts[name][value]++
				if sums[name] == nil {
					sums[name] = map[string]int64{}
				}
				sums[name][value] += k
			}
			add("type", "DHR")
			add("organisation", w.o["O1"])
			add("organisation", w.o["O2"])
			add("sector", "police")
			add("sector", "nhs_trust")
			add("partnership", w.p[r.partnership])
			add("scope", "local")
			// A recommendation is issued when its review is published, or on the day it is made.
			if r.vis == casereview.VisibilityPublic {
				add("year", "2025")
			} else {
				add("year", strconv.Itoa(apitest.Fixed.Year()))
			}
		}
		total := int64(len(visible))
		if role == pmAnon {
			total = int64(casereview.Perturb(len(visible), casereview.CellKey(allKeys)))
			for name, m := range counts {
				published := map[string]int{}
				for v, n := range m {
					f := casereview.Share(casereview.Tally{N: n, KeySum: sums[name][v]}, casereview.DefaultSDCThreshold)
					switch {
					case f.Count == 0: // left out
					case f.Suppressed:
						published[v] = 0 // "<5", no count
					default:
						published[v] = f.Count
					}
				}
				counts[name] = published
			}
		}
		visible, restricted, ofP2 = pmSorted(visible), pmSorted(restricted), pmSorted(ofP2)
		for _, q := range []string{"", "pathway", "PATHWAY agencies", "referred", `"referral pathway"`, "pathway OR zebra", "pathway -zebra"} {
			for _, sortBy := range []string{"relevance", "newest"} {
				path := "/api/v1/search?" + url.Values{"q": {q}, "sort": {sortBy}, "limit": {"100"}}.Encode()
				p := w.search(t, role, path)
				if got := p.ids(); !slices.Equal(got, visible) || p.Total != total {
					t.Errorf("GET %s as %s: ids %v (total %d), want %v (total %d)", path, role, got, p.Total, visible, total)
				}
				for name, want := range counts {
					if got := p.facet(name); !maps.Equal(got, want) {
						t.Errorf("GET %s as %s: facet %s counts %v, want %v", path, role, name, got, want)
					}
				}
				for _, f := range p.Facets {
					for _, v := range f.Values {
						if v.Count > int(total) && role != pmAnon || v.Count > len(visible)+casereview.MaxPerturbation {
							t.Errorf("GET %s as %s: facet %s value %s counts %d, more than the %d readable", path, role, f.Name, v.Value, v.Count, len(visible))
						}
						if want := map[string]string{w.p["P1"]: "Matrix partnership P1", w.p["P2"]: "Matrix partnership P2",
							w.o["O1"]: "Matrix organisation O1", w.o["O2"]: "Matrix organisation O2"}[v.Value]; want != "" && v.Label != want {
							t.Errorf("GET %s as %s: facet %s value %s labelled %q, want %q", path, role, f.Name, v.Value, v.Label, want)
						}
					}
				}
			}
		}
		// Filters and fields never widen what a caller finds.
		for _, c := range []struct {
			path string
			ids  []string
		}{
			{"/api/v1/search?partnership=" + w.p["P2"], ofP2},
			{"/api/v1/search?q=" + url.QueryEscape("pathway partnership:"+w.p["P2"]), ofP2},
			{"/api/v1/search?q=visibility:restricted", restricted},
			{"/api/v1/search?q=" + url.QueryEscape("pathway visibility:restricted") + "&type=DHR&sector=police", restricted},
		} {
			if c.ids == nil {
				c.ids = []string{}
			}
			p := w.search(t, role, c.path)
			want := int64(len(c.ids))
			if role == pmAnon {
				var sum int64
				for _, id := range c.ids {
					sum += keys[id]
				}
				want = int64(casereview.Perturb(len(c.ids), casereview.CellKey(sum)))
			}
			if got := p.ids(); !slices.Equal(got, c.ids) || p.Total != want {
				t.Errorf("GET %s as %s: ids %v (total %d), want %v (total %d)", c.path, role, got, p.Total, c.ids, want)
			}
			for _, v := range p.Facets {
				for _, fv := range v.Values {
					if fv.Count > len(c.ids) && role != pmAnon || fv.Count > len(c.ids)+casereview.MaxPerturbation {
						t.Errorf("GET %s as %s: facet %s value %s counts %d, more than the %d found", c.path, role, v.Name, fv.Value, fv.Count, len(c.ids))
					}
				}
			}
		}
	}
}

// pmWorkAsOf is the date the work lists are read at: after the overdue records' dates, and
// before the fixture reviews would count as historic.
const pmWorkAsOf = "2026-06-01"

// pmCheckWork asserts that a work list holds only recommendations its caller may read: overdue
// recommendations addressed to O1 under restricted reviews of P1 and P2 reach oversight's list
// and the O1 editor's (addressed to O1, they are its to answer: issue 13 §10), and only
// oversight is shown evidence to verify or the overdue count by organisation.
func pmCheckWork(t *testing.T, w *pmWorld) {
	review := map[string]*pmReview{} // recommendation id -> the review it sits under
	for _, r := range w.reviews {
		review[r.rec] = r
	}
	traps := map[string]string{}
	for _, k := range []string{"P1-restricted", "P1-shared", "P2-restricted"} {
		r := w.byKey[k]
		traps[k] = w.freshOverdue(t, r.id)
		review[traps[k]] = r
	}
	if r := w.send(pmAnon, "GET", "/api/v1/work?as_of="+pmWorkAsOf, nil, ""); r.Status != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/work: status %d, want 401: %s", r.Status, r.Body)
	}
	for _, role := range pmRoles[1:] {
		res := w.send(role, "GET", "/api/v1/work?as_of="+pmWorkAsOf, nil, "")
		if res.Status != http.StatusOK {
			t.Errorf("GET /api/v1/work as %s: status %d: %s", role, res.Status, res.Body)
			continue
		}
		var wl struct {
			Overdue           []struct{ ID string } `json:"overdue"`
			DueSoon           []struct{ ID string } `json:"due_soon"`
			AwaitingResponse  []struct{ ID string } `json:"awaiting_response"`
			ResponsesToAssess []struct{ ID string } `json:"responses_to_assess"`
			EvidenceToVerify  []struct {
				RecommendationID string `json:"recommendation_id"`
			} `json:"evidence_to_verify"`
			OverdueByOrganisation []struct {
				RecommendationIDs []string `json:"recommendation_ids"`
			} `json:"overdue_by_organisation"`
		}
		res.JSON(t, &wl)
		sections := map[string][]string{}
		for name, items := range map[string][]struct{ ID string }{"overdue": wl.Overdue, "due_soon": wl.DueSoon,
			"awaiting_response": wl.AwaitingResponse, "responses_to_assess": wl.ResponsesToAssess} {
			for _, it := range items {
				sections[name] = append(sections[name], it.ID)
			}
		}
		for _, e := range wl.EvidenceToVerify {
			sections["evidence_to_verify"] = append(sections["evidence_to_verify"], e.RecommendationID)
		}
		for _, o := range wl.OverdueByOrganisation {
			sections["overdue_by_organisation"] = append(sections["overdue_by_organisation"], o.RecommendationIDs...)
		}
		for name, list := range sections {
			for _, id := range list {
				r := review[id]
				if r == nil {
					t.Errorf("GET /api/v1/work as %s: %s names %s, a recommendation the matrix did not make", role, name, id)
				} else if !pmReadsRec(role, r) {
					t.Errorf("GET /api/v1/work as %s: %s names %s, under %s, which %s may not read", role, name, id, r.key, role)
				}
			}
		}
		if role != pmOversight && (len(sections["evidence_to_verify"]) > 0 || len(wl.OverdueByOrganisation) > 0) {
			t.Errorf("GET /api/v1/work as %s: oversight's sections are not empty: %s", role, res.Body)
		}
		overdue := pmSorted(sections["overdue"])
		switch role {
		case pmEditor:
			// Addressed to O1, the restricted reviews' recommendations are the editor's work too.
			if want := pmSorted([]string{traps["P1-restricted"], traps["P1-shared"], traps["P2-restricted"]}); !slices.Equal(overdue, want) {
				t.Errorf("GET /api/v1/work as %s: overdue %v, want %v", role, overdue, want)
			}
			want := []string{traps["P1-restricted"], traps["P1-shared"], traps["P2-restricted"]}
			for _, r := range w.reviews {
				want = append(want, r.rec)
			}
			if got := pmSorted(sections["awaiting_response"]); !slices.Equal(got, pmSorted(want)) {
				t.Errorf("GET /api/v1/work as %s: awaiting_response %v, want %v", role, got, pmSorted(want))
			}
		case pmMulti:
			// As P1's panel it is shown P1's overdue work; as O2's editor nothing more, for the
			// traps are addressed to O1 alone, and P2's restricted one it may not read at all.
			if want := pmSorted([]string{traps["P1-restricted"], traps["P1-shared"]}); !slices.Equal(overdue, want) {
				t.Errorf("GET /api/v1/work as %s: overdue %v, want %v", role, overdue, want)
			}
		case pmOversight:
			// The traps are really overdue, so the editor's list is a real test.
			for k, id := range traps {
				if !slices.Contains(overdue, id) || !slices.Contains(sections["evidence_to_verify"], id) {
					t.Errorf("GET /api/v1/work as oversight: the overdue recommendation under %s (%s) is missing: %s", k, id, res.Body)
				}
			}
		}
	}
}

// pmRecsOf returns the recommendations of the reviews named by keys that partnership owns.
func pmRecsOf(w *pmWorld, keys []string, partnership string) []string {
	var out []string
	for _, k := range keys {
		if r := w.byKey[k]; r.partnership == partnership {
			out = append(out, r.rec)
		}
	}
	return out
}

func pmActionsOf(w *pmWorld, keys []string, org string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, w.byKey[k].actions[org])
	}
	return out
}

func pmReviewsRestricted(w *pmWorld, keys []string) []string {
	var out []string
	for _, k := range keys {
		if r := w.byKey[k]; r.vis == casereview.VisibilityRestricted {
			out = append(out, r.id)
		}
	}
	return out
}

// pmDoneWhen states the acceptance checks in so many words: an agency editor of O1 cannot read a
// restricted review or anything beneath it that is not addressed to O1, and cannot change O2's
// action through any endpoint.
func pmDoneWhen(t *testing.T, w *pmWorld) {
	ed := pmEditor
	restricted := w.byKey["P1-restricted"]
	notO1 := w.freshRecommendationTo(t, restricted.id, "O2")
	notO1Action := w.freshAction(t, notO1, "O2")
	// Hidden answers exactly as missing.
	for _, c := range []struct{ kind, id string }{
		{"reviews", restricted.id}, {"recommendations", notO1}, {"actions", notO1Action},
	} {
		hidden := w.send(ed, "GET", "/api/v1/"+c.kind+"/"+c.id, nil, "")
		missing := w.send(ed, "GET", "/api/v1/"+c.kind+"/"+unknownID, nil, "")
		if hidden.Status != http.StatusNotFound {
			t.Errorf("editor GET restricted %s: status %d, want 404: %s", c.kind, hidden.Status, hidden.Body)
		} else if pmDetail(t, hidden) != pmDetail(t, missing) {
			t.Errorf("editor GET restricted %s: %q differs from a missing one's %q", c.kind, pmDetail(t, hidden), pmDetail(t, missing))
		}
	}

	versions := map[string]int{}
	for _, r := range w.reviews {
		_, a := w.actionTag(t, r.actions["O2"])
		versions[a.ID] = a.Version
	}
	for _, r := range w.reviews {
		id := r.actions["O2"]
		want := http.StatusForbidden
		if !pmReadsRec(ed, r) {
			want = http.StatusNotFound
		}
		tag, cur := w.actionTag(t, id)
		if res := w.send(ed, "PATCH", "/api/v1/actions/"+id, map[string]any{"description": "taken over"}, tag); res.Status != want {
			t.Errorf("editor PATCH O2 action on %s: status %d, want %d: %s", r.key, res.Status, want, res.Body)
		}
		if res := w.send(ed, "PATCH", "/api/v1/actions/"+id, map[string]any{"organisation_id": w.o["O1"]}, tag); res.Status != want {
			t.Errorf("editor PATCH O2 action on %s to O1: status %d, want %d: %s", r.key, res.Status, want, res.Body)
		}
		if res := w.send(ed, "DELETE", "/api/v1/actions/"+id, nil, tag); res.Status != want {
			t.Errorf("editor DELETE O2 action on %s: status %d, want %d: %s", r.key, res.Status, want, res.Body)
		}
		// Even If-Match: * changes nothing.
		if res := w.send(ed, "DELETE", "/api/v1/actions/"+id, nil, "*"); res.Status != want {
			t.Errorf("editor DELETE O2 action on %s with If-Match *: status %d, want %d: %s", r.key, res.Status, want, res.Body)
		}
		createWant := http.StatusForbidden
		if !pmReadsRec(ed, r) {
			createWant = http.StatusNotFound
		}
		if res := w.send(ed, "POST", "/api/v1/recommendations/"+r.rec+"/actions",
			map[string]any{"organisation_id": w.o["O2"], "description": "an action for another agency"}, ""); res.Status != createWant {
			t.Errorf("editor POST action owned by O2 on %s: status %d, want %d: %s", r.key, res.Status, createWant, res.Body)
		}
		// Nor can it take O2's place through the recommendation's addressees.
		rtag, _ := w.recommendationTag(t, r.rec)
		if res := w.send(ed, "PATCH", "/api/v1/recommendations/"+r.rec, map[string]any{"addressees": []map[string]any{
			{"organisation_id": w.o["O1"], "role": "lead"}}}, rtag); res.Status != want {
			t.Errorf("editor PATCH recommendation addressees on %s: status %d, want %d: %s", r.key, res.Status, want, res.Body)
		}
		if _, after := w.actionTag(t, id); after.Version != versions[id] || after.Description != cur.Description || after.OrganisationID != w.o["O2"] {
			t.Errorf("O2's action on %s changed: %+v", r.key, after)
		}
	}
	// Its own actions it can change, where it can see them.
	shared := w.byKey["P1-shared"]
	tag, cur := w.actionTag(t, shared.actions["O1"])
	if res := w.send(ed, "PATCH", "/api/v1/actions/"+cur.ID, map[string]any{"outcome": "Training delivered"}, tag); res.Status != http.StatusOK {
		t.Errorf("editor PATCH own action: status %d, want 200: %s", res.Status, res.Body)
	}
	// Under a restricted review, its own action on a recommendation addressed to it is its to keep.
	tag, _ = w.actionTag(t, restricted.actions["O1"])
	if res := w.send(ed, "PATCH", "/api/v1/actions/"+restricted.actions["O1"], map[string]any{"outcome": "Training delivered"}, tag); res.Status != http.StatusOK {
		t.Errorf("editor PATCH own action under a restricted review, addressed to O1: status %d, want 200: %s", res.Status, res.Body)
	}
	if _, a := w.actionTag(t, restricted.actions["O1"]); a.Outcome == nil || *a.Outcome != "Training delivered" {
		t.Errorf("the PATCH answered 200 but the outcome is %v", a.Outcome)
	}
}

// pmCheckTracking checks what the tracking rows' statuses alone do not: why a response from an
// organisation not addressed is refused, that the O1 editor's view of hidden tracking records is
// exactly that of missing ones, and that an action's outcome is left alone by a refused note.
func pmCheckTracking(t *testing.T, w *pmWorld) {
	shared, restricted := w.byKey["P1-shared"], w.byKey["P1-restricted"]
	for _, role := range []string{pmEditor, pmPanel} {
		rec := w.freshRecommendationTo(t, shared.id, "O2")
		r := w.send(role, "POST", "/api/v1/recommendations/"+rec+"/responses", map[string]any{"organisation_id": w.o["O1"], "decision": "response_received"}, "")
		var p struct {
			Errors []struct{ Field, Code string } `json:"errors"`
		}
		r.JSON(t, &p)
		if r.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Field != "organisation_id" || p.Errors[0].Code != "not_addressee" {
			t.Errorf("%s POST a response from O1, not addressed: status %d, want 422 with organisation_id not_addressee: %s", role, r.Status, r.Body)
		}
	}

	// Hidden: a restricted recommendation addressed to O2 alone, with O2's action and evidence.
	hiddenRec := w.freshRecommendationTo(t, restricted.id, "O2")
	hiddenAction := w.freshAction(t, hiddenRec, "O2")
	hiddenFile := w.freshEvidence(t, hiddenAction)
	for _, c := range []struct{ what, hidden, missing string }{
		{"responses", "/api/v1/recommendations/" + hiddenRec + "/responses", "/api/v1/recommendations/" + unknownID + "/responses"},
		{"timeline", "/api/v1/recommendations/" + hiddenRec + "/timeline", "/api/v1/recommendations/" + unknownID + "/timeline"},
		{"evidence list", "/api/v1/actions/" + hiddenAction + "/evidence", "/api/v1/actions/" + unknownID + "/evidence"},
		{"evidence", "/api/v1/evidence/" + hiddenFile, "/api/v1/evidence/" + unknownID},
		{"evidence content", "/api/v1/evidence/" + hiddenFile + "/content", "/api/v1/evidence/" + unknownID + "/content"},
	} {
		hidden, missing := w.send(pmEditor, "GET", c.hidden, nil, ""), w.send(pmEditor, "GET", c.missing, nil, "")
		if hidden.Status != http.StatusNotFound || missing.Status != http.StatusNotFound {
			t.Errorf("editor GET restricted %s: status %d (missing: %d), want 404", c.what, hidden.Status, missing.Status)
		} else if pmDetail(t, hidden) != pmDetail(t, missing) {
			t.Errorf("editor GET restricted %s: %q differs from a missing one's %q", c.what, pmDetail(t, hidden), pmDetail(t, missing))
		}
	}

	id := w.freshAction(t, shared.rec, "O1")
	tag, before := w.actionTag(t, id)
	if r := w.send(pmOversight, "POST", "/api/v1/actions/"+id+"/progress", map[string]any{"narrative": "Checked.", "outcome": "Rewritten by oversight"}, tag); r.Status != http.StatusForbidden {
		t.Errorf("oversight POST a note setting an action's outcome: status %d, want 403: %s", r.Status, r.Body)
	}
	if _, after := w.actionTag(t, id); after.Version != before.Version || after.Outcome != nil {
		t.Errorf("a refused note changed the action: %+v", after)
	}
}

// TestPermissionMatrixSession repeats a few rows with a cookie session instead of an API token,
// and covers the sign-in operations the matrix leaves out.
func TestPermissionMatrixSession(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := pmStart(t, dialect)
		editor := w.users[pmEditor]
		shared, restricted := w.byKey["P1-shared"], w.byKey["P1-restricted"]
		hiddenRec := w.freshRecommendationTo(t, restricted.id, "O2")

		// Sign-in operations.
		if r := w.send(pmAnon, "POST", "/api/v1/auth/login", map[string]any{"email": editor.Email, "password": "not the password at all"}, ""); r.Status != http.StatusUnauthorized {
			t.Errorf("login with a wrong password: status %d, want 401: %s", r.Status, r.Body)
		}
		for _, p := range []string{"/api/v1/auth/mfa", "/api/v1/auth/logout"} {
			if r := w.send(pmAnon, "POST", p, map[string]any{"code": "123456"}, ""); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous POST %s: status %d, want 401: %s", p, r.Status, r.Body)
			}
		}
		// An API token owes no second factor and has no session to end.
		if r := w.send(pmEditor, "POST", "/api/v1/auth/mfa", map[string]any{"code": "123456"}, ""); r.Status != http.StatusConflict {
			t.Errorf("POST /api/v1/auth/mfa with a token: status %d, want 409: %s", r.Status, r.Body)
		}
		if r := w.send(pmEditor, "POST", "/api/v1/auth/logout", nil, ""); r.Status != http.StatusConflict {
			t.Errorf("POST /api/v1/auth/logout with a token: status %d, want 409: %s", r.Status, r.Body)
		}

		cookie, csrf := pmLogin(t, w, editor.Email)
		send := func(method, path string, body any, headers ...string) int {
			t.Helper()
			h := []string{"Cookie", "casereview_session=" + cookie}
			if body == nil && method == http.MethodPost {
				h = append(h, "Content-Type", "application/json")
			}
			return w.s.Do(method, path, body, append(h, headers...)...).Status
		}
		check := func(what string, got, want int) {
			t.Helper()
			if got != want {
				t.Errorf("%s: status %d, want %d", what, got, want)
			}
		}
		check("GET shared review", send("GET", "/api/v1/reviews/"+shared.id, nil), http.StatusOK)
		check("GET restricted review", send("GET", "/api/v1/reviews/"+restricted.id, nil), http.StatusNotFound)
		check("GET restricted recommendation addressed to O1", send("GET", "/api/v1/recommendations/"+restricted.rec, nil), http.StatusOK)
		check("GET restricted action of O1", send("GET", "/api/v1/actions/"+restricted.actions["O1"], nil), http.StatusOK)
		check("GET restricted recommendation not addressed to O1", send("GET", "/api/v1/recommendations/"+hiddenRec, nil), http.StatusNotFound)
		check("GET /me", send("GET", "/api/v1/me", nil), http.StatusOK)
		check("GET /users", send("GET", "/api/v1/users", nil), http.StatusForbidden)
		ids, total := pmListWith(t, w, "/api/v1/reviews", "Cookie", "casereview_session="+cookie)
		if want := []string{shared.id, w.byKey["P1-public"].id, w.byKey["P2-shared"].id}; !slices.Equal(ids, pmSorted(want)) || total != 3 {
			t.Errorf("GET /api/v1/reviews with a session: %v (total %d), want %v", ids, total, want)
		}

		own, other := shared.actions["O1"], shared.actions["O2"]
		tag, cur := w.actionTag(t, own)
		body := map[string]any{"description": cur.Description}
		check("PATCH own action without X-CSRF-Token", send("PATCH", "/api/v1/actions/"+own, body, "If-Match", tag), http.StatusForbidden)
		check("PATCH own action with a wrong X-CSRF-Token", send("PATCH", "/api/v1/actions/"+own, body, "If-Match", tag, "X-CSRF-Token", "x"+csrf), http.StatusForbidden)
		check("PATCH own action", send("PATCH", "/api/v1/actions/"+own, body, "If-Match", tag, "X-CSRF-Token", csrf), http.StatusOK)
		tag, cur = w.actionTag(t, other)
		check("PATCH O2's action", send("PATCH", "/api/v1/actions/"+other, map[string]any{"description": cur.Description}, "If-Match", tag, "X-CSRF-Token", csrf), http.StatusForbidden)
		check("DELETE O2's action", send("DELETE", "/api/v1/actions/"+other, nil, "If-Match", tag, "X-CSRF-Token", csrf), http.StatusForbidden)
		rtag, _ := w.actionTag(t, restricted.actions["O2"])
		check("PATCH O2's restricted action", send("PATCH", "/api/v1/actions/"+restricted.actions["O2"], map[string]any{}, "If-Match", rtag, "X-CSRF-Token", csrf), http.StatusForbidden)
		check("POST action owned by O2", send("POST", "/api/v1/recommendations/"+shared.rec+"/actions",
			map[string]any{"organisation_id": w.o["O2"], "description": "for another agency"}, "X-CSRF-Token", csrf), http.StatusForbidden)
		check("POST action owned by O1", send("POST", "/api/v1/recommendations/"+shared.rec+"/actions",
			map[string]any{"organisation_id": w.o["O1"], "description": "for our agency"}, "X-CSRF-Token", csrf), http.StatusCreated)
		// With a session an authenticator can be set up (the token rows answer 403).
		check("POST /me/mfa/totp", send("POST", "/api/v1/me/mfa/totp", nil, "X-CSRF-Token", csrf), http.StatusOK)

		// An admin whose session still owes a second factor can do nothing an admin may.
		adminCookie, _ := pmLogin(t, w, w.users[pmAdmin].Email)
		for _, p := range []string{"/api/v1/users", "/api/v1/audit", "/api/v1/reviews/" + restricted.id} {
			if r := w.s.Do("GET", p, nil, "Cookie", "casereview_session="+adminCookie); r.Status != http.StatusUnauthorized {
				t.Errorf("GET %s by an admin who has not set up a second factor: status %d, want 401: %s", p, r.Status, r.Body)
			}
		}

		check("logout without X-CSRF-Token", send("POST", "/api/v1/auth/logout", nil), http.StatusForbidden)
		check("logout", send("POST", "/api/v1/auth/logout", nil, "X-CSRF-Token", csrf), http.StatusNoContent)
		check("GET /me after logout", send("GET", "/api/v1/me", nil), http.StatusUnauthorized)
		check("GET shared review after logout", send("GET", "/api/v1/reviews/"+shared.id, nil), http.StatusNotFound)
	})
}

// pmLogin signs in with the matrix password and returns the session cookie and CSRF token.
func pmLogin(t *testing.T, w *pmWorld, email string) (string, string) {
	t.Helper()
	r := w.send(pmAnon, "POST", "/api/v1/auth/login", map[string]any{"email": email, "password": pmPassword}, "")
	if r.Status != http.StatusOK {
		t.Fatalf("login %s: status %d: %s", email, r.Status, r.Body)
	}
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	r.JSON(t, &me)
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "casereview_session" && c.Value != "" && me.CSRF != "" {
			return c.Value, me.CSRF
		}
	}
	t.Fatalf("login %s: no session cookie or csrf_token: %v %s", email, r.Header, r.Body)
	return "", ""
}

func pmListWith(t *testing.T, w *pmWorld, path string, headers ...string) ([]string, int64) {
	t.Helper()
	r := w.s.Do("GET", path, nil, headers...)
	if r.Status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, r.Status, r.Body)
	}
	var page struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
		Total int64 `json:"total"`
	}
	r.JSON(t, &page)
	var ids []string
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return pmSorted(ids), page.Total
}

func pmSorted(s []string) []string {
	out := slices.Clone(s)
	sort.Strings(out)
	return out
}

// pmRecordKeys reads every recommendation's record key (the cell key method's) from the database.
func pmRecordKeys(t *testing.T, w *pmWorld) map[string]int64 {
	t.Helper()
	db, err := w.st.SQLDB()
	pmOK(t, err, "sql db")
	rows, err := db.Query("SELECT id, record_key FROM recommendations")
	pmOK(t, err, "record keys")
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var k int64
		pmOK(t, rows.Scan(&id, &k), "record key")
		out[id] = k
	}
	pmOK(t, rows.Err(), "record keys")
	return out
}
