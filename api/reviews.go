package api

import (
	"context"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

func reviewOut(r casereview.Review) Review {
	return Review{Id: r.ID, Type: r.Type, PartnershipId: r.PartnershipID, Reference: r.Reference, Title: r.Title,
		Status: ReviewStatus(r.Status), IncidentYear: nullInt(r.IncidentYear), CommissionedOn: nullDate(r.CommissionedOn),
		PublishedOn: nullDate(r.PublishedOn), ReportUrl: nullString(r.ReportURL), Summary: &r.Summary,
		Visibility: Visibility(r.Visibility), RecommendationCount: r.RecommendationCount, Version: r.Version,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func (s *Server) CreateReview(ctx context.Context, req CreateReviewRequestObject) (CreateReviewResponseObject, error) {
	b := req.Body
	var p casereview.Problems
	d := casereview.ReviewDraft{Type: strings.ToUpper(b.Type), PartnershipID: b.PartnershipId, Reference: b.Reference, Title: b.Title,
		Status: casereview.ReviewCommissioned, IncidentYear: b.IncidentYear, ReportURL: b.ReportUrl, Summary: deref(b.Summary),
		Visibility:     casereview.VisibilityRestricted,
		CommissionedOn: casereview.ParseDateField(&p, "commissioned_on", b.CommissionedOn),
		PublishedOn:    casereview.ParseDateField(&p, "published_on", b.PublishedOn)}
	patchString(&d.Status, b.Status)
	patchString(&d.Visibility, b.Visibility)
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.CreateReview(ctxOf(ctx), d)
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/reviews/"+r.ID, etag(r.Version)
	return CreateReview201JSONResponse{Body: reviewOut(r), Headers: CreateReview201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetReview(ctx context.Context, req GetReviewRequestObject) (GetReviewResponseObject, error) {
	r, err := s.svc.GetReview(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return GetReview200JSONResponse{Body: reviewOut(r), Headers: GetReview200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) ListReviews(ctx context.Context, req ListReviewsRequestObject) (ListReviewsResponseObject, error) {
	page, err := casereview.ParsePageRequest(req.Params.Limit, req.Params.Cursor)
	if err != nil {
		return nil, err
	}
	q := req.Params
	var p casereview.Problems
	f := casereview.ReviewFilter{Type: deref(q.Type), PartnershipID: deref(q.PartnershipId), Status: casereview.ReviewStatus(deref(q.Status)),
		Visibility: casereview.Visibility(deref(q.Visibility)), Reference: deref(q.Reference), Text: deref(q.Q),
		PublishedFrom: casereview.ParseDateField(&p, "published_from", q.PublishedFrom),
		PublishedTo:   casereview.ParseDateField(&p, "published_to", q.PublishedTo)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	res, err := s.svc.ListReviews(ctxOf(ctx), f, page)
	if err != nil {
		return nil, err
	}
	items, total, next := pageOf(res, reviewOut)
	return ListReviews200JSONResponse{Items: items, Total: total, NextCursor: next}, nil
}

func (s *Server) UpdateReview(ctx context.Context, req UpdateReviewRequestObject) (UpdateReviewResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetReview, req.Id, req.Params.IfMatch, "review", func(x casereview.Review) int { return x.Version })
	if err != nil {
		return nil, err
	}
	d, b := cur.Draft(), req.Body
	var p casereview.Problems
	if b.Type != nil {
		d.Type = strings.ToUpper(*b.Type)
	}
	patchString(&d.PartnershipID, b.PartnershipId)
	patchString(&d.Reference, b.Reference)
	patchString(&d.Title, b.Title)
	patchString(&d.Status, b.Status)
	patchString(&d.Summary, b.Summary)
	patchString(&d.Visibility, b.Visibility)
	patchNullString(&d.ReportURL, b.ReportUrl)
	patchNullDate(&p, "commissioned_on", &d.CommissionedOn, b.CommissionedOn)
	patchNullDate(&p, "published_on", &d.PublishedOn, b.PublishedOn)
	if b.IncidentYear.IsSpecified() {
		d.IncidentYear = nil
		if !b.IncidentYear.IsNull() {
			y := b.IncidentYear.MustGet()
			d.IncidentYear = &y
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.UpdateReview(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return UpdateReview200JSONResponse{Body: reviewOut(r), Headers: UpdateReview200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteReview(ctx context.Context, req DeleteReviewRequestObject) (DeleteReviewResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetReview, req.Id, req.Params.IfMatch, "review", func(x casereview.Review) int { return x.Version })
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteReview(c, cur.ID, version); err != nil {
		return nil, err
	}
	return DeleteReview204Response{}, nil
}
