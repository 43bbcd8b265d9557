// Package imports writes review bundles into the store all or nothing
// (casereview.ImportService.ImportBundles) and keeps the import jobs the front ends run them in.
// The importers (internal/importer/…) turn files into bundles; this package matches them to what
// exists, diffs them, and writes the difference.
//
// It sits beside the store and runs its SQL only through the store's transaction API: one
// store.Write per import, whose Tx journals every entity it changes (Touch) and audits it
// (Audit) as the store's own writes do, with the store's own row models (store.ReviewRow, …) so
// the audit records an entity the same way whoever wrote it; store.Read for the jobs' reads, and
// a connection of the store's (Store.Conn) for a job's claim on PostgreSQL. The domain does not
// import this package, and it imports neither api nor web (archtest).
package imports

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// Service implements casereview.ImportService over a store.
type Service struct{ st *store.Store }

// New returns the imports of st.
func New(st *store.Store) *Service { return &Service{st: st} }

var _ casereview.ImportService = (*Service)(nil)

// importBatch is how many rows one INSERT carries: well under PostgreSQL's 65,535 parameters
// for the widest row written (recommendations, 20 columns). The SQLite driver binds parameters
// in time that grows with the square of their number per statement, so there a statement
// carries few rows (about 1,000 parameters), which is many times faster than large batches.
const (
	importBatch       = 1000
	importBatchSQLite = 50
)

// idChunk bounds the ids in one IN (...) list.
const idChunk = 5000

// errDryRun rolls a dry run's transaction back once everything has been written in it.
var errDryRun = &casereview.Error{Code: casereview.CodeConflict, Message: "dry run"}

// ImportBundles writes bundles all or nothing. It validates every bundle first (problems are
// reported against paths such as bundles[3].recommendations[2].text and nothing is written),
// checks that the caller may manage every partnership named, then creates or updates reviews
// keyed by (partnership, reference) and recommendations keyed by (review, number), so importing
// the same data again changes only what differs. Rows are written in batches; the change
// journal and the audit trail get one entry per entity plus one import event with the counts.
func (s *Service) ImportBundles(ctx context.Context, bundles []casereview.ReviewBundle, o casereview.ImportOptions) (casereview.ImportResult, error) {
	res := casereview.ImportResult{Source: o.Source, DryRun: o.DryRun, Changes: []string{}, ReviewIDs: []string{}}
	creates, err := s.planCreates(ctx, o.Create, bundles)
	if err != nil {
		return res, err
	}
	if err := casereview.ValidateBundles(bundles, casereview.DateOf(s.st.Now())); err != nil {
		return res, err
	}
	actor := casereview.ActorFrom(ctx)
	for i, b := range bundles {
		if !casereview.CanImportInto(actor, b.Review.PartnershipID) {
			return res, casereview.Deny(actor, fmt.Sprintf("only the panel of a partnership imports its reviews (bundles[%d])", i))
		}
	}
	var out casereview.ImportResult
	err = s.st.Write(ctx, func(t store.Tx) error {
		// What the import creates is created first, in this same transaction: a dry run
		// creates it too and rolls back, so it checks the bundles against it.
		if err := creates.write(t, &res); err != nil {
			return err
		}
		batch := importBatch
		if t.Dialect() != migrations.Postgres {
			batch = importBatchSQLite
		}
		p := &importPlan{w: t, ctx: ctx, db: t.DB().Session(&gorm.Session{CreateBatchSize: batch}), now: t.Now(),
			postgres: t.Dialect() == migrations.Postgres, res: res, progress: o.Progress}
		if err := p.resolve(bundles); err != nil {
			return err
		}
		if err := p.loadExisting(bundles); err != nil {
			return err
		}
		if err := p.diff(bundles); err != nil {
			return err
		}
		out = p.res
		if o.DryRun {
			return errDryRun
		}
		if err := p.write(); err != nil {
			return err
		}
		t.Audit(casereview.AuditImported, "import", store.NewID(), nil, importSummary(p.res))
		return nil
	})
	if o.DryRun && errors.Is(err, errDryRun) {
		return out, nil
	}
	if err != nil {
		return res, err
	}
	return out, nil
}

// importSummary is what the import's own audit event records: the counts, not the change list.
func importSummary(r casereview.ImportResult) casereview.ImportResult {
	r.Changes = nil
	if len(r.ReviewIDs) > 50 {
		r.ReviewIDs = r.ReviewIDs[:50]
	}
	return r
}

// importPlan is one import worked out in memory: the reference data it needs, what exists, and
// the rows to insert and update.
type importPlan struct {
	w        store.Tx
	ctx      context.Context
	db       *gorm.DB // w's transaction, batching inserts
	now      time.Time
	postgres bool
	res      casereview.ImportResult
	progress func(done, total int)
	// uncarried is what the bundle being diffed does not carry (casereview.Uncarried).
	uncarried casereview.Uncarried

	windows      map[string]int    // review type -> response window in days
	partnerships map[string]bool   // partnership id -> exists
	orgNames     map[string]string // organisation id -> name
	themes       map[string]store.ThemeRow
	themeBySlug  map[string]string
	intervention map[string]bool

	reviews map[string]store.ReviewRow            // partnership \x00 reference -> existing review
	recs    map[string]store.RecommendationRow    // review id \x00 number -> existing recommendation
	addrs   map[string][]store.AddresseeRow       // recommendation id -> existing addressees
	themeAs map[string][]store.ThemeAssignmentRow // recommendation id -> existing themes
	acts    map[string][]store.ActionRow          // recommendation id -> existing actions (oldest first)
	before  map[string]casereview.Recommendation  // recommendation id -> as it was, for the audit

	newReviews   []store.ReviewRow
	updReviews   []reviewUpdate
	newRecs      []store.RecommendationRow
	updRecs      []store.RecommendationRow
	newAddrs     []store.AddresseeRow
	updAddrs     []store.AddresseeRow
	themeReplace []string // recommendations whose theme set is rewritten
	newThemes    []store.ThemeAssignmentRow
	newActs      []store.ActionRow
	updActs      []actionUpdate
	recAfter     []recAudit
	ms           importMilestones
}

type reviewUpdate struct {
	before  casereview.Review
	row     store.ReviewRow
	reissue bool
}

type actionUpdate struct {
	before casereview.Action
	row    store.ActionRow
}

type recAudit struct {
	created bool
	row     store.RecommendationRow
	addrs   []store.AddresseeRow
	themes  []store.ThemeAssignmentRow
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func chunked(ids []string, fn func([]string) error) error {
	for i := 0; i < len(ids); i += idChunk {
		if err := fn(ids[i:min(i+idChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// resolve loads the reference data the bundles name and reports every unknown type,
// partnership, organisation, intervention type and theme against its path.
func (p *importPlan) resolve(bundles []casereview.ReviewBundle) error {
	db := p.db
	var types []store.ReviewTypeRow
	if err := db.Find(&types).Error; err != nil {
		return err
	}
	p.windows = map[string]int{}
	typeCodes := make([]string, len(types))
	for i, rt := range types {
		p.windows[rt.Code] = rt.DefaultResponseDays
		typeCodes[i] = rt.Code
	}
	var its []store.InterventionTypeRow
	if err := db.Find(&its).Error; err != nil {
		return err
	}
	p.intervention = map[string]bool{}
	itCodes := make([]string, len(its))
	for i, it := range its {
		p.intervention[it.Code] = true
		itCodes[i] = it.Code
	}
	var ths []store.ThemeRow
	if err := db.Find(&ths).Error; err != nil {
		return err
	}
	p.themes, p.themeBySlug = map[string]store.ThemeRow{}, map[string]string{}
	for _, th := range ths {
		p.themes[th.Code] = th
		p.themeBySlug[th.Slug] = th.Code
	}
	partIDs, orgIDs := map[string]bool{}, map[string]bool{}
	for _, b := range bundles {
		partIDs[b.Review.PartnershipID] = true
		for _, r := range b.Recommendations {
			for _, a := range r.Draft.Addressees {
				orgIDs[a.OrganisationID] = true
			}
		}
	}
	p.partnerships = map[string]bool{}
	var found []string
	if err := chunked(keys(partIDs), func(ids []string) error {
		var part []string
		err := db.Table("partnerships").Where("id IN ?", ids).Pluck("id", &part).Error
		found = append(found, part...)
		return err
	}); err != nil {
		return err
	}
	for _, id := range found {
		p.partnerships[id] = true
	}
	p.orgNames = map[string]string{}
	if err := chunked(keys(orgIDs), func(ids []string) error {
		var rows []store.OrganisationRow
		if err := db.Select("id, name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			p.orgNames[r.ID] = r.Name
		}
		return nil
	}); err != nil {
		return err
	}

	var probs casereview.Problems
	for i := range bundles {
		b := &bundles[i]
		bp := fmt.Sprintf("bundles[%d].review", i)
		b.Review.Type = strings.ToUpper(b.Review.Type)
		if _, ok := p.windows[b.Review.Type]; !ok {
			probs.Add(bp+".type", casereview.FieldUnknownValue, "%q is not one of: %s", b.Review.Type, strings.Join(typeCodes, ", "))
		}
		if !p.partnerships[b.Review.PartnershipID] {
			probs.Add(bp+".partnership_id", casereview.FieldNotFound, "no partnership has id %s", b.Review.PartnershipID)
		}
		for j := range b.Recommendations {
			r := &b.Recommendations[j]
			rp := fmt.Sprintf("bundles[%d].recommendations[%d]", i, j)
			if it := r.Draft.InterventionType; it != nil && !p.intervention[*it] {
				probs.Add(rp+".intervention_type", casereview.FieldUnknownValue, "%q is not one of: %s", *it, strings.Join(itCodes, ", "))
			}
			for k, a := range r.Draft.Addressees {
				if _, ok := p.orgNames[a.OrganisationID]; !ok {
					probs.Add(fmt.Sprintf("%s.addressees[%d].organisation_id", rp, k), casereview.FieldNotFound, "no organisation has id %s", a.OrganisationID)
				}
			}
			seen := map[string]int{}
			for k := range r.Draft.Themes {
				th := &r.Draft.Themes[k]
				f := fmt.Sprintf("%s.themes[%d].code", rp, k)
				code := strings.ToUpper(th.Code)
				if c, ok := p.themeBySlug[strings.ToLower(th.Code)]; ok {
					code = c
				}
				row, ok := p.themes[code]
				if !ok {
					probs.Add(f, casereview.FieldUnknownValue, "%q is not a theme code or slug (see /api/v1/themes)", th.Code)
					continue
				}
				if !row.Active {
					probs.Add(f, casereview.FieldDeprecated, "theme %s is deprecated and cannot be newly assigned", row.Code)
					continue
				}
				if dup, ok := seen[code]; ok {
					probs.Add(f, casereview.FieldDuplicate, "theme %s is already themes[%d]", code, dup)
				}
				seen[code] = k
				th.Code = code
			}
		}
	}
	return probs.Err()
}

// Services is a store with its bundle import, as the importers (internal/importer/…) take
// them: they read through the store and write through ImportBundles.
type Services interface {
	casereview.Service
	casereview.ImportService
}

// Over returns st with its imports.
func Over(st *store.Store) Services {
	return struct {
		casereview.Service
		casereview.ImportService
	}{st, New(st)}
}
