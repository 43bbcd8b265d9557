package api

import (
	"bytes"
	"context"
	"mime"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// The thematic summary document: one set of published figures, served as JSON and rendered as
// CSV, XLSX and a printable page. Downloads of a document that counts restricted reviews are
// recorded in the audit trail.

const maxDocumentPairs = 20

// document builds the published document for a request.
func (s *Server) document(ctx context.Context, generated any) (SummaryDocument, *summaryRequest, casereview.ThematicSummary, error) {
	r, err := s.summaryRequest(ctx, generated)
	if err != nil {
		return SummaryDocument{}, nil, casereview.ThematicSummary{}, err
	}
	d, err := s.sums.SummaryDocument(r.ctx, r.filter)
	if err != nil {
		return SummaryDocument{}, nil, d, err
	}
	out, err := documentOut(d, r)
	return out, r, d, err
}

func documentOut(d casereview.ThematicSummary, r *summaryRequest) (SummaryDocument, error) {
	p := r.pub
	out := SummaryDocument{Meta: r.meta, Title: documentTitle(r), Response: []SummaryCount{}, Implementation: []SummaryCount{},
		Oversight: []SummaryCount{}, Items: []SummaryRecommendationRef{}, Truncated: d.Truncated}
	n := d.Headline.Recommendations
	// The three status layers and the years of issue each add up to the headline total: decide
	// each table's suppression, then hide the total everywhere if any table needs it hidden.
	layers := []struct {
		counts []casereview.Count
		dst    *[]SummaryCount
	}{{d.Response, &out.Response}, {d.Implementation, &out.Implementation}, {d.Oversight, &out.Oversight}}
	totalSup := casereview.Shown
	if p.shareable {
		// Under the cell key method every figure comes from its own records' keys: the headline
		// total, each status and the issued total of the years (the same records as the
		// headline) need no hiding on one another's account.
		for _, l := range layers {
			for _, c := range l.counts {
				*l.dst = append(*l.dst, SummaryCount{Value: valueOut(c.Value), Count: p.shared(casereview.Tally{N: c.N, KeySum: c.KeySum})})
			}
		}
		h := d.Headline
		fig := func(i, n int) SummaryFigure { return p.shared(casereview.Tally{N: n, KeySum: h.Keys[i]}) }
		out.Headline = SummaryHeadline{Recommendations: fig(0, n), Reviews: p.each(h.Reviews), Organisations: p.each(h.Organisations),
			Responded: fig(1, h.Responded), Accepted: fig(2, h.Accepted), InProgress: fig(3, h.InProgress),
			VerifiedClosed: fig(4, h.VerifiedClosed), Overdue: fig(5, h.Overdue)}
	} else {
		sups := make([][]casereview.Suppression, len(layers))
		for k, l := range layers {
			vals := make([]int, len(l.counts))
			for i, c := range l.counts {
				vals[i] = c.N
			}
			s, ts, err := p.vector(vals)
			if err != nil {
				return out, err
			}
			sups[k], totalSup = s, max(totalSup, ts)
		}
		years := make([]int, len(d.Trends))
		for i, t := range d.Trends {
			years[i] = t.Issued
		}
		if _, ts, err := p.vector(years); err != nil {
			return out, err
		} else {
			totalSup = max(totalSup, ts)
		}
		for k, l := range layers {
			for i, c := range l.counts {
				*l.dst = append(*l.dst, SummaryCount{Value: valueOut(c.Value), Count: p.fig(c.N, sups[k][i])})
			}
		}
		// A headline figure that sums some statuses of a layer is published only when the published
		// cells already give it away; otherwise it could reveal a hidden cell.
		derived := func(layer int, in func(string) bool) SummaryFigure {
			sum, insideShown, outsideShown := 0, true, totalSup == casereview.Shown
			for i, c := range layers[layer].counts {
				if in(c.Value.Key) {
					sum += c.N
					insideShown = insideShown && sups[layer][i] == casereview.Shown
				} else {
					outsideShown = outsideShown && sups[layer][i] == casereview.Shown
				}
			}
			if !p.shareable || insideShown || outsideShown {
				return p.fig(sum, casereview.Shown)
			}
			if sum >= 1 && sum < p.threshold {
				return p.fig(sum, casereview.Primary)
			}
			return p.fig(sum, casereview.Secondary)
		}
		out.Headline = SummaryHeadline{
			Recommendations: p.fig(n, totalSup),
			Reviews:         p.each(d.Headline.Reviews),
			Organisations:   p.each(d.Headline.Organisations),
			Responded:       derived(0, func(k string) bool { return k != string(casereview.ResponseAwaiting) }),
			Accepted:        derived(0, func(k string) bool { return casereview.ResponseStatus(k).Accepted() }),
			InProgress:      derived(1, func(k string) bool { return casereview.ImplementationStatus(k).InProgress() }),
			VerifiedClosed:  derived(2, func(k string) bool { return casereview.OversightStatus(k).IsVerifiedClosure() }),
			Overdue:         p.each(d.Headline.Overdue),
		}
	}
	out.Organisations = organisationsOut(d.Organisations, p)
	trends, _, err := trendsOut(d.Trends, p, &totalSup)
	if err != nil {
		return out, err
	}
	out.Trends = trends
	pairs := d.Pairs
	if len(pairs) > maxDocumentPairs {
		pairs = pairs[:maxDocumentPairs]
	}
	out.ThemePairs = pairsOut(pairs, p, casereview.Tally{N: d.Headline.Recommendations, KeySum: r.pop.MatchedKeySum})
	// A list of recommendations can be counted by anyone, which would undo the suppression: a
	// shareable document leaves it out.
	if !p.shareable {
		for _, it := range d.Items {
			out.Items = append(out.Items, recRefOut(it.Recommendation, it.ReviewRef, it.ReviewType, it.ReviewTitle))
		}
	}
	return out, nil
}

func documentTitle(r *summaryRequest) string {
	if r.title != "" {
		return r.title
	}
	var parts []string
	if t := derefSlice(r.params.Theme); len(t) > 0 {
		parts = append(parts, "themes "+strings.Join(t, ", "))
	}
	if q := strings.TrimSpace(deref(r.params.Q)); q != "" {
		parts = append(parts, "“"+q+"”")
	}
	if len(parts) == 0 {
		return "Thematic summary"
	}
	return "Thematic summary: " + strings.Join(parts, "; ")
}

func (s *Server) SummaryDocument(ctx context.Context, req SummaryDocumentRequestObject) (SummaryDocumentResponseObject, error) {
	out, r, _, err := s.document(ctx, req.Params)
	if err != nil {
		return nil, err
	}
	if err := s.auditRead(r, "thematic.json"); err != nil {
		return nil, err
	}
	return SummaryDocument200JSONResponse(out), nil
}

// download renders the document in format and records the export when it counts restricted
// reviews.
func (s *Server) download(ctx context.Context, generated any, format string) (*bytes.Buffer, SummaryDocument, error) {
	out, r, d, err := s.document(ctx, generated)
	if err != nil {
		return nil, out, err
	}
	doc := reportOf(out, s.now())
	var b bytes.Buffer
	switch format {
	case "csv":
		err = report.WriteCSV(&b, doc)
	case "xlsx":
		err = report.WriteXLSX(&b, doc)
	default:
		err = report.WriteHTML(&b, doc)
	}
	if err != nil {
		return nil, out, err
	}
	if d.RestrictedCount > 0 {
		detail := map[string]any{"format": format, "disclosure": out.Meta.Disclosure, "as_of": out.Meta.AsOf, "title": out.Title,
			"recommendations": d.Headline.Recommendations, "restricted": d.RestrictedCount, "filters": r.params}
		if err := s.sums.AuditSummaryExport(r.ctx, "thematic."+format, detail); err != nil {
			return nil, out, err
		}
	}
	return &b, out, nil
}

func attachment(ctx context.Context, name string) {
	if c, ok := ctx.(*gin.Context); ok {
		c.Header("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	}
}

func fileName(out SummaryDocument, ext string) string {
	return "thematic-summary-" + out.Meta.AsOf + "." + ext
}

func (s *Server) SummaryDocumentCsv(ctx context.Context, req SummaryDocumentCsvRequestObject) (SummaryDocumentCsvResponseObject, error) {
	b, out, err := s.download(ctx, req.Params, "csv")
	if err != nil {
		return nil, err
	}
	attachment(ctx, fileName(out, "csv"))
	return SummaryDocumentCsv200TextcsvResponse{Body: b, ContentLength: int64(b.Len())}, nil
}

func (s *Server) SummaryDocumentXlsx(ctx context.Context, req SummaryDocumentXlsxRequestObject) (SummaryDocumentXlsxResponseObject, error) {
	b, out, err := s.download(ctx, req.Params, "xlsx")
	if err != nil {
		return nil, err
	}
	attachment(ctx, fileName(out, "xlsx"))
	return SummaryDocumentXlsx200ApplicationvndOpenxmlformatsOfficedocumentSpreadsheetmlSheetResponse{Body: b, ContentLength: int64(b.Len())}, nil
}

func (s *Server) SummaryDocumentHtml(ctx context.Context, req SummaryDocumentHtmlRequestObject) (SummaryDocumentHtmlResponseObject, error) {
	b, _, err := s.download(ctx, req.Params, "html")
	if err != nil {
		return nil, err
	}
	if c, ok := ctx.(*gin.Context); ok {
		// The page's one stylesheet is allowed by its hash; nothing else may load or run.
		c.Header("Content-Security-Policy", "default-src 'none'; style-src "+report.StyleHash()+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	}
	return SummaryDocumentHtml200TexthtmlResponse{Body: b, ContentLength: int64(b.Len())}, nil
}
