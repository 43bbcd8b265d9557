package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

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

// errStateDryRun rolls a dry run's transaction back once everything has been written in it.
var errStateDryRun = &casereview.Error{Code: casereview.CodeConflict, Message: "dry run"}

// ImportBundles writes bundles all or nothing. It validates every bundle first (problems are
// reported against paths such as bundles[3].recommendations[2].text and nothing is written),
// checks that the caller may manage every partnership named, then creates or updates reviews
// keyed by (partnership, reference) and recommendations keyed by (review, number), so importing
// the same data again changes only what differs. Rows are written in batches; the change
// journal and the audit trail get one entry per entity plus one import event with the counts.
func (s *Store) ImportBundles(ctx context.Context, bundles []casereview.ReviewBundle, o casereview.ImportOptions) (casereview.ImportResult, error) {
	res := casereview.ImportResult{Source: o.Source, DryRun: o.DryRun, Changes: []string{}, ReviewIDs: []string{}}
	creates, err := s.planCreates(ctx, o.Create, bundles)
	if err != nil {
		return res, err
	}
	if err := casereview.ValidateBundles(bundles, s.today()); err != nil {
		return res, err
	}
	actor := actorOf(ctx)
	for i, b := range bundles {
		if !casereview.CanImportInto(actor, b.Review.PartnershipID) {
			return res, deny(ctx, fmt.Sprintf("only the panel of a partnership imports its reviews (bundles[%d])", i))
		}
	}
	var out casereview.ImportResult
	err = s.inTx(ctx, func(t *tx) error {
		// What the import creates is created first, in this same transaction: a dry run
		// creates it too and rolls back, so it checks the bundles against it.
		if err := creates.write(s, t, &res); err != nil {
			return err
		}
		batch := importBatch
		if s.dialect != migrations.Postgres {
			batch = importBatchSQLite
		}
		t.db = t.db.Session(&gorm.Session{CreateBatchSize: batch})
		p := &importPlan{s: s, t: t, res: res, progress: o.Progress}
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
			return errStateDryRun
		}
		if err := p.write(); err != nil {
			return err
		}
		t.audit(casereview.AuditImported, "import", newID(), nil, importSummary(p.res))
		return nil
	})
	if o.DryRun && errors.Is(err, errStateDryRun) {
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
	s        *Store
	t        *tx
	res      casereview.ImportResult
	progress func(done, total int)
	// uncarried is what the bundle being diffed does not carry (casereview.Uncarried).
	uncarried casereview.Uncarried

	windows      map[string]int    // review type -> response window in days
	partnerships map[string]bool   // partnership id -> exists
	orgNames     map[string]string // organisation id -> name
	themes       map[string]themeRow
	themeBySlug  map[string]string
	intervention map[string]bool

	reviews map[string]reviewRow                 // partnership \x00 reference -> existing review
	recs    map[string]recommendationRow         // review id \x00 number -> existing recommendation
	addrs   map[string][]addresseeRow            // recommendation id -> existing addressees
	themeAs map[string][]themeAssignmentRow      // recommendation id -> existing themes
	acts    map[string][]actionRow               // recommendation id -> existing actions (oldest first)
	before  map[string]casereview.Recommendation // recommendation id -> as it was, for the audit

	newReviews   []reviewRow
	updReviews   []reviewUpdate
	newRecs      []recommendationRow
	updRecs      []recommendationRow
	newAddrs     []addresseeRow
	updAddrs     []addresseeRow
	themeReplace []string // recommendations whose theme set is rewritten
	newThemes    []themeAssignmentRow
	newActs      []actionRow
	updActs      []actionUpdate
	recAfter     []recAudit
	ms           importMilestones
}

type reviewUpdate struct {
	before  casereview.Review
	row     reviewRow
	reissue bool
}

type actionUpdate struct {
	before casereview.Action
	row    actionRow
}

type recAudit struct {
	created bool
	row     recommendationRow
	addrs   []addresseeRow
	themes  []themeAssignmentRow
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
	db := p.t.db
	var types []reviewTypeRow
	if err := db.Find(&types).Error; err != nil {
		return err
	}
	p.windows = map[string]int{}
	typeCodes := make([]string, len(types))
	for i, rt := range types {
		p.windows[rt.Code] = rt.DefaultResponseDays
		typeCodes[i] = rt.Code
	}
	var its []interventionTypeRow
	if err := db.Find(&its).Error; err != nil {
		return err
	}
	p.intervention = map[string]bool{}
	itCodes := make([]string, len(its))
	for i, it := range its {
		p.intervention[it.Code] = true
		itCodes[i] = it.Code
	}
	var ths []themeRow
	if err := db.Find(&ths).Error; err != nil {
		return err
	}
	p.themes, p.themeBySlug = map[string]themeRow{}, map[string]string{}
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
		var rows []organisationRow
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

// AllOrganisations returns every organisation with its aliases, for matching addressee text in
// imports (two queries, however many there are).
func (s *Store) AllOrganisations(ctx context.Context) ([]casereview.Organisation, error) {
	var rows []organisationRow
	if err := s.read.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return s.organisations(s.read.WithContext(ctx), rows)
}
