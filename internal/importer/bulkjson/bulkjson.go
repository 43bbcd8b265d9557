// Package bulkjson moves reviews between instances and to and from scripts as one JSON
// document, in the API's own field names: a review is a review body, a recommendation a
// recommendation body with its actions inside it.
package bulkjson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/importer/actionplan"
)

// FormatV1 names this document format.
const FormatV1 = "casereview-bulk/1"

type File struct {
	Format        string         `json:"format"`
	Partnerships  []Partnership  `json:"partnerships"`
	Organisations []Organisation `json:"organisations"`
	Reviews       []Review       `json:"reviews"`
}

type Partnership struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	AreaCodes []string `json:"area_codes,omitempty"`
}

type Organisation struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Sector  string   `json:"sector"`
	Aliases []string `json:"aliases,omitempty"`
}

type Review struct {
	Type            string           `json:"type"`
	PartnershipID   string           `json:"partnership_id"`
	Reference       string           `json:"reference"`
	Title           string           `json:"title"`
	Status          string           `json:"status"`
	IncidentYear    *int             `json:"incident_year,omitempty"`
	CommissionedOn  *casereview.Date `json:"commissioned_on,omitempty"`
	PublishedOn     *casereview.Date `json:"published_on,omitempty"`
	ReportURL       *string          `json:"report_url,omitempty"`
	Summary         string           `json:"summary,omitempty"`
	Visibility      string           `json:"visibility"`
	Recommendations []Recommendation `json:"recommendations"`
}

type Recommendation struct {
	Number           string           `json:"number"`
	Title            string           `json:"title,omitempty"`
	Text             string           `json:"text"`
	Scope            string           `json:"scope"`
	InterventionType *string          `json:"intervention_type,omitempty"`
	ResponseDue      *casereview.Date `json:"response_due,omitempty"`
	Addressees       []Addressee      `json:"addressees,omitempty"`
	Themes           []Theme          `json:"themes,omitempty"`
	Actions          []Action         `json:"actions,omitempty"`
}

type Addressee struct {
	OrganisationID string           `json:"organisation_id"`
	Role           string           `json:"role"`
	RawText        string           `json:"raw_text,omitempty"`
	NotifiedOn     *casereview.Date `json:"notified_on,omitempty"`
	AcknowledgedOn *casereview.Date `json:"acknowledged_on,omitempty"`
}

type Theme struct {
	Code    string `json:"code"`
	Primary bool   `json:"primary,omitempty"`
	Source  string `json:"source,omitempty"`
}

type Action struct {
	OrganisationID       string           `json:"organisation_id"`
	Description          string           `json:"description"`
	Owner                string           `json:"owner,omitempty"`
	TargetDate           *casereview.Date `json:"target_date,omitempty"`
	CompletionDate       *casereview.Date `json:"completion_date,omitempty"`
	Outcome              *string          `json:"outcome,omitempty"`
	ImplementationStatus string           `json:"implementation_status,omitempty"`
	// Milestones, when present, are the action's milestones after the import (an empty list
	// removes them all); absent, the action's milestones are left as they are.
	Milestones *[]Milestone `json:"milestones,omitempty"`
}

type Milestone struct {
	Title    string           `json:"title"`
	DueDate  *casereview.Date `json:"due_date,omitempty"`
	DoneDate *casereview.Date `json:"done_date,omitempty"`
}

// Services are what import and export need from the store.
type Services interface {
	actionplan.ExportServices
	ListPartnerships(ctx context.Context, f casereview.PartnershipFilter, page casereview.PageRequest) (casereview.Page[casereview.Partnership], error)
	ImportBundles(ctx context.Context, bundles []casereview.ReviewBundle, o casereview.ImportOptions) (casereview.ImportResult, error)
}

// Decode reads a document strictly: unknown fields are refused and named.
func Decode(data []byte) (File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, &casereview.Error{Code: casereview.CodeMalformed, Message: "the bulk JSON cannot be read: " + err.Error()}
	}
	if f.Format != FormatV1 {
		return f, casereview.Invalid("format", casereview.FieldUnknownValue, "format must be %q", FormatV1)
	}
	return f, nil
}

// Options say how Import writes a document.
type Options struct {
	DryRun bool
	// Progress, when set, is told how much of the whole has been prepared or written.
	Progress func(done, total int)
}

// Import writes a /1 document: partnerships and organisations it names are found by id, then
// by name (organisations also by alias), and otherwise created in the same transaction as the
// reviews, so that the import, whatever happens to it, writes all or nothing. Field problems
// are reported against the document's own paths (reviews[2].recommendations[0].text).
func Import(ctx context.Context, svc Services, f File, dryRun bool) (casereview.ImportResult, error) {
	return ImportWith(ctx, svc, f, Options{DryRun: dryRun})
}

// ImportWith is Import with options.
func ImportWith(ctx context.Context, svc Services, f File, o Options) (casereview.ImportResult, error) {
	var creates casereview.ImportCreates
	partIDs, err := mapPartnerships(ctx, svc, f.Partnerships, &creates)
	if err != nil {
		return casereview.ImportResult{}, err
	}
	orgIDs, err := mapOrganisations(ctx, svc, f.Organisations, &creates)
	if err != nil {
		return casereview.ImportResult{}, err
	}
	id := func(m map[string]string, v string) string {
		if n, ok := m[strings.ToLower(v)]; ok {
			return n
		}
		return v
	}
	bundles := make([]casereview.ReviewBundle, len(f.Reviews))
	for i, r := range f.Reviews {
		b := casereview.ReviewBundle{Review: casereview.ReviewDraft{Type: r.Type, PartnershipID: id(partIDs, r.PartnershipID), Reference: r.Reference,
			Title: r.Title, Status: casereview.ReviewStatus(r.Status), IncidentYear: r.IncidentYear, CommissionedOn: r.CommissionedOn,
			PublishedOn: r.PublishedOn, ReportURL: r.ReportURL, Summary: r.Summary, Visibility: casereview.Visibility(r.Visibility)}}
		for _, rc := range r.Recommendations {
			rb := casereview.RecommendationBundle{Draft: casereview.RecommendationDraft{Number: rc.Number, Title: rc.Title, Text: rc.Text,
				Scope: casereview.Scope(rc.Scope), InterventionType: rc.InterventionType, ResponseDue: rc.ResponseDue}}
			for _, a := range rc.Addressees {
				rb.Draft.Addressees = append(rb.Draft.Addressees, casereview.AddresseeDraft{OrganisationID: id(orgIDs, a.OrganisationID),
					Role: casereview.AddresseeRole(a.Role), RawText: a.RawText, NotifiedOn: a.NotifiedOn, AcknowledgedOn: a.AcknowledgedOn})
			}
			for _, th := range rc.Themes {
				rb.Draft.Themes = append(rb.Draft.Themes, casereview.ThemeDraft{Code: th.Code, Primary: th.Primary, Source: casereview.ThemeSource(th.Source)})
			}
			for _, a := range rc.Actions {
				rb.Actions = append(rb.Actions, casereview.ActionDraft{OrganisationID: id(orgIDs, a.OrganisationID), Description: a.Description,
					Owner: a.Owner, TargetDate: a.TargetDate, CompletionDate: a.CompletionDate, Outcome: a.Outcome})
				rb.ActionStatuses = append(rb.ActionStatuses, casereview.ImplementationStatus(a.ImplementationStatus))
				var ms []casereview.MilestoneDraft
				if a.Milestones != nil {
					ms = []casereview.MilestoneDraft{}
					for _, m := range *a.Milestones {
						ms = append(ms, casereview.MilestoneDraft{Title: m.Title, DueDate: m.DueDate, DoneDate: m.DoneDate})
					}
				}
				rb.ActionMilestones = append(rb.ActionMilestones, ms)
			}
			b.Recommendations = append(b.Recommendations, rb)
		}
		bundles[i] = b
	}
	res, err := svc.ImportBundles(ctx, bundles, casereview.ImportOptions{DryRun: o.DryRun, Source: "json", Progress: o.Progress, Create: creates})
	var de *casereview.Error
	if errors.As(err, &de) {
		for i := range de.Fields {
			f := &de.Fields[i]
			f.Field = strings.Replace(strings.Replace(f.Field, "bundles[", "reviews[", 1), "].review.", "].", 1)
			f.Field = strings.Replace(f.Field, ".action_statuses[", ".actions[", 1)
		}
	}
	return res, err
}

// mapPartnerships finds the document's partnerships here, by id and then by name, and lists
// those it does not find for the import to create.
func mapPartnerships(ctx context.Context, svc Services, ps []Partnership, c *casereview.ImportCreates) (map[string]string, error) {
	out := map[string]string{}
	for i, p := range ps {
		if p.ID != "" {
			if _, err := svc.GetPartnership(ctx, p.ID); err == nil {
				continue
			}
		}
		page, err := svc.ListPartnerships(ctx, casereview.PartnershipFilter{Name: p.Name}, casereview.PageRequest{Limit: casereview.MaxPageSize})
		if err != nil {
			return nil, err
		}
		found := ""
		for _, x := range page.Items {
			if strings.EqualFold(x.Name, p.Name) {
				found = x.ID
			}
		}
		if found != "" {
			out[strings.ToLower(p.ID)] = found
			continue
		}
		c.Partnerships = append(c.Partnerships, casereview.NewPartnership{Key: p.ID, Field: fmt.Sprintf("partnerships[%d]", i),
			Draft: casereview.PartnershipDraft{Name: p.Name, Kind: casereview.PartnershipKind(p.Kind), AreaCodes: p.AreaCodes}})
	}
	return out, nil
}

// mapOrganisations finds the document's organisations here, by id, name or alias, and lists
// those it does not find for the import to create.
func mapOrganisations(ctx context.Context, svc Services, os []Organisation, c *casereview.ImportCreates) (map[string]string, error) {
	all, err := svc.AllOrganisations(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[string]bool{}
	for _, o := range all {
		byID[o.ID] = true
	}
	ix := actionplan.NewOrgIndex(all)
	out := map[string]string{}
	for i, o := range os {
		if byID[strings.ToLower(o.ID)] {
			continue
		}
		if found, _ := ix.Find(o.Name); found != "" {
			out[strings.ToLower(o.ID)] = found
			continue
		}
		c.Organisations = append(c.Organisations, casereview.NewOrganisation{Key: o.ID, Field: fmt.Sprintf("organisations[%d]", i),
			Draft: casereview.OrganisationDraft{Name: o.Name, Sector: casereview.Sector(o.Sector), Aliases: o.Aliases}})
	}
	return out, nil
}

func prefixErr(err error, prefix string) error {
	var de *casereview.Error
	if errors.As(err, &de) {
		for i := range de.Fields {
			de.Fields[i].Field = prefix + de.Fields[i].Field
		}
	}
	return err
}

// Export writes the reviews ids (those the caller may read) with everything they refer to.
func Export(ctx context.Context, svc actionplan.ExportServices, ids []string, w io.Writer) error {
	f := File{Format: FormatV1, Partnerships: []Partnership{}, Organisations: []Organisation{}, Reviews: []Review{}}
	parts, orgs := map[string]bool{}, map[string]bool{}
	names := map[string]casereview.Organisation{}
	all, err := svc.AllOrganisations(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		names[o.ID] = o
	}
	for _, id := range ids {
		e, err := actionplan.LoadExport(ctx, svc, strings.TrimSpace(id))
		if err != nil {
			return err
		}
		rv := e.Review
		out := Review{Type: rv.Type, PartnershipID: rv.PartnershipID, Reference: rv.Reference, Title: rv.Title, Status: string(rv.Status),
			IncidentYear: rv.IncidentYear, CommissionedOn: rv.CommissionedOn, PublishedOn: rv.PublishedOn, ReportURL: rv.ReportURL,
			Summary: rv.Summary, Visibility: string(rv.Visibility), Recommendations: []Recommendation{}}
		if !parts[rv.PartnershipID] {
			parts[rv.PartnershipID] = true
			if p, err := svc.GetPartnership(ctx, rv.PartnershipID); err == nil {
				f.Partnerships = append(f.Partnerships, Partnership{ID: p.ID, Name: p.Name, Kind: string(p.Kind), AreaCodes: p.AreaCodes})
			}
		}
		useOrg := func(id string) {
			if !orgs[id] {
				orgs[id] = true
				o := names[id]
				f.Organisations = append(f.Organisations, Organisation{ID: id, Name: o.Name, Sector: string(o.Sector), Aliases: o.Aliases})
			}
		}
		for _, r := range e.Recommendations {
			rc := Recommendation{Number: r.Number, Title: r.Title, Text: r.Text, Scope: string(r.Scope), InterventionType: r.InterventionType}
			if r.ResponseDueExplicit {
				rc.ResponseDue = r.ResponseDue
			}
			for _, a := range r.Addressees {
				useOrg(a.OrganisationID)
				rc.Addressees = append(rc.Addressees, Addressee{OrganisationID: a.OrganisationID, Role: string(a.Role), RawText: a.RawText,
					NotifiedOn: a.NotifiedOn, AcknowledgedOn: a.AcknowledgedOn})
			}
			for _, th := range r.Themes {
				rc.Themes = append(rc.Themes, Theme{Code: th.Code, Primary: th.Primary, Source: string(th.Source)})
			}
			for _, a := range e.Actions[r.ID] {
				status := string(a.ImplementationStatus)
				if a.ImplementationStatus == casereview.ImplVerified {
					status = string(casereview.ImplPending) // verification belongs to the instance that verified it
				}
				ms := []Milestone{}
				for _, m := range e.Milestones[a.ID] {
					ms = append(ms, Milestone{Title: m.Title, DueDate: m.DueDate, DoneDate: m.DoneDate})
				}
				rc.Actions = append(rc.Actions, Action{OrganisationID: a.OrganisationID, Description: a.Description, Owner: a.Owner,
					TargetDate: a.TargetDate, CompletionDate: a.CompletionDate, Outcome: a.Outcome, ImplementationStatus: status, Milestones: &ms})
			}
			out.Recommendations = append(out.Recommendations, rc)
		}
		f.Reviews = append(f.Reviews, out)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}
