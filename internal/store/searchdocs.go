package store

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"

	"github.com/casereview/casereview/internal/search"
)

// The reads the search indexer needs. They run as the system: the index holds everything and
// applies each caller's visibility inside every query.

// SearchDocuments loads the index documents of ids; ids that no longer exist are absent.
func (s *Store) SearchDocuments(ctx context.Context, ids []string) ([]search.Document, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	db := s.read.WithContext(ctx)
	var rows []recommendationRow
	if err := db.Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	recs, err := s.recommendations(db, rows, s.today())
	if err != nil {
		return nil, err
	}
	recordKeys := make(map[string]int, len(rows))
	for _, r := range rows {
		recordKeys[r.ID] = r.RecordKey
	}
	actionDates, err := loadActionDates(db, ids)
	if err != nil {
		return nil, err
	}
	reviewIDs := map[string]bool{}
	for _, r := range recs {
		reviewIDs[r.ReviewID] = true
	}
	var revs []reviewRow
	if err := db.Where("id IN ?", keys(reviewIDs)).Find(&revs).Error; err != nil {
		return nil, translate(err)
	}
	reviews := map[string]reviewRow{}
	partIDs := map[string]bool{}
	for _, r := range revs {
		reviews[r.ID] = r
		partIDs[r.PartnershipID] = true
	}
	var parts []partnershipRow
	if err := db.Where("id IN ?", keys(partIDs)).Find(&parts).Error; err != nil {
		return nil, translate(err)
	}
	partnerships := map[string]partnershipRow{}
	for _, p := range parts {
		partnerships[p.ID] = p
	}
	orgIDs := map[string]bool{}
	for _, r := range recs {
		for _, a := range r.Addressees {
			orgIDs[a.OrganisationID] = true
		}
	}
	var orgs []organisationRow
	if err := db.Where("id IN ?", keys(orgIDs)).Find(&orgs).Error; err != nil {
		return nil, translate(err)
	}
	sectors := map[string]string{}
	for _, o := range orgs {
		sectors[o.ID] = o.Sector
	}
	var aliasRows []aliasRow
	if err := db.Where("organisation_id IN ?", keys(orgIDs)).Order("organisation_id, position").Find(&aliasRows).Error; err != nil {
		return nil, translate(err)
	}
	aliases := map[string][]string{}
	for _, a := range aliasRows {
		aliases[a.OrganisationID] = append(aliases[a.OrganisationID], a.Alias)
	}
	out := make([]search.Document, 0, len(recs))
	for _, r := range recs {
		rv := reviews[r.ReviewID]
		p := partnerships[rv.PartnershipID]
		d := search.Document{ID: r.ID, Text: r.Text, Title: r.Title, Number: r.Number, ReviewID: r.ReviewID, ReviewType: rv.Type,
			ReviewReference: rv.Reference, ReviewTitle: rv.Title, PartnershipID: rv.PartnershipID, PartnershipName: p.Name,
			AreaCodes: append([]string{}, p.AreaCodes...), Year: r.IssuedOn.Year, IssuedOn: r.IssuedOn.Time(), Visibility: rv.Visibility,
			Scope: string(r.Scope), ResponseStatus: string(r.ResponseStatus), ImplementationStatus: string(r.ImplementationStatus),
			OversightStatus: string(r.OversightStatus), Version: r.Version, RecordKey: recordKeys[r.ID]}
		if r.InterventionType != nil {
			d.InterventionType = *r.InterventionType
		}
		at := func(x *casereview.Date) *time.Time {
			if x == nil {
				return nil
			}
			t := x.Time()
			return &t
		}
		d.ResponseDue, d.LastActivityOn, d.FollowUpOn = at(r.ResponseDue), at(r.LastActivityOn), at(r.FollowUpOn)
		for _, a := range actionDates[r.ID] {
			for _, due := range a.Dues() { // targets and open milestones of unfinished actions
				d.UnfinishedTargets = append(d.UnfinishedTargets, due.Time())
			}
		}
		seenSector := map[string]bool{}
		for _, a := range r.Addressees {
			d.OrganisationIDs = append(d.OrganisationIDs, a.OrganisationID)
			d.OrganisationNames = append(d.OrganisationNames, a.OrganisationName)
			d.OrganisationAliases = append(d.OrganisationAliases, aliases[a.OrganisationID]...)
			if sec := sectors[a.OrganisationID]; sec != "" && !seenSector[sec] {
				seenSector[sec] = true
				d.Sectors = append(d.Sectors, sec)
			}
		}
		seenGroup := map[string]bool{}
		for _, t := range r.Themes {
			if !t.Confirmed() {
				continue // a suggestion awaiting confirmation is no theme to search by
			}
			d.ThemeCodes = append(d.ThemeCodes, t.Code)
			d.ThemeSlugs = append(d.ThemeSlugs, t.Slug)
			d.ThemeLabels = append(d.ThemeLabels, t.Label)
			if !seenGroup[t.Group] {
				seenGroup[t.Group] = true
				d.ThemeGroups = append(d.ThemeGroups, t.Group)
			}
		}
		out = append(out, d)
	}
	return out, nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// AffectedRecommendations returns the recommendations whose search documents depend on the
// entities ids of entityType (a recommendation itself; an action's recommendation; a review's,
// partnership's, organisation's or theme's recommendations), reading them in chunks of at most
// 1,000 ids per statement, so a bulk import's journal costs a few queries, not one per row.
func (s *Store) AffectedRecommendations(ctx context.Context, entityType string, ids []string) ([]string, error) {
	if entityType == journalRecommendation {
		return append([]string(nil), ids...), nil
	}
	db := s.read.WithContext(ctx)
	var out []string
	for start := 0; start < len(ids); start += 1000 {
		chunk := ids[start:min(start+1000, len(ids))]
		var got []string
		var err error
		switch entityType {
		case journalAction:
			err = db.Table("actions").Where("id IN ?", chunk).Pluck("recommendation_id", &got).Error
		case journalReview:
			err = db.Table("recommendations").Where("review_id IN ?", chunk).Pluck("id", &got).Error
		case journalPartnership:
			err = db.Table("recommendations").Joins("JOIN reviews ON reviews.id = recommendations.review_id").
				Where("reviews.partnership_id IN ?", chunk).Pluck("recommendations.id", &got).Error
		case journalOrganisation:
			err = db.Table("addressees").Where("organisation_id IN ?", chunk).Pluck("recommendation_id", &got).Error
		case journalTheme:
			err = db.Table("theme_assignments").Where("theme_code IN ?", chunk).Pluck("recommendation_id", &got).Error
		}
		if err != nil {
			return nil, translate(err)
		}
		out = append(out, got...)
	}
	return out, nil
}

// RecommendationIDsAfter pages through every recommendation id in order, for a rebuild.
func (s *Store) RecommendationIDsAfter(ctx context.Context, after string, limit int) ([]string, error) {
	var ids []string
	q := s.read.WithContext(ctx).Table("recommendations")
	if after != "" { // on PostgreSQL ids are uuids, and '' is not one
		q = q.Where("id > ?", after)
	}
	err := q.Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, translate(err)
}

// JournalHead returns the last journal sequence committed.
func (s *Store) JournalHead(ctx context.Context) (int64, error) {
	var seq int64
	err := s.read.WithContext(ctx).Raw("SELECT seq FROM journal_head WHERE id = 1").Scan(&seq).Error
	return seq, translate(err)
}

// OnCommit registers fn to hear the journal head after every write that journaled something,
// so this process's indexer wakes at once instead of at its next poll.
func (s *Store) OnCommit(fn func(seq int64)) { s.onCommit = fn }

// RecommendationsByID returns those of ids the caller may read.
func (s *Store) RecommendationsByID(ctx context.Context, ids []string) (map[string]casereview.Recommendation, error) {
	out := map[string]casereview.Recommendation{}
	if len(ids) == 0 {
		return out, nil
	}
	db := s.read.WithContext(ctx)
	var rows []recommendationRow
	if err := visible(ctx, db.Model(&recommendationRow{}).Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Select("recommendations.*").Where("recommendations.id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	recs, err := s.recommendations(db, rows, s.asOf(ctx))
	if err == nil {
		err = hideLinks(ctx, db, recs)
	}
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out, nil
}

// Unreadable returns the restricted reviews the caller may not read, from the database as it is
// now. Reviews are few beside recommendations, and the caller's own partnerships are left out, so
// the list stays short for everyone but oversight and admins, who get none.
func (s *Store) Unreadable(ctx context.Context) (casereview.Unreadable, error) {
	out := casereview.Unreadable{}
	sc := casereview.ScopeOf(actorOf(ctx))
	if sc.All {
		return out, nil
	}
	// The visibilities outside the scope, named: an index finds the reviews that have one, where
	// NOT IN the scope's own read every review (13,000 beside 110k recommendations: 3.4 -> 1.2 ms
	// in psql, on every search by someone who cannot read everything).
	var hiddenVis []casereview.Visibility
	for _, v := range casereview.Visibilities {
		if !slices.Contains(sc.Visibilities, v) {
			hiddenVis = append(hiddenVis, v)
		}
	}
	if len(hiddenVis) == 0 {
		return out, nil
	}
	db := s.read.WithContext(ctx)
	hidden := func() *gorm.DB {
		q := db.Table("reviews").Select("reviews.id").Where("reviews.visibility IN ?", hiddenVis)
		if len(sc.Partnerships) > 0 {
			q = q.Where("(reviews.visibility <> ? OR reviews.partnership_id NOT IN ?)", casereview.VisibilityRestricted, sc.Partnerships)
		}
		return q
	}
	if err := hidden().Order("reviews.id").Pluck("reviews.id", &out.Reviews).Error; err != nil {
		return out, translate(err)
	}
	if len(out.Reviews) > 0 && len(sc.Organisations) > 0 {
		err := db.Table("recommendations").Distinct("recommendations.id").
			Joins("JOIN addressees ON addressees.recommendation_id = recommendations.id").
			Where("recommendations.review_id IN (?) AND addressees.organisation_id IN ?", hidden(), sc.Organisations).
			Where("EXISTS (SELECT 1 FROM reviews r WHERE r.id = recommendations.review_id AND r.visibility = ?)", casereview.VisibilityRestricted).
			Order("recommendations.id").Pluck("recommendations.id", &out.Except).Error
		if err != nil {
			return out, translate(err)
		}
	}
	return out, nil
}

// VisibleVersions returns, for the ids the caller may read, each recommendation's version: the
// search results are re-checked against the database with it before they are returned.
func (s *Store) VisibleVersions(ctx context.Context, ids []string) (map[string]int, error) {
	out := map[string]int{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID      string `gorm:"column:id"`
		Version int    `gorm:"column:version"`
	}
	err := visible(ctx, s.read.WithContext(ctx).Table("recommendations").Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Select("recommendations.id, recommendations.version").Where("recommendations.id IN ?", ids).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[r.ID] = r.Version
	}
	return out, nil
}

// CountRecommendations counts every recommendation, for progress reports.
func (s *Store) CountRecommendations(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Table("recommendations").Count(&n).Error
	return n, translate(err)
}

// IDVersion is a recommendation's id and version.
type IDVersion struct {
	ID      string `gorm:"column:id"`
	Version int    `gorm:"column:version"`
}

// RecommendationVersionsAfter pages through every recommendation's (id, version) in id order.
func (s *Store) RecommendationVersionsAfter(ctx context.Context, after string, limit int) ([]IDVersion, error) {
	var rows []IDVersion
	q := s.read.WithContext(ctx).Table("recommendations").Select("id, version").Order("id").Limit(limit)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	err := q.Find(&rows).Error
	return rows, translate(err)
}

// ReviewAccessAfter pages through every review's visibility and partnership in id order, for
// reconciliation.
func (s *Store) ReviewAccessAfter(ctx context.Context, after string, limit int) ([]search.ReviewAccess, error) {
	var rows []search.ReviewAccess
	q := s.read.WithContext(ctx).Table("reviews").Select("id, visibility, partnership_id").Order("id").Limit(limit)
	if after != "" {
		q = q.Where("id > ?", after)
	}
	err := q.Find(&rows).Error
	return rows, translate(err)
}

// RecommendationsExist reports which of ids are in the database.
func (s *Store) RecommendationsExist(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var found []string
	if err := s.read.WithContext(ctx).Table("recommendations").Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return nil, translate(err)
	}
	for _, id := range found {
		out[id] = true
	}
	return out, nil
}

// Names returns the names of the organisations or partnerships with ids. Names are not
// restricted: they are shown on public recommendations too.
func (s *Store) Names(ctx context.Context, kind string, ids []string) (map[string]string, error) {
	table := map[string]string{"organisation": "organisations", "partnership": "partnerships"}[kind]
	out := map[string]string{}
	if table == "" || len(ids) == 0 {
		return out, nil
	}
	var valid []string
	for _, id := range ids {
		if n, ok := casereview.NormaliseID(id); ok {
			valid = append(valid, n)
		}
	}
	if len(valid) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   string `gorm:"column:id"`
		Name string `gorm:"column:name"`
	}
	if err := s.read.WithContext(ctx).Table(table).Select("id, name").Where("id IN ?", valid).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
