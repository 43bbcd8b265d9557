package summaries

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// Equality figures (casereview.EqualityService): closure by group of a characteristic, and
// disproportionality against an area's baseline population. Aggregates only: no individual
// subject leaves here, so these reads are audited as summaries are, not as subject reads.

var _ casereview.EqualityService = (*Service)(nil)

// EqualityClosure compares closure for the chosen groups of a characteristic with the rest.
func (s *Service) EqualityClosure(ctx context.Context, f casereview.SummaryFilter, characteristic string, chosen []string) (casereview.ClosureComparison, error) {
	if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &f); err != nil {
		return casereview.ClosureComparison{}, err
	}
	c, err := casereview.CheckComparison(characteristic, chosen)
	if err != nil {
		return casereview.ClosureComparison{}, err
	}
	sc, err := s.open(ctx, f, false)
	if err != nil {
		return casereview.ClosureComparison{}, err
	}
	out := casereview.ClosureComparison{Characteristic: c, Chosen: chosen}
	labels := casereview.ComparisonLabels(c, chosen)
	for i, k := range []string{casereview.ComparisonChosen, casereview.ComparisonRest, casereview.ComparisonNotRecorded} {
		out.Groups[i] = casereview.ClosureGroup{Key: k, Label: labels[i]}
	}
	// Each recommendation once, in the first class that holds: a person at the centre of its
	// review in a chosen group; else one with the characteristic recorded; else not recorded.
	exists := func(cond string) string {
		return "EXISTS (SELECT 1 FROM review_subjects eq WHERE eq.review_id = recommendations.review_id AND eq.role <> '" +
			string(casereview.SubjectPerpetrator) + "' AND " + cond + ")"
	}
	val := subjectValueSQL(c, "eq")
	class := "CASE WHEN " + exists(val+" IN ("+quoted(chosen)+")") + " THEN 0 WHEN " + exists(val+" <> '"+casereview.NotRecorded+"'") +
		" THEN 1 ELSE 2 END"
	verified := "recommendations.oversight_status IN (" + quoted(casereview.VerifiedClosures()) + ") AND recommendations.closed_on IS NOT NULL"
	var rows []struct {
		G, V int
		N    int
		KS   int64
	}
	var closed []struct {
		G, D, N int
	}
	err = parallel(func() error {
		return sc.plain(func(x *summaryScope) error {
			inner := x.recs().Select(class + " AS g, CASE WHEN " + verified + " THEN 1 ELSE 0 END AS v, " + recordKey + " AS k")
			return x.db.Table("(?) AS e", inner).Select("e.g AS g, e.v AS v, COUNT(*) AS n, SUM(e.k) AS ks").Group("e.g, e.v").Scan(&rows).Error
		})
	}, func() error {
		return sc.plain(func(x *summaryScope) error {
			inner := x.recs().Where(verified).Select(class + " AS g, " + x.daysBetween("recommendations.issued_on", "recommendations.closed_on") + " AS d")
			return x.db.Table("(?) AS e", inner).Select("e.g AS g, e.d AS d, COUNT(*) AS n").Where("e.d IS NOT NULL").Group("e.g, e.d").Scan(&closed).Error
		})
	})
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		g := &out.Groups[r.G]
		t := casereview.Tally{N: r.N, KeySum: r.KS}
		g.Recommendations = g.Recommendations.Add(t)
		if r.V == 1 {
			g.VerifiedClosed = g.VerifiedClosed.Add(t)
		}
	}
	for _, d := range closed {
		for range d.N {
			out.Groups[d.G].ClosureDays = append(out.Groups[d.G].ClosureDays, d.D)
		}
	}
	return out, nil
}

// Disproportionality counts the people at the centre of one partnership's reviews by group of a
// characteristic, beside the partnership's baseline. Everyone EqualityScope lets through for a
// partnership reads all of its reviews (oversight and admins read everything; the panel reads
// its own partnership's restricted reviews), so every review of the partnership counts.
func (s *Service) Disproportionality(ctx context.Context, partnershipID, characteristic string) (casereview.Disproportion, error) {
	pid, ok := casereview.NormaliseID(partnershipID)
	if !ok {
		return casereview.Disproportion{}, casereview.Invalid("partnership", casereview.FieldInvalid, "choose one partnership or area")
	}
	f := casereview.SummaryFilter{Partnerships: []string{pid}}
	if err := casereview.EqualityScope(casereview.ActorFrom(ctx), &f); err != nil {
		return casereview.Disproportion{}, err
	}
	c, ok := casereview.CharacteristicByKey(characteristic)
	if !ok {
		return casereview.Disproportion{}, casereview.Invalid("characteristic", casereview.FieldUnknownValue, "%q is not a characteristic", characteristic)
	}
	out := casereview.Disproportion{PartnershipID: pid, Characteristic: c}
	bs, err := s.Baselines(ctx, pid)
	if err != nil {
		return out, err
	}
	for _, b := range bs {
		if b.Characteristic == string(c.Key) {
			out.Baseline = b
		}
	}
	var counts []struct {
		G  string
		N  int
		KS int64
	}
	err = s.st.Read(ctx, func(q store.Query) error {
		var n int64
		if err := q.DB().Table("partnerships").Where("id = ?", pid).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return casereview.NotFound("partnership")
		}
		inner := q.DB().Table("review_subjects eq").Joins("JOIN reviews ON reviews.id = eq.review_id").
			Where("reviews.partnership_id = ? AND eq.role <> ?", pid, casereview.SubjectPerpetrator).
			Select(subjectValueSQL(c, "eq") + " AS g, eq.record_key AS k")
		return q.DB().Table("(?) AS e", inner).Select("e.g AS g, COUNT(*) AS n, SUM(e.k) AS ks").Group("e.g").Scan(&counts).Error
	})
	if err != nil {
		return out, err
	}
	by := map[string]casereview.Tally{}
	for _, x := range counts {
		by[x.G] = casereview.Tally{N: x.N, KeySum: x.KS}
	}
	pop := map[string]int64{}
	for _, g := range out.Baseline.Groups {
		pop[g.Key] = g.Population
	}
	for _, g := range c.Groups {
		if g.Key == casereview.NotRecorded {
			out.NotRecorded = by[g.Key]
			continue
		}
		out.Rows = append(out.Rows, casereview.DisproportionRow{Key: g.Key, Label: g.Label, Subjects: by[g.Key], Population: pop[g.Key]})
		out.Recorded = out.Recorded.Add(by[g.Key])
	}
	return out, nil
}

type baselineRow struct {
	PartnershipID  string    `gorm:"column:partnership_id"`
	Characteristic string    `gorm:"column:characteristic"`
	GroupKey       string    `gorm:"column:group_key"`
	Population     int64     `gorm:"column:population"`
	Source         string    `gorm:"column:source"`
	UploadedAt     time.Time `gorm:"column:uploaded_at"`
}

// Baselines lists a partnership's baselines, by characteristic in form order. Population
// figures are published statistics, but who reads them is who reads the figures beside them.
func (s *Service) Baselines(ctx context.Context, partnershipID string) ([]casereview.Baseline, error) {
	pid, ok := casereview.NormaliseID(partnershipID)
	if !ok {
		return nil, casereview.NotFound("partnership")
	}
	a := casereview.ActorFrom(ctx)
	if !casereview.CanUseEquality(a) || !(a.IsSystem() || a.IsAdmin() || a.IsOversight() || a.PanelOf(pid)) {
		return nil, casereview.Deny(a, "only oversight officers, admins and the partnership's panel read its baselines")
	}
	var rows []baselineRow
	if err := s.st.Read(ctx, func(q store.Query) error {
		return q.DB().Table("equality_baselines").Where("partnership_id = ?", pid).Scan(&rows).Error
	}); err != nil {
		return nil, err
	}
	by := map[string]*casereview.Baseline{}
	for _, r := range rows {
		b := by[r.Characteristic]
		if b == nil {
			b = &casereview.Baseline{PartnershipID: pid, Characteristic: r.Characteristic, Source: r.Source, UploadedAt: r.UploadedAt.UTC()}
			by[r.Characteristic] = b
		}
		c, _ := casereview.CharacteristicByKey(r.Characteristic)
		b.Groups = append(b.Groups, casereview.BaselineGroup{Key: r.GroupKey, Label: c.GroupLabel(r.GroupKey), Population: r.Population})
	}
	var out []casereview.Baseline
	for _, c := range casereview.Characteristics {
		if b := by[string(c.Key)]; b != nil {
			order := map[string]int{}
			for i, g := range c.Groups {
				order[g.Key] = i
			}
			sort.Slice(b.Groups, func(i, j int) bool { return order[b.Groups[i].Key] < order[b.Groups[j].Key] })
			out = append(out, *b)
		}
	}
	return out, nil
}

// UploadBaseline replaces a partnership's baseline for one characteristic, audited.
func (s *Service) UploadBaseline(ctx context.Context, b casereview.Baseline) error {
	a := casereview.ActorFrom(ctx)
	if !casereview.CanUploadBaseline(a) {
		return casereview.Deny(a, "only admins upload baseline populations")
	}
	pid, ok := casereview.NormaliseID(b.PartnershipID)
	if !ok {
		return casereview.NotFound("partnership")
	}
	if _, ok := casereview.CharacteristicByKey(b.Characteristic); !ok {
		return casereview.Invalid("characteristic", casereview.FieldUnknownValue, "%q is not a characteristic", b.Characteristic)
	}
	var p casereview.Problems
	casereview.CheckText(&p, "source", b.Source, false, 300)
	if err := p.Err(); err != nil {
		return err
	}
	b.Source = strings.TrimSpace(b.Source)
	return s.st.Write(ctx, func(w store.Tx) error {
		var n int64
		if err := w.DB().Table("partnerships").Where("id = ?", pid).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return casereview.NotFound("partnership")
		}
		if err := w.DB().Exec("DELETE FROM equality_baselines WHERE partnership_id = ? AND characteristic = ?", pid, b.Characteristic).Error; err != nil {
			return err
		}
		groups := map[string]int64{}
		for _, g := range b.Groups {
			row := baselineRow{PartnershipID: pid, Characteristic: b.Characteristic, GroupKey: g.Key, Population: g.Population,
				Source: b.Source, UploadedAt: w.Now()}
			if err := w.DB().Table("equality_baselines").Create(&row).Error; err != nil {
				return err
			}
			groups[g.Key] = g.Population
		}
		w.Audit(casereview.AuditBaselineUploaded, "partnership", pid, nil,
			map[string]any{"characteristic": b.Characteristic, "source": b.Source, "groups": groups})
		return nil
	})
}
