package store

import (
	"context"
	"sort"

	"github.com/casereview/casereview/internal/casereview"
)

// The work list types live in the domain; these names keep this file readable.
type (
	OverdueCount = casereview.OverdueCount
	WorkList     = casereview.WorkList
)

const workLimit = 100

// Work builds the caller's work list. An agency editor sees what is addressed to or owned by
// their organisations, overdue first, then due soon, then awaiting their response; a panel
// member the same for their partnerships' reviews; oversight sees responses and evidence
// awaiting assessment and the overdue list grouped by organisation.
func (s *Store) Work(ctx context.Context) (WorkList, error) {
	a := actorOf(ctx)
	if !a.SignedIn() {
		return WorkList{}, casereview.Unauthenticated()
	}
	w := WorkList{AsOf: s.asOf(ctx)}
	page := casereview.PageRequest{Limit: workLimit}
	list := func(f casereview.RecommendationFilter) ([]casereview.Recommendation, error) {
		p, err := s.ListRecommendations(ctx, f, page)
		return p.Items, err
	}
	var scopes []casereview.RecommendationFilter
	if orgs := a.EditorOrganisations(); len(orgs) > 0 {
		scopes = append(scopes, casereview.RecommendationFilter{OrganisationIDs: orgs})
	}
	for _, p := range a.PanelPartnerships() {
		scopes = append(scopes, casereview.RecommendationFilter{PartnershipID: p})
	}
	if casereview.CanSeeAllWork(a) {
		scopes = append(scopes, casereview.RecommendationFilter{})
	}
	seen := map[string]map[string]bool{}
	add := func(section string, dst *[]casereview.Recommendation, items []casereview.Recommendation) {
		if seen[section] == nil {
			seen[section] = map[string]bool{}
		}
		for _, r := range items {
			if !seen[section][r.ID] {
				seen[section][r.ID] = true
				*dst = append(*dst, r)
			}
		}
	}
	for _, base := range scopes {
		for _, flag := range []casereview.Flag{casereview.FlagResponseOverdue, casereview.FlagActionOverdue} {
			f := base
			f.Flag = flag
			items, err := list(f)
			if err != nil {
				return w, err
			}
			add("overdue", &w.Overdue, items)
		}
		f := base
		f.Flag = casereview.FlagDueSoon
		items, err := list(f)
		if err != nil {
			return w, err
		}
		add("soon", &w.DueSoon, items)
		f = base
		f.ResponseStatus = casereview.ResponseAwaiting
		items, err = list(f)
		if err != nil {
			return w, err
		}
		add("awaiting", &w.AwaitingResponse, items)
	}
	if casereview.CanOversee(a) {
		for _, rs := range []casereview.ResponseStatus{casereview.ResponseReceived, casereview.ResponseAccepted, casereview.ResponseInPart,
			casereview.ResponseAlternative, casereview.ResponseNotAccepted} {
			items, err := list(casereview.RecommendationFilter{ResponseStatus: rs, OversightStatus: casereview.OversightUnassessed})
			if err != nil {
				return w, err
			}
			add("assess", &w.ResponsesToAssess, items)
		}
		var rows []evidenceRow
		if err := s.read.WithContext(ctx).Where("status = ?", casereview.EvidencePending).Where(notWithdrawn).Order("submitted_at, id").Limit(workLimit).Find(&rows).Error; err != nil {
			return w, translate(err)
		}
		for _, r := range rows {
			w.EvidenceToVerify = append(w.EvidenceToVerify, r.domain())
		}
		w.OverdueByOrganisation = groupOverdue(w.Overdue)
	}
	return w, nil
}

// groupOverdue counts overdue recommendations by the organisations that owe something: lead and
// supporting addressees still awaiting a response, and owners of late actions.
func groupOverdue(recs []casereview.Recommendation) []OverdueCount {
	by := map[string]*OverdueCount{}
	get := func(id, name string) *OverdueCount {
		if by[id] == nil {
			by[id] = &OverdueCount{OrganisationID: id, OrganisationName: name}
		}
		return by[id]
	}
	for _, r := range recs {
		respOverdue := contains(r.Flags, casereview.FlagResponseOverdue)
		actOverdue := contains(r.Flags, casereview.FlagActionOverdue)
		for _, a := range r.Addressees {
			c := get(a.OrganisationID, a.OrganisationName)
			counted := false
			if respOverdue && a.Role != casereview.RoleForInformation && (a.ResponseStatus == "" || a.ResponseStatus == casereview.ResponseAwaiting) {
				c.ResponseOverdue++
				counted = true
			}
			if actOverdue && a.Role != casereview.RoleForInformation {
				c.ActionOverdue++
				counted = true
			}
			if counted {
				c.Recommendations = append(c.Recommendations, r.ID)
			}
		}
	}
	out := make([]OverdueCount, 0, len(by))
	for _, c := range by {
		if c.ResponseOverdue+c.ActionOverdue > 0 {
			out = append(out, *c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ti, tj := out[i].ResponseOverdue+out[i].ActionOverdue, out[j].ResponseOverdue+out[j].ActionOverdue
		if ti != tj {
			return ti > tj
		}
		return out[i].OrganisationName < out[j].OrganisationName
	})
	return out
}

func contains(flags []casereview.Flag, f casereview.Flag) bool {
	for _, x := range flags {
		if x == f {
			return true
		}
	}
	return false
}
