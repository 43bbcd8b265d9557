package search

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/search/query"
)

// Finder is the search every front end uses (the JSON API and the HTML pages): it validates and
// normalises what was asked, runs it against the index under the caller's read scope with a
// deadline, re-checks each hit against the database, and names facet values for people. While
// the index is first being filled it answers what it faithfully can from the database. It knows
// nothing of HTTP: parameters come in as plain values and problems go out as *casereview.Error,
// field by field, named as the query parameters are.
type Finder struct {
	records Records
	index   Index
	ready   Readiness
	now     func() time.Time
	gate    *Gate // admission control: how many index searches run at once
	// threshold is the minimum cell size of shareable figures (casereview.DefaultSDCThreshold).
	threshold int
	// observe, when set, hears how long each search took and where it was answered from.
	observe func(source string, took time.Duration, err error)
}

// Observe makes the finder report each search's duration and source (for the metrics).
func (f *Finder) Observe(fn func(source string, took time.Duration, err error)) { f.observe = fn }

// Records is what Finder reads from the database, as the caller; casereview.Service has it.
type Records interface {
	// RecommendationsByID returns those of ids the caller may read.
	RecommendationsByID(ctx context.Context, ids []string) (map[string]casereview.Recommendation, error)
	GetRecommendation(ctx context.Context, id string) (casereview.Recommendation, error)
	ListRecommendations(ctx context.Context, f casereview.RecommendationFilter, page casereview.PageRequest) (casereview.Page[casereview.Recommendation], error)
	ListThemes(ctx context.Context, group string) ([]casereview.Theme, int, error)
	Names(ctx context.Context, kind string, ids []string) (map[string]string, error)
	// Unreadable returns what the caller may not read, from the database as it is now.
	Unreadable(ctx context.Context) (casereview.Unreadable, error)
}

// Readiness reports whether the index has caught up with the database far enough to answer
// (the journal follower knows).
type Readiness interface {
	Ready() bool
}

// NewFinder returns the search over index, checked against records. index or ready may be nil in
// a process that runs no search; Finder then answers that search is unavailable. now is the
// clock that derived flags are computed against (nil: time.Now).
func NewFinder(records Records, index Index, ready Readiness, now func() time.Time) *Finder {
	if now == nil {
		now = time.Now
	}
	return &Finder{records: records, index: index, ready: ready, now: now, gate: DefaultGate(),
		threshold: casereview.DefaultSDCThreshold}
}

// Threshold sets the minimum cell size of shareable figures (CASEREVIEW_SDC_THRESHOLD); below 2
// leaves the default.
func (f *Finder) Threshold(n int) {
	if n >= 2 {
		f.threshold = n
	}
}

// Admit replaces the admission control (DefaultGate) of f's index searches.
func (f *Finder) Admit(g *Gate) { f.gate = g }

// Deadline bounds one index search.
const Deadline = 2 * time.Second

// MaxMatches bounds how many recommendations a query text may select (MatchingIDs).
const MaxMatches = 1_000_000

// Where a Found came from.
const (
	SourceIndex    = "index"
	SourceDatabase = "database"
)

// Params is one search as asked, before validation. Filters hold the values of the filter of the
// same name (OR within a filter, AND across filters); the facet names are the parameter names.
type Params struct {
	Q string // query text; empty matches everything

	Theme          []string
	ThemeGroup     []string
	Type           []string
	Organisation   []string
	Sector         []string
	Scope          []string
	Intervention   []string
	Response       []string
	Implementation []string
	Oversight      []string
	Year           []string
	Partnership    []string

	Flag   string  // only recommendations carrying this derived flag; empty for any
	Facets *string // comma-separated facet names; nil for all, "" or "none" for none
	Sort   *string // relevance, newest or oldest; nil for relevance
	Limit  *int    // page size, 1 to 100; nil for 20
	Cursor string  // NextCursor of the previous page; empty for the first
	AsOf   string  // the date derived flags are computed as of; empty for today
	// Disclosure is "internal" (the default for signed-in callers: exact counts) or "shareable"
	// (always for callers who are not signed in): see Found.Shared.
	Disclosure string
}

// filters returns the filter values by facet name.
func (p Params) filters() map[string][]string {
	return map[string][]string{FacetTheme: p.Theme, FacetThemeGroup: p.ThemeGroup, FacetReviewType: p.Type,
		FacetOrganisation: p.Organisation, FacetSector: p.Sector, FacetScope: p.Scope, FacetIntervention: p.Intervention,
		FacetResponse: p.Response, FacetImplementation: p.Implementation, FacetOversight: p.Oversight, FacetYear: p.Year,
		FacetPartnership: p.Partnership}
}

// filterOrder is the order filters are checked in, and so the order of their problems.
var filterOrder = []string{FacetTheme, FacetThemeGroup, FacetReviewType, FacetOrganisation, FacetSector,
	FacetScope, FacetIntervention, FacetResponse, FacetImplementation, FacetOversight, FacetYear, FacetPartnership}

// Found is a page of search results.
type Found struct {
	Query      string  // the query as understood (query.String); empty from the database
	Items      []Match // the hits the caller may read, in order
	Total      int64
	Facets     []Facet // the facets asked for, in the order asked; none from the database
	NextCursor string  // resumes after this page; empty on the last page
	Source     string  // SourceIndex or SourceDatabase
	Took       time.Duration
	// Shared says the total and the facet counts are published under the cell key method
	// (casereview/cellkey.go), as every shareable summary is: each is its records' true count
	// perturbed by at most 2 from their fixed record keys, so the same records always publish
	// the same figure whatever query found them, and differencing two searches gives a range,
	// not a hidden count. A facet value from 1 to Threshold-1 is Suppressed (shown as
	// "<Threshold"); the total is not, because the page lists the hits themselves.
	Shared    bool
	Threshold int
}

// Match is one hit, re-checked against the database.
type Match struct {
	Recommendation casereview.Recommendation
	Score          float64 // relevance; 0 from the database and for callers who may not see it
	// Scored says Score may be shown: the caller reads the whole index (oversight, admins). The
	// score is computed with term statistics of the whole index, restricted documents included,
	// so for anyone else it would tell which words restricted reviews hold (issue 13 §9b).
	Scored     bool
	Highlights map[string][]string // field -> snippets, HTML-escaped except <mark>
}

// Facet is one facet's values with their counts, each named for people.
type Facet struct {
	Name   string
	Values []FacetValue
}

// FacetValue is one value of a facet: Label is the theme label, or the organisation or
// partnership name, or else the value itself.
type FacetValue struct {
	Value      string
	Label      string
	Count      int
	Suppressed bool // Found.Shared and the published count is under the minimum cell size: Count says nothing
}

// Display is the count as shown: the number, or "<threshold" when it is suppressed.
func (v FacetValue) Display(threshold int) string {
	if v.Suppressed {
		return "<" + strconv.Itoa(threshold)
	}
	return strconv.Itoa(v.Count)
}

// Find runs one search as the actor in ctx.
func (f *Finder) Find(ctx context.Context, p Params) (Found, error) {
	if f == nil || f.observe == nil {
		return f.find(ctx, p)
	}
	start := time.Now()
	found, err := f.find(ctx, p)
	f.observe(found.Source, time.Since(start), err)
	return found, err
}

func (f *Finder) find(ctx context.Context, p Params) (Found, error) {
	if f == nil || f.index == nil || f.ready == nil {
		return Found{}, &casereview.Error{Code: casereview.CodeUnavailable, Message: "search is not running in this process", RetryAfter: 30 * time.Second}
	}
	if !f.ready.Ready() {
		return f.fromDatabase(ctx, p)
	}
	c, r, parsed, err := f.request(ctx, p)
	if err != nil {
		return Found{}, err
	}
	if r.Unreadable, err = f.unreadable(c, r.Scope); err != nil {
		return Found{}, err
	}
	leave, err := f.gate.Enter(c)
	if err != nil {
		return Found{}, err
	}
	defer leave()
	sctx, cancel := context.WithTimeout(c, Deadline) // from admission: the wait is not the search's
	defer cancel()
	start := time.Now()
	res, err := f.index.Search(sctx, r)
	if err != nil {
		return Found{}, queryProblem(err)
	}
	items, err := f.checked(c, res.Hits)
	if err != nil {
		return Found{}, err
	}
	unscored(items, r.Scope)
	out := Found{Query: query.String(parsed), Total: int64(res.Total), Items: items, Source: SourceIndex}
	if len(res.Hits) == r.Size && len(res.Hits) > 0 {
		raw, _ := json.Marshal(res.Hits[len(res.Hits)-1].SortKey)
		out.NextCursor = base64.RawURLEncoding.EncodeToString(raw)
	}
	labels, err := f.facetLabels(c, res.Facets)
	if err != nil {
		return Found{}, err
	}
	for _, name := range r.Facets {
		fc := Facet{Name: name, Values: []FacetValue{}}
		for _, v := range res.Facets[name] {
			label := v.Value
			if l, ok := labels[name][v.Value]; ok {
				label = l
			}
			fc.Values = append(fc.Values, FacetValue{Value: v.Value, Label: label, Count: v.Count})
		}
		out.Facets = append(out.Facets, fc)
	}
	if r.KeySums { // shareable figures (see Found.Shared)
		f.share(&out, res)
	}
	out.Took = time.Since(start)
	return out, nil
}

// request validates and normalises p into an index request under the actor in ctx (the context
// returned carries the as-of date); it needs no index.
func (f *Finder) request(ctx context.Context, p Params) (context.Context, Request, query.Node, error) {
	c, err := casereview.WithAsOfParam(ctx, p.AsOf)
	if err != nil {
		return nil, Request{}, nil, err
	}
	parsed, err := parseQuery(p.Q)
	if err != nil {
		return nil, Request{}, nil, err
	}
	var problems casereview.Problems
	r := Request{Query: parsed, Scope: casereview.ScopeOf(casereview.ActorFrom(c)), Filters: map[string][]string{}, Size: 20,
		AsOf: casereview.DateOf(f.now())}
	if d, ok := casereview.AsOfFrom(c); ok {
		r.AsOf = d
	}
	if p.Flag != "" {
		r.Flag = casereview.Flag(p.Flag)
		casereview.CheckEnum(&problems, "flag", r.Flag, casereview.Flags)
	}
	if parsed == nil {
		r.Query = nil
	}
	values := p.filters()
	for _, name := range filterOrder {
		for _, v := range values[name] {
			casereview.CheckText(&problems, name, v, true, 200)
			switch name {
			case FacetTheme, FacetReviewType, FacetThemeGroup:
				v = strings.ToUpper(v)
			case FacetSector, FacetScope, FacetIntervention, FacetResponse,
				FacetImplementation, FacetOversight, FacetOrganisation, FacetPartnership:
				v = strings.ToLower(v)
			}
			r.Filters[name] = append(r.Filters[name], v)
		}
	}
	r.Facets = AllFacets
	if p.Facets != nil {
		r.Facets = nil
		for _, name := range strings.Split(*p.Facets, ",") {
			if name = strings.TrimSpace(name); name == "" || name == "none" {
				continue
			}
			if !slices.Contains(KnownFacets, name) {
				problems.Add("facets", casereview.FieldUnknownValue, "%q is not a facet (use: %s)", name, strings.Join(KnownFacets, ", "))
			}
			r.Facets = append(r.Facets, name)
		}
	}
	shared := !casereview.ActorFrom(c).SignedIn()
	switch p.Disclosure {
	case "", "internal":
	case "shareable":
		shared = true
	default:
		problems.Add("disclosure", casereview.FieldUnknownValue, "%q is not one of: internal, shareable", p.Disclosure)
	}
	r.KeySums = shared
	if p.Sort != nil {
		r.Sort = *p.Sort
		if r.Sort != SortRelevance && r.Sort != SortNewest && r.Sort != SortOldest {
			problems.Add("sort", casereview.FieldUnknownValue, "%q is not one of: relevance, newest, oldest", r.Sort)
		}
	}
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > 100 {
			problems.Add("limit", casereview.FieldInvalid, "limit must be between 1 and 100")
		}
		r.Size = *p.Limit
	}
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		// Every sort order has two keys (the order's, then the id); another length makes the index fail.
		if err != nil || json.Unmarshal(raw, &r.After) != nil || len(r.After) != 2 {
			problems.Add("cursor", casereview.FieldInvalid, "cursor is not one this server issued; start again without it")
		}
	}
	if err := problems.Err(); err != nil {
		return nil, Request{}, nil, err
	}
	return c, r, parsed, nil
}

// unreadable asks the database what a caller with scope sc may not read (nothing to ask for one
// who reads everything).
func (f *Finder) unreadable(ctx context.Context, sc casereview.ReadScope) (casereview.Unreadable, error) {
	if sc.All {
		return casereview.Unreadable{}, nil
	}
	return f.records.Unreadable(ctx)
}

// parseQuery checks and parses query text; a syntax error is a problem with q that says where
// and, when the parser has one, how to put it right.
func parseQuery(q string) (query.Node, error) {
	var problems casereview.Problems
	casereview.CheckText(&problems, "q", q, false, 500)
	if err := problems.Err(); err != nil {
		return nil, err
	}
	parsed, err := query.Parse(q)
	if err != nil {
		var se *query.SyntaxError
		if errors.As(err, &se) {
			msg := se.Msg
			if se.Hint != "" {
				msg += " (" + se.Hint + ")"
			}
			return nil, &casereview.Error{Code: casereview.CodeMalformed, Message: "the query could not be read",
				Fields: []casereview.FieldError{{Field: "q", Code: "syntax", Message: msg + " at position " + strconv.Itoa(se.Pos)}}}
		}
		return nil, err
	}
	return parsed, nil
}

// queryProblem reports a query the index cannot run as a problem with q; other errors pass.
func queryProblem(err error) error {
	var qe *QueryError
	if errors.As(err, &qe) {
		return &casereview.Error{Code: casereview.CodeMalformed, Message: "the query could not be run",
			Fields: []casereview.FieldError{{Field: "q", Code: "unsupported", Message: qe.Msg}}}
	}
	return err
}

// checked re-checks every hit against the database, as the caller (the index is derived data
// and may lag, or hold what this caller may no longer read), and returns those that pass, in order.
func (f *Finder) checked(ctx context.Context, hits []Hit) ([]Match, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	recs, err := f.records.RecommendationsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := []Match{}
	for _, h := range hits {
		if rec, ok := recs[h.ID]; ok {
			out = append(out, Match{Recommendation: rec, Score: h.Score, Highlights: h.Fragments})
		}
	}
	return out, nil
}

// unscored keeps the scores of items only for a caller who reads the whole index.
func unscored(items []Match, sc casereview.ReadScope) {
	for i := range items {
		items[i].Scored = sc.All
		if !sc.All {
			items[i].Score = 0
		}
	}
}

// facetLabels names facet values for people: theme labels, and organisation and partnership
// names (each loaded in one query, whatever the number of values).
func (f *Finder) facetLabels(ctx context.Context, facets map[string][]FacetCount) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if len(facets[FacetTheme]) > 0 {
		ts, _, err := f.records.ListThemes(ctx, "")
		if err != nil {
			return nil, err
		}
		out[FacetTheme] = map[string]string{}
		for _, t := range ts {
			out[FacetTheme][t.Code] = t.Label
		}
	}
	for facet, kind := range map[string]string{FacetOrganisation: "organisation", FacetPartnership: "partnership"} {
		var ids []string
		for _, v := range facets[facet] {
			ids = append(ids, v.Value)
		}
		names, err := f.records.Names(ctx, kind, ids)
		if err != nil {
			return nil, err
		}
		out[facet] = names
	}
	return out, nil
}

// indexReady reports whether the index can answer now.
func (f *Finder) indexReady() bool {
	return f != nil && f.index != nil && f.ready != nil && f.ready.Ready()
}

// SimilarParams asks for the recommendations most like one recommendation.
type SimilarParams struct {
	Limit      *int // 1 to 50; nil for 10
	SameReview bool // include the recommendation's own review
}

// SimilarFound lists the similar recommendations and the distinctive terms (as indexed) they
// were matched on, most telling first.
type SimilarFound struct {
	Terms []string
	Items []Match
}

// Similar answers "more like this": the recommendations in other reviews that share the most
// distinctive words with recommendation id. Reading the recommendation is checked first (not
// found when hidden); the index query carries the caller's scope, and each hit is re-checked
// against the database as search results are.
func (f *Finder) Similar(ctx context.Context, id string, p SimilarParams) (SimilarFound, error) {
	var problems casereview.Problems
	size := 10
	if p.Limit != nil {
		if *p.Limit < 1 || *p.Limit > 50 {
			problems.Add("limit", casereview.FieldInvalid, "limit must be between 1 and 50")
		}
		size = *p.Limit
	}
	if err := problems.Err(); err != nil {
		return SimilarFound{}, err
	}
	rec, err := f.records.GetRecommendation(ctx, id)
	if err != nil {
		return SimilarFound{}, err
	}
	if !f.indexReady() {
		return SimilarFound{}, building()
	}
	r := SimilarRequest{Text: rec.Title + "\n" + rec.Text, ExcludeID: rec.ID, ExcludeReviewID: rec.ReviewID,
		Scope: casereview.ScopeOf(casereview.ActorFrom(ctx)), Size: size}
	if p.SameReview {
		r.ExcludeReviewID = ""
	}
	if r.Unreadable, err = f.unreadable(ctx, r.Scope); err != nil {
		return SimilarFound{}, err
	}
	leave, err := f.gate.Enter(ctx)
	if err != nil {
		return SimilarFound{}, err
	}
	defer leave()
	sctx, cancel := context.WithTimeout(ctx, Deadline)
	defer cancel()
	res, err := f.index.Similar(sctx, r)
	if err != nil {
		return SimilarFound{}, err
	}
	items, err := f.checked(ctx, res.Hits)
	if err != nil {
		return SimilarFound{}, err
	}
	unscored(items, r.Scope)
	return SimilarFound{Terms: res.Terms, Items: items}, nil
}

// MatchingIDs runs query text q through the index under the caller's read scope and returns the
// ids of every match (at most about MaxMatches) and the query as understood. Whoever counts or
// lists them must apply the caller's visibility again, so a lagging index can never add what
// the caller may not see.
func (f *Finder) MatchingIDs(ctx context.Context, q string) ([]string, string, error) {
	if !f.indexReady() {
		return nil, "", building()
	}
	parsed, err := parseQuery(q)
	if err != nil {
		return nil, "", err
	}
	sctx, cancel := context.WithTimeout(ctx, 2*Deadline)
	defer cancel()
	r := Request{Query: parsed, Scope: casereview.ScopeOf(casereview.ActorFrom(ctx)), Sort: SortOldest, Size: casereview.MaxPageSize}
	if parsed == nil {
		r.Query = nil
	}
	if r.Unreadable, err = f.unreadable(ctx, r.Scope); err != nil {
		return nil, "", err
	}
	ids := []string{}
	for {
		res, err := f.index.Search(sctx, r)
		if err != nil {
			return nil, "", queryProblem(err)
		}
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		if len(res.Hits) < r.Size || len(ids) >= MaxMatches {
			break
		}
		r.After = res.Hits[len(res.Hits)-1].SortKey
	}
	return ids, query.String(parsed), nil
}
