package bleve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	bq "github.com/blevesearch/bleve/v2/search/query"

	"github.com/casereview/casereview/internal/search"
)

// Index is a bleve index on disk.
type Index struct {
	idx    bleve.Index
	facets *facetTable // columns for counting facets (facet.go)
	tuning atomic.Pointer[Tuning]
}

var _ search.Index = (*Index)(nil)

// ErrStale says an index exists but must be rebuilt: it was built with another mapping version.
var ErrStale = errors.New("the search index was built with another mapping version")

// Options are how an index is opened; the zero value is bleve's own settings.
type Options struct {
	// MergeFloor, when above 0, replaces the floor of bleve's merge planner (2,000 documents):
	// the size every smaller segment is counted as when the planner decides how many segments
	// an index may keep. Under the floor an index of a few hundred documents may keep only one,
	// so every write merges the whole index again; test harnesses, which write thousands of
	// times to small indexes, set 1 and let small segments gather in tiers.
	MergeFloor int64
}

func (o Options) config() map[string]any {
	if o.MergeFloor <= 0 {
		return nil
	}
	return map[string]any{"scorchMergePlanOptions": map[string]any{"FloorSegmentSize": o.MergeFloor}}
}

// Open opens the index at dir with bleve's own settings (see OpenWith).
func Open(dir string) (*Index, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the index at dir, creating it when dir does not exist. It returns ErrStale
// (with the index closed) when the index on disk has another mapping version, and the open
// error when it is corrupt, so the caller can move it aside and rebuild.
func OpenWith(dir string, o Options) (*Index, error) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		idx, err := bleve.NewUsing(dir, newMapping(), bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, o.config())
		if err != nil {
			return nil, fmt.Errorf("create search index: %w", err)
		}
		if err := idx.SetInternal([]byte(keyMappingVersion), []byte(strconv.Itoa(MappingVersion))); err != nil {
			idx.Close()
			return nil, err
		}
		return wrap(idx), nil
	}
	idx, err := bleve.OpenUsing(dir, o.config())
	if err != nil {
		return nil, fmt.Errorf("open search index: %w", err)
	}
	v, err := idx.GetInternal([]byte(keyMappingVersion))
	if err != nil || string(v) != strconv.Itoa(MappingVersion) {
		idx.Close()
		return nil, ErrStale
	}
	return wrap(idx), nil
}

func (x *Index) Close() error { return x.idx.Close() }

func (x *Index) Count() (uint64, error) { return x.idx.DocCount() }

// AppliedSeq returns the last journal sequence applied (0 for a new index).
func (x *Index) AppliedSeq() (int64, error) {
	v, err := x.idx.GetInternal([]byte(keyAppliedSeq))
	if err != nil || len(v) == 0 {
		return 0, err
	}
	return strconv.ParseInt(string(v), 10, 64)
}

// body is what bleve indexes for a document.
type body struct {
	Type             string      `json:"_type"`
	Version          float64     `json:"version"`
	Text             string      `json:"text"`
	Plain            string      `json:"plain"`
	Pairs            string      `json:"pairs"`
	Title            string      `json:"title"`
	ReviewTitle      string      `json:"review_title"`
	OrganisationText string      `json:"organisation_text"`
	PartnershipText  string      `json:"partnership_text"`
	Number           string      `json:"number"`
	ReviewID         string      `json:"review_id"`
	ReviewType       string      `json:"review_type"`
	ReviewReference  string      `json:"review_reference"`
	PartnershipID    string      `json:"partnership_id"`
	AreaCodes        []string    `json:"area_codes"`
	Year             float64     `json:"year"`
	YearKeyword      string      `json:"year_kw"`
	IssuedOn         time.Time   `json:"issued_on"`
	ResponseDue      *time.Time  `json:"response_due,omitempty"`
	LastActivityOn   *time.Time  `json:"last_activity_on,omitempty"`
	FollowUpOn       *time.Time  `json:"follow_up_on,omitempty"`
	Targets          []time.Time `json:"unfinished_targets,omitempty"`
	Closed           string      `json:"closed"`
	HasActivity      string      `json:"has_activity"`
	Visibility       string      `json:"visibility"`
	OrganisationIDs  []string    `json:"organisation_ids"`
	Sectors          []string    `json:"sectors"`
	ThemeCodes       []string    `json:"theme_codes"`
	ThemeSlugs       []string    `json:"theme_slugs"`
	ThemeGroups      []string    `json:"theme_groups"`
	ThemeText        string      `json:"theme_text"`
	InterventionType string      `json:"intervention_type"`
	Scope            string      `json:"scope"`
	ResponseStatus   string      `json:"response_status"`
	Implementation   string      `json:"implementation_status"`
	OversightStatus  string      `json:"oversight_status"`
	RecordKey        string      `json:"record_key"`
}

// BleveType tells bleve which document mapping applies.
func (body) BleveType() string { return docType }

func bodyOf(d search.Document) body {
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	b := bodyFields(d)
	b.ResponseDue, b.LastActivityOn, b.FollowUpOn, b.Targets = d.ResponseDue, d.LastActivityOn, d.FollowUpOn, d.UnfinishedTargets
	b.Closed, b.HasActivity = yesNo(strings.HasPrefix(d.OversightStatus, "closed_")), yesNo(d.LastActivityOn != nil)
	return b
}

func bodyFields(d search.Document) body {
	return body{Version: float64(d.Version), Text: d.Text, Plain: d.Title + " \n " + d.Text, Pairs: d.Title + " \n " + d.Text, Title: d.Title, ReviewTitle: d.ReviewTitle,
		OrganisationText: strings.Join(append(append([]string{}, d.OrganisationNames...), d.OrganisationAliases...), " ; "), PartnershipText: d.PartnershipName, Number: d.Number,
		ReviewID: d.ReviewID, ReviewType: d.ReviewType, ReviewReference: d.ReviewReference, PartnershipID: d.PartnershipID,
		AreaCodes: d.AreaCodes, Year: float64(d.Year), YearKeyword: strconv.Itoa(d.Year), IssuedOn: d.IssuedOn,
		Visibility: d.Visibility, OrganisationIDs: d.OrganisationIDs, Sectors: d.Sectors, ThemeCodes: d.ThemeCodes,
		ThemeSlugs: d.ThemeSlugs, ThemeGroups: d.ThemeGroups, ThemeText: strings.Join(d.ThemeLabels, " ; "), InterventionType: d.InterventionType, Scope: d.Scope,
		ResponseStatus: d.ResponseStatus, Implementation: d.ImplementationStatus, OversightStatus: d.OversightStatus,
		RecordKey: strconv.Itoa(d.RecordKey)}
}

// Apply writes docs and deletions and the applied sequence in one batch.
func (x *Index) Apply(ctx context.Context, docs []search.Document, deletes []string, seq int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := x.idx.NewBatch()
	for _, d := range docs {
		if err := b.Index(d.ID, bodyOf(d)); err != nil {
			return fmt.Errorf("index %s: %w", d.ID, err)
		}
	}
	for _, id := range deletes {
		b.Delete(id)
	}
	b.SetInternal([]byte(keyAppliedSeq), []byte(strconv.FormatInt(seq, 10)))
	if err := x.idx.Batch(b); err != nil {
		return err
	}
	x.facets.warm(x.idx) // facet columns for the new segment (facet.go)
	return nil
}

// Versions returns the version indexed for each of ids that the index holds.
func (x *Index) Versions(ctx context.Context, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	req := bleve.NewSearchRequestOptions(bq.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fVersion}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	for _, h := range res.Hits {
		v, _ := h.Fields[fVersion].(float64)
		out[h.ID] = int(v)
	}
	return out, nil
}

// Misfiled finds the documents of reviews whose indexed visibility or partnership is not the
// review's as given.
func (x *Index) Misfiled(ctx context.Context, reviews []search.ReviewAccess) ([]string, error) {
	out := []string{}
	if len(reviews) == 0 {
		return out, nil
	}
	any := make([]bq.Query, len(reviews))
	for i, r := range reviews {
		right := bq.NewConjunctionQuery([]bq.Query{term(fVisibility, r.Visibility), term(fPartnershipID, r.PartnershipID)})
		any[i] = bq.NewBooleanQuery([]bq.Query{term(fReviewID, r.ID)}, nil, []bq.Query{right})
	}
	q := bq.NewDisjunctionQuery(any)
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, 1000, 0, false)
		req.SortBy([]string{"_id"})
		req.SearchAfter = after
		res, err := x.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			out = append(out, h.ID)
		}
		if len(res.Hits) < 1000 {
			return out, nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

// IDsAfter pages through the ids in the index in order, for reconciliation.
func (x *Index) IDsAfter(ctx context.Context, after string, limit int) ([]string, error) {
	req := bleve.NewSearchRequestOptions(bq.NewMatchAllQuery(), limit, 0, false)
	req.SortBy([]string{"_id"})
	if after != "" {
		req.SearchAfter = []string{after}
	}
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out, nil
}
