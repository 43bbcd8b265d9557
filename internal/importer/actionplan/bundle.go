package actionplan

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/casereview/casereview/internal/casereview"
)

// Unmatched is a lead-agency name no organisation answers to.
type Unmatched struct {
	Text        string   `json:"text"`
	Rows        []int    `json:"rows"`
	Suggestions []string `json:"suggestions"`
}

// Build turns a plan into a review bundle for review, matching lead agencies through ix. Names
// that match nothing are returned (and reported as errors with the closest suggestions) so the
// caller can create them on confirmation and build again.
func Build(p Plan, review casereview.ReviewDraft, ix *OrgIndex, today casereview.Date, rep *Report) (casereview.ReviewBundle, []Unmatched) {
	b := casereview.ReviewBundle{Review: review, Uncarried: uncarried(p)}
	unmatched := map[string]*Unmatched{}
	var order []string
	resolve := func(raw string, row int) []agency {
		found, missing := ix.resolveCell(raw)
		for _, m := range missing {
			key := exactKey(m)
			u, ok := unmatched[key]
			if !ok {
				_, _, sugg := ix.Match(m)
				u = &Unmatched{Text: m, Suggestions: sugg}
				unmatched[key] = u
				order = append(order, key)
			}
			u.Rows = append(u.Rows, row)
		}
		return found
	}
	for _, r := range p.Recommendations {
		rb := casereview.RecommendationBundle{Draft: casereview.RecommendationDraft{Number: r.Number, Text: r.Text, Scope: r.Scope}}
		seen := map[string]bool{}
		addAddressee := func(id, raw string) {
			if seen[id] {
				return
			}
			seen[id] = true
			rb.Draft.Addressees = append(rb.Draft.Addressees, casereview.AddresseeDraft{OrganisationID: id, Role: casereview.RoleLead, RawText: clip(raw, 500)})
		}
		if r.Lead != "" {
			for _, ag := range resolve(r.Lead, r.Row) {
				addAddressee(ag.id, ag.raw)
			}
		}
		for _, a := range r.Actions {
			if a.Lead == "" {
				continue // reported by the reader
			}
			agencies := resolve(a.Lead, a.Row)
			if len(agencies) == 0 {
				continue // reported as unmatched
			}
			d := casereview.ActionDraft{Description: a.Description, Owner: clip(a.Owner, 200), TargetDate: a.Target}
			ms, bad := ParseMilestones(a.Milestones)
			for _, line := range bad {
				rep.Errorf(p.Sheet, a.Row, string(ColMilestones), "write it as dd/mm/yyyy (done dd/mm/yyyy) – title, one milestone a line",
					"the milestone %q has a done date that cannot be read", line)
			}
			c := a.Completion
			if c.Date != nil && today.Before(*c.Date) {
				rep.Errorf(p.Sheet, a.Row, string(ColCompletion), "if it is when the action is due, move it to the Target date column",
					"the completion date %s is in the future", FormatUKDate(*c.Date))
			}
			if casereview.EarlyTarget(a.Target, review.PublishedOn) {
				rep.Warnf(p.Sheet, a.Row, string(ColTarget), "check the date; plans often start before the report is published",
					"the target date %s is before the review was published (%s)", FormatUKDate(*a.Target), FormatUKDate(*review.PublishedOn))
			}
			d.CompletionDate = c.Date
			if c.Note != "" {
				note := c.Note
				d.Outcome = &note
			}
			if c.Ambiguous {
				rep.Warnf(p.Sheet, a.Row, string(ColCompletion), "start the cell with Completed, In progress, Planned, Not started or Not implemented",
					"the note does not say one status clearly; the action is imported with no status recorded (historic_no_record) and the note kept as its outcome")
			}
			// A joint lead ("Eastmere MASH / EVP") gives the action to each agency it names.
			for _, ag := range agencies {
				addAddressee(ag.id, ag.raw)
				d.OrganisationID = ag.id
				rb.Actions = append(rb.Actions, d)
				rb.ActionStatuses = append(rb.ActionStatuses, c.Status)
				rb.ActionMilestones = append(rb.ActionMilestones, ms)
			}
		}
		if len(rb.Draft.Addressees) == 0 && r.Lead == "" && len(r.Actions) == 0 {
			rep.Warnf(p.Sheet, r.Row, string(ColLead), "name the lead agency", "recommendation %s has no actions and no lead agency", r.Number)
		}
		b.Recommendations = append(b.Recommendations, rb)
	}
	var out []Unmatched
	for _, k := range order {
		u := *unmatched[k]
		out = append(out, u)
		sugg := "confirm creating it as a new organisation, or add it as an alias of an existing one"
		if len(u.Suggestions) > 0 {
			sugg = "did you mean " + strings.Join(u.Suggestions, ", ") + "? Add the name as an alias of one of them, or confirm creating it"
		}
		rep.Errorf(p.Sheet, u.Rows[0], string(ColLead), sugg, "no organisation is called %q (rows %s)", u.Text, joinInts(u.Rows))
	}
	return b, out
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	if len(s) > 10 {
		s = append(s[:10], "…")
	}
	return strings.Join(s, ", ")
}

// ApplyMeta fills the fields of d that are still empty from the plan's review details.
func ApplyMeta(meta map[string]string, d *casereview.ReviewDraft, sheet string, rep *Report) {
	set := func(dst *string, key string) {
		if *dst == "" {
			*dst = meta[key]
		}
	}
	set(&d.Reference, "reference")
	set(&d.Title, "title")
	set(&d.Type, "type")
	set(&d.Summary, "summary")
	d.Type = strings.ToUpper(strings.TrimSpace(d.Type))
	if d.Status == "" && meta["status"] != "" {
		d.Status = casereview.ReviewStatus(strings.ReplaceAll(strings.ToLower(meta["status"]), " ", "_"))
	}
	if d.Visibility == "" && meta["visibility"] != "" {
		d.Visibility = casereview.Visibility(strings.ToLower(meta["visibility"]))
	}
	if d.ReportURL == nil && meta["report_url"] != "" {
		u := meta["report_url"]
		d.ReportURL = &u
	}
	for key, dst := range map[string]**casereview.Date{"published": &d.PublishedOn, "commissioned": &d.CommissionedOn} {
		if *dst != nil || meta[key] == "" {
			continue
		}
		if day, ok := ParseUKDate(meta[key]); ok {
			*dst = &day
		} else {
			rep.Errorf(sheet, 0, key, "write the date as dd/mm/yyyy", "the review's %s date %q cannot be read", key, meta[key])
		}
	}
	if d.Status == "" {
		d.Status = casereview.ReviewPublished
		if d.PublishedOn == nil {
			d.Status = "in_progress"
		}
	}
	if d.Visibility == "" {
		d.Visibility = casereview.VisibilityRestricted
	}
}
