package api

import (
	"context"
	"fmt"

	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
)

func recommendationOut(r casereview.Recommendation) Recommendation {
	out := Recommendation{Id: r.ID, ReviewId: r.ReviewID, Number: r.Number, Title: r.Title, Text: r.Text, Scope: Scope(r.Scope),
		InterventionType: nullString(r.InterventionType), ResponseDue: nullDate(r.ResponseDue),
		ResponseStatus: string(r.ResponseStatus), ImplementationStatus: string(r.ImplementationStatus),
		OversightStatus: string(r.OversightStatus), ClosedOn: nullDate(r.ClosedOn), Version: r.Version,
		ClosureRationale: r.ClosureRationale, FollowUpOn: nullDate(r.FollowUpOn), LastActivityOn: nullDate(r.LastActivityOn),
		IssuedOn: r.IssuedOn.String(), ResponseDueExplicit: r.ResponseDueExplicit, Flags: make([]string, len(r.Flags)),
		Links:     make([]RecommendationLink, len(r.Links)),
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		Addressees: make([]Addressee, len(r.Addressees)), Themes: make([]ThemeAssignment, len(r.Themes))}
	for i, a := range r.Addressees {
		out.Addressees[i] = Addressee{OrganisationId: a.OrganisationID, OrganisationName: a.OrganisationName, Role: AddresseeRole(a.Role),
			RawText: a.RawText, NotifiedOn: nullDate(a.NotifiedOn), AcknowledgedOn: nullDate(a.AcknowledgedOn),
			ResponseStatus: string(a.ResponseStatus)}
	}
	for i, f := range r.Flags {
		out.Flags[i] = string(f)
	}
	for i, l := range r.Links {
		out.Links[i] = linkOut(l)
	}
	for i, t := range r.Themes {
		out.Themes[i] = ThemeAssignment{Code: t.Code, Slug: t.Slug, Label: t.Label, Group: t.Group, Deprecated: t.Deprecated, Primary: t.Primary,
			Source: ThemeAssignmentSource(t.Source)}
		if t.ConfirmedAt != nil { // only an accepted suggestion names who confirmed it
			out.Themes[i].ConfirmedBy, out.Themes[i].ConfirmedAt = nullID(t.ConfirmedBy), nullTime(t.ConfirmedAt)
			out.Themes[i].ConfirmedByName = nullable.NewNullableWithValue(t.ConfirmedByName)
		}
	}
	sourceOut(&out, r)
	return out
}

func addresseesIn(p *casereview.Problems, in []AddresseeInput) []casereview.AddresseeDraft {
	out := make([]casereview.AddresseeDraft, len(in))
	for i, a := range in {
		f := fmt.Sprintf("addressees[%d]", i)
		out[i] = casereview.AddresseeDraft{OrganisationID: a.OrganisationId, Role: casereview.AddresseeRole(a.Role), RawText: deref(a.RawText),
			NotifiedOn:     casereview.ParseDateField(p, f+".notified_on", a.NotifiedOn),
			AcknowledgedOn: casereview.ParseDateField(p, f+".acknowledged_on", a.AcknowledgedOn)}
	}
	return out
}

func themesIn(in []ThemeAssignmentInput) []casereview.ThemeDraft {
	out := make([]casereview.ThemeDraft, len(in))
	for i, t := range in {
		out[i] = casereview.ThemeDraft{Code: t.Code, Primary: deref(t.Primary), Source: casereview.ThemeSource(deref(t.Source))}
	}
	return out
}

func (s *Server) CreateRecommendation(ctx context.Context, req CreateRecommendationRequestObject) (CreateRecommendationResponseObject, error) {
	b := req.Body
	var p casereview.Problems
	d := casereview.RecommendationDraft{ReviewID: b.ReviewId, Number: b.Number, Title: deref(b.Title), Text: b.Text,
		Scope: casereview.Scope(b.Scope), InterventionType: b.InterventionType,
		ResponseDue: casereview.ParseDateField(&p, "response_due", b.ResponseDue),
		Addressees:  addresseesIn(&p, derefSlice(b.Addressees)), Themes: themesIn(derefSlice(b.Themes))}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.CreateRecommendation(ctxOf(ctx), d)
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/recommendations/"+r.ID, etag(r.Version)
	return CreateRecommendation201JSONResponse{Body: recommendationOut(r), Headers: CreateRecommendation201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetRecommendation(ctx context.Context, req GetRecommendationRequestObject) (GetRecommendationResponseObject, error) {
	c, err := withAsOf(ctxOf(ctx), req.Params.AsOf)
	if err != nil {
		return nil, err
	}
	r, err := s.svc.GetRecommendation(c, req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return GetRecommendation200JSONResponse{Body: recommendationOut(r), Headers: GetRecommendation200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListRecommendations(ctx context.Context, req ListRecommendationsRequestObject) (ListRecommendationsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	q := req.Params
	var p casereview.Problems
	f := casereview.RecommendationFilter{ReviewID: deref(q.ReviewId), ReviewType: deref(q.ReviewType), PartnershipID: deref(q.PartnershipId),
		OrganisationID: deref(q.OrganisationId), AddresseeRole: casereview.AddresseeRole(deref(q.AddresseeRole)), Theme: deref(q.Theme),
		Scope: casereview.Scope(deref(q.Scope)), InterventionType: deref(q.InterventionType),
		ResponseStatus:       casereview.ResponseStatus(deref(q.ResponseStatus)),
		ImplementationStatus: casereview.ImplementationStatus(deref(q.ImplementationStatus)),
		OversightStatus:      casereview.OversightStatus(deref(q.OversightStatus)),
		DueFrom:              casereview.ParseDateField(&p, "due_from", q.DueFrom),
		DueTo:                casereview.ParseDateField(&p, "due_to", q.DueTo),
		Flag:                 casereview.Flag(deref(q.Flag)), Sector: casereview.Sector(deref(q.Sector))}
	if err := p.Err(); err != nil {
		return nil, err
	}
	c, err := withAsOf(ctxOf(ctx), q.AsOf)
	if err != nil {
		return nil, err
	}
	res, err := s.svc.ListRecommendations(c, f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, recommendationOut)
	return ListRecommendations200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) UpdateRecommendation(ctx context.Context, req UpdateRecommendationRequestObject) (UpdateRecommendationResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetRecommendation, req.Id, req.Params.IfMatch, "recommendation",
		func(x casereview.Recommendation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	var p casereview.Problems
	patchString(&d.Number, b.Number)
	patchString(&d.Title, b.Title)
	patchString(&d.Text, b.Text)
	patchString(&d.Scope, b.Scope)
	patchNullString(&d.InterventionType, b.InterventionType)
	patchNullDate(&p, "response_due", &d.ResponseDue, b.ResponseDue)
	if b.Addressees != nil {
		d.Addressees = addresseesIn(&p, *b.Addressees)
	}
	if b.Themes != nil {
		d.Themes = themesIn(*b.Themes)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.UpdateRecommendation(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return UpdateRecommendation200JSONResponse{Body: recommendationOut(r), Headers: UpdateRecommendation200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteRecommendation(ctx context.Context, req DeleteRecommendationRequestObject) (DeleteRecommendationResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetRecommendation, req.Id, req.Params.IfMatch, "recommendation",
		func(x casereview.Recommendation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteRecommendation(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeleteRecommendation204Response{}, nil
}
