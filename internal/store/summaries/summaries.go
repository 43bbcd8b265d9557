// Package summaries aggregates recommendations for oversight reporting (casereview.SummaryService)
// in SQL over the recommendations the caller may read, narrowed by the same filters as search.
//
// It sits beside the store and runs its statements only through the store's small transaction
// API: Store.Read gives a read-only transaction as a store.Query, which also carries the caller's
// visibility (Query.Visible, the filter the store's lists apply), the date flags are computed
// against (Query.AsOf) and the flags' SQL (Query.FlagWhere, the twin of
// casereview.ComputeFlags). Every query starts from summaryScope.recs, which applies Visible, so
// no count includes a restricted review the caller may not see. A summary's independent parts
// each run in a read of their own, at once (parallel). The one write, AuditSummaryExport, goes
// through the store's audited write.
//
// The domain does not import this package, and it imports neither api nor web (archtest).
package summaries

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

// Service implements casereview.SummaryService over a store.
type Service struct {
	st *store.Store
	// shards is how many parts the slowest statements split their recommendations into (see
	// sharded); tests vary it.
	shards int
}

// New returns the summaries of st.
func New(st *store.Store) *Service { return &Service{st: st, shards: defaultShards} }

var _ casereview.SummaryService = (*Service)(nil)

type summaryScope struct {
	s      *Service
	ctx    context.Context
	q      store.Query // the read the scope's statements run in (see plain)
	db     *gorm.DB    // q.DB()
	f      casereview.SummaryFilter
	themes []string // resolved theme codes
	asOf   casereview.Date
	labels map[casereview.Dimension]map[string]string
	// groupOf is each theme's group (loaded with the labels).
	groupOf map[string]string
	// shard, when set, keeps recs() to one shard of the recommendations (see sharded).
	shard *shardRange
}

// open validates f and, when labels, loads the labels, in one read, and returns the scope every
// summary query is built on. Its statements run later, each part in a read of its own (plain).
func (s *Service) open(ctx context.Context, f casereview.SummaryFilter, labels bool) (*summaryScope, error) {
	var sc *summaryScope
	err := s.st.Read(ctx, func(q store.Query) error {
		var err error
		if sc, err = s.summaryScope(ctx, q, f); err != nil {
			return err
		}
		if labels {
			return sc.loadLabels()
		}
		return nil
	})
	return sc, err
}

// summaryScope validates f against the domain rules and the reference tables and returns the scope
// every summary query is built on.
func (s *Service) summaryScope(ctx context.Context, q store.Query, f casereview.SummaryFilter) (*summaryScope, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	// Narrowing by a subject's characteristic is an equality figure, whatever summary it is:
	// the same people may use it, and a panel member's figures are narrowed to their own.
	if f.BySubject() {
		if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &f); err != nil {
			return nil, err
		}
	}
	db := q.DB()
	sc := &summaryScope{s: s, ctx: ctx, q: q, db: db, f: f, asOf: f.AsOf}
	if sc.asOf == (casereview.Date{}) {
		sc.asOf = q.AsOf()
	}
	var p casereview.Problems
	for i, t := range f.Themes {
		var code string
		if err := db.Table("themes").Where("code = ? OR slug = ?", strings.ToUpper(t), strings.ToLower(t)).Limit(1).Pluck("code", &code).Error; err != nil {
			return nil, err
		}
		if code == "" {
			p.Add(fmt.Sprintf("theme[%d]", i), casereview.FieldUnknownValue, "%q is not a theme code or slug (see /api/v1/themes)", t)
			continue
		}
		sc.themes = append(sc.themes, code)
	}
	for i, rt := range f.ReviewTypes {
		if err := q.KnownReviewType(fmt.Sprintf("type[%d]", i), rt); err != nil {
			if e := (*casereview.Error)(nil); errors.As(err, &e) && e.Code == casereview.CodeInvalid {
				p.Extend(e.Fields...)
				continue
			}
			return nil, err
		}
	}
	for i, it := range f.Interventions {
		var n int64
		if err := db.Table("intervention_types").Where("code = ?", strings.ToLower(it)).Count(&n).Error; err != nil {
			return nil, err
		}
		if n == 0 {
			p.Add(fmt.Sprintf("intervention[%d]", i), casereview.FieldUnknownValue, "%q is not an intervention type (see /api/v1/intervention-types)", it)
		}
		f.Interventions[i] = strings.ToLower(it)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// recs is the filtered, visible set of recommendations, joined to their reviews, built afresh on
// every call. The join is a LEFT JOIN, though every recommendation has its review (review_id is
// NOT NULL and a foreign key), so it keeps the same rows: a condition on reviews makes it an inner
// join again, and when nothing in a statement reads reviews (an oversight officer's figures with
// no review filter) the planner leaves the join out instead of hashing every review (PostgreSQL:
// the overdue tally at 100k about 5 % faster in psql).
func (sc *summaryScope) recs() *gorm.DB {
	db, f := sc.db, sc.f
	q := sc.q.Visible(db.Table("recommendations").Joins("LEFT JOIN reviews ON reviews.id = recommendations.review_id"))
	if len(sc.themes) > 0 {
		q = q.Where("EXISTS (?)", db.Table("theme_assignments fta").Select("1").
			Where("fta.recommendation_id = recommendations.id AND fta.theme_code IN ? AND "+store.ConfirmedTheme("fta"), sc.themes))
	}
	if len(f.ThemeGroups) > 0 {
		q = q.Where("EXISTS (?)", db.Table("theme_assignments fga").Select("1").Joins("JOIN themes fgt ON fgt.code = fga.theme_code").
			Where("fga.recommendation_id = recommendations.id AND fgt.group_code IN ? AND "+store.ConfirmedTheme("fga"), f.ThemeGroups))
	}
	if len(f.ReviewTypes) > 0 {
		q = q.Where("reviews.type IN ?", f.ReviewTypes)
	}
	if len(f.Partnerships) > 0 {
		q = q.Where("reviews.partnership_id IN ?", f.Partnerships)
	}
	if len(f.Organisations) > 0 {
		q = q.Where("EXISTS (?)", db.Table("addressees fa").Select("1").
			Where("fa.recommendation_id = recommendations.id AND fa.organisation_id IN ?", f.Organisations))
	}
	if len(f.Sectors) > 0 {
		q = q.Where("EXISTS (?)", db.Table("addressees fs").Select("1").Joins("JOIN organisations fso ON fso.id = fs.organisation_id").
			Where("fs.recommendation_id = recommendations.id AND fso.sector IN ?", f.Sectors))
	}
	in := func(col string, vs []string) {
		if len(vs) > 0 {
			q = q.Where(col+" IN ?", vs)
		}
	}
	in("recommendations.scope", strs(f.Scopes))
	in("recommendations.intervention_type", f.Interventions)
	in("recommendations.response_status", strs(f.Responses))
	in("recommendations.implementation_status", strs(f.Implementations))
	in("recommendations.oversight_status", strs(f.Oversights))
	if len(f.Years) > 0 {
		var conds []string
		var args []any
		for _, y := range f.Years {
			from, to := yearStart(y), yearStart(y+1)
			conds = append(conds, "(recommendations.issued_on >= ? AND recommendations.issued_on < ?)")
			args = append(args, store.NullDate{D: from, Valid: true}, store.NullDate{D: to, Valid: true})
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	if f.YearFrom != nil {
		d := yearStart(*f.YearFrom)
		q = q.Where("recommendations.issued_on >= ?", store.NullDate{D: d, Valid: true})
	}
	if f.YearTo != nil {
		d := yearStart(*f.YearTo + 1)
		q = q.Where("recommendations.issued_on < ?", store.NullDate{D: d, Valid: true})
	}
	if f.IssuedFrom != nil {
		q = q.Where("recommendations.issued_on >= ?", store.NullDate{D: *f.IssuedFrom, Valid: true})
	}
	if f.IssuedTo != nil {
		q = q.Where("recommendations.issued_on <= ?", store.NullDate{D: *f.IssuedTo, Valid: true})
	}
	if f.Flag != "" {
		q = sc.q.FlagWhere(q, f.Flag, sc.asOf)
	}
	for i, c := range f.Subjects {
		q = q.Where(subjectCondition(c, fmt.Sprint("fsj", i)))
	}
	if f.IDs != nil {
		q = sc.onlyIDs(q, f.IDs)
	}
	if sc.shard != nil {
		q = q.Where(sc.shard.cond(sc.q.Dialect()))
	}
	return q
}

// onlyIDs keeps the recommendations a query text matched. The ids travel as one JSON parameter,
// so any number of them fits in one statement on both databases.
func (sc *summaryScope) onlyIDs(q *gorm.DB, ids []string) *gorm.DB {
	if len(ids) == 0 {
		return q.Where("1 = 0")
	}
	raw, _ := json.Marshal(ids)
	if sc.q.Dialect() == migrations.Postgres {
		return q.Where("recommendations.id IN (SELECT CAST(v AS uuid) FROM json_array_elements_text(CAST(? AS json)) AS v)", string(raw))
	}
	return q.Where("recommendations.id IN (SELECT value FROM json_each(?))", string(raw))
}

// ids is the filtered set as a subquery of recommendation ids.
func (sc *summaryScope) ids() *gorm.DB { return sc.recs().Select("recommendations.id") }

func yearStart(y int) casereview.Date { return casereview.Date{Year: y, Month: 1, Day: 1} }

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// yearOf is the SQL for the year of a date column, as text, on this database.
func (sc *summaryScope) yearOf(col string) string {
	if sc.q.Dialect() == migrations.Postgres {
		return "to_char(" + col + ", 'YYYY')"
	}
	return "substr(" + col + ", 1, 4)"
}

const closedCond = "recommendations.oversight_status LIKE 'closed\\_%' ESCAPE '\\' AND recommendations.closed_on IS NOT NULL"

// loadLabels names theme codes, theme groups, review types and intervention types for people.
func (sc *summaryScope) loadLabels() error {
	if sc.labels != nil {
		return nil
	}
	sc.labels = map[casereview.Dimension]map[string]string{}
	type kv struct{ K, V string }
	load := func(d casereview.Dimension, table, key, label string) error {
		var rows []kv
		if err := sc.db.Table(table).Select(key + " AS k, " + label + " AS v").Scan(&rows).Error; err != nil {
			return err
		}
		m := map[string]string{}
		for _, r := range rows {
			m[r.K] = r.V
		}
		sc.labels[d] = m
		return nil
	}
	if err := load(casereview.DimTheme, "themes", "code", "label"); err != nil {
		return err
	}
	if err := load(casereview.DimThemeGroup, "themes", "code", "group_code"); err != nil {
		return err
	}
	// Each theme's group, for expander; the groups' own labels are set below.
	sc.groupOf = sc.labels[casereview.DimThemeGroup]
	if err := load(casereview.DimReviewType, "review_types", "code", "label"); err != nil {
		return err
	}
	if err := load(casereview.DimIntervention, "intervention_types", "code", "label"); err != nil {
		return err
	}
	sc.labels[casereview.DimThemeGroup] = map[string]string{"A": "Forms of VAWG and domestic abuse", "B": "Risk and vulnerability context",
		"C": "Practice and system themes"}
	sc.labels[casereview.DimIntervention][casereview.NoneKey] = "No intervention type"
	sc.labels[casereview.DimTheme][casereview.NoneKey] = "No theme"
	sc.labels[casereview.DimThemeGroup][casereview.NoneKey] = "No theme"
	sc.subjectLabels()
	return nil
}

func (sc *summaryScope) label(d casereview.Dimension, k string) string {
	if l, ok := sc.labels[d][k]; ok {
		return l
	}
	switch d {
	case casereview.DimClosedYear:
		if k == casereview.OpenKey {
			return "Not closed"
		}
	case casereview.DimResponse, casereview.DimImplementation, casereview.DimOversight, casereview.DimScope:
		return casereview.StatusLabel(k)
	case casereview.DimSector:
		if k == casereview.NoneKey {
			return "No addressee"
		}
		return casereview.StatusLabel(k)
	}
	return k
}

func (sc *summaryScope) count() (int, error) {
	var n int64
	if err := sc.recs().Count(&n).Error; err != nil {
		return 0, err
	}
	return int(n), nil
}

// recordKey is a recommendation's record key in SQL (never NULL once migration 00020 ran; the
// COALESCE covers a row inserted by hand on SQLite before its trigger fills it in).
const recordKey = "COALESCE(recommendations.record_key, 0)"

// onRestricted holds for a recommendation on a restricted review. It asks the set of restricted
// reviews (hashed once per statement) rather than the joined review's visibility, so a statement
// that reads nothing else of reviews lets the planner leave the join out (recs): an oversight
// officer's population count at 110k, 46-49 -> 37-40 ms in psql.
const onRestricted = "recommendations.review_id IN (SELECT rr.id FROM reviews rr WHERE rr.visibility = 'restricted')"

// tally counts the filtered set with the sum of its record keys.
func (sc *summaryScope) tally() (casereview.Tally, error) {
	var x struct {
		N  int
		KS int64
	}
	err := sc.recs().Select("COUNT(*) AS n, COALESCE(SUM(" + recordKey + "), 0) AS ks").Scan(&x).Error
	return casereview.Tally{N: x.N, KeySum: x.KS}, err
}

// AuditSummaryExport records that a summary counting restricted material left the system.
func (s *Service) AuditSummaryExport(ctx context.Context, kind string, detail any) error {
	return s.st.Audit(ctx, casereview.AuditSummaryExported, "summary", kind, detail)
}

// AuditSummaryRead records that a JSON summary counting restricted material was read.
func (s *Service) AuditSummaryRead(ctx context.Context, kind string, detail any) error {
	return s.st.Audit(ctx, casereview.AuditSummaryRead, "summary", kind, detail)
}

// SummaryPopulation counts what f keeps, what the caller could count without it, and how many
// of the kept are on restricted reviews.
func (s *Service) SummaryPopulation(ctx context.Context, f casereview.SummaryFilter) (casereview.Population, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return casereview.Population{}, err
	}
	var p casereview.Population
	if sc.f.KeepsAll() { // what the filter keeps is what the caller may see: one count
		err = sc.plain(func(c *summaryScope) error { return c.population(&p) })
		p.Visible = p.Matched
		return p, err
	}
	err = parallel(func() error {
		return sc.plain(func(c *summaryScope) error { return c.population(&p) })
	}, func() error {
		return sc.plain(func(c *summaryScope) error {
			c.f, c.themes = casereview.SummaryFilter{AsOf: c.f.AsOf}, nil
			var n int64
			err := c.recs().Count(&n).Error
			p.Visible = int(n)
			return err
		})
	})
	return p, err
}

// population counts the recommendations the scope keeps, those of them on restricted reviews, and
// their record keys.
func (sc *summaryScope) population(p *casereview.Population) error {
	var x struct {
		N, R int
		KS   int64
	}
	err := sc.recs().Select("COUNT(*) AS n, COALESCE(SUM(CASE WHEN " + onRestricted + " THEN 1 ELSE 0 END), 0) AS r, " +
		"COALESCE(SUM(" + recordKey + "), 0) AS ks").Scan(&x).Error
	p.Matched, p.Restricted, p.MatchedKeySum = x.N, x.R, x.KS
	return err
}

// SummaryRecurringMembers returns the recommendations f keeps, under the caller's read scope, that
// belong to a recurrence cluster, each with its record key.
func (s *Service) SummaryRecurringMembers(ctx context.Context, f casereview.SummaryFilter) (map[string]int64, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	err = sc.plain(func(c *summaryScope) error {
		var rows []struct {
			ID string
			K  int64
		}
		err := c.recs().Joins("JOIN recurrence_members ON recurrence_members.recommendation_id = recommendations.id").
			Select("recommendations.id AS id, " + recordKey + " AS k").Scan(&rows).Error
		for _, r := range rows {
			out[r.ID] = r.K
		}
		return err
	})
	return out, err
}
