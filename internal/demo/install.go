package demo

import (
	"context"
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
)

// Stats counts what Install wrote.
type Stats struct {
	Partnerships, Organisations, Reviews, Recommendations, Actions int
	// The tracking: formal responses, progress updates on actions, evidence added and reviewed,
	// links, and assessments.
	Responses, Progress, Evidence, EvidenceReviews, Links, Assessments int
	Subjects                                                           int
}

// Options changes who Install acts as.
type Options struct {
	// People, when set, is called once the records are written and before their tracking is
	// replayed; it returns the people (say, the demo's users) who then act wherever their roles
	// let them: an agency editor answers for its organisation, a panel member for its
	// partnership's reviews, an oversight officer assesses and verifies. Whatever none of them
	// may do is done by the actor of Install's context (the system).
	People func(ctx context.Context) ([]casereview.Actor, error)
}

// Install writes the dataset through the domain services, so the demo data passes exactly the
// validation and journaling that real data does, all of it as the actor of ctx. The caller
// decides when the database is empty enough to receive it.
func Install(ctx context.Context, svc casereview.Service, ds *Dataset) (Stats, error) {
	return InstallWith(ctx, svc, ds, Options{})
}

// InstallWith is Install with options. It writes, in order: partnerships, organisations, each
// review with its recommendations and actions; then, through the same calls a person's actions
// use, each recommendation's responses and its actions' progress (evidence, evidence reviews,
// status moves); then every link; then every assessment (last, because a closure settles the
// record).
func InstallWith(ctx context.Context, svc casereview.Service, ds *Dataset, opt Options) (Stats, error) {
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
			d := casereview.OrganisationDraft{Name: o.Name, Aliases: o.Aliases, Sector: casereview.Sector(o.Sector),
				SeniorContactName: o.SeniorContactName, SeniorContactEmail: o.SeniorContactEmail}
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
	ids := installed{partnerships: partnerships, orgs: orgs, recs: map[string]string{}, actions: map[string]string{}, reviews: map[string]string{}}
	for _, r := range ds.Reviews {
		if err := installReview(ctx, svc, r, &ids, &st); err != nil {
			return st, fmt.Errorf("review %s: %w", r.Key, err)
		}
		for i, d := range demoSubjects[r.Key] {
			if _, err := svc.CreateSubject(ctx, ids.reviews[r.Key], d); err != nil {
				return st, fmt.Errorf("review %s subject %d: %w", r.Key, i, err)
			}
			st.Subjects++
		}
	}
	tr := tracker{svc: svc, ids: &ids, st: &st, fallback: ctx}
	if opt.People != nil {
		people, err := opt.People(ctx)
		if err != nil {
			return st, fmt.Errorf("demo people: %w", err)
		}
		tr.people = people
	}
	if err := tr.replay(ds); err != nil {
		return st, err
	}
	return st, nil
}

// installed maps the file's keys to the identifiers the store gave.
type installed struct {
	partnerships, orgs map[string]string
	reviews            map[string]string // by review key
	recs               map[string]string // recKey(review, number)
	actions            map[string]string // recKey(review, number) + "\x00" + action index
}

func recKey(review, number string) string { return review + "\x00" + number }

func actionKey(review, number string, i int) string {
	return fmt.Sprintf("%s\x00%d", recKey(review, number), i)
}

func date(s *string) *casereview.Date {
	if s == nil {
		return nil
	}
	d := casereview.MustDate(*s) // Check has already proved every date parses
	return &d
}

func installReview(ctx context.Context, svc casereview.Service, r Review, ids *installed, st *Stats) error {
	partnerships, orgs := ids.partnerships, ids.orgs
	rv, err := svc.CreateReview(ctx, casereview.ReviewDraft{Type: r.Type, PartnershipID: partnerships[r.Partnership], Reference: r.Reference,
		Title: r.Title, Status: casereview.ReviewStatus(r.Status), IncidentYear: r.IncidentYear, CommissionedOn: date(&r.CommissionedOn),
		PublishedOn: date(r.PublishedOn), ReportURL: r.ReportURL, Summary: r.Summary, Visibility: casereview.Visibility(r.Visibility)})
	if err != nil {
		return err
	}
	ids.reviews[r.Key] = rv.ID
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
		ids.recs[recKey(r.Key, rec.Number)] = x.ID
		for i, a := range rec.Actions {
			target := a.TargetDate
			act, err := svc.CreateAction(ctx, casereview.ActionDraft{RecommendationID: x.ID, OrganisationID: orgs[a.Organisation],
				Description: a.Description, Owner: a.Owner, TargetDate: date(&target), CompletionDate: date(a.CompletionDate), Outcome: a.Outcome})
			if err != nil {
				return fmt.Errorf("recommendation %s action %d: %w", rec.Number, i+1, err)
			}
			st.Actions++
			ids.actions[actionKey(r.Key, rec.Number, i)] = act.ID
		}
	}
	return nil
}
