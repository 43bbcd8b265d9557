package summaries

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
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
	return sc.organisations(bySector)
}

// organisations runs its three statements (the counts, and the days to first response and to
// verified closure) at once, each in a read of its own: call it outside plain.
func (sc *summaryScope) organisations(bySector bool) ([]casereview.OrganisationFigures, error) {
	key := "a.organisation_id"
	if bySector {
		key = "o.sector"
	}
	base := func(c *summaryScope) *gorm.DB {
		return c.recs().Joins("JOIN addressees a ON a.recommendation_id = recommendations.id").
			Joins("JOIN organisations o ON o.id = a.organisation_id")
	}
	// Each figure is counted with the sum of its records' keys (the cell key method). By
	// organisation, each joined row is one (recommendation, organisation) pair, so plain sums count
	// recommendations; by sector two organisations of one sector would count twice, so only there
	// are the rows first made one per (sector, recommendation), which costs a grouping.
	conds := []struct{ as, cond string }{
		{"responded", "a.response_status <> 'awaiting_response'"},
		{"accepted", "a.response_status IN (" + quoted(acceptedStatuses()) + ")"},
		{"in_progress", "recommendations.implementation_status IN (" + quoted(inProgressStatuses()) + ")"},
		{"verified_closed", "recommendations.oversight_status IN (" + quoted(casereview.VerifiedClosures()) + ")"},
		{"overdue", "recommendations.overdue = 1"},
	}
	// The medians come from histograms (key, days, how many) counted in SQL: the measurements
	// themselves were one row per addressee, over a hundred thousand of them at 100k.
	var resp, closed []dayCount
	var shards [][]orgCounts
	err := parallel(func() (err error) {
		// The slowest of the three by far: it runs in shards, side by side (see sharded).
		shards, err = sharded(sc, func(c *summaryScope, rows *[]orgCounts) error {
			// One pass over the join gives every count. The overdue flag (see flagCond) is worked
			// out once per recommendation, in a subquery the planner keeps apart (OFFSET 0), and
			// not once per addressee row of the join.
			perRec := c.recs().Select("recommendations.id, recommendations.implementation_status, recommendations.oversight_status, "+
				recordKey+" AS record_key, CASE WHEN ? THEN 1 ELSE 0 END AS overdue", c.overdueCond())
			keepApart := " OFFSET 0"
			if c.q.Dialect() != migrations.Postgres {
				keepApart = " LIMIT -1 OFFSET 0"
			}
			if !bySector {
				return c.organisationCounts(conds, keepApart, rows)
			}
			joined := c.db.Table("(?"+keepApart+") AS recommendations", perRec).
				Joins("JOIN addressees a ON a.recommendation_id = recommendations.id").Joins("JOIN organisations o ON o.id = a.organisation_id")
			inner := "o.sector AS k, recommendations.id AS rid, MAX(recommendations.record_key) AS rk"
			outer := "x.k AS k, x.k AS name, x.k AS sector, COUNT(*) AS addressed, SUM(x.rk) AS addressed_ks"
			for _, x := range conds {
				inner += ", MAX(CASE WHEN " + x.cond + " THEN 1 ELSE 0 END) AS " + x.as
				outer += ", SUM(x." + x.as + ") AS " + x.as + ", SUM(x." + x.as + " * x.rk) AS " + x.as + "_ks"
			}
			return c.db.Table("(?) AS x", joined.Select(inner).Group("o.sector, recommendations.id")).Select(outer).Group("x.k").Scan(rows).Error
		})
		return err
	}, func() error {
		return sc.plain(func(c *summaryScope) error {
			// Days to the first response of each addressee, from when it was notified (or the
			// recommendation was issued).
			each := base(c).Joins("JOIN responses r ON r.recommendation_id = a.recommendation_id AND r.organisation_id = a.organisation_id").
				Select(key + " AS k, " + c.daysBetween("COALESCE(a.notified_on, recommendations.issued_on)", "MIN(r.received_on)") + " AS d").
				Group(key + ", a.organisation_id, recommendations.id, a.notified_on, recommendations.issued_on")
			return c.histogram(each, &resp)
		})
	}, func() error {
		return sc.plain(func(c *summaryScope) error {
			each := base(c).Where("recommendations.oversight_status IN ? AND recommendations.closed_on IS NOT NULL", strs(casereview.VerifiedClosures())).
				Select(key + " AS k, " + c.daysBetween("recommendations.issued_on", "recommendations.closed_on") + " AS d").
				Group(key + ", recommendations.id, recommendations.issued_on, recommendations.closed_on")
			return c.histogram(each, &closed)
		})
	})
	if err != nil {
		return nil, err
	}
	rows := addUp(shards, func(r orgCounts) string { return r.K }, addOrgCounts)
	by := map[string]*casereview.OrganisationFigures{}
	out := make([]casereview.OrganisationFigures, 0, len(rows))
	for _, r := range rows {
		out = append(out, casereview.OrganisationFigures{Key: r.K, Name: r.Name, Sector: r.Sector, Addressed: r.Addressed, Responded: r.Responded,
			Accepted: r.Accepted, InProgress: r.InProgress, VerifiedClosed: r.VerifiedClosed, Overdue: r.Overdue,
			Keys: [6]int64{r.AddressedKs, r.RespondedKs, r.AcceptedKs, r.InProgressKs, r.VerifiedClosedKs, r.OverdueKs}})
	}
	for i := range out {
		by[out[i].Key] = &out[i]
		if bySector {
			out[i].Sector = ""
		}
	}
	for _, r := range resp {
		if x := by[r.K]; x != nil {
			x.ResponseDays = append(x.ResponseDays, slices.Repeat([]int{r.D}, r.N)...)
		}
	}
	for _, c := range closed {
		if x := by[c.K]; x != nil {
			x.ClosureDays = append(x.ClosureDays, slices.Repeat([]int{c.D}, c.N)...)
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

// orgCounts is one organisation's (or sector's) counts, each with the sum of its record keys.
type orgCounts struct {
	K, Name, Sector                                                                 string
	Addressed, Responded, Accepted, InProgress, VerifiedClosed, Overdue             int
	AddressedKs, RespondedKs, AcceptedKs, InProgressKs, VerifiedClosedKs, OverdueKs int64
}

// addOrgCounts adds the counts of one shard's row to another's of the same organisation (or
// sector).
func addOrgCounts(o *orgCounts, r orgCounts) {
	o.Addressed += r.Addressed
	o.Responded += r.Responded
	o.Accepted += r.Accepted
	o.InProgress += r.InProgress
	o.VerifiedClosed += r.VerifiedClosed
	o.Overdue += r.Overdue
	o.AddressedKs += r.AddressedKs
	o.RespondedKs += r.RespondedKs
	o.AcceptedKs += r.AcceptedKs
	o.InProgressKs += r.InProgressKs
	o.VerifiedClosedKs += r.VerifiedClosedKs
	o.OverdueKs += r.OverdueKs
}

// organisationCounts counts, for each organisation addressed, its recommendations and those
// meeting each of conds (responded and accepted, which its addressee row says; in progress,
// verified closed and overdue, which the recommendation says). Each recommendation's three
// conditions are worked out once, as the bits of one class, in a subquery kept apart from the
// join; the join's rows are then only counted by (organisation, the addressee's two bits, the
// recommendation's class) and the figures added up here: at 100k, 172,954 addressee rows into
// about 4,700 groups, with one count and one sum each instead of twelve conditional sums (about
// 300 -> 180 ms alone). The addressee's two bits, conds[0] and conds[1], are its response_bits
// column (migration 00030), written with the row rather than worked out here for every one.
func (sc *summaryScope) organisationCounts(conds []struct{ as, cond string }, keepApart string, dst *[]orgCounts) error {
	bits := func(cs []struct{ as, cond string }) string {
		var b []string
		for i, x := range cs {
			b = append(b, fmt.Sprintf("CASE WHEN %s THEN %d ELSE 0 END", x.cond, 1<<i))
		}
		return strings.Join(b, " + ")
	}
	perRec := sc.recs().Select("recommendations.id, "+recordKey+" AS record_key, "+bits(conds[2:4])+" + CASE WHEN ? THEN 4 ELSE 0 END AS cls",
		sc.overdueCond())
	var groups []struct {
		K       string
		AC, Cls int
		N       int
		KS      int64
	}
	if err := sc.db.Table("(?"+keepApart+") AS recommendations", perRec).Joins("JOIN addressees a ON a.recommendation_id = recommendations.id").
		Select("a.organisation_id AS k, a.response_bits AS ac, recommendations.cls AS cls, COUNT(*) AS n, SUM(recommendations.record_key) AS ks").
		Group("1, 2, 3").Scan(&groups).Error; err != nil {
		return err
	}
	var orgs []struct{ ID, Name, Sector string }
	if err := sc.db.Table("organisations").Select("id, name, sector").Scan(&orgs).Error; err != nil {
		return err
	}
	at := map[string]int{}
	for _, g := range groups {
		i, ok := at[g.K]
		if !ok {
			i = len(*dst)
			at[g.K] = i
			*dst = append(*dst, orgCounts{K: g.K})
		}
		r := &(*dst)[i]
		add := func(on bool, n *int, ks *int64) {
			if on {
				*n += g.N
				*ks += g.KS
			}
		}
		add(true, &r.Addressed, &r.AddressedKs)
		add(g.AC&1 != 0, &r.Responded, &r.RespondedKs)
		add(g.AC&2 != 0, &r.Accepted, &r.AcceptedKs)
		add(g.Cls&1 != 0, &r.InProgress, &r.InProgressKs)
		add(g.Cls&2 != 0, &r.VerifiedClosed, &r.VerifiedClosedKs)
		add(g.Cls&4 != 0, &r.Overdue, &r.OverdueKs)
	}
	for _, o := range orgs {
		if i, ok := at[o.ID]; ok {
			(*dst)[i].Name, (*dst)[i].Sector = o.Name, o.Sector
		}
	}
	return nil
}

// dayCount is one bar of a histogram of days: N measurements of D days under key K.
type dayCount struct {
	K    string
	D, N int
}

// histogram counts the (k, d) rows of each, leaving out those with no d.
func (sc *summaryScope) histogram(each *gorm.DB, dst *[]dayCount) error {
	return sc.db.Table("(?) AS m", each).Select("m.k AS k, m.d AS d, COUNT(*) AS n").
		Where("m.d IS NOT NULL").Group("m.k, m.d").Scan(dst).Error
}

// daysBetween is the SQL for the whole days from the date from to the date to (negative when to
// is earlier; NULL when either is), as days() counts them.
func (sc *summaryScope) daysBetween(from, to string) string {
	if sc.q.Dialect() == migrations.Postgres {
		return "(" + to + " - " + from + ")"
	}
	return "CAST(julianday(" + to + ") - julianday(" + from + ") AS INTEGER)"
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
	err := sc.plain(func(c *summaryScope) error {
		var err error
		out, n, err = c.pairCounts()
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	casereview.SortPairs(out, n)
	return out, n, nil
}

// pairCounts counts the recommendations carrying each two themes, and each theme alone, from
// the number of recommendations with each set of themes (themesets.go), and returns them
// unsorted (SortPairs needs the number of recommendations counted) with that number.
func (sc *summaryScope) pairCounts() ([]casereview.ThemePair, int, error) {
	if err := sc.loadLabels(); err != nil {
		return nil, 0, err
	}
	var sets []struct {
		S  string
		N  int
		KS int64
	}
	if err := sc.recs().Select(themeSetCol + " AS s, COUNT(*) AS n, SUM(" + recordKey + ") AS ks").Group(themeSetCol).Scan(&sets).Error; err != nil {
		return nil, 0, err
	}
	type pair struct{ a, b string }
	type count struct {
		n  int
		ks int64
	}
	single, both := map[string]count{}, map[pair]count{}
	total := 0
	for _, s := range sets {
		total += s.N
		codes := themeCodes(s.S)
		for i, a := range codes {
			single[a] = count{single[a].n + s.N, single[a].ks + s.KS}
			for _, b := range codes[i+1:] {
				p := pair{a, b}
				both[p] = count{both[p].n + s.N, both[p].ks + s.KS}
			}
		}
	}
	out := make([]casereview.ThemePair, 0, len(both))
	for p, c := range both {
		out = append(out, casereview.ThemePair{A: casereview.Value{Key: p.a, Label: sc.label(casereview.DimTheme, p.a)},
			B: casereview.Value{Key: p.b, Label: sc.label(casereview.DimTheme, p.b)}, Count: c.n, CountA: single[p.a].n, CountB: single[p.b].n,
			KeySum: c.ks, KeySumA: single[p.a].ks, KeySumB: single[p.b].ks})
	}
	return out, total, nil
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
		KS int64
	}
	issuedY, closedY := sc.yearOf("recommendations.issued_on"), sc.yearOf("recommendations.closed_on")
	closedE := "CASE WHEN " + closedCond + " THEN " + closedY + " END"
	verifiedE := "CASE WHEN recommendations.oversight_status IN (" + quoted(casereview.VerifiedClosures()) + ") THEN 1 ELSE 0 END"
	if err := sc.recs().Select(issuedY + " AS y, " + closedE + " AS cy, " + verifiedE + " AS v, COUNT(*) AS n, SUM(" + recordKey + ") AS ks").
		Group(issuedY + ", " + closedE + ", " + verifiedE).Scan(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		get(r.Y).Issued += r.N
		get(r.Y).IssuedKey += r.KS
		if r.CY == nil {
			continue
		}
		get(*r.CY).Closed += r.N
		get(*r.CY).ClosedKey += r.KS
		if r.V == 1 {
			get(*r.CY).VerifiedClosed += r.N
			get(*r.CY).VerifiedClosedKey += r.KS
		}
	}
	out := make([]casereview.TrendRow, 0, len(by))
	for _, r := range by {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b casereview.TrendRow) int { return a.Year - b.Year })
	return out, nil
}
