package api

import (
	"context"
)

// Merging duplicate organisations (issue 14 item 6): the merge itself, the suggestions, and the
// redirect a merged organisation's id answers with (GetOrganisation, organisations.go).

func (s *Server) MergeOrganisation(ctx context.Context, req MergeOrganisationRequestObject) (MergeOrganisationResponseObject, error) {
	b := req.Body
	m, err := s.svc.MergeOrganisations(ctxOf(ctx), req.Id, b.Merge, b.Version, b.MergeVersion)
	if err != nil {
		return nil, err
	}
	out := OrganisationMergeResult{Survivor: organisationOut(m.Survivor), MergedId: m.MergedID, MergedName: m.MergedName}
	out.Moved.Addressees, out.Moved.Combined, out.Moved.Actions, out.Moved.Responses = m.Addressees, m.Combined, m.Actions, m.Responses
	out.Moved.Memberships, out.Moved.Aliases, out.Moved.Children, out.Moved.Recommendations = m.Memberships, m.Aliases, m.Children, m.Recommendations
	tag := etag(m.Survivor.Version)
	return MergeOrganisation200JSONResponse{Body: out, Headers: MergeOrganisation200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListOrganisationDuplicates(ctx context.Context, _ ListOrganisationDuplicatesRequestObject) (ListOrganisationDuplicatesResponseObject, error) {
	got, err := s.svc.OrganisationDuplicates(ctxOf(ctx))
	if err != nil {
		return nil, err
	}
	items := make([]OrganisationDuplicate, len(got))
	for i, d := range got {
		items[i] = OrganisationDuplicate{A: OrganisationRef{Id: d.AID, Name: d.AName}, B: OrganisationRef{Id: d.BID, Name: d.BName},
			Reason: OrganisationDuplicateReason(d.Reason), Score: float32(d.Score)}
	}
	return ListOrganisationDuplicates200JSONResponse{Items: items}, nil
}

// organisationRedirect answers a merged organisation's id with a 308 to its survivor; ok is false
// when id was never merged.
func (s *Server) organisationRedirect(ctx context.Context, id string) (GetOrganisationResponseObject, bool, error) {
	to, ok, err := s.svc.OrganisationRedirect(ctxOf(ctx), id)
	if err != nil || !ok {
		return nil, false, err
	}
	loc := "/api/v1/organisations/" + to
	return GetOrganisation308Response{Headers: GetOrganisation308ResponseHeaders{Location: &loc}}, true, nil
}
