package api

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// Equality monitoring (issue 15 §2): the subjects of a review (special category data, read only
// by oversight and the partnership's panel, every read audited by the store), closure by group
// and disproportionality (aggregates under the summaries' disclosure control), and the
// baseline populations admins upload.

func subjectOut(x casereview.Subject) Subject {
	ch := map[string]string{}
	for _, c := range casereview.RecordedCharacteristics() {
		ch[string(c.Key)] = x.Trait(c.Key)
	}
	return Subject{Id: x.ID, ReviewId: x.ReviewID, Role: string(x.Role), Characteristics: ch, Version: x.Version,
		CreatedAt: x.CreatedAt, UpdatedAt: x.UpdatedAt}
}

func subjectDraft(b *SubjectWrite) casereview.SubjectDraft {
	d := casereview.SubjectDraft{Role: casereview.SubjectRole(b.Role), Traits: map[casereview.Characteristic]string{}}
	if b.Characteristics != nil {
		for k, v := range *b.Characteristics {
			d.Traits[casereview.Characteristic(k)] = v
		}
	}
	return d
}

func (s *Server) ListSubjects(ctx context.Context, req ListSubjectsRequestObject) (ListSubjectsResponseObject, error) {
	xs, err := s.svc.ListSubjects(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListSubjects200JSONResponse{Items: make([]Subject, len(xs))}
	for i, x := range xs {
		out.Items[i] = subjectOut(x)
	}
	return out, nil
}

func (s *Server) CreateSubject(ctx context.Context, req CreateSubjectRequestObject) (CreateSubjectResponseObject, error) {
	x, err := s.svc.CreateSubject(ctxOf(ctx), req.Id, subjectDraft(req.Body))
	if err != nil {
		return nil, err
	}
	loc, tag := "/api/v1/reviews/"+x.ReviewID+"/subjects/"+x.ID, etag(x.Version)
	return CreateSubject201JSONResponse{Body: subjectOut(x), Headers: CreateSubject201ResponseHeaders{ETag: &tag, Location: &loc}}, nil
}

func (s *Server) GetSubject(ctx context.Context, req GetSubjectRequestObject) (GetSubjectResponseObject, error) {
	x, err := s.svc.GetSubject(ctxOf(ctx), req.Id, req.SubjectId)
	if err != nil {
		return nil, err
	}
	tag := etag(x.Version)
	return GetSubject200JSONResponse{Body: subjectOut(x), Headers: GetSubject200ResponseHeaders{ETag: &tag}}, nil
}

// subjectVersion reads If-Match without reading the subject first (a read is audited): the
// store compares the version inside its transaction; "*" is not accepted here.
func subjectVersion(h *string) (int, error) {
	v, err := ifMatch(h)
	if err == nil && v == anyVersion {
		return 0, &casereview.Error{Code: casereview.CodePreconditionFailed, Message: "send the subject's ETag, not *"}
	}
	return v, err
}

func (s *Server) UpdateSubject(ctx context.Context, req UpdateSubjectRequestObject) (UpdateSubjectResponseObject, error) {
	v, err := subjectVersion(req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	x, err := s.svc.UpdateSubject(ctxOf(ctx), req.Id, req.SubjectId, v, subjectDraft(req.Body))
	if err != nil {
		return nil, err
	}
	tag := etag(x.Version)
	return UpdateSubject200JSONResponse{Body: subjectOut(x), Headers: UpdateSubject200ResponseHeaders{ETag: &tag}}, nil
}

func (s *Server) DeleteSubject(ctx context.Context, req DeleteSubjectRequestObject) (DeleteSubjectResponseObject, error) {
	v, err := subjectVersion(req.Params.IfMatch)
	if err != nil {
		return nil, err
	}
	if err := s.svc.DeleteSubject(ctxOf(ctx), req.Id, req.SubjectId, v); err != nil {
		return nil, err
	}
	return DeleteSubject204Response{}, nil
}

func (s *Server) SummaryEquality(ctx context.Context, req SummaryEqualityRequestObject) (SummaryEqualityResponseObject, error) {
	r, err := s.summaryRequestWith(ctx, req.Params, true)
	if err != nil {
		return nil, err
	}
	cmp, err := s.sums.EqualityClosure(r.ctx, r.filter, req.Params.Characteristic, req.Params.Group)
	if err != nil {
		return nil, err
	}
	out := SummaryEquality200JSONResponse{Meta: r.meta, Characteristic: SummaryValue{Key: string(cmp.Characteristic.Key), Label: cmp.Characteristic.Label}}
	for _, g := range casereview.PublishClosure(cmp, r.pub.shareable, r.pub.threshold) {
		out.Groups = append(out.Groups, EqualityGroup{Key: g.Key, Label: g.Label, Recommendations: publishedFigure(g.Recommendations),
			VerifiedClosed: publishedFigure(g.VerifiedClosed), ShareClosed: f32(g.Share), MedianDaysToClosure: f32(g.Median)})
	}
	if err := s.auditRead(r, "equality"); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) SummaryDisproportionality(ctx context.Context, req SummaryDisproportionalityRequestObject) (SummaryDisproportionalityResponseObject, error) {
	c := ctxOf(ctx)
	p := req.Params
	shareable := (p.Disclosure != nil && string(*p.Disclosure) == string(casereview.DisclosureShareable)) || !casereview.ActorFrom(c).SignedIn()
	if p.Disclosure != nil && *p.Disclosure != "" {
		var probs casereview.Problems
		casereview.CheckEnum(&probs, "disclosure", casereview.Disclosure(string(*p.Disclosure)), casereview.Disclosures)
		if err := probs.Err(); err != nil {
			return nil, err
		}
	}
	d, err := s.sums.Disproportionality(c, p.Partnership, p.Characteristic)
	if err != nil {
		return nil, err
	}
	disclosure := casereview.DisclosureInternal
	if shareable {
		disclosure = casereview.DisclosureShareable
	}
	pub := casereview.PublishDisproportion(d, shareable, s.sdcThreshold)
	out := SummaryDisproportionality200JSONResponse{Meta: SummaryMeta{AsOf: casereview.DateOf(s.now()).String(), Disclosure: string(disclosure), Threshold: s.sdcThreshold},
		PartnershipId: d.PartnershipID, Characteristic: SummaryValue{Key: string(d.Characteristic.Key), Label: d.Characteristic.Label},
		HasBaseline: len(d.Baseline.Groups) > 0, Recorded: publishedFigure(pub.Recorded), NotRecorded: publishedFigure(pub.NotRecorded),
		Rows: []DisproportionalityRow{}}
	if out.HasBaseline {
		out.Source = &d.Baseline.Source
	}
	for _, r := range pub.Rows {
		row := DisproportionalityRow{Key: r.Key, Label: r.Label, People: publishedFigure(r.People), Population: r.Population}
		if r.Rate != nil {
			row.RelativeRate, row.CiLow, row.CiHigh = f32(&r.Rate.RR), f32(&r.Rate.Lo), f32(&r.Rate.Hi)
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

func baselineOut(b casereview.Baseline) Baseline {
	out := Baseline{Characteristic: b.Characteristic, Source: b.Source, UploadedAt: b.UploadedAt}
	out.Groups = make([]struct {
		Key        string `json:"key"`
		Label      string `json:"label"`
		Population int64  `json:"population"`
	}, len(b.Groups))
	for i, g := range b.Groups {
		out.Groups[i].Key, out.Groups[i].Label, out.Groups[i].Population = g.Key, g.Label, g.Population
	}
	return out
}

func (s *Server) ListBaselines(ctx context.Context, req ListBaselinesRequestObject) (ListBaselinesResponseObject, error) {
	bs, err := s.sums.Baselines(ctxOf(ctx), req.Id)
	if err != nil {
		return nil, err
	}
	out := ListBaselines200JSONResponse{Items: []Baseline{}}
	for _, b := range bs {
		out.Items = append(out.Items, baselineOut(b))
	}
	return out, nil
}

func (s *Server) UploadBaseline(ctx context.Context, req UploadBaselineRequestObject) (UploadBaselineResponseObject, error) {
	c := ctxOf(ctx)
	if a := casereview.ActorFrom(c); !casereview.CanUploadBaseline(a) {
		return nil, casereview.Deny(a, "only admins upload baseline populations")
	}
	groups, err := casereview.ParseBaselineCSV(req.Characteristic, []byte(req.Body.Csv))
	if err != nil {
		return nil, err
	}
	b := casereview.Baseline{PartnershipID: req.Id, Characteristic: req.Characteristic, Groups: groups, Source: deref(req.Body.Source)}
	if err := s.sums.UploadBaseline(c, b); err != nil {
		return nil, err
	}
	bs, err := s.sums.Baselines(c, req.Id)
	if err != nil {
		return nil, err
	}
	for _, x := range bs {
		if x.Characteristic == req.Characteristic {
			return UploadBaseline200JSONResponse(baselineOut(x)), nil
		}
	}
	return UploadBaseline200JSONResponse(baselineOut(b)), nil
}

// publishedFigure is a domain published figure in the API's shape.
func publishedFigure(f casereview.PublishedCount) SummaryFigure {
	if f.Hidden {
		why := SummaryFigureSuppressed(casereview.Primary.String())
		return SummaryFigure{Display: f.Display, Suppressed: &why}
	}
	n := f.Count
	return SummaryFigure{Count: &n, Display: f.Display}
}

func f32(p *float64) *float32 {
	if p == nil {
		return nil
	}
	v := float32(*p)
	return &v
}
