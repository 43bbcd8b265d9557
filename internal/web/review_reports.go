package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/download"
)

// Adding recommendations from a review's report (issue 17 §2): the panel uploads the report,
// the server proposes its recommendations, and the panel edits, drops, merges and splits them on
// one form before confirming. The form carries its own state: every merge, split or added
// proposal is a POST that re-renders it from what was posted; nothing is created until the
// panel confirms, and then all together or none (ReportService.ConfirmReport).

// splitMarker is the line a person types in a proposal's text where it should be split.
const splitMarker = "---"

type reportUploadData struct {
	Review casereview.Review
}

// reportUploadForm shows the upload form to those who may manage the review.
func (h *Handler) reportUploadForm(c *gin.Context) {
	rv, ok := h.managedReview(c)
	if !ok {
		return
	}
	p := h.page(c, "Add recommendations from the report", reportUploadData{Review: rv})
	p.Nav = "reviews"
	h.render(c, http.StatusOK, "report-upload", p)
}

// managedReview loads the review of the request and refuses whoever may not manage it.
func (h *Handler) managedReview(c *gin.Context) (casereview.Review, bool) {
	ctx := c.Request.Context()
	rv, err := h.svc.GetReview(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return rv, false
	}
	if !casereview.CanManageReview(casereview.ActorFrom(ctx), rv.PartnershipID) {
		h.fail(c, casereview.Forbidden("only the panel of the review's partnership adds its report and recommendations"))
		return rv, false
	}
	return rv, true
}

// reportFileWords words the problems with an uploaded report for the panel member.
var reportFileWords = map[string]string{
	"file:required":           "Select the review’s report",
	"file:too_long":           "The file must be smaller than 25 MB",
	"file:unsupported_type":   "The file must be a PDF, a Word document (.docx), an OpenDocument text (.odt) or a plain-text file",
	"file:no_text":            "The document has no text to read. If it is a scanned PDF, upload a version with a text layer, or the Word file",
	"file:pdf_reader_missing": "This service cannot read PDF files at the moment. Upload the report as a Word document (.docx) or an OpenDocument text (.odt)",
	"file:unreadable":         "The file could not be read. It may be damaged: save it again and upload it",
	"file:no_recommendations": "No recommendations were found in the document. Check it has a section headed ‘Recommendations’ with numbered recommendations, or add them one by one",
	"filename:required":       "The file must have a name",
	"filename:too_long":       "The file’s name must be 255 characters or fewer",
}

func (h *Handler) uploadReport(c *gin.Context) {
	rv, ok := h.managedReview(c)
	if !ok {
		return
	}
	content, name, err := uploadedFile(c)
	if err != nil {
		h.fail(c, err)
		return
	}
	var problems []FieldProblem
	if content == nil {
		problems = []FieldProblem{{Field: "file", Message: reportFileWords["file:required"]}}
	} else {
		rep, err := h.svc.UploadReport(c.Request.Context(), rv.ID, name, content)
		if err == nil {
			h.done(c, "", "/reports/"+rep.ID+"/proposals")
			return
		}
		if problems = plainProblems(err, reportFileWords); problems == nil {
			h.fail(c, err)
			return
		}
		for i := range problems {
			if problems[i].Field == "filename" {
				problems[i].Field = "file"
			}
		}
	}
	p := h.page(c, "Add recommendations from the report", reportUploadData{Review: rv})
	p.Nav, p.Errors = "reviews", problems
	h.render(c, http.StatusUnprocessableEntity, "report-upload", p)
}

// reportFile sends a stored report as a download, like an evidence file.
func (h *Handler) reportFile(c *gin.Context) {
	r, content, err := h.svc.ReportContent(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return
	}
	hd := c.Writer.Header()
	download.Uploaded(hd, r.Filename)
	hd.Set("Content-Length", strconv.Itoa(len(content)))
	c.Data(http.StatusOK, r.MediaType, content)
}

// proposalRow is one proposal as the form shows it.
type proposalRow struct {
	Index  int
	Number string
	Text   string
	Page   string
	Drop   bool
	// Recalled: found as a recommendation the report recalls from another investigation, so
	// "Do not add this one" starts ticked and the row says why.
	Recalled bool
	Orgs     []option // ticked addressees
	Themes   []option // ticked themes
}

// ID is the id of a field of the row, as the error summary links to it.
func (r proposalRow) ID(field string) string {
	return fieldID(fmt.Sprintf("proposals[%d].%s", r.Index, field))
}

type reportProposalsData struct {
	Review        casereview.Review
	Report        casereview.ReviewReport
	Rows          []proposalRow
	Scope         string
	Scopes        []casereview.Scope
	Organisations []optionGroup
	Themes        []optionGroup
	Notice        string // what the last merge or split did, for screen readers and everyone
	ConfirmedAt   time.Time
}

// reportProposalsView loads the report and what the form needs, refusing whoever may not manage
// the review.
func (h *Handler) reportProposalsView(c *gin.Context) (*reportProposalsData, bool) {
	ctx := c.Request.Context()
	rep, err := h.svc.GetReport(ctx, c.Param("id"))
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	rv, err := h.svc.GetReview(ctx, rep.ReviewID)
	if err != nil {
		h.fail(c, err)
		return nil, false
	}
	if !casereview.CanManageReview(casereview.ActorFrom(ctx), rv.PartnershipID) {
		h.fail(c, casereview.Forbidden("only the panel of the review's partnership adds its recommendations"))
		return nil, false
	}
	d := &reportProposalsData{Review: rv, Report: rep, Scope: "local", Scopes: casereview.Scopes}
	if rep.ConfirmedAt != nil {
		d.ConfirmedAt = *rep.ConfirmedAt
	}
	if d.Organisations, err = h.organisationGroups(ctx); err != nil {
		h.fail(c, err)
		return nil, false
	}
	if d.Themes, err = h.themeGroups(ctx); err != nil {
		h.fail(c, err)
		return nil, false
	}
	return d, true
}

func (h *Handler) themeGroups(ctx context.Context) ([]optionGroup, error) {
	themes, _, err := h.svc.ListThemes(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []optionGroup
	for _, g := range []string{"A", "B", "C"} {
		og := optionGroup{Label: themeGroupLabels[g]}
		for _, t := range themes {
			if t.Group == g && t.Active {
				og.Options = append(og.Options, option{Value: t.Code, Text: t.Label})
			}
		}
		out = append(out, og)
	}
	return out, nil
}

// optionNames maps each option's value to its text.
func optionNames(groups []optionGroup) map[string]string {
	out := map[string]string{}
	for _, g := range groups {
		for _, o := range g.Options {
			out[o.Value] = o.Text
		}
	}
	return out
}

func pickedOptions(ids []string, known map[string]string) []option {
	var out []option
	for _, id := range ids {
		if t, ok := known[id]; ok && !slices.ContainsFunc(out, func(o option) bool { return o.Value == id }) {
			out = append(out, option{Value: id, Text: t})
		}
	}
	return out
}

func (h *Handler) reportProposals(c *gin.Context) {
	d, ok := h.reportProposalsView(c)
	if !ok {
		return
	}
	orgs, themes := optionNames(d.Organisations), optionNames(d.Themes)
	for i, pr := range d.Report.Proposals {
		page := ""
		if pr.Page > 0 {
			page = strconv.Itoa(pr.Page)
		}
		d.Rows = append(d.Rows, proposalRow{Index: i, Number: pr.Number, Text: pr.Text, Page: page, Drop: pr.Recalled, Recalled: pr.Recalled,
			Orgs: pickedOptions(pr.Orgs, orgs), Themes: pickedOptions(pr.Themes, themes)})
	}
	h.renderProposals(c, http.StatusOK, d, nil)
}

func (h *Handler) renderProposals(c *gin.Context, status int, d *reportProposalsData, problems []FieldProblem) {
	title := "Check the recommendations from the report"
	if d.Report.ConfirmedAt != nil {
		title = "The recommendations from this report have been added"
	}
	p := h.page(c, title, d)
	p.Nav, p.Errors = "reviews", problems
	h.render(c, status, "report-proposals", p)
}

// readProposals reads the rows of the posted form.
func readProposals(f url.Values, orgs, themes map[string]string) []proposalRow {
	n, _ := strconv.Atoi(f.Get("count"))
	n = min(max(n, 0), 500)
	rows := make([]proposalRow, 0, n)
	for i := range n {
		k := func(s string) string { return fmt.Sprintf("p%d-%s", i, s) }
		r := proposalRow{Index: i, Number: strings.TrimSpace(f.Get(k("number"))), Text: strings.ReplaceAll(f.Get(k("text")), "\r\n", "\n"),
			Page: strings.TrimSpace(f.Get(k("page"))), Drop: f.Get(k("drop")) == "yes", Recalled: f.Get(k("recalled")) == "yes",
			Orgs: pickedOptions(append(f[k("org")], f.Get(k("org-add"))), orgs), Themes: pickedOptions(append(f[k("theme")], f.Get(k("theme-add"))), themes)}
		rows = append(rows, r)
	}
	return rows
}

func renumber(rows []proposalRow) []proposalRow {
	for i := range rows {
		rows[i].Index = i
	}
	return rows
}

func unionOptions(a, b []option) []option {
	out := slices.Clone(a)
	for _, o := range b {
		if !slices.ContainsFunc(out, func(x option) bool { return x.Value == o.Value }) {
			out = append(out, o)
		}
	}
	return out
}

// applyOp carries out a merge, split or add on the rows, or says why it cannot.
func applyOp(rows []proposalRow, op string) ([]proposalRow, string, *FieldProblem) {
	verb, arg, _ := strings.Cut(op, "-")
	i, err := strconv.Atoi(arg)
	if err != nil || i < 0 || i >= len(rows) {
		return rows, "", nil
	}
	switch verb {
	case "merge":
		if i+1 >= len(rows) {
			return rows, "", &FieldProblem{Field: fmt.Sprintf("proposals[%d].text", i), Message: "There is no recommendation after this one to merge it with"}
		}
		a, b := rows[i], rows[i+1]
		a.Text = strings.TrimSpace(a.Text) + "\n" + strings.TrimSpace(b.Text)
		a.Orgs, a.Themes = unionOptions(a.Orgs, b.Orgs), unionOptions(a.Themes, b.Themes)
		rows = append(rows[:i], append([]proposalRow{a}, rows[i+2:]...)...)
		return renumber(rows), fmt.Sprintf("Recommendation %s now includes the text of %s.", a.Number, b.Number), nil
	case "split":
		before, after, found := cutAtMarker(rows[i].Text)
		if !found {
			return rows, "", &FieldProblem{Field: fmt.Sprintf("proposals[%d].text", i),
				Message: "To split recommendation " + rows[i].Number + ", type " + splitMarker + " on a line of its own where the second part starts"}
		}
		a, b := rows[i], rows[i]
		a.Text, b.Text, b.Number = before, after, rows[i].Number+"b"
		rows = append(rows[:i], append([]proposalRow{a, b}, rows[i+1:]...)...)
		return renumber(rows), fmt.Sprintf("Recommendation %s was split in two: check the number of the second part, %s.", a.Number, b.Number), nil
	case "add":
		b := proposalRow{Page: rows[i].Page}
		rows = append(rows[:i+1], append([]proposalRow{b}, rows[i+1:]...)...)
		return renumber(rows), fmt.Sprintf("An empty recommendation was added after %s.", rows[i].Number), nil
	}
	return rows, "", nil
}

// cutAtMarker splits text at its first line that is only the split marker.
func cutAtMarker(text string) (string, string, bool) {
	lines := strings.Split(text, "\n")
	for j, l := range lines {
		if strings.TrimSpace(l) == splitMarker {
			a, b := strings.TrimSpace(strings.Join(lines[:j], "\n")), strings.TrimSpace(strings.Join(lines[j+1:], "\n"))
			return a, b, a != "" && b != ""
		}
	}
	return "", "", false
}

// proposalWords words the domain's problems with a proposal.
var proposalWords = map[string]string{
	"number:required":     "Enter the recommendation’s number",
	"number:too_long":     "The number must be 20 characters or fewer",
	"number:duplicate":    "Another recommendation has this number: give each a different one",
	"text:required":       "Enter the recommendation’s text, or tick ‘Do not add this one’",
	"text:too_long":       "The text must be 20,000 characters or fewer",
	"page:invalid":        "Enter a page of the report, or leave it empty",
	"scope:required":      "Choose the recommendations’ scope",
	"scope:unknown_value": "Choose the recommendations’ scope",
}

func (h *Handler) postReportProposals(c *gin.Context) {
	d, ok := h.reportProposalsView(c)
	if !ok {
		return
	}
	f := c.Request.PostForm
	d.Rows = readProposals(f, optionNames(d.Organisations), optionNames(d.Themes))
	d.Scope = f.Get("scope")
	op := f.Get("op")
	if op != "confirm" {
		rows, notice, prob := applyOp(d.Rows, op)
		d.Rows, d.Notice = rows, notice
		var probs []FieldProblem
		if prob != nil {
			probs = []FieldProblem{*prob}
		}
		h.renderProposals(c, http.StatusOK, d, probs)
		return
	}
	var drafts []casereview.ProposalDraft
	var index []int // the form row of each draft
	var problems []FieldProblem
	for _, r := range d.Rows {
		if r.Drop {
			continue
		}
		page := 0
		if r.Page != "" {
			n, err := strconv.Atoi(r.Page)
			if err != nil || n < 1 {
				problems = append(problems, FieldProblem{Field: fmt.Sprintf("proposals[%d].page", r.Index), Message: proposalWords["page:invalid"]})
			}
			page = n
		}
		dr := casereview.RecommendationDraft{Number: r.Number, Text: strings.TrimSpace(r.Text), Scope: casereview.Scope(d.Scope)}
		for _, o := range r.Orgs {
			dr.Addressees = append(dr.Addressees, casereview.AddresseeDraft{OrganisationID: o.Value, Role: casereview.RoleLead})
		}
		for _, t := range r.Themes {
			dr.Themes = append(dr.Themes, casereview.ThemeDraft{Code: t.Value})
		}
		drafts = append(drafts, casereview.ProposalDraft{RecommendationDraft: dr, Page: max(page, 0)})
		index = append(index, r.Index)
	}
	if len(drafts) == 0 {
		problems = append(problems, FieldProblem{Field: "proposals", Message: "Keep at least one recommendation, or cancel"})
	}
	if problems == nil {
		recs, err := h.svc.ConfirmReport(c.Request.Context(), d.Report.ID, drafts)
		if err == nil {
			h.done(c, plural(len(recs), "recommendation", "recommendations")+" added from the report", "/reviews/"+d.Review.ID)
			return
		}
		var de *casereview.Error
		if errors.As(err, &de) && de.Code == casereview.CodeConflict && len(de.Fields) == 0 {
			// Confirmed already (a second click, or another tab): nothing more was created.
			h.done(c, "The recommendations from this report had already been added", "/reviews/"+d.Review.ID)
			return
		}
		if problems = proposalProblems(err, index); problems == nil {
			h.fail(c, err)
			return
		}
	}
	h.renderProposals(c, http.StatusUnprocessableEntity, d, problems)
}

// proposalProblems words the problems ConfirmReport found, each against its row of the form
// (index maps the proposals sent to the form's rows, dropped ones left out).
func proposalProblems(err error, index []int) []FieldProblem {
	var de *casereview.Error
	if !errors.As(err, &de) || (de.Code != casereview.CodeInvalid && de.Code != casereview.CodeConflict) || len(de.Fields) == 0 {
		return nil
	}
	var out []FieldProblem
	for _, fe := range de.Fields {
		var i int
		if n, _ := fmt.Sscanf(fe.Field, "proposals[%d]", &i); n != 1 || i < 0 || i >= len(index) {
			out = append(out, FieldProblem{Field: "proposals", Message: upperFirst(fe.Message)})
			continue
		}
		_, rest, _ := strings.Cut(fe.Field, "].")
		name, _, _ := strings.Cut(rest, "[") // addressees[0].organisation_id: the row's addressees
		msg, ok := proposalWords[name+":"+fe.Code]
		if !ok {
			msg = upperFirst(fe.Message)
		}
		out = append(out, FieldProblem{Field: fmt.Sprintf("proposals[%d].%s", index[i], name), Message: msg})
	}
	return out
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
