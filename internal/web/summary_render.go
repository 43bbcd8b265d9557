package web

import (
	"context"
	"net/url"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/report"
)

// SummaryRenderer renders a saved thematic summary's definition as the builder's document, for
// scheduled reports (internal/notify): the same reading of the definition, the same counts and
// the same tables as /summaries/view, so a stored run is the page its owner would have seen.
// The counts are the actor's in ctx (the summary's owner).
type SummaryRenderer struct {
	Summaries casereview.SummaryService
	Search    Searcher // for a definition with search words (search.Finder); nil refuses them
}

// RenderSummary counts the definition as of asOf under the title given.
func (r SummaryRenderer) RenderSummary(ctx context.Context, title, definition string, asOf casereview.Date, now time.Time) (report.Document, error) {
	q, err := url.ParseQuery(definition)
	if err != nil {
		return report.Document{}, casereview.Invalid("definition", casereview.FieldInvalid, "the summary's definition could not be read")
	}
	q.Set("title", title)
	def, probs := readSummaryDef(q, asOf)
	h := &Handler{sums: r.Summaries, o: Options{Search: r.Search}}
	if len(probs) == 0 {
		if probs, err = h.matchWords(ctx, &def.Form); err != nil {
			return report.Document{}, err
		}
	}
	if len(probs) > 0 {
		return report.Document{}, casereview.Invalid("definition", casereview.FieldInvalid, "the summary's definition is no longer valid: %s: %s", probs[0].Field, probs[0].Message)
	}
	doc, err := r.Summaries.SummaryDocument(ctx, def.Form.Filter)
	if err != nil {
		return report.Document{}, err
	}
	eq, probs, err := h.equalityTable(ctx, def)
	if err != nil {
		return report.Document{}, err
	}
	if len(probs) > 0 {
		return report.Document{}, casereview.Invalid("definition", casereview.FieldInvalid, "the summary's definition is no longer valid: %s: %s", probs[0].Field, probs[0].Message)
	}
	var cmp []comparisonRow
	if def.Compare {
		f := def.Form.Filter
		f.IssuedFrom, f.IssuedTo = def.Previous.From, def.Previous.To
		prev, err := r.Summaries.SummaryDocument(ctx, f)
		if err != nil {
			return report.Document{}, err
		}
		cmp = compareHeadlines(doc.Headline, prev.Headline)
	}
	return summaryReport(def, doc, cmp, eq, now), nil
}
