package summaries

// The cross-tab: recommendations counted by any two dimensions.

import (
	"context"

	"github.com/casereview/casereview/internal/casereview"
)

// SummaryCrossTab counts recommendations by two dimensions.
func (s *Service) SummaryCrossTab(ctx context.Context, f casereview.SummaryFilter, r casereview.CrossTabRequest) (casereview.CrossTab, error) {
	if r.Rows.BySubject() || r.Cols.BySubject() {
		if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &f); err != nil {
			return casereview.CrossTab{}, err
		}
	}
	sc, err := s.open(ctx, f, true) // the labels before the parts: each copies the scope
	if err != nil {
		return casereview.CrossTab{}, err
	}
	var themes int
	if err := sc.plain(func(c *summaryScope) error {
		var err error
		themes, err = c.themeCount()
		return err
	}); err != nil {
		return casereview.CrossTab{}, err
	}
	if err := r.Check(f, themes); err != nil {
		return casereview.CrossTab{}, err
	}
	re, rj := sc.dimension(r.Rows, "r")
	ce, cj := sc.dimension(r.Cols, "c")
	rx, cx := sc.expander(r.Rows), sc.expander(r.Cols)
	var rows []struct {
		R, C string
		N    int
		KS   int64
	}
	// Each row of the join is one (recommendation, row value, column value) unless two addressees
	// of one sector are involved, or a subject's characteristic: only then are the rows made
	// distinct first, which costs a sort. The theme dimensions are one value per recommendation
	// (its theme set), shared among its themes or groups below.
	distinctFirst := r.Rows == casereview.DimSector || r.Cols == casereview.DimSector || r.Rows.BySubject() || r.Cols.BySubject()
	// A recommendation is in one row of the statement unless a dimension is counted by a join
	// (organisation, sector, subject): only then does the number of recommendations need a
	// statement of its own.
	joinedMulti := func(d casereview.Dimension) bool { return d.MultiValued() && !fromThemeSet(d) }
	multi := joinedMulti(r.Rows) || joinedMulti(r.Cols)
	var n int
	var nKey int64
	// The cells and the number of recommendations (a second statement only when a
	// recommendation can sit in several rows) are independent: ask for both at once.
	err = parallel(
		func() error {
			return sc.plain(func(c *summaryScope) error {
				q := c.recs()
				for _, j := range append(rj, cj...) {
					q = q.Joins(j)
				}
				if distinctFirst {
					inner := q.Select("DISTINCT recommendations.id, " + recordKey + " AS k, " + re + " AS r, " + ce + " AS c")
					return c.db.Table("(?) AS x", inner).Select("x.r AS r, x.c AS c, COUNT(*) AS n, SUM(x.k) AS ks").Group("x.r, x.c").Scan(&rows).Error
				}
				return q.Select(re + " AS r, " + ce + " AS c, COUNT(*) AS n, SUM(" + recordKey + ") AS ks").Group(re + ", " + ce).Scan(&rows).Error
			})
		},
		func() error {
			if !multi {
				return nil
			}
			return sc.plain(func(c *summaryScope) error {
				t, err := c.tally()
				n, nKey = t.N, t.KeySum
				return err
			})
		},
	)
	if err != nil {
		return casereview.CrossTab{}, err
	}
	if !multi { // every recommendation is in exactly one row of the statement
		for _, x := range rows {
			n += x.N
			nKey += x.KS
		}
	}
	if rx != nil || cx != nil {
		rows = expandCells(rows, rx, cx)
	}
	cells := make([]casereview.Cell, len(rows))
	for i, x := range rows {
		cells[i] = casereview.Cell{Row: x.R, Col: x.C, N: x.N, KeySum: x.KS}
	}
	if len(rows) > casereview.MaxCrossTabCells {
		return casereview.CrossTab{}, casereview.TooManyCells(len(rows))
	}
	for _, d := range []casereview.Dimension{r.Rows, r.Cols} {
		// In a read of its own: the labels map is shared by the scope's copies.
		if err := sc.plain(func(c *summaryScope) error { return c.loadNames(d, rows, d == r.Rows) }); err != nil {
			return casereview.CrossTab{}, err
		}
	}
	t := casereview.BuildCrossTab(r.Rows, r.Cols, cells, sc.label, n)
	t.RecommendationsKey = nKey
	if cellsN := len(t.RowValues) * len(t.ColValues); cellsN > casereview.MaxCrossTabCells {
		return casereview.CrossTab{}, casereview.TooManyCells(cellsN)
	}
	return t, nil
}

// loadNames names the partnerships or organisations a table counts (only those: an instance can
// hold thousands), from the keys in its rows (the row keys when row, else the column keys).
func (sc *summaryScope) loadNames(d casereview.Dimension, rows []struct {
	R, C string
	N    int
	KS   int64
}, row bool) error {
	table := map[casereview.Dimension]string{casereview.DimPartnership: "partnerships", casereview.DimOrganisation: "organisations"}[d]
	if table == "" {
		return nil
	}
	var ids []string
	for _, x := range rows {
		k := x.C
		if row {
			k = x.R
		}
		if k != casereview.NoneKey {
			ids = append(ids, k)
		}
	}
	m := map[string]string{casereview.NoneKey: "No addressee"}
	for len(ids) > 0 {
		part := ids[:min(len(ids), 500)]
		ids = ids[len(part):]
		var got []struct{ ID, Name string }
		if err := sc.db.Table(table).Select("CAST(id AS text) AS id, name").Where("id IN ?", part).Scan(&got).Error; err != nil {
			return err
		}
		for _, g := range got {
			m[g.ID] = g.Name
		}
	}
	sc.labels[d] = m
	return nil
}

func (sc *summaryScope) themeCount() (int, error) {
	var n int64
	if err := sc.db.Table("themes").Count(&n).Error; err != nil {
		return 0, err
	}
	return int(n), nil
}

// dimension returns the SQL expression for d and the joins it needs (aliases suffixed with n).
func (sc *summaryScope) dimension(d casereview.Dimension, n string) (expr string, joins []string) {
	switch d {
	case casereview.DimTheme, casereview.DimThemeGroup:
		// One value per recommendation, its set of confirmed themes, which expander turns into
		// the themes or groups it counts under (see themesets.go).
		return themeSetCol, nil
	case casereview.DimReviewType:
		return "reviews.type", nil
	case casereview.DimYear:
		return sc.yearOf("recommendations.issued_on"), nil
	case casereview.DimClosedYear:
		return "CASE WHEN " + closedCond + " THEN " + sc.yearOf("recommendations.closed_on") + " ELSE '" + casereview.OpenKey + "' END", nil
	case casereview.DimResponse:
		return "recommendations.response_status", nil
	case casereview.DimImplementation:
		return "recommendations.implementation_status", nil
	case casereview.DimOversight:
		return "recommendations.oversight_status", nil
	case casereview.DimScope:
		return "recommendations.scope", nil
	case casereview.DimIntervention:
		return "COALESCE(recommendations.intervention_type, '" + casereview.NoneKey + "')", nil
	case casereview.DimPartnership:
		return "CAST(reviews.partnership_id AS text)", nil
	case casereview.DimOrganisation:
		// One row per addressee; a recommendation addressed to no one counts under NoneKey.
		return "COALESCE(CAST(ao" + n + ".organisation_id AS text), '" + casereview.NoneKey + "')", []string{"LEFT JOIN addressees ao" + n +
			" ON ao" + n + ".recommendation_id = recommendations.id"}
	case casereview.DimSector:
		return "COALESCE(so" + n + ".sector, '" + casereview.NoneKey + "')", []string{"LEFT JOIN addressees sa" + n +
			" ON sa" + n + ".recommendation_id = recommendations.id", "LEFT JOIN organisations so" + n + " ON so" + n + ".id = sa" + n + ".organisation_id"}
	}
	if c, ok := d.Characteristic(); ok {
		return sc.subjectDimension(c, n)
	}
	return "''", nil
}
