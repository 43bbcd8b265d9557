package api

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/oapi-codegen/nullable"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/download"
)

// withAsOf applies an as_of query parameter to the context the store computes flags in.
func withAsOf(ctx context.Context, asOf *string) (context.Context, error) {
	return casereview.WithAsOfParam(ctx, deref(asOf))
}

func responseOut(r casereview.Response) Response {
	return Response{Id: r.ID, RecommendationId: r.RecommendationID, OrganisationId: r.OrganisationID, Decision: string(r.Decision),
		Narrative: r.Narrative, Timetable: r.Timetable, Reasons: r.Reasons, ReceivedOn: r.ReceivedOn.String(), AuthorName: r.AuthorName,
		CreatedAt: r.CreatedAt}
}

func (s *Server) RecordResponse(ctx context.Context, req RecordResponseRequestObject) (RecordResponseResponseObject, error) {
	b := req.Body
	var p casereview.Problems
	d := casereview.ResponseDraft{OrganisationID: b.OrganisationId, Decision: casereview.ResponseStatus(b.Decision), Narrative: deref(b.Narrative),
		Timetable: deref(b.Timetable), Reasons: deref(b.Reasons), ReceivedOn: casereview.ParseDateField(&p, "received_on", b.ReceivedOn)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.RecordResponse(ctxOf(ctx), req.Id, d)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/responses/" + r.ID
	return RecordResponse201JSONResponse{Body: responseOut(r), Headers: RecordResponse201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) ListResponses(ctx context.Context, req ListResponsesRequestObject) (ListResponsesResponseObject, error) {
	rs, err := s.svc.ListResponses(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListResponses200JSONResponse{Items: make([]Response, len(rs))}
	for i, r := range rs {
		out.Items[i] = responseOut(r)
	}
	return out, nil
}

func (s *Server) GetResponse(ctx context.Context, req GetResponseRequestObject) (GetResponseResponseObject, error) {
	r, err := s.svc.GetResponse(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetResponse200JSONResponse(responseOut(r)), nil
}

func (s *Server) GetLink(ctx context.Context, req GetLinkRequestObject) (GetLinkResponseObject, error) {
	l, err := s.svc.GetLink(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetLink200JSONResponse(linkOut(l)), nil
}

func (s *Server) GetTimeline(ctx context.Context, req GetTimelineRequestObject) (GetTimelineResponseObject, error) {
	ps, err := s.svc.Timeline(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := GetTimeline200JSONResponse{Items: make([]TimelineEntry, len(ps))}
	for i, p := range ps {
		out.Items[i] = TimelineEntry{Id: p.ID, Kind: TimelineEntryKind(p.Kind), Field: nullString(nonEmpty(p.Field)), ActionId: nullString(nonEmpty(p.ActionID)), MilestoneId: nullString(nonEmpty(p.MilestoneID)),
			EvidenceId: nullString(nonEmpty(p.EvidenceID)), OrganisationId: nullString(nonEmpty(p.OrganisationID)), OldStatus: p.OldStatus,
			NewStatus: p.NewStatus, Narrative: p.Narrative, AuthorName: p.AuthorName, CreatedAt: p.CreatedAt}
	}
	return out, nil
}

func (s *Server) AssessRecommendation(ctx context.Context, req AssessRecommendationRequestObject) (AssessRecommendationResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetRecommendation, req.Id, req.Params.IfMatch, "recommendation",
		func(x casereview.Recommendation) int { return x.Version })
	if err != nil {
		return nil, err
	}
	b := req.Body
	var p casereview.Problems
	d := casereview.AssessmentDraft{Classification: casereview.OversightStatus(b.Classification), Rationale: deref(b.Rationale),
		LinkedID: deref(b.LinkedRecommendationId), FollowUpOn: casereview.ParseDateField(&p, "follow_up_on", b.FollowUpOn)}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.svc.Assess(c, cur.ID, version, d)
	if err != nil {
		return nil, err
	}
	tag := etag(r.Version)
	return AssessRecommendation200JSONResponse{Body: recommendationOut(r), Headers: AssessRecommendation200ResponseHeaders{ETag: &tag}}, nil
}

func linkOut(l casereview.Link) RecommendationLink {
	return RecommendationLink{Id: l.ID, Type: string(l.Type), FromId: l.FromID, ToId: l.ToID, Note: l.Note, CreatedBy: l.CreatedBy, CreatedAt: l.CreatedAt}
}

func (s *Server) AddLink(ctx context.Context, req AddLinkRequestObject) (AddLinkResponseObject, error) {
	l, err := s.svc.AddLink(ctxOf(ctx), req.Id, casereview.LinkDraft{Type: casereview.LinkType(req.Body.Type), TargetID: req.Body.TargetId, Note: deref(req.Body.Note)})
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/links/" + l.ID
	return AddLink201JSONResponse{Body: linkOut(l), Headers: AddLink201ResponseHeaders{Location: &loc}}, nil
}

func (s *Server) RemoveLink(ctx context.Context, req RemoveLinkRequestObject) (RemoveLinkResponseObject, error) {
	if err := s.svc.RemoveLink(ctxOf(ctx), req.Id); err != nil {
		return nil, err
	}
	return RemoveLink204Response{}, nil
}

func (s *Server) ProgressAction(ctx context.Context, req ProgressActionRequestObject) (ProgressActionResponseObject, error) {
	c := ctxOf(ctx)
	cur, version, err := current(c, s.svc.GetAction, req.Id, req.Params.IfMatch, "action", func(x casereview.Action) int { return x.Version })
	if err != nil {
		return nil, err
	}
	b := req.Body
	var p casereview.Problems
	completed := casereview.ParseDateField(&p, "completion_date", b.CompletionDate)
	if err := p.Err(); err != nil {
		return nil, err
	}
	a, err := s.svc.ProgressAction(c, cur.ID, version, casereview.ActionProgress{Status: casereview.ImplementationStatus(deref(b.Status)),
		Narrative: deref(b.Narrative), Reason: deref(b.Reason), Outcome: b.Outcome, CompletionDate: completed})
	if err != nil {
		return nil, err
	}
	tag := etag(a.Version)
	return ProgressAction200JSONResponse{Body: actionOut(a), Headers: ProgressAction200ResponseHeaders{ETag: &tag}}, nil
}

func evidenceOut(e casereview.Evidence) Evidence {
	out := Evidence{Id: e.ID, ActionId: e.ActionID, RecommendationId: e.RecommendationID, Kind: EvidenceKind(e.Kind), Title: e.Title,
		EvidenceType: e.EvidenceType, Status: EvidenceStatus(e.Status), SubmittedByName: e.SubmittedByName, SubmittedAt: e.SubmittedAt,
		Url: nullString(nonEmpty(e.URL)), Filename: nullString(nonEmpty(e.Filename)), MediaType: nullString(nonEmpty(e.MediaType)),
		Sha256: nullString(nonEmpty(e.SHA256)), ReviewedByName: nullString(nonEmpty(e.ReviewedByName)), ReviewedAt: nullTime(e.ReviewedAt),
		ReviewNote: nullString(nonEmpty(e.ReviewNote)), SizeBytes: nullable.NewNullNullable[int64]()}
	if e.Kind == "file" {
		out.SizeBytes = nullable.NewNullableWithValue(e.SizeBytes)
	}
	return out
}

// maxEvidenceUpload bounds a multipart upload: the file limit plus room for the form fields.
const maxEvidenceUpload = 10<<20 + 64<<10

func (s *Server) AddEvidence(ctx context.Context, req AddEvidenceRequestObject) (AddEvidenceResponseObject, error) {
	var d casereview.EvidenceDraft
	switch {
	case req.JSONBody != nil:
		d = casereview.EvidenceDraft{Title: req.JSONBody.Title, URL: req.JSONBody.Url, EvidenceType: deref(req.JSONBody.EvidenceType)}
	case req.MultipartBody != nil:
		var err error
		if d, err = readEvidenceForm(req.MultipartBody); err != nil {
			return nil, err
		}
	default:
		return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "send a JSON link or a multipart/form-data upload"}
	}
	e, err := s.svc.AddEvidence(ctxOf(ctx), req.Id, d)
	if err != nil {
		return nil, err
	}
	loc := "/api/v1/evidence/" + e.ID
	return AddEvidence201JSONResponse{Body: evidenceOut(e), Headers: AddEvidence201ResponseHeaders{Location: &loc}}, nil
}

// readEvidenceForm reads the fields of an upload: file, title and evidence_type. The request
// body is already capped (see limitBody), so reading the file whole is bounded.
func readEvidenceForm(r *multipart.Reader) (casereview.EvidenceDraft, error) {
	var d casereview.EvidenceDraft
	malformed := func(msg string, err error) error {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return decodeError(err)
		}
		return &casereview.Error{Code: casereview.CodeMalformed, Message: msg, Err: err}
	}
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return d, malformed("the upload could not be read", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return d, malformed("the upload could not be read", err)
		}
		switch part.FormName() {
		case "file":
			d.Filename, d.Content = part.FileName(), data
			if d.Content == nil {
				d.Content = []byte{}
			}
		case "title":
			d.Title = string(data)
		case "evidence_type":
			d.EvidenceType = string(data)
		default:
			return d, &casereview.Error{Code: casereview.CodeMalformed, Message: "the upload has a field this endpoint does not accept",
				Fields: []casereview.FieldError{{Field: part.FormName(), Code: casereview.FieldUnknownField, Message: part.FormName() + " is not a field of this upload"}}}
		}
	}
	if d.Content == nil {
		return d, casereview.Invalid("file", casereview.FieldRequired, "attach the document as the form field \"file\"")
	}
	return d, nil
}

func (s *Server) ListEvidence(ctx context.Context, req ListEvidenceRequestObject) (ListEvidenceResponseObject, error) {
	es, err := s.svc.ListEvidence(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListEvidence200JSONResponse{Items: make([]Evidence, len(es))}
	for i, e := range es {
		out.Items[i] = evidenceOut(e)
	}
	return out, nil
}

func (s *Server) GetEvidence(ctx context.Context, req GetEvidenceRequestObject) (GetEvidenceResponseObject, error) {
	e, err := s.svc.GetEvidence(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	return GetEvidence200JSONResponse(evidenceOut(e)), nil
}

func (s *Server) GetEvidenceContent(ctx context.Context, req GetEvidenceContentRequestObject) (GetEvidenceContentResponseObject, error) {
	e, content, err := s.svc.EvidenceContent(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	c := ctx.(*gin.Context)
	download.Uploaded(c.Writer.Header(), e.Filename)
	return GetEvidenceContent200ApplicationoctetStreamResponse{Body: bytes.NewReader(content), ContentLength: int64(len(content))}, nil
}

func (s *Server) ReviewEvidence(ctx context.Context, req ReviewEvidenceRequestObject) (ReviewEvidenceResponseObject, error) {
	e, err := s.svc.ReviewEvidence(ctxOf(ctx), req.Id, casereview.EvidenceStatus(req.Body.Decision), deref(req.Body.Note))
	if err != nil {
		return nil, err
	}
	return ReviewEvidence200JSONResponse(evidenceOut(e)), nil
}

// WithdrawEvidence withdraws evidence its uploader added by mistake; the item then answers 404.
func (s *Server) WithdrawEvidence(ctx context.Context, req WithdrawEvidenceRequestObject) (WithdrawEvidenceResponseObject, error) {
	if err := s.svc.WithdrawEvidence(ctxOf(ctx), req.Id, req.Body.Reason); err != nil {
		return nil, err
	}
	return WithdrawEvidence204Response{}, nil
}

func (s *Server) GetWork(ctx context.Context, req GetWorkRequestObject) (GetWorkResponseObject, error) {
	c, err := withAsOf(ctxOf(ctx), req.Params.AsOf)
	if err != nil {
		return nil, err
	}
	w, err := s.svc.Work(c)
	if err != nil {
		return nil, err
	}
	recs := func(rs []casereview.Recommendation) []Recommendation {
		out := make([]Recommendation, len(rs))
		for i, r := range rs {
			out[i] = recommendationOut(r)
		}
		return out
	}
	out := GetWork200JSONResponse{AsOf: w.AsOf.String(), Overdue: recs(w.Overdue), DueSoon: recs(w.DueSoon),
		AwaitingResponse: recs(w.AwaitingResponse), ResponsesToAssess: recs(w.ResponsesToAssess),
		EvidenceToVerify: make([]Evidence, len(w.EvidenceToVerify)), OverdueByOrganisation: make([]OrganisationOverdue, len(w.OverdueByOrganisation))}
	for i, e := range w.EvidenceToVerify {
		out.EvidenceToVerify[i] = evidenceOut(e)
	}
	for i, o := range w.OverdueByOrganisation {
		out.OverdueByOrganisation[i] = OrganisationOverdue{OrganisationId: o.OrganisationID, OrganisationName: o.OrganisationName,
			ResponseOverdue: o.ResponseOverdue, ActionOverdue: o.ActionOverdue, RecommendationIds: append([]string{}, o.Recommendations...)}
	}
	return out, nil
}
