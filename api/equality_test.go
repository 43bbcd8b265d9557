package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/api"
	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
)

// Equality monitoring (issue 15 §2) through the real router, on both databases: who reads a
// review's subjects and that each read is audited, that subjects never reach the search index,
// the breakdown counts, their disclosure control, baseline CSV errors and disproportionality.

type eqWorld struct {
	s                     *apitest.Server
	ctx                   context.Context
	p, q                  string // partnerships
	r1, r2, r3, r4        string // reviews of p
	oversight, admin      []string
	panelP, panelQ, agent []string
}

func eqBuild(t *testing.T, dialect string) *eqWorld {
	s := apitest.Start(t, dialect, apitest.Options{})
	w := &eqWorld{s: s, ctx: casereview.WithActor(context.Background(), casereview.System)}
	st := s.App.Store()
	mk := func(name string) string {
		p, err := st.CreatePartnership(w.ctx, casereview.PartnershipDraft{Name: name, Kind: "community_safety_partnership"})
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	w.p, w.q = mk("Eqshire CSP"), mk("Other CSP")
	o, err := st.CreateOrganisation(w.ctx, casereview.OrganisationDraft{Name: "Eqshire Police", Sector: "police"})
	if err != nil {
		t.Fatal(err)
	}
	published := casereview.MustDate("2024-01-01")
	review := func(ref string, vis casereview.Visibility, recs int) string {
		r, err := st.CreateReview(w.ctx, casereview.ReviewDraft{Type: "DHR", PartnershipID: w.p, Reference: ref, Title: "Adult " + ref,
			Status: casereview.ReviewPublished, PublishedOn: &published, Visibility: vis})
		if err != nil {
			t.Fatal(err)
		}
		for i := range recs {
			if _, err := st.CreateRecommendation(w.ctx, casereview.RecommendationDraft{ReviewID: r.ID, Number: fmt.Sprint(i + 1), Scope: "local",
				Text: "Agencies should refresh the referral pathway for domestic abuse.", Addressees: []casereview.AddresseeDraft{{OrganisationID: o.ID, Role: casereview.RoleLead}}}); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	w.r1, w.r2, w.r3, w.r4 = review("EQ-1", casereview.VisibilityShared, 6), review("EQ-2", casereview.VisibilityRestricted, 6),
		review("EQ-3", casereview.VisibilityShared, 5), review("EQ-4", casereview.VisibilityShared, 0)
	subject := func(review string, role casereview.SubjectRole, eth string) {
		if _, err := st.CreateSubject(w.ctx, review, casereview.SubjectDraft{Role: role, Traits: map[casereview.Characteristic]string{"ethnicity": eth, "sex": "female"}}); err != nil {
			t.Fatal(err)
		}
	}
	subject(w.r1, casereview.SubjectVictim, "asian_bangladeshi")
	subject(w.r1, casereview.SubjectPerpetrator, "white_british") // perpetrators are never counted
	subject(w.r2, casereview.SubjectVictim, "white_british")
	for range 3 {
		subject(w.r4, casereview.SubjectVictim, "black_african")
	}
	// Close some recommendations as verified: three of R1's after 60, 90 and 120 days, four of
	// R2's after 30 days.
	db, err := st.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	ph := func(q string) string {
		if dialect == "postgres" {
			return strings.NewReplacer("?1", "$1", "?2", "$2", "?3", "$3").Replace(q)
		}
		return strings.NewReplacer("?1", "?", "?2", "?", "?3", "?").Replace(q)
	}
	closeRec := func(review, number, on string) {
		if _, err := db.Exec(ph("UPDATE recommendations SET oversight_status = 'closed_acceptable_action', closed_on = ?1 WHERE review_id = ?2 AND number = ?3"),
			on, review, number); err != nil {
			t.Fatal(err)
		}
	}
	closeRec(w.r1, "1", "2024-03-01")
	closeRec(w.r1, "2", "2024-03-31")
	closeRec(w.r1, "3", "2024-04-30")
	for _, n := range []string{"1", "2", "3", "4"} {
		closeRec(w.r2, n, "2024-01-31")
	}
	tok := func(email string, m casereview.MembershipDraft) []string {
		_, tk := auUser(t, s, email, email, "", m)
		return auBearer(tk)
	}
	w.oversight = tok("o@eq.example.org", casereview.MembershipDraft{Role: casereview.RoleOversight})
	w.admin = tok("a@eq.example.org", casereview.MembershipDraft{Role: casereview.RoleAdmin})
	w.panelP = tok("p@eq.example.org", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: w.p})
	w.panelQ = tok("q@eq.example.org", casereview.MembershipDraft{Role: casereview.RolePanel, PartnershipID: w.q})
	w.agent = tok("e@eq.example.org", casereview.MembershipDraft{Role: casereview.RoleAgencyEditor, OrganisationID: o.ID})
	return w
}

func TestEquality(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		w := eqBuild(t, dialect)
		t.Run("subject reads", func(t *testing.T) { eqReads(t, w) })
		t.Run("never indexed", func(t *testing.T) { eqNotIndexed(t, w) })
		t.Run("breakdown", func(t *testing.T) { eqBreakdown(t, w) })
		t.Run("closure", func(t *testing.T) { eqClosure(t, w) })
		t.Run("baselines", func(t *testing.T) { eqBaselines(t, w) })
		t.Run("subject filter", func(t *testing.T) { eqSubjectFilter(t, w) })
	})
}

func eqReads(t *testing.T, w *eqWorld) {
	path := "/api/v1/reviews/" + w.r1 + "/subjects"
	n, _ := auNewest(t, w.s)
	var list api.SubjectList
	do(t, w.s, http.StatusOK, "GET", path, nil, w.oversight...).JSON(t, &list)
	if len(list.Items) != 2 || list.Items[0].Characteristics["ethnicity"] != "asian_bangladeshi" || list.Items[0].Characteristics["religion"] != "not_recorded" {
		t.Fatalf("subjects: %+v", list.Items)
	}
	got, e := auNewest(t, w.s)
	if got != n+1 || e.Action != "subject.read" || e.EntityID != w.r1 || e.ActorName != "o@eq.example.org" {
		t.Errorf("a read of subjects is audited: %d new events, newest %+v", got-n, e)
	}
	do(t, w.s, http.StatusOK, "GET", path+"/"+list.Items[0].Id, nil, w.panelP...)
	if got2, e := auNewest(t, w.s); got2 != got+1 || e.Action != "subject.read" || e.EntityID != list.Items[0].Id {
		t.Errorf("a read of one subject is audited: %+v", e)
	}
	// Every other role is refused, and a refusal reads nothing and records no read.
	for _, who := range [][]string{w.admin, w.panelQ, w.agent} {
		do(t, w.s, http.StatusForbidden, "GET", path, nil, who...)
		do(t, w.s, http.StatusForbidden, "GET", path+"/"+list.Items[0].Id, nil, who...)
	}
	do(t, w.s, http.StatusNotFound, "GET", "/api/v1/reviews/"+w.r2+"/subjects", nil, w.panelQ...) // restricted, not theirs
	if got3, _ := auNewest(t, w.s); got3 != got+1 {
		t.Errorf("refused reads recorded %d events", got3-got-1)
	}
	// The audit trail keeps which characteristics were recorded, never their values.
	r := do(t, w.s, http.StatusOK, "GET", "/api/v1/audit?action=subject.created&limit=50", nil, w.admin...)
	if strings.Contains(string(r.Body), "bangladeshi") || !strings.Contains(string(r.Body), "ethnicity") {
		t.Errorf("the audit trail of subjects names fields, not values: %s", r.Body)
	}
}

func eqNotIndexed(t *testing.T, w *eqWorld) {
	w.s.WaitForIndex()
	total := func(q string) float64 {
		return do(t, w.s, http.StatusOK, "GET", "/api/v1/search?facets=none&q="+q, nil, w.oversight...).Map(t)["total"].(float64)
	}
	if total("referral") == 0 {
		t.Fatal("the fixture's recommendations are not searchable")
	}
	for _, q := range []string{"bangladeshi", "asian_bangladeshi", "Bangladeshi", "black_african", "African"} {
		if n := total(q); n != 0 {
			t.Errorf("search for %q found %v: a subject's characteristics entered the index", q, n)
		}
	}
}

func eqBreakdown(t *testing.T, w *eqWorld) {
	var ct api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=subject_minoritised&cols=review_type&partnership="+w.p, nil, w.oversight...).JSON(t, &ct)
	want := map[string]int{"black_minoritised": 6, "white_british": 6, "not_recorded": 5}
	for i, v := range ct.RowValues {
		if *ct.RowTotals[i].Count != want[v.Key] {
			t.Errorf("%s: %d recommendations, want %d", v.Key, *ct.RowTotals[i].Count, want[v.Key])
		}
		delete(want, v.Key)
	}
	if len(want) > 0 || *ct.Recommendations.Count != 17 {
		t.Errorf("rows missing %v; recommendations %d", want, *ct.Recommendations.Count)
	}
	// The panel sees its own partnership only; agency editors and anonymous callers nothing.
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=subject_sex&cols=oversight", nil, w.panelP...)
	do(t, w.s, http.StatusForbidden, "GET", "/api/v1/summaries/crosstab?rows=subject_sex&cols=oversight&partnership="+w.p, nil, w.panelQ...)
	do(t, w.s, http.StatusForbidden, "GET", "/api/v1/summaries/crosstab?rows=subject_sex&cols=oversight", nil, w.agent...)
	// Shareable: every figure one its true count can publish, small ones hidden.
	var sh api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=subject_minoritised&cols=review_type&disclosure=shareable", nil, w.oversight...).JSON(t, &sh)
	var truth api.SummaryCrossTab
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=subject_minoritised&cols=review_type", nil, w.oversight...).JSON(t, &truth)
	for i := range truth.RowValues {
		if !casereview.CanShow(*truth.RowTotals[i].Count, shared(sh.RowTotals[i]), 5) {
			t.Errorf("row %s: published %s cannot come from %d", truth.RowValues[i].Key, sh.RowTotals[i].Display, *truth.RowTotals[i].Count)
		}
	}
}

func eqClosure(t *testing.T, w *eqWorld) {
	var c api.EqualityClosure
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/equality?characteristic=minoritised&group=black_minoritised&partnership="+w.p, nil, w.oversight...).JSON(t, &c)
	type row struct {
		recs, closed  int
		share, median float64
	}
	want := []row{{6, 3, 0.5, 90}, {6, 4, 4.0 / 6, 30}, {5, 0, 0, -1}}
	for i, g := range c.Groups {
		got := row{*g.Recommendations.Count, *g.VerifiedClosed.Count, float64(*g.ShareClosed), -1}
		if g.MedianDaysToClosure != nil {
			got.median = float64(*g.MedianDaysToClosure)
		}
		if got.recs != want[i].recs || got.closed != want[i].closed || math.Abs(got.share-want[i].share) > 1e-4 || got.median != want[i].median {
			t.Errorf("%s: %+v, want %+v", g.Key, got, want[i])
		}
	}
	// Shareable: counts perturbed or hidden, the median of fewer than 5 closures left out.
	c = api.EqualityClosure{}
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/equality?characteristic=minoritised&group=black_minoritised&disclosure=shareable", nil, w.oversight...).JSON(t, &c)
	for i, g := range c.Groups {
		if !casereview.CanShow(want[i].recs, shared(g.Recommendations), 5) || !casereview.CanShow(want[i].closed, shared(g.VerifiedClosed), 5) {
			t.Errorf("%s: published %s/%s cannot come from %d/%d", g.Key, g.Recommendations.Display, g.VerifiedClosed.Display, want[i].recs, want[i].closed)
		}
		if g.MedianDaysToClosure != nil {
			t.Errorf("%s: a median of fewer than 5 closures was published", g.Key)
		}
	}
	do(t, w.s, http.StatusUnprocessableEntity, "GET", "/api/v1/summaries/equality?characteristic=minoritised&group=not_recorded", nil, w.oversight...)
	do(t, w.s, http.StatusForbidden, "GET", "/api/v1/summaries/equality?characteristic=minoritised&group=black_minoritised", nil, w.agent...)
}

func eqBaselines(t *testing.T, w *eqWorld) {
	path := "/api/v1/partnerships/" + w.p + "/baselines/minoritised"
	r := do(t, w.s, http.StatusUnprocessableEntity, "PUT", path, map[string]any{"csv": "group,population\nblack_minoritised,200\nwhite_british,many\nmartian,3\n"}, w.admin...)
	for _, f := range []string{`"row[3].population"`, `"row[4].group"`} {
		if !strings.Contains(string(r.Body), f) {
			t.Errorf("want a field error at %s: %s", f, r.Body)
		}
	}
	do(t, w.s, http.StatusForbidden, "PUT", path, map[string]any{"csv": "group,population\nblack_minoritised,200\n"}, w.oversight...)
	do(t, w.s, http.StatusOK, "PUT", path, map[string]any{"csv": "group,population\nBlack and minoritised,200\nwhite_british,800\n", "source": "Fictional census"}, w.admin...)
	var d api.Disproportionality
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/disproportionality?characteristic=minoritised&partnership="+w.p, nil, w.oversight...).JSON(t, &d)
	// 4 people at the centre are Black and minoritised (R1's victim, R4's three), 1 White
	// British (R2's victim; R1's perpetrator is not counted): RR = (4/5) / (200/1000) = 4, and
	// SE = sqrt(1/4 - 1/5 + 1/200 - 1/1000) = 0.232379, so 95% CI 4 / 1.576947 = 2.5366 to 6.3078.
	if !d.HasBaseline || len(d.Rows) != 2 || *d.Rows[0].People.Count != 4 || *d.Recorded.Count != 5 || d.Rows[0].RelativeRate == nil {
		t.Fatalf("disproportionality: %+v", d)
	}
	if rr, lo, hi := *d.Rows[0].RelativeRate, *d.Rows[0].CiLow, *d.Rows[0].CiHigh; math.Abs(float64(rr)-4) > 1e-3 || math.Abs(float64(lo)-2.5366) > 1e-3 || math.Abs(float64(hi)-6.3078) > 1e-3 {
		t.Errorf("RR %.4f (%.4f–%.4f), want 4 (2.5366–6.3078)", rr, lo, hi)
	}
	// Shareable: 1 to 4 people are hidden, and a hidden count gets no rate.
	d = api.Disproportionality{}
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/disproportionality?disclosure=shareable&characteristic=minoritised&partnership="+w.p, nil, w.oversight...).JSON(t, &d)
	for _, r := range d.Rows {
		if r.People.Suppressed != nil && r.RelativeRate != nil {
			t.Errorf("%s: a rate from a hidden count", r.Key)
		}
	}
	do(t, w.s, http.StatusForbidden, "GET", "/api/v1/summaries/disproportionality?characteristic=minoritised&partnership="+w.p, nil, w.panelQ...)
	do(t, w.s, http.StatusOK, "GET", "/api/v1/summaries/disproportionality?characteristic=minoritised&partnership="+w.p, nil, w.panelP...)
}

// The demo data carries fictional subjects and the demo area's baselines, so the pages have
// something to show.
func TestEqualityDemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := apitest.Start(t, dialect, apitest.Options{Demo: true, Now: time.Now})
		var ct api.SummaryCrossTab
		do(t, s, http.StatusOK, "GET", "/api/v1/summaries/crosstab?rows=subject_minoritised&cols=review_type", nil).JSON(t, &ct)
		rows := map[string]int{}
		for i, v := range ct.RowValues {
			rows[v.Key] = *ct.RowTotals[i].Count
		}
		if rows["black_minoritised"] == 0 || rows["white_british"] == 0 || rows["not_recorded"] == 0 {
			t.Errorf("demo breakdown: %v", rows)
		}
		ps := do(t, s, http.StatusOK, "GET", "/api/v1/partnerships?q=Eastmere%20Community", nil).Map(t)["items"].([]any)
		pid := ps[0].(map[string]any)["id"].(string)
		var d api.Disproportionality
		do(t, s, http.StatusOK, "GET", "/api/v1/summaries/disproportionality?characteristic=minoritised&partnership="+pid, nil).JSON(t, &d)
		if !d.HasBaseline || *d.Recorded.Count == 0 {
			t.Errorf("demo disproportionality: %+v", d)
		}
	})
}
