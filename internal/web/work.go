package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// workPage is the home page: what the signed-in person should look at next, from the same work
// list as GET /api/v1/work.
type workPage struct {
	AsOf casereview.Date
	Tabs []workTab
	// HasList is false for those the work list has nothing for (viewers): they get ways in to
	// search and the reviews instead.
	HasList bool
	Links   []workLink
}

// workTab is one tab of the work list: a list of recommendations, of evidence or of
// organisations, with what to say when it is empty.
type workTab struct {
	ID       string
	Label    string
	Count    int
	Rows     []recRow
	Evidence []evidenceRow
	Orgs     []orgOverdueRow
	Empty    string
	// Capped is set when the list reached the work list's limit; More then finds them all.
	Capped bool
	More   []workLink
}

type workLink struct{ Href, Text string }

// evidenceRow is evidence awaiting verification, with the recommendation it supports.
type evidenceRow struct {
	E         casereview.Evidence
	Rec       *recRow
	ReviewURL string
}

// orgOverdueRow is one organisation's line of the overdue list, with links to search for them.
type orgOverdueRow struct {
	casereview.OverdueCount
	ResponsesHref, ActionsHref string
}

// workLimit is the number of items the store returns in each list at most (store.workLimit).
const workListLimit = 100

func (h *Handler) work(c *gin.Context) {
	ctx := c.Request.Context()
	p := h.page(c, "Your work", nil)
	p.Nav = "work"
	w, err := h.svc.Work(ctx)
	if err != nil {
		h.fail(c, err)
		return
	}
	v := p.Viewer
	oversight := v.Can(casereview.RoleOversight)
	data := &workPage{AsOf: w.AsOf, HasList: v.Can(casereview.RoleAgencyEditor, casereview.RolePanel, casereview.RoleOversight, casereview.RoleAdmin)}
	var orgs []string
	if !oversight && !v.Can(casereview.RoleAdmin) {
		for _, m := range v.Memberships {
			if m.Role == casereview.RoleAgencyEditor && m.OrganisationID != "" {
				orgs = append(orgs, m.OrganisationID)
			}
		}
	}

	// The evidence's recommendations, read in one call, so each line can say what it is for.
	var evRecs []casereview.Recommendation
	if len(w.EvidenceToVerify) > 0 {
		ids := make([]string, 0, len(w.EvidenceToVerify))
		for _, e := range w.EvidenceToVerify {
			ids = append(ids, e.RecommendationID)
		}
		byID, err := h.svc.RecommendationsByID(ctx, ids)
		if err != nil {
			h.fail(c, err)
			return
		}
		for _, r := range byID {
			evRecs = append(evRecs, r)
		}
	}
	reviews, err := h.reviewsOf(ctx, w.Overdue, w.DueSoon, w.AwaitingResponse, w.ResponsesToAssess, evRecs)
	if err != nil {
		h.fail(c, err)
		return
	}

	if data.HasList {
		data.Tabs = append(data.Tabs,
			workTab{ID: "overdue", Label: "Overdue", Rows: rowsOf(w.Overdue, reviews), Empty: "Nothing is overdue.",
				More: []workLink{{workSearch(string(casereview.FlagResponseOverdue), orgs), "every recommendation with an overdue response"},
					{workSearch(string(casereview.FlagActionOverdue), orgs), "every recommendation with an overdue action"}}},
			workTab{ID: "due-soon", Label: "Due soon", Rows: rowsOf(w.DueSoon, reviews),
				Empty: "Nothing falls due in the next " + plural(casereview.DueSoonDays, "day", "days") + ".",
				More:  []workLink{{workSearch(string(casereview.FlagDueSoon), orgs), "every recommendation due soon"}}},
			workTab{ID: "awaiting-response", Label: "Awaiting response", Rows: rowsOf(w.AwaitingResponse, reviews),
				Empty: "No recommendation is waiting for a response.",
				More:  []workLink{{workSearchResponse(orgs), "every recommendation awaiting a response"}}},
		)
	}
	if oversight {
		data.Tabs = append(data.Tabs,
			workTab{ID: "responses-to-assess", Label: "Responses to assess", Rows: rowsOf(w.ResponsesToAssess, reviews),
				Empty: "No response is waiting to be assessed."},
			workTab{ID: "evidence-to-verify", Label: "Evidence to verify", Evidence: evidenceRows(w.EvidenceToVerify, evRecs, reviews),
				Empty: "No evidence is waiting to be verified."},
			workTab{ID: "overdue-by-organisation", Label: "Overdue by organisation", Orgs: orgOverdueRows(w.OverdueByOrganisation),
				Empty: "No organisation has anything overdue."},
		)
	}
	for i := range data.Tabs {
		t := &data.Tabs[i]
		t.Count = len(t.Rows) + len(t.Evidence) + len(t.Orgs)
		t.Capped = (len(t.Rows) >= workListLimit || len(t.Evidence) >= workListLimit) && t.ID != "overdue-by-organisation"
	}
	data.Links = []workLink{{"/search", "Search all recommendations"}, {"/reviews", "Browse reviews"}}
	if v.Can(casereview.RolePanel) {
		data.Links = append(data.Links, workLink{"/reviews/new", "Record a new review"})
	}
	data.Links = append(data.Links,
		workLink{workSearch(string(casereview.FlagResponseOverdue), nil), "Recommendations with an overdue response"},
		workLink{workSearch(string(casereview.FlagStalled), nil), "Recommendations with no progress for " + plural(casereview.StalledDays, "day", "days")})
	p.Data = data
	h.render(c, 200, "work", p)
}

// workSearch is the search for every recommendation carrying flag, for the organisations orgs
// (none: everything the caller may read).
func workSearch(flag string, orgs []string) string {
	q := url.Values{"flag": {flag}}
	if len(orgs) > 0 {
		q["organisation"] = orgs
	}
	return "/search?" + q.Encode()
}

func workSearchResponse(orgs []string) string {
	q := url.Values{"response": {string(casereview.ResponseAwaiting)}}
	if len(orgs) > 0 {
		q["organisation"] = orgs
	}
	return "/search?" + q.Encode()
}

func evidenceRows(es []casereview.Evidence, recs []casereview.Recommendation, reviews map[string]casereview.Review) []evidenceRow {
	byID := map[string]recRow{}
	for _, r := range rowsOf(recs, reviews) {
		byID[r.Rec.ID] = r
	}
	out := make([]evidenceRow, 0, len(es))
	for _, e := range es {
		row := evidenceRow{E: e, ReviewURL: "/evidence/" + e.ID + "/review"}
		if r, ok := byID[e.RecommendationID]; ok {
			row.Rec = &r
		}
		out = append(out, row)
	}
	return out
}

func orgOverdueRows(cs []casereview.OverdueCount) []orgOverdueRow {
	out := make([]orgOverdueRow, 0, len(cs))
	for _, o := range cs {
		out = append(out, orgOverdueRow{OverdueCount: o,
			ResponsesHref: workSearch(string(casereview.FlagResponseOverdue), []string{o.OrganisationID}),
			ActionsHref:   workSearch(string(casereview.FlagActionOverdue), []string{o.OrganisationID})})
	}
	return out
}
