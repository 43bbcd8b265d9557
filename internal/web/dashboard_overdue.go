package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
)

// The overdue list by organisation (the dashboard shows the organisations owing most): every
// organisation that owes a response or an action, or leads an escalated recommendation, with
// how many items and how old the oldest; and, for one organisation (?owed_by=), its items, oldest
// first, a page at a time. The monthly "overdue by agency" paper is this page, printed.

// overduePageSize is how many of one organisation's items a page lists.
const overduePageSize = 50

type overdueRow struct {
	casereview.OverdueTally
	Items, Escalated figure
	Href             string // the organisation's items
}

func overdueRows(form summaryForm, ts []casereview.OverdueTally, threshold int) []overdueRow {
	out := make([]overdueRow, len(ts))
	for i, t := range ts {
		out[i] = overdueRow{OverdueTally: t, Items: form.eachFigure(t.Items, threshold), Escalated: form.eachFigure(t.Escalated, threshold),
			Href: form.href("/dashboard/overdue", "owed_by", t.OrganisationID)}
	}
	return out
}

type overdueData struct {
	Form            summaryForm
	Orgs            []overdueRow // without owed_by: every organisation owing something
	Items           int
	Owing           *casereview.OverdueGroup // with owed_by: its page of items
	Total, From, To int                      // its items in all, and the first and last shown (from 1)
	First, Next     string
	AllHref         string
}

func (h *Handler) dashboardOverdue(c *gin.Context) {
	form, probs, ok := h.reportingFilter(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	q := c.Request.URL.Query()
	d := &overdueData{Form: form, AllHref: form.href("/dashboard/overdue")}
	title := "Overdue, by organisation"
	if len(probs) == 0 {
		var err error
		if org := q.Get("owed_by"); org != "" {
			offset, _ := strconv.Atoi(q.Get("from"))
			offset = max(offset, 0)
			var g casereview.OverdueGroup
			if g, d.Total, err = h.sums.SummaryOverdueOf(ctx, form.Filter, org, offset, overduePageSize); err == nil {
				if d.Total == 0 && g.OrganisationName == "" {
					h.fail(c, casereview.NotFound("organisation"))
					return
				}
				d.Owing, d.From, d.To = &g, offset+1, offset+len(g.Items)
				title = "Overdue: " + g.OrganisationName
				if offset > 0 {
					d.First = form.href("/dashboard/overdue", "owed_by", org)
				}
				if next := offset + overduePageSize; next < d.Total {
					d.Next = form.href("/dashboard/overdue", "owed_by", org, "from", strconv.Itoa(next))
				}
			}
		} else {
			var ts []casereview.OverdueTally
			if ts, err = h.sums.SummaryOverdueByOrganisation(ctx, form.Filter); err == nil {
				d.Orgs = overdueRows(form, ts, h.threshold())
				for _, t := range ts {
					d.Items += t.Items
				}
			}
		}
		if err != nil {
			if probs = summaryProblems(err); probs == nil {
				h.fail(c, err)
				return
			}
		}
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors, p.Form = "dashboard", probs, q
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	h.render(c, status, "dashboard-overdue", p)
}
