package api_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/apitest"
	"github.com/casereview/casereview/internal/casereview"
)

// A fictional world for the summary tests, made through the API: two partnerships, four
// organisations, six reviews (two of them restricted, one in each partnership) and forty
// recommendations with responses, actions and assessments. The tests compute every expected
// figure from smRec values with plain loops.

const smAsOf = "2025-06-30"

type smReview struct {
	id, typ, partnership, published, vis string
}

type smAddressee struct {
	org, role, notified, acknowledged string
	status                            string // as read back
	firstResponse                     string // the received_on this test sent, if any
}

type smRec struct {
	id, text, scope, intervention string
	review                        *smReview
	themes                        []string
	addressees                    []smAddressee
	actionOwner, actionTarget     string // the one action some recommendations get
	// Read back from the API after all tracking.
	response, implementation, oversight, issued, closed string
	flags                                               []string
}

type smWorld struct {
	s        *apitest.Server
	p1, p2   string
	orgs     []string          // ids
	sector   map[string]string // org id -> sector
	orgName  map[string]string
	reviews  []*smReview
	recs     []*smRec
	viewerP1 []string // Authorization header of a viewer of P1, which lets its viewers read its restricted reviews
}

var smThemes = []string{"A09", "B01", "C01", "C03", "A02"}

func smDate(s string, days int) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d.AddDate(0, 0, days).Format(time.DateOnly)
}

func smBuild(t *testing.T, dialect string) *smWorld {
	t.Helper()
	s := apitest.Start(t, dialect, apitest.Options{})
	w := &smWorld{s: s, sector: map[string]string{}, orgName: map[string]string{}}
	// Eastfold lets its viewers read its restricted reviews, so its viewer's figures include them.
	w.p1 = idOf(create(t, s, "partnerships", map[string]any{"name": "Eastfold Community Safety Partnership", "kind": "community_safety_partnership",
		"viewers_see_restricted": true}))
	w.p2 = idOf(create(t, s, "partnerships", map[string]any{"name": "Northmere Safeguarding Partnership", "kind": "other"}))
	for _, o := range []struct{ name, sector string }{{"Eastfold Police", "police"}, {"Eastfold NHS Trust", "nhs_trust"},
		{"Northmere Housing", "housing"}, {"Northmere Constabulary", "police"}} {
		id := idOf(create(t, s, "organisations", map[string]any{"name": o.name, "sector": o.sector}))
		w.orgs, w.sector[id], w.orgName[id] = append(w.orgs, id), o.sector, o.name
	}
	for i, r := range []smReview{
		{typ: "DHR", partnership: w.p1, published: "2019-03-01", vis: "public"},
		{typ: "SAR", partnership: w.p1, published: "2020-06-15", vis: "shared"},
		{typ: "CSPR", partnership: w.p2, published: "2021-09-10", vis: "restricted"},
		{typ: "PFD", partnership: w.p2, published: "2022-01-20", vis: "shared"},
		{typ: "DHR", partnership: w.p2, published: "2023-05-05", vis: "public"},
		{typ: "DHR", partnership: w.p1, published: "2024-02-02", vis: "restricted"},
	} {
		r := r
		r.id = idOf(create(t, s, "reviews", map[string]any{"type": r.typ, "partnership_id": r.partnership, "reference": fmt.Sprintf("SM-%s-%d", r.typ, i),
			"title": fmt.Sprintf("Fictional review %d", i), "status": "published", "published_on": r.published, "visibility": r.vis}))
		w.reviews = append(w.reviews, &r)
	}
	var its []struct {
		Code string `json:"code"`
	}
	var itl struct {
		Items []struct {
			Code string `json:"code"`
		} `json:"items"`
	}
	do(t, s, http.StatusOK, "GET", "/api/v1/intervention-types", nil).JSON(t, &itl)
	its = itl.Items
	rng := rand.New(rand.NewPCG(42, 7))
	for i := 0; i < 40; i++ {
		rv := w.reviews[i%len(w.reviews)]
		rec := &smRec{review: rv, scope: "local"}
		switch {
		case i%5 == 0:
			rec.scope = "national"
		case i%7 == 0:
			rec.scope = "regional"
		}
		if i%3 != 2 {
			rec.intervention = its[i%2].Code
		}
		perm := rng.Perm(len(smThemes))
		for _, k := range perm[:1+rng.IntN(3)] {
			rec.themes = append(rec.themes, smThemes[k])
		}
		word := "separation"
		if slices.Contains(rec.themes, "A09") {
			word = "stalking"
		}
		rec.text = fmt.Sprintf("Agencies should review how they respond to %s in case %d.", word, i)
		operm := rng.Perm(len(w.orgs))
		n := 1 + rng.IntN(2)
		for k, o := range operm[:n] {
			a := smAddressee{org: w.orgs[o], role: "lead", notified: smDate(rv.published, 3)}
			if k > 0 {
				a.role = "supporting"
			}
			if i%10 == 0 && k == 0 {
				a.acknowledged = smDate(rv.published, 8)
			}
			rec.addressees = append(rec.addressees, a)
		}
		body := map[string]any{"review_id": rv.id, "number": fmt.Sprint(i + 1), "title": fmt.Sprintf("Recommendation %d", i), "text": rec.text,
			"scope": rec.scope, "response_due": smDate(rv.published, 60)}
		if rec.intervention != "" {
			body["intervention_type"] = rec.intervention
		}
		var as, ts []map[string]any
		for _, a := range rec.addressees {
			m := map[string]any{"organisation_id": a.org, "role": a.role, "notified_on": a.notified}
			if a.acknowledged != "" {
				m["acknowledged_on"] = a.acknowledged
			}
			as = append(as, m)
		}
		for _, th := range rec.themes {
			ts = append(ts, map[string]any{"code": th})
		}
		body["addressees"], body["themes"] = as, ts
		rec.id = idOf(create(t, s, "recommendations", body))
		w.track(t, i, rec)
		w.recs = append(w.recs, rec)
	}
	w.readBack(t)
	w.viewerP1 = []string{"Authorization", "Bearer " + srToken(t, s, "viewer@summaries.example.org", casereview.MembershipDraft{Role: casereview.RoleViewer, PartnershipID: w.p1})}
	return w
}

// track records responses, an action and assessments on some recommendations.
func (w *smWorld) track(t *testing.T, i int, rec *smRec) {
	t.Helper()
	s := w.s
	lead := &rec.addressees[0]
	respond := func(a *smAddressee, decision string, days int) {
		a.firstResponse = smDate(rec.review.published, days)
		do(t, s, http.StatusCreated, "POST", "/api/v1/recommendations/"+rec.id+"/responses", map[string]any{"organisation_id": a.org,
			"decision": decision, "narrative": "Our reply.", "timetable": "Within six months.", "reasons": "Partly covered elsewhere.", "received_on": a.firstResponse})
	}
	switch i % 4 {
	case 1:
		respond(lead, "accepted", 10+i)
		rec.actionOwner, rec.actionTarget = lead.org, "2025-01-31"
		act := create(t, s, "recommendations/"+rec.id+"/actions", map[string]any{"organisation_id": lead.org, "description": "Do the work",
			"owner": "Head of service", "target_date": rec.actionTarget})
		do(t, s, http.StatusOK, "POST", "/api/v1/actions/"+idOf(act)+"/progress", map[string]any{"status": "in_progress", "narrative": "Started."},
			"If-Match", etagOf(t, s, "/api/v1/actions/"+idOf(act)))
	case 2:
		respond(lead, "not_accepted", 20+i)
	case 3:
		if len(rec.addressees) > 1 {
			respond(&rec.addressees[1], "accepted_in_part", 15+i)
		}
	}
	assess := func(classification string) {
		do(t, s, http.StatusOK, "POST", "/api/v1/recommendations/"+rec.id+"/assessments", map[string]any{"classification": classification,
			"rationale": "Considered by the oversight team."}, "If-Match", etagOf(t, s, "/api/v1/recommendations/"+rec.id))
	}
	switch i % 8 {
	case 5:
		assess("closed_acceptable_alternative_action")
	case 2:
		assess("open_unacceptable")
	case 6:
		assess("closed_no_response")
	}
}

// readBack stores each recommendation's statuses, dates and flags as the API now gives them.
func (w *smWorld) readBack(t *testing.T) {
	t.Helper()
	var page struct {
		Items []struct {
			ID                   string   `json:"id"`
			ResponseStatus       string   `json:"response_status"`
			ImplementationStatus string   `json:"implementation_status"`
			OversightStatus      string   `json:"oversight_status"`
			IssuedOn             string   `json:"issued_on"`
			ClosedOn             *string  `json:"closed_on"`
			Flags                []string `json:"flags"`
			Addressees           []struct {
				OrganisationID string `json:"organisation_id"`
				ResponseStatus string `json:"response_status"`
			} `json:"addressees"`
		} `json:"items"`
	}
	do(t, w.s, http.StatusOK, "GET", "/api/v1/recommendations?limit=200&as_of="+smAsOf, nil).JSON(t, &page)
	by := map[string]*smRec{}
	for _, r := range w.recs {
		by[r.id] = r
	}
	if len(page.Items) != len(w.recs) {
		t.Fatalf("read back %d recommendations, made %d", len(page.Items), len(w.recs))
	}
	for _, it := range page.Items {
		r := by[it.ID]
		r.response, r.implementation, r.oversight, r.issued, r.flags = it.ResponseStatus, it.ImplementationStatus, it.OversightStatus, it.IssuedOn, it.Flags
		if it.ClosedOn != nil {
			r.closed = *it.ClosedOn
		}
		if r.issued != r.review.published {
			t.Fatalf("recommendation issued %s, its review was published %s", r.issued, r.review.published)
		}
		for _, a := range it.Addressees {
			for k := range r.addressees {
				if r.addressees[k].org == a.OrganisationID {
					r.addressees[k].status = a.ResponseStatus
				}
			}
		}
	}
}

// visibleTo keeps the recommendations a caller may read: everything (the system), or a viewer
// of P1 (public, shared, and P1's restricted review, P1 being open to its viewers).
func (w *smWorld) visibleTo(viewerP1 bool) []*smRec {
	var out []*smRec
	for _, r := range w.recs {
		if viewerP1 && r.review.vis == "restricted" && r.review.partnership != w.p1 {
			continue
		}
		out = append(out, r)
	}
	return out
}

func smPath(endpoint string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	v.Set("as_of", smAsOf)
	return "/api/v1/summaries/" + endpoint + "?" + v.Encode()
}

func smHas(xs []string, x string) bool { return slices.Contains(xs, x) }

func smYear(date string) string { return strings.SplitN(date, "-", 2)[0] }
