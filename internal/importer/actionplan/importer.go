package actionplan

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// Services are what an action-plan import needs from the store.
type Services interface {
	AllOrganisations(ctx context.Context) ([]casereview.Organisation, error)
	CreateOrganisation(ctx context.Context, d casereview.OrganisationDraft) (casereview.Organisation, error)
	ListPartnerships(ctx context.Context, f casereview.PartnershipFilter, page casereview.PageRequest) (casereview.Page[casereview.Partnership], error)
	ListReviews(ctx context.Context, f casereview.ReviewFilter, page casereview.PageRequest) (casereview.Page[casereview.Review], error)
	ImportBundles(ctx context.Context, bundles []casereview.ReviewBundle, o casereview.ImportOptions) (casereview.ImportResult, error)
	ListReviewTypes(ctx context.Context) ([]casereview.ReviewType, error)
}

// Request is one action-plan file to import into one review.
type Request struct {
	FileName string
	Data     []byte
	// Review holds the review details given outside the file (command-line flags, form
	// fields); the file's details sheet or header lines fill the rest, then the existing review.
	Review              casereview.ReviewDraft
	PartnershipName     string // used when Review.PartnershipID is empty
	CreateOrganisations bool   // create lead agencies that match no organisation (sector "other")
	// Matches resolves lead-agency text that matches no organisation: text -> the name of the
	// organisation meant (one of the report's suggestions, say), for this import only.
	Matches  map[string]string
	DryRun   bool
	Limits   Limits
	Today    casereview.Date
	Progress func(done, total int)
}

// Outcome is the report and, when the import went ahead (or was a dry run that validated), the
// store's result.
type Outcome struct {
	Report               Report                   `json:"report"`
	Unmatched            []Unmatched              `json:"unmatched_organisations"`
	CreatedOrganisations []string                 `json:"created_organisations"`
	Result               *casereview.ImportResult `json:"result"`
}

// Import reads, validates and (unless a dry run) commits one action plan. Problems with the
// file are in the outcome's report and nothing is written; an error is returned only for what
// the file cannot fix (permission, the database). The report lists every problem of the file
// in one pass: the reading, the review's details, the organisations and the store's own checks
// each run whatever the others found, as far as what they need was read.
func Import(ctx context.Context, svc Services, req Request) (Outcome, error) {
	var out Outcome
	lim := req.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	plan, rep := Read(req.FileName, req.Data, lim)
	out.Report = rep
	if plan.Columns == nil {
		return out, nil // not a plan at all: nothing more to check
	}
	d := req.Review
	ApplyMeta(plan.Meta, &d, plan.Sheet, &out.Report)
	if d.PartnershipID == "" {
		name := req.PartnershipName
		if name == "" {
			name = plan.Meta["partnership"]
		}
		id, err := findPartnership(ctx, svc, name)
		if err != nil {
			return out, err
		}
		if id == "" {
			out.Report.Errorf(plan.Sheet, 0, "partnership", "give the partnership (--partnership) exactly as the repository names it",
				"no partnership is called %q", name)
		}
		d.PartnershipID = id
	}
	if d.Reference == "" {
		out.Report.Errorf(plan.Sheet, 0, "reference", "give --review-ref, or a \"Review reference\" line above the header", "the review reference is missing")
	}
	if err := fromTitleRow(ctx, svc, plan.Meta["title_row"], &d); err != nil {
		return out, err
	}
	if d.PartnershipID != "" && d.Reference != "" {
		if err := fillFromExisting(ctx, svc, &d); err != nil {
			return out, err
		}
	}
	// The review's own details are checked before anything is created for it.
	check := d
	reviewOK := true
	if err := check.Validate(req.Today); err != nil {
		for _, f := range fieldErrors(err) {
			if (f.Field == "partnership_id" && d.PartnershipID == "") || (f.Field == "reference" && d.Reference == "") {
				continue // reported above
			}
			reviewOK = false
			out.Report.Errorf(plan.Sheet, 0, "review "+f.Field, "give it as a flag or form field, or as a line above the header (e.g. \"Type:,DHR\")", "%s", f.Message)
		}
	}
	orgs, err := svc.AllOrganisations(ctx)
	if err != nil {
		return out, err
	}
	ix := NewOrgIndex(orgs)
	for text, name := range req.Matches {
		if id, _ := ix.Find(name); id != "" {
			ix.Alias(text, id)
		}
	}
	before := out.Report.Errors()
	buildRep := out.Report
	bundle, unmatched := Build(plan, d, ix, req.Today, &buildRep)
	// Organisations are created only when they are all that stands in the way.
	onlyUnmatched := before == 0 && buildRep.Errors()-before == len(unmatched)
	if len(unmatched) > 0 && onlyUnmatched && req.CreateOrganisations && !req.DryRun {
		for _, u := range unmatched {
			o, err := svc.CreateOrganisation(ctx, casereview.OrganisationDraft{Name: u.Text, Sector: "other"})
			if err != nil {
				return out, err
			}
			ix.Add(o)
			out.CreatedOrganisations = append(out.CreatedOrganisations, o.Name)
		}
		buildRep = out.Report
		bundle, unmatched = Build(plan, d, ix, req.Today, &buildRep)
	}
	out.Report, out.Unmatched = buildRep, unmatched
	if d.PartnershipID == "" || d.Reference == "" || !reviewOK {
		return out, nil // the store's checks need the review
	}
	// With problems already found, the store only checks (a dry run) and adds its own.
	failed := !out.Report.OK()
	res, err := svc.ImportBundles(ctx, []casereview.ReviewBundle{bundle}, casereview.ImportOptions{DryRun: req.DryRun || failed,
		Source: "actionplan:" + plan.Sheet, Progress: req.Progress})
	if err != nil {
		var de *casereview.Error
		if errors.As(err, &de) && de.Code == casereview.CodeInvalid {
			for _, f := range de.Fields {
				row, col := locate(plan, f.Field)
				if !out.Report.hasError(row, col) {
					out.Report.Errorf(plan.Sheet, row, col, "", "%s", f.Message)
				}
			}
			return out, nil
		}
		return out, err
	}
	if failed {
		return out, nil
	}
	out.Result = &res
	return out, nil
}

// fromTitleRow fills the review's type and title from the plan's title row, where neither
// flags nor details lines gave them.
func fromTitleRow(ctx context.Context, svc Services, row string, d *casereview.ReviewDraft) error {
	if row == "" || (d.Type != "" && d.Title != "") {
		return nil
	}
	types, err := svc.ListReviewTypes(ctx)
	if err != nil {
		return err
	}
	code, title := ReadTitleRow(row, types)
	if code == "" {
		return nil
	}
	if d.Type == "" {
		d.Type = code
	}
	if d.Title == "" {
		d.Title = title
	}
	return nil
}

func findPartnership(ctx context.Context, svc Services, name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", nil
	}
	// The name filter folds case in ASCII only on SQLite, so a name with other letters ("Ō") is
	// looked for among all partnerships when the filter finds nothing.
	for _, f := range []casereview.PartnershipFilter{{Name: name}, {}} {
		all, err := pageAll(func(pr casereview.PageRequest) (casereview.Page[casereview.Partnership], error) {
			return svc.ListPartnerships(ctx, f, pr)
		}, func(p casereview.Partnership) string { return p.ID })
		if err != nil {
			return "", err
		}
		for _, p := range all {
			if strings.EqualFold(strings.TrimSpace(p.Name), strings.TrimSpace(name)) {
				return p.ID, nil
			}
		}
	}
	return "", nil
}

// fillFromExisting completes d from the review it will update, so that a plan that gives no
// summary, say, leaves the recorded one alone.
func fillFromExisting(ctx context.Context, svc Services, d *casereview.ReviewDraft) error {
	page, err := svc.ListReviews(ctx, casereview.ReviewFilter{PartnershipID: d.PartnershipID, Reference: d.Reference}, casereview.PageRequest{Limit: 1})
	if err != nil || len(page.Items) == 0 {
		return err
	}
	x := page.Items[0].Draft()
	if d.Title == "" || casereview.SameCellText(d.Title, x.Title) {
		d.Title = x.Title // a cell comes back trimmed: that is no change
	}
	if d.Type == "" {
		d.Type = x.Type
	}
	if d.Summary == "" {
		d.Summary = x.Summary
	}
	if d.IncidentYear == nil {
		d.IncidentYear = x.IncidentYear
	}
	if d.CommissionedOn == nil {
		d.CommissionedOn = x.CommissionedOn
	}
	if d.PublishedOn == nil {
		d.PublishedOn = x.PublishedOn
	}
	if d.ReportURL == nil {
		d.ReportURL = x.ReportURL
	}
	d.Status, d.Visibility = x.Status, x.Visibility
	return nil
}

var rePath = regexp.MustCompile(`recommendations\[(\d+)\](?:\.actions\[(\d+)\])?(?:\.(\w+))?`)

// locate maps a store field path back to the spreadsheet row and column it came from.
func locate(p Plan, field string) (int, string) {
	if _, f, ok := strings.Cut(field, ".review."); ok {
		return 0, "review " + f // a review detail: give it as a flag, a form field or a details line
	}
	m := rePath.FindStringSubmatch(field)
	if m == nil {
		return 0, field
	}
	i, _ := strconv.Atoi(m[1])
	if i >= len(p.Recommendations) {
		return 0, field
	}
	r := p.Recommendations[i]
	if m[2] != "" && strings.Contains(field, ".milestones") {
		m[3] = "milestones"
	}
	col := map[string]string{"milestones": string(ColMilestones), "text": string(ColRecommendation), "number": string(ColRecommendation), "scope": string(ColScope),
		"description": string(ColAction), "organisation_id": string(ColLead), "owner": string(ColOwner),
		"target_date": string(ColTarget), "completion_date": string(ColCompletion), "outcome": string(ColCompletion)}[m[3]]
	if m[2] != "" {
		k, _ := strconv.Atoi(m[2])
		if k < len(r.Actions) {
			return r.Actions[k].Row, col
		}
	}
	return r.Row, col
}

func fieldErrors(err error) []casereview.FieldError {
	var de *casereview.Error
	if errors.As(err, &de) {
		return de.Fields
	}
	return []casereview.FieldError{{Field: "", Message: err.Error()}}
}
