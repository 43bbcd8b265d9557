package demo

import (
	"context"
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
)

// Stats counts what Install wrote.
type Stats struct {
	Partnerships, Organisations, Reviews, Recommendations, Actions int
}

// Install writes the dataset through the domain services, so the demo data passes exactly the
// validation and journaling that real data does. The caller decides when the database is empty
// enough to receive it.
func Install(ctx context.Context, svc casereview.Service, ds *Dataset) (Stats, error) {
	var st Stats
	partnerships := map[string]string{}
	for _, p := range ds.Partnerships {
		x, err := svc.CreatePartnership(ctx, casereview.PartnershipDraft{Name: p.Name, Kind: casereview.PartnershipKind(p.Kind), AreaCodes: p.AreaCodes})
		if err != nil {
			return st, fmt.Errorf("partnership %s: %w", p.Key, err)
		}
		partnerships[p.Key] = x.ID
		st.Partnerships++
	}
	orgs := map[string]string{}
	// Parents first: repeat passes until every organisation whose parent exists is written.
	for pending := ds.Organisations; len(pending) > 0; {
		var later []Organisation
		for _, o := range pending {
			d := casereview.OrganisationDraft{Name: o.Name, Aliases: o.Aliases, Sector: casereview.Sector(o.Sector)}
			if o.Parent != nil {
				id, ok := orgs[*o.Parent]
				if !ok {
					later = append(later, o)
					continue
				}
				d.ParentID = &id
			}
			x, err := svc.CreateOrganisation(ctx, d)
			if err != nil {
				return st, fmt.Errorf("organisation %s: %w", o.Key, err)
			}
			orgs[o.Key] = x.ID
			st.Organisations++
		}
		if len(later) == len(pending) {
			return st, fmt.Errorf("organisations with unknown parents: %d", len(later))
		}
		pending = later
	}
	for _, r := range ds.Reviews {
		if err := installReview(ctx, svc, r, partnerships, orgs, &st); err != nil {
			return st, fmt.Errorf("review %s: %w", r.Key, err)
		}
	}
	return st, nil
}

func date(s *string) *casereview.Date {
	if s == nil {
		return nil
	}
	d := casereview.MustDate(*s) // Check has already proved every date parses
	return &d
}

func installReview(ctx context.Context, svc casereview.Service, r Review, partnerships, orgs map[string]string, st *Stats) error {
	rv, err := svc.CreateReview(ctx, casereview.ReviewDraft{Type: r.Type, PartnershipID: partnerships[r.Partnership], Reference: r.Reference,
		Title: r.Title, Status: casereview.ReviewStatus(r.Status), IncidentYear: r.IncidentYear, CommissionedOn: date(&r.CommissionedOn),
		PublishedOn: date(r.PublishedOn), ReportURL: r.ReportURL, Summary: r.Summary, Visibility: casereview.Visibility(r.Visibility)})
	if err != nil {
		return err
	}
	st.Reviews++
	for _, rec := range r.Recommendations {
		d := casereview.RecommendationDraft{ReviewID: rv.ID, Number: rec.Number, Title: rec.Title, Text: rec.Text,
			Scope: casereview.Scope(rec.Scope), ResponseDue: date(rec.ResponseDue)}
		if rec.InterventionType != "" {
			it := rec.InterventionType
			d.InterventionType = &it
		}
		for _, a := range rec.Addressees {
			d.Addressees = append(d.Addressees, casereview.AddresseeDraft{OrganisationID: orgs[a.Organisation],
				Role: casereview.AddresseeRole(a.Role), RawText: a.RawText, NotifiedOn: date(r.PublishedOn)})
		}
		for _, t := range rec.Themes {
			d.Themes = append(d.Themes, casereview.ThemeDraft{Code: t.Code, Primary: t.Primary})
		}
		x, err := svc.CreateRecommendation(ctx, d)
		if err != nil {
			return fmt.Errorf("recommendation %s: %w", rec.Number, err)
		}
		st.Recommendations++
		for i, a := range rec.Actions {
			target := a.TargetDate
			_, err := svc.CreateAction(ctx, casereview.ActionDraft{RecommendationID: x.ID, OrganisationID: orgs[a.Organisation],
				Description: a.Description, Owner: a.Owner, TargetDate: date(&target), CompletionDate: date(a.CompletionDate), Outcome: a.Outcome})
			if err != nil {
				return fmt.Errorf("recommendation %s action %d: %w", rec.Number, i+1, err)
			}
			st.Actions++
		}
	}
	return nil
}
