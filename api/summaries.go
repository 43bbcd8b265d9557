package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// Summaries (DESIGN §1, issue 7): counts for oversight reporting, with the filters of search.
// When the request has query text, the matching recommendations come from the search index
// (under the caller's read scope, as search itself does); everything else is counted in SQL,
// where the store applies the same visibility rules as every list.

// summaryParams are the filter parameters every summary operation takes. The generated
// parameter structs carry them under the same JSON names, so one decoder serves them all.
type summaryParams struct {
	Q              *string   `json:"q"`
	Theme          *[]string `json:"theme"`
	ThemeGroup     *[]string `json:"theme_group"`
	Type           *[]string `json:"type"`
	Organisation   *[]string `json:"organisation"`
	Sector         *[]string `json:"sector"`
	Scope          *[]string `json:"scope"`
	Intervention   *[]string `json:"intervention"`
	Response       *[]string `json:"response"`
	Implementation *[]string `json:"implementation"`
	Oversight      *[]string `json:"oversight"`
	Year           *[]string `json:"year"`
	YearFrom       *int      `json:"year_from"`
	YearTo         *int      `json:"year_to"`
	Partnership    *[]string `json:"partnership"`
	Flag           *string   `json:"flag"`
	Disclosure     *string   `json:"disclosure"`
	AsOf           *string   `json:"as_of"`
	Title          *string   `json:"title"`
	// Subjects is the subject filter (subject_sex=female, …): one parameter per characteristic,
	// read by name from the generated struct (casereview.SubjectConditionsFrom), so the list of
	// characteristics is stated once, in the domain.
	Subjects map[string][]string `json:"subjects,omitempty"`
}

// summaryRequest is a decoded, validated summary request.
type summaryRequest struct {
	ctx    context.Context
	filter casereview.SummaryFilter
	pub    publisher
	meta   SummaryMeta
	title  string
	params summaryParams
	pop    casereview.Population
}

// auditRead records that a JSON summary counting restricted reviews was read, as downloads
// record their export (issue 15): who saw figures over restricted material, and which.
func (s *Server) auditRead(r *summaryRequest, kind string) error {
	if r.pop.Restricted == 0 {
		return nil
	}
	return s.sums.AuditSummaryRead(r.ctx, kind, map[string]any{"disclosure": r.meta.Disclosure, "as_of": r.meta.AsOf,
		"recommendations": r.pop.Matched, "restricted": r.pop.Restricted, "filters": r.params})
}

func (s *Server) summaryRequest(ctx context.Context, generated any) (*summaryRequest, error) {
	return s.summaryRequestWith(ctx, generated, false)
}

// summaryRequestWith decodes a summary request; equality says it counts by a protected
// characteristic, so the caller must be allowed to (casereview.EqualityScope, which narrows a
// panel member's filters to their own partnerships before anything is counted).
func (s *Server) summaryRequestWith(ctx context.Context, generated any, equality bool) (*summaryRequest, error) {
	var p summaryParams
	raw, err := json.Marshal(generated)
	if err == nil {
		err = json.Unmarshal(raw, &p)
	}
	if err == nil {
		err = readSubjectParams(raw, &p)
	}
	if err != nil {
		return nil, fmt.Errorf("summary parameters: %w", err)
	}
	c, err := withAsOf(ctxOf(ctx), p.AsOf)
	if err != nil {
		return nil, err
	}
	asOf := casereview.DateOf(s.now())
	if d, ok := casereview.AsOfFrom(c); ok {
		asOf = d
	}
	r := &summaryRequest{ctx: c, params: p, title: strings.TrimSpace(deref(p.Title))}
	f := casereview.SummaryFilter{Themes: derefSlice(p.Theme), ThemeGroups: derefSlice(p.ThemeGroup), ReviewTypes: derefSlice(p.Type),
		Organisations: derefSlice(p.Organisation), Sectors: enums[casereview.Sector](p.Sector), Scopes: enums[casereview.Scope](p.Scope),
		Interventions: derefSlice(p.Intervention), Responses: enums[casereview.ResponseStatus](p.Response),
		Implementations: enums[casereview.ImplementationStatus](p.Implementation), Oversights: enums[casereview.OversightStatus](p.Oversight),
		YearFrom: p.YearFrom, YearTo: p.YearTo, Partnerships: derefSlice(p.Partnership), Flag: casereview.Flag(deref(p.Flag)), AsOf: asOf,
		Subjects: casereview.SubjectConditionsFrom(func(name string) []string { return p.Subjects[name] })}
	var problems casereview.Problems
	for i, y := range derefSlice(p.Year) {
		n, err := strconv.Atoi(strings.TrimSpace(y))
		if err != nil {
			problems.Add(fmt.Sprintf("year[%d]", i), casereview.FieldInvalid, "%q is not a year", y)
			continue
		}
		f.Years = append(f.Years, n)
	}
	casereview.CheckText(&problems, "title", r.title, false, 200)
	disclosure := casereview.DisclosureInternal
	if p.Disclosure != nil && *p.Disclosure != "" {
		disclosure = casereview.Disclosure(*p.Disclosure)
		casereview.CheckEnum(&problems, "disclosure", disclosure, casereview.Disclosures)
	}
	// What is shown to someone who is not signed in is shared beyond oversight by definition.
	if !casereview.ActorFrom(c).SignedIn() {
		disclosure = casereview.DisclosureShareable
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if equality || f.BySubject() {
		if err := casereview.EqualityScope(casereview.ActorFrom(c), &f); err != nil {
			return nil, err
		}
	}
	r.pub = publisher{shareable: disclosure == casereview.DisclosureShareable, threshold: s.sdcThreshold}
	r.meta = SummaryMeta{AsOf: asOf.String(), Disclosure: string(disclosure), Threshold: s.sdcThreshold}
	if q := strings.TrimSpace(deref(p.Q)); q != "" {
		ids, understood, err := s.finder.MatchingIDs(c, q)
		if err != nil {
			return nil, err
		}
		f.IDs = ids
		r.meta.Query = &understood
	}
	r.filter = f
	// What the filter keeps and leaves out: shareable outputs refuse filters that isolate fewer
	// recommendations than the threshold (casereview.DisclosureRisk), and a summary counting
	// restricted reviews is audited.
	if r.pop, err = s.sums.SummaryPopulation(c, f); err != nil {
		return nil, err
	}
	if r.pub.shareable {
		if err := casereview.DisclosureRisk(r.pop.Matched, r.pop.Visible, s.sdcThreshold); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// readSubjectParams picks the subject filter's parameters out of a generated parameter struct
// encoded as JSON (an operation that does not declare them has none).
func readSubjectParams(raw []byte, p *summaryParams) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return err
	}
	for _, name := range casereview.SubjectFilterNames() {
		v, ok := all[name]
		if !ok {
			continue
		}
		var vs []string
		if err := json.Unmarshal(v, &vs); err != nil {
			return err
		}
		if p.Subjects == nil {
			p.Subjects = map[string][]string{}
		}
		p.Subjects[name] = vs
	}
	return nil
}

func enums[T ~string](vs *[]string) []T {
	out := make([]T, 0, len(derefSlice(vs)))
	for _, v := range derefSlice(vs) {
		out = append(out, T(v))
	}
	return out
}

func (s *Server) SummaryCrossTab(ctx context.Context, req SummaryCrossTabRequestObject) (SummaryCrossTabResponseObject, error) {
	bySubject := casereview.Dimension(req.Params.Rows).BySubject() || casereview.Dimension(req.Params.Cols).BySubject()
	r, err := s.summaryRequestWith(ctx, req.Params, bySubject)
	if err != nil {
		return nil, err
	}
	t, err := s.sums.SummaryCrossTab(r.ctx, r.filter, casereview.CrossTabRequest{Rows: casereview.Dimension(req.Params.Rows), Cols: casereview.Dimension(req.Params.Cols)})
	if err != nil {
		return nil, err
	}
	out, err := crossTabOut(t, r.pub)
	if err != nil {
		return nil, err
	}
	out.Meta = r.meta
	if err := s.auditRead(r, "crosstab"); err != nil {
		return nil, err
	}
	return SummaryCrossTab200JSONResponse(out), nil
}

func (s *Server) SummaryOrganisations(ctx context.Context, req SummaryOrganisationsRequestObject) (SummaryOrganisationsResponseObject, error) {
	r, err := s.summaryRequest(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	by := "organisation"
	if req.Params.By != nil && *req.Params.By != "" {
		by = string(*req.Params.By)
		if by != "organisation" && by != "sector" {
			return nil, casereview.Invalid("by", casereview.FieldUnknownValue, "%q is not one of: organisation, sector", by)
		}
	}
	rows, err := s.sums.SummaryOrganisations(r.ctx, r.filter, by == "sector")
	if err != nil {
		return nil, err
	}
	if err := s.auditRead(r, "organisations"); err != nil {
		return nil, err
	}
	return SummaryOrganisations200JSONResponse{Meta: r.meta, By: by, Items: organisationsOut(rows, r.pub)}, nil
}

func (s *Server) SummaryThemePairs(ctx context.Context, req SummaryThemePairsRequestObject) (SummaryThemePairsResponseObject, error) {
	r, err := s.summaryRequest(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	limit := 50
	if req.Params.Limit != nil {
		if *req.Params.Limit < 1 || *req.Params.Limit > 2000 {
			return nil, casereview.Invalid("limit", casereview.FieldInvalid, "limit must be between 1 and 2000")
		}
		limit = *req.Params.Limit
	}
	pairs, n, err := s.sums.SummaryThemePairs(r.ctx, r.filter)
	if err != nil {
		return nil, err
	}
	all := casereview.Tally{N: n, KeySum: r.pop.MatchedKeySum} // the same recommendations as n
	recs := r.pub.each(n)
	if r.pub.shareable {
		recs = r.pub.shared(all)
	}
	items := pairsOut(pairs, r.pub, all)
	// Shareable, the pairs that publish 0 are left out, and the number counts what is listed.
	out := SummaryThemePairs200JSONResponse{Meta: r.meta, Recommendations: recs, TotalPairs: len(items), Items: items}
	if len(out.Items) > limit {
		out.Items = out.Items[:limit]
	}
	if err := s.auditRead(r, "theme-pairs"); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) SummaryTrends(ctx context.Context, req SummaryTrendsRequestObject) (SummaryTrendsResponseObject, error) {
	r, err := s.summaryRequest(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	rows, err := s.sums.SummaryTrends(r.ctx, r.filter)
	if err != nil {
		return nil, err
	}
	items, totals, err := trendsOut(rows, r.pub, nil)
	if err != nil {
		return nil, err
	}
	if err := s.auditRead(r, "trends"); err != nil {
		return nil, err
	}
	return SummaryTrends200JSONResponse{Meta: r.meta, Items: items, Issued: totals[0], Closed: totals[1], VerifiedClosed: totals[2]}, nil
}

func (s *Server) SummaryOverdue(ctx context.Context, req SummaryOverdueRequestObject) (SummaryOverdueResponseObject, error) {
	r, err := s.summaryRequest(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	groups, err := s.sums.SummaryOverdue(r.ctx, r.filter)
	if err != nil {
		return nil, err
	}
	out := SummaryOverdue200JSONResponse{Meta: r.meta, Groups: []SummaryOverdueGroup{}}
	for _, g := range groups {
		og := SummaryOverdueGroup{OrganisationId: g.OrganisationID, OrganisationName: g.OrganisationName, Items: []SummaryOverdueItem{}}
		for _, it := range g.Items {
			og.Items = append(og.Items, SummaryOverdueItem{Recommendation: recRefOut(it.Recommendation, it.ReviewRef, it.ReviewType, ""),
				Since: it.Since.String(), DaysOverdue: it.DaysOverdue, Escalated: it.Escalated})
		}
		out.Groups = append(out.Groups, og)
	}
	if err := s.auditRead(r, "overdue"); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Server) SummaryNational(ctx context.Context, req SummaryNationalRequestObject) (SummaryNationalResponseObject, error) {
	r, err := s.summaryRequest(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	entries, cut, err := s.sums.SummaryNational(r.ctx, r.filter)
	if err != nil {
		return nil, err
	}
	out := SummaryNational200JSONResponse{Meta: r.meta, Items: []SummaryNationalEntry{}, Truncated: cut}
	for _, e := range entries {
		out.Items = append(out.Items, SummaryNationalEntry{Recommendation: recRefOut(e.Recommendation, e.ReviewRef, e.ReviewType, ""),
			Acknowledged: e.Acknowledged, Addressees: e.Addressees})
	}
	if err := s.auditRead(r, "national"); err != nil {
		return nil, err
	}
	return out, nil
}
