package actionplan

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// ExportServices are what an export reads; each read applies the caller's permissions.
type ExportServices interface {
	GetReview(ctx context.Context, id string) (casereview.Review, error)
	GetPartnership(ctx context.Context, id string) (casereview.Partnership, error)
	ListRecommendations(ctx context.Context, f casereview.RecommendationFilter, page casereview.PageRequest) (casereview.Page[casereview.Recommendation], error)
	ListActions(ctx context.Context, f casereview.ActionFilter, page casereview.PageRequest) (casereview.Page[casereview.Action], error)
	AllOrganisations(ctx context.Context) ([]casereview.Organisation, error)
	MilestonesOfRecommendation(ctx context.Context, recommendationID string) (map[string][]casereview.Milestone, error)
}

// LoadExport reads one review's plan: its recommendations in number order as printed (the
// order they were recorded in) and each one's actions, oldest first.
func LoadExport(ctx context.Context, svc ExportServices, reviewID string) (Export, error) {
	var e Export
	rv, err := svc.GetReview(ctx, reviewID)
	if err != nil {
		return e, err
	}
	e.Review = rv
	if p, err := svc.GetPartnership(ctx, rv.PartnershipID); err == nil {
		e.PartnershipName = p.Name
	}
	recs, err := pageAll(func(pr casereview.PageRequest) (casereview.Page[casereview.Recommendation], error) {
		return svc.ListRecommendations(ctx, casereview.RecommendationFilter{ReviewID: rv.ID}, pr)
	}, func(r casereview.Recommendation) string { return r.ID })
	if err != nil {
		return e, err
	}
	// Lists come newest first; a plan reads in the order it was written.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	e.Recommendations = recs
	e.Actions, e.Milestones = map[string][]casereview.Action{}, map[string][]casereview.Milestone{}
	for _, r := range recs {
		ms, err := svc.MilestonesOfRecommendation(ctx, r.ID)
		if err != nil {
			return e, err
		}
		for id, list := range ms {
			e.Milestones[id] = list
		}
		acts, err := pageAll(func(pr casereview.PageRequest) (casereview.Page[casereview.Action], error) {
			return svc.ListActions(ctx, casereview.ActionFilter{RecommendationID: r.ID}, pr)
		}, func(a casereview.Action) string { return a.ID })
		if err != nil {
			return e, err
		}
		for i, j := 0, len(acts)-1; i < j; i, j = i+1, j-1 {
			acts[i], acts[j] = acts[j], acts[i]
		}
		e.Actions[r.ID] = acts
	}
	orgs, err := svc.AllOrganisations(ctx)
	if err != nil {
		return e, err
	}
	e.OrgNames = map[string]string{}
	for _, o := range orgs {
		e.OrgNames[o.ID] = o.Name
	}
	return e, nil
}

func pageAll[T any](list func(casereview.PageRequest) (casereview.Page[T], error), id func(T) string) ([]T, error) {
	var out []T
	pr := casereview.PageRequest{Limit: casereview.MaxPageSize}
	for range 10000 {
		page, err := list(pr)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextCursor == "" || len(page.Items) == 0 {
			break
		}
		pr.After = id(page.Items[len(page.Items)-1])
	}
	return out, nil
}
