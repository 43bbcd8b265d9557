package summaries

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/migrations"
)

func quoted[T ~string](vs []T) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = "'" + string(v) + "'"
	}
	return strings.Join(out, ", ")
}

func acceptedStatuses() []casereview.ResponseStatus {
	var out []casereview.ResponseStatus
	for _, s := range casereview.ResponseStatuses {
		if s.Accepted() {
			out = append(out, s)
		}
	}
	return out
}

func inProgressStatuses() []casereview.ImplementationStatus {
	var out []casereview.ImplementationStatus
	for _, s := range casereview.ImplementationStatuses {
		if s.InProgress() {
			out = append(out, s)
		}
	}
	return out
}

// SummaryOrganisations gives each addressed organisation's figures, or each sector's when
// bySector. A recommendation counts once per organisation (or sector) it is addressed to, in any
// role; "responded" and "accepted" read that addressee's own response.
func (s *Service) SummaryOrganisations(ctx context.Context, f casereview.SummaryFilter, bySector bool) ([]casereview.OrganisationFigures, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, err
	}
	var out []casereview.OrganisationFigures
	err = sc.plain(func(c *summaryScope) error {
		var err error
		out, err = c.organisations(bySector)
		return err
	})
	return out, err
}

func (sc *summaryScope) organisations(bySector bool) ([]casereview.OrganisationFigures, error) {
	key, name := "a.organisation_id", "MIN(o.name)"
	if bySector {
		key, name = "o.sector", "o.sector"
	}
	base := func() *gorm.DB {
		return sc.recs().Joins("JOIN addressees a ON a.recommendation_id = recommendations.id").
			Joins("JOIN organisations o ON o.id = a.organisation_id")
	}
	// By organisation, each joined row is one (recommendation, organisation) pair, so plain sums
	// count recommendations; by sector two organisations of one sector would count twice, so
	// only there is DISTINCT (and its sort) needed.
	when := func(cond string) string {
		if !bySector {
			return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)"
		}
		return "COUNT(DISTINCT CASE WHEN " + cond + " THEN recommendations.id END)"
	}
	addressed := "COUNT(*)"
	if bySector {
		addressed = "COUNT(DISTINCT recommendations.id)"
	}
	var rows []struct {
		K, Name, Sector                                                     string
		Addressed, Responded, Accepted, InProgress, VerifiedClosed, Overdue int
	}
	// One pass over the join gives every count. The overdue flag (see flagCond) is worked out
	// once per recommendation, in a subquery the planner keeps apart (OFFSET 0), and not once
	// per addressee row of the join.
	perRec := sc.recs().Select("recommendations.id, recommendations.implementation_status, recommendations.oversight_status, "+
		"CASE WHEN ? THEN 1 ELSE 0 END AS overdue", sc.overdueCond())
	keepApart := " OFFSET 0"
	if sc.q.Dialect() != migrations.Postgres {
		keepApart = " LIMIT -1 OFFSET 0"
	}
	sel := key + " AS k, " + name + " AS name, MIN(o.sector) AS sector, " + addressed + " AS addressed, " +
		when("a.response_status <> 'awaiting_response'") + " AS responded, " +
		when("a.response_status IN ("+quoted(acceptedStatuses())+")") + " AS accepted, " +
		when("recommendations.implementation_status IN ("+quoted(inProgressStatuses())+")") + " AS in_progress, " +
		when("recommendations.oversight_status IN ("+quoted(casereview.VerifiedClosures())+")") + " AS verified_closed, " +
		when("recommendations.overdue = 1") + " AS overdue"
	if err := sc.db.Table("(?"+keepApart+") AS recommendations", perRec).
		Joins("JOIN addressees a ON a.recommendation_id = recommendations.id").Joins("JOIN organisations o ON o.id = a.organisation_id").
		Select(sel).Group(key).Scan(&rows).Error; err != nil {
		return nil, err
	}
	// Days to the first response of each addressee, from when it was notified (or the
	// recommendation was issued).
	var resp []struct {
		K               string
		First, Notified store.NullDate
		Issued          store.NullDate
		Rec, Org        string
	}
	if err := base().Joins("JOIN responses r ON r.recommendation_id = a.recommendation_id AND r.organisation_id = a.organisation_id").
		Select(key + " AS k, a.organisation_id AS org, recommendations.id AS rec, MIN(r.received_on) AS first, a.notified_on AS notified, recommendations.issued_on AS issued").
		Group(key + ", a.organisation_id, recommendations.id, a.notified_on, recommendations.issued_on").Scan(&resp).Error; err != nil {
		return nil, err
	}
	var closed []struct {
		K              string
		Rec            string
		Issued, Closed store.NullDate
	}
	if err := base().Where("recommendations.oversight_status IN ? AND recommendations.closed_on IS NOT NULL", strs(casereview.VerifiedClosures())).
		Select(key + " AS k, recommendations.id AS rec, recommendations.issued_on AS issued, recommendations.closed_on AS closed").
		Group(key + ", recommendations.id, recommendations.issued_on, recommendations.closed_on").Scan(&closed).Error; err != nil {
		return nil, err
	}
	by := map[string]*casereview.OrganisationFigures{}
	out := make([]casereview.OrganisationFigures, 0, len(rows))
	for _, r := range rows {
		out = append(out, casereview.OrganisationFigures{Key: r.K, Name: r.Name, Sector: r.Sector, Addressed: r.Addressed, Responded: r.Responded,
			Accepted: r.Accepted, InProgress: r.InProgress, VerifiedClosed: r.VerifiedClosed, Overdue: r.Overdue})
	}
	for i := range out {
		by[out[i].Key] = &out[i]
		if bySector {
			out[i].Sector = ""
		}
	}
	for _, r := range resp {
		from := r.Notified
		if !from.Valid {
			from = r.Issued
		}
		if x := by[r.K]; x != nil && r.First.Valid && from.Valid {
			x.ResponseDays = append(x.ResponseDays, days(from.D, r.First.D))
		}
	}
	for _, c := range closed {
		if x := by[c.K]; x != nil && c.Issued.Valid && c.Closed.Valid {
			x.ClosureDays = append(x.ClosureDays, days(c.Issued.D, c.Closed.D))
		}
	}
	for i := range out {
		out[i].MedianResponse = casereview.Median(out[i].ResponseDays)
		out[i].MedianClosure = casereview.Median(out[i].ClosureDays)
	}
	slices.SortFunc(out, func(a, b casereview.OrganisationFigures) int {
		if a.Addressed != b.Addressed {
			return b.Addressed - a.Addressed
		}
		return strings.Compare(a.Name+a.Key, b.Name+b.Key)
	})
	return out, nil
}

func days(from, to casereview.Date) int { return int(to.Time().Sub(from.Time()).Hours() / 24) }

// SummaryThemePairs counts, for every two themes, the recommendations carrying both, with the
// lift; it also returns how many recommendations were counted.
func (s *Service) SummaryThemePairs(ctx context.Context, f casereview.SummaryFilter) ([]casereview.ThemePair, int, error) {
	sc, err := s.open(ctx, f, true) // the labels before the parts: each copies the scope
	if err != nil {
		return nil, 0, err
	}
	return sc.pairs()
}

func (sc *summaryScope) pairs() ([]casereview.ThemePair, int, error) {
	var out []casereview.ThemePair
	n := 0
	err := parallel(
		func() error {
			return sc.plain(func(c *summaryScope) error {
				var err error
				out, err = c.pairCounts()
				return err
			})
		},
		func() error {
			return sc.plain(func(c *summaryScope) error {
				var err error
				n, err = c.count()
				return err
			})
		},
	)
	if err != nil {
		return nil, 0, err
	}
	casereview.SortPairs(out, n)
	return out, n, nil
}

// pairCounts counts the recommendations carrying each two themes, and each theme alone, in one
// self-join of the assignments: a theme paired with itself is the theme's own count. The pairs
// come back unsorted (SortPairs needs the number of recommendations counted).
func (sc *summaryScope) pairCounts() ([]casereview.ThemePair, error) {
	if err := sc.loadLabels(); err != nil {
		return nil, err
	}
	var rows []struct {
		A, B string
		N    int
	}
	if err := sc.db.Table("theme_assignments pa").Joins("JOIN theme_assignments pb ON pb.recommendation_id = pa.recommendation_id AND pa.theme_code <= pb.theme_code AND "+store.ConfirmedTheme("pb")).
		Where("pa.recommendation_id IN (?) AND "+store.ConfirmedTheme("pa"), sc.ids()).Select("pa.theme_code AS a, pb.theme_code AS b, COUNT(*) AS n").
		Group("pa.theme_code, pb.theme_code").Scan(&rows).Error; err != nil {
		return nil, err
	}
	single := map[string]int{}
	for _, r := range rows {
		if r.A == r.B {
			single[r.A] = r.N
		}
	}
	out := make([]casereview.ThemePair, 0, len(rows)-len(single))
	for _, r := range rows {
		if r.A == r.B {
			continue
		}
		out = append(out, casereview.ThemePair{A: casereview.Value{Key: r.A, Label: sc.label(casereview.DimTheme, r.A)},
			B: casereview.Value{Key: r.B, Label: sc.label(casereview.DimTheme, r.B)}, Count: r.N, CountA: single[r.A], CountB: single[r.B]})
	}
	return out, nil
}

// SummaryTrends counts recommendations by the year they were issued and the year they were
// closed.
func (s *Service) SummaryTrends(ctx context.Context, f casereview.SummaryFilter) ([]casereview.TrendRow, error) {
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return nil, err
	}
	var out []casereview.TrendRow
	err = sc.plain(func(c *summaryScope) error {
		var err error
		out, err = c.trends()
		return err
	})
	return out, err
}

func (sc *summaryScope) trends() ([]casereview.TrendRow, error) {
	by := map[int]*casereview.TrendRow{}
	get := func(y string) *casereview.TrendRow {
		n, _ := strconv.Atoi(y)
		if by[n] == nil {
			by[n] = &casereview.TrendRow{Year: n}
		}
		return by[n]
	}
	// One pass: each group is (year issued, year closed or none, verified or not).
	var rows []struct {
		Y  string
		CY *string
		V  int
		N  int
	}
	issuedY, closedY := sc.yearOf("recommendations.issued_on"), sc.yearOf("recommendations.closed_on")
	closedE := "CASE WHEN " + closedCond + " THEN " + closedY + " END"
	verifiedE := "CASE WHEN recommendations.oversight_status IN (" + quoted(casereview.VerifiedClosures()) + ") THEN 1 ELSE 0 END"
	if err := sc.recs().Select(issuedY + " AS y, " + closedE + " AS cy, " + verifiedE + " AS v, COUNT(*) AS n").
		Group(issuedY + ", " + closedE + ", " + verifiedE).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		get(r.Y).Issued += r.N
		if r.CY == nil {
			continue
		}
		get(*r.CY).Closed += r.N
		if r.V == 1 {
			get(*r.CY).VerifiedClosed += r.N
		}
	}
	out := make([]casereview.TrendRow, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b casereview.TrendRow) int { return a.Year - b.Year })
	return out, nil
}
