package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/casereview/casereview/internal/casereview"
)

// pmEqualityRows are the matrix's rows for equality monitoring (issue 15 §2). A review's
// subjects are special category data: read by oversight and the panel of the review's
// partnership only (403 for every other role that may read the review, admins included; 404
// for those who may not; 401 for anonymous callers of a public review), written by that panel.
// The figures by characteristic are for oversight, admins and panel members; baselines are
// uploaded by admins.
func pmEqualityRows(b *pmBuilder, w *pmWorld) {
	const ok, created, noContent, notFound, forbidden = http.StatusOK, http.StatusCreated, http.StatusNoContent, http.StatusNotFound, http.StatusForbidden
	readsSubjects := func(role string, r *pmReview) bool { return role == pmOversight || pmManages(role, r) }
	for _, r := range w.reviews {
		r := r
		read := func(role string) int {
			switch {
			case !pmReads(role, r):
				return notFound
			case readsSubjects(role, r):
				return ok
			case role == pmAnon:
				return http.StatusUnauthorized
			}
			return forbidden
		}
		write := func(status int) func(string) int {
			return func(role string) int { return pmWrite(role, pmReads(role, r), pmManages(role, r), status) }
		}
		b.add("GET", "/api/v1/reviews/{id}/subjects", r.key, read, pmFixed("/api/v1/reviews/"+r.id+"/subjects"))
		b.add("POST", "/api/v1/reviews/{id}/subjects", r.key, write(created), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews/" + r.id + "/subjects", body: map[string]any{"role": "victim",
				"characteristics": map[string]any{"ethnicity": "black_caribbean", "sex": "female"}}}
		})
		b.add("GET", "/api/v1/reviews/{id}/subjects/{subject_id}", r.key+" (fresh)", read, func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews/" + r.id + "/subjects/" + w.freshSubject(t, r.id)}
		})
		b.add("PUT", "/api/v1/reviews/{id}/subjects/{subject_id}", r.key+" (fresh)", write(ok), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews/" + r.id + "/subjects/" + w.freshSubject(t, r.id),
				body: map[string]any{"role": "victim", "characteristics": map[string]any{"age_band": "25_34"}}, ifMatch: pmTag(1)}
		})
		b.add("DELETE", "/api/v1/reviews/{id}/subjects/{subject_id}", r.key+" (fresh)", write(noContent), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/reviews/" + r.id + "/subjects/" + w.freshSubject(t, r.id), ifMatch: pmTag(1)}
		})
	}
	// Figures by characteristic: oversight, admins, and panel members (their own partnership).
	figures := pmOnly(ok, pmAdmin, pmOversight, pmPanel, pmMulti)
	b.add("GET", "/api/v1/summaries/equality", "minoritised", figures, pmFixed("/api/v1/summaries/equality?characteristic=minoritised&group=black_minoritised"))
	b.add("GET", "/api/v1/summaries/crosstab", "by ethnicity", figures, pmFixed("/api/v1/summaries/crosstab?rows=subject_ethnicity&cols=oversight"))
	// The subject filter (subject_sex=female, …) on every summary: the same people, a panel
	// member's figures narrowed to their own partnership (below: naming another is refused).
	for _, path := range []string{"/api/v1/summaries/crosstab?rows=review_type&cols=oversight", "/api/v1/summaries/organisations?by=sector",
		"/api/v1/summaries/theme-pairs", "/api/v1/summaries/trends", "/api/v1/summaries/overdue", "/api/v1/summaries/national",
		"/api/v1/summaries/document", "/api/v1/summaries/document.csv", "/api/v1/summaries/document.xlsx", "/api/v1/summaries/document.html",
		"/api/v1/summaries/equality?characteristic=sex&group=female"} {
		op, _, _ := strings.Cut(path, "?")
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		b.add("GET", op, "subject filter", figures, pmFixed(path+sep+"subject_minoritised=black_minoritised&subject_sex=female"))
	}
	for _, k := range []string{"P1", "P2"} {
		k := k
		own := func(ok int) func(string) int {
			return func(role string) int {
				switch {
				case role == pmAnon:
					return http.StatusUnauthorized
				case role == pmAdmin || role == pmOversight || pmPanelOf(role) == k:
					return ok
				}
				return forbidden
			}
		}
		b.add("GET", "/api/v1/summaries/disproportionality", k, own(ok), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/summaries/disproportionality?characteristic=sex&partnership=" + w.p[k]}
		})
		b.add("GET", "/api/v1/summaries/trends", k+", subject filter", own(ok), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/summaries/trends?subject_sex=female&partnership=" + w.p[k]}
		})
		b.add("GET", "/api/v1/partnerships/{id}/baselines", k, own(ok), pmFixed("/api/v1/partnerships/"+w.p[k]+"/baselines"))
		b.add("PUT", "/api/v1/partnerships/{id}/baselines/{characteristic}", k, pmOnly(ok, pmAdmin), func(t *testing.T, role string) pmReq {
			return pmReq{path: "/api/v1/partnerships/" + w.p[k] + "/baselines/sex", body: map[string]any{"csv": "group,population\nfemale,51000\nmale,49000\n",
				"source": "Matrix census"}}
		})
	}
}

func (w *pmWorld) freshSubject(t *testing.T, reviewID string) string {
	return w.fresh1(func() string {
		s, err := w.st.CreateSubject(w.ctx, reviewID, casereview.SubjectDraft{Role: casereview.SubjectVictim,
			Traits: map[casereview.Characteristic]string{"ethnicity": "white_irish"}})
		pmOK(t, err, "create subject")
		return s.ID
	})
}
