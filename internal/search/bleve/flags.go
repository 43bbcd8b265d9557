package bleve

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search"
)

// flagQuery states casereview.ComputeFlags over the indexed dates, against asOf; it must agree
// with ComputeFlags and with the store's SQL (a test compares search with the SQL list).
func flagQuery(flag casereview.Flag, asOf casereview.Date) (bq.Query, error) {
	day := func(d casereview.Date) time.Time { return d.Time() }
	before := func(field string, d casereview.Date) bq.Query { // field < d
		q := bq.NewDateRangeInclusiveQuery(time.Time{}, day(d), nil, ptr(false))
		q.SetField(field)
		return q
	}
	between := func(field string, from, to casereview.Date) bq.Query { // from <= field <= to
		q := bq.NewDateRangeInclusiveQuery(day(from), day(to), ptr(true), ptr(true))
		q.SetField(field)
		return q
	}
	and := func(qs ...bq.Query) bq.Query { return bq.NewConjunctionQuery(qs) }
	not := func(q bq.Query) bq.Query {
		b := bq.NewBooleanQuery(nil, nil, []bq.Query{q})
		b.AddMust(bq.NewMatchAllQuery())
		return b
	}
	open := term(fClosed, "no")
	awaiting := term(fResponse, string(casereview.ResponseAwaiting))
	historic := and(open, awaiting, term(fHasActivity, "no"), before(fIssuedOn, asOf.AddDays(-365*casereview.HistoricYears)))
	soon := asOf.AddDays(casereview.DueSoonDays)
	switch flag {
	case casereview.FlagResponseOverdue:
		return and(open, awaiting, before(fResponseDue, asOf), not(historic)), nil
	case casereview.FlagActionOverdue:
		return and(open, before(fTargets, asOf), not(historic)), nil
	case casereview.FlagDueSoon:
		return and(open, bq.NewDisjunctionQuery([]bq.Query{and(awaiting, between(fResponseDue, asOf, soon)), between(fTargets, asOf, soon)})), nil
	case casereview.FlagStalled:
		return and(open, before(fLastActivity, asOf.AddDays(-casereview.StalledDays))), nil
	case casereview.FlagHistoricNoRecord:
		return historic, nil
	case casereview.FlagFollowUpDue:
		q := bq.NewDateRangeInclusiveQuery(time.Time{}, day(asOf), nil, ptr(true))
		q.SetField(fFollowUp)
		return and(term(fClosed, "yes"), q), nil
	}
	return nil, &search.QueryError{Msg: fmt.Sprintf("%q is not a flag", flag)}
}

func ptr[T any](v T) *T { return &v }

// flagCounts is the flag facet: how many of what musts match carry each derived flag as of
// asOf, one count per flag (flags are computed at query time, so there is no field to count).
// It is asked for by name only, never among the default facets, as it costs a search per flag.
func (x *Index) flagCounts(ctx context.Context, musts []bq.Query, asOf casereview.Date, keys bool) ([]search.FacetCount, error) {
	var out []search.FacetCount
	for _, f := range casereview.Flags {
		fq, err := flagQuery(f, asOf)
		if err != nil {
			return nil, err
		}
		req := bleve.NewSearchRequestOptions(bq.NewConjunctionQuery(append(append([]bq.Query{}, musts...), fq)), 0, 0, false)
		req.Score = "none"
		if keys { // every record key that occurs, with its count: at most RecordKeyModulus values
			req.AddFacet(fRecordKey, bleve.NewFacetRequest(fRecordKey, casereview.RecordKeyModulus))
		}
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		if res.Total > 0 {
			fcount := search.FacetCount{Value: string(f), Count: int(res.Total)}
			if keys {
				fcount.KeySum = keySumOf(res.Facets[fRecordKey])
			}
			out = append(out, fcount)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
	return out, nil
}

// keySumOf adds up the record keys a facet over fRecordKey counted.
func keySumOf(f *bsearch.FacetResult) int64 {
	var sum int64
	if f == nil || f.Terms == nil {
		return sum
	}
	for _, t := range f.Terms.Terms() {
		k, _ := strconv.ParseInt(t.Term, 10, 64)
		sum += k * int64(t.Count)
	}
	return sum
}
