package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type recommendationRow struct {
	ID                   string   `gorm:"column:id;primaryKey"`
	ReviewID             string   `gorm:"column:review_id"`
	Number               string   `gorm:"column:number"`
	Title                string   `gorm:"column:title"`
	Text                 string   `gorm:"column:text"`
	Scope                string   `gorm:"column:scope"`
	InterventionType     *string  `gorm:"column:intervention_type"`
	ResponseDue          nullDate `gorm:"column:response_due"`
	ResponseStatus       string   `gorm:"column:response_status"`
	ImplementationStatus string   `gorm:"column:implementation_status"`
	OversightStatus      string   `gorm:"column:oversight_status"`
	ClosedOn             nullDate `gorm:"column:closed_on"`
	ClosureRationale     *string  `gorm:"column:closure_rationale"`
	ResponseDueExplicit  bool     `gorm:"column:response_due_explicit"`
	LastActivityOn       nullDate `gorm:"column:last_activity_on"`
	FollowUpOn           nullDate `gorm:"column:follow_up_on"`
	IssuedOn             nullDate `gorm:"column:issued_on"`
	RecordKey            int      `gorm:"column:record_key"`
	// ThemeSet is kept by triggers on theme_assignments (migration 00027) and written here only
	// when the row is created (the bulk import sets it, so its triggers find nothing to change):
	// an update of the row never overwrites it.
	ThemeSet       string    `gorm:"column:theme_set;<-:create"`
	SourceReportID *string   `gorm:"column:source_report_id"`
	SourcePage     *int      `gorm:"column:source_page"`
	Version        int       `gorm:"column:version"`
	CreatedAt      time.Time `gorm:"column:created_at"`
	UpdatedAt      time.Time `gorm:"column:updated_at"`
}

func (recommendationRow) TableName() string { return "recommendations" }
func (r recommendationRow) rowID() string   { return r.ID }

type addresseeRow struct {
	RecommendationID string    `gorm:"column:recommendation_id;primaryKey"`
	OrganisationID   string    `gorm:"column:organisation_id;primaryKey"`
	Role             string    `gorm:"column:role"`
	RawText          string    `gorm:"column:raw_text"`
	NotifiedOn       nullDate  `gorm:"column:notified_on"`
	AcknowledgedOn   nullDate  `gorm:"column:acknowledged_on"`
	ResponseStatus   string    `gorm:"column:response_status"`
	Position         int       `gorm:"column:position"`
	CreatedAt        time.Time `gorm:"column:created_at"`
	OrganisationName string    `gorm:"column:organisation_name;->"`
}

func (addresseeRow) TableName() string { return "addressees" }

type themeAssignmentRow struct {
	RecommendationID string     `gorm:"column:recommendation_id;primaryKey"`
	ThemeCode        string     `gorm:"column:theme_code;primaryKey"`
	IsPrimary        bool       `gorm:"column:is_primary"`
	Source           string     `gorm:"column:source"`
	Position         int        `gorm:"column:position"`
	AssignedAt       time.Time  `gorm:"column:assigned_at"`
	ConfirmedBy      *string    `gorm:"column:confirmed_by"`
	ConfirmedByName  *string    `gorm:"column:confirmed_by_name"`
	ConfirmedAt      *time.Time `gorm:"column:confirmed_at"`
	Slug             string     `gorm:"column:slug;->"`
	Label            string     `gorm:"column:label;->"`
	GroupCode        string     `gorm:"column:group_code;->"`
	Active           bool       `gorm:"column:active;->"`
}

func (themeAssignmentRow) TableName() string { return "theme_assignments" }

// confirmedTheme is the SQL for casereview.ThemeAssignment.Confirmed on the assignments aliased
// alias: only confirmed themes count in filters, facets and summaries.
func confirmedTheme(alias string) string {
	return "(" + alias + ".source <> 'suggested' OR " + alias + ".confirmed_at IS NOT NULL)"
}

func (r *recommendationRow) apply(d casereview.RecommendationDraft) {
	r.ReviewID, r.Number, r.Title, r.Text = d.ReviewID, d.Number, d.Title, d.Text
	r.Scope, r.InterventionType, r.ResponseDue = string(d.Scope), d.InterventionType, dateOf(d.ResponseDue)
	r.ResponseDueExplicit = d.ResponseDue != nil
}

// checkRecommendation enforces the rules that need the database and resolves theme slugs to
// codes in d. Problems are reported together, each against its field.
func checkRecommendation(t *tx, id string, d *casereview.RecommendationDraft) error {
	var p casereview.Problems
	var n int64
	var refs []reviewRefRow
	if err := t.db.Table("reviews").Select("partnership_id, visibility").Where("id = ?", d.ReviewID).Limit(1).Find(&refs).Error; err != nil {
		return err
	}
	// A review the caller may not see is reported exactly as one that does not exist.
	if len(refs) == 0 || !casereview.CanReadReview(actorOf(t.ctx), refs[0].ref()) {
		p.Add("review_id", casereview.FieldNotFound, "no review has id %s", d.ReviewID)
	} else if !casereview.CanManageReview(actorOf(t.ctx), refs[0].PartnershipID) {
		return deny(t.ctx, "only the panel of the review's partnership records its recommendations")
	}
	if d.InterventionType != nil {
		if err := t.db.Table("intervention_types").Where("code = ?", *d.InterventionType).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			var codes []string
			if err := t.db.Table("intervention_types").Order("sort_order").Pluck("code", &codes).Error; err != nil {
				return err
			}
			p.Add("intervention_type", casereview.FieldUnknownValue, "%q is not one of: %s", *d.InterventionType, strings.Join(codes, ", "))
		}
	}
	for i, a := range d.Addressees {
		if err := t.db.Table("organisations").Where("id = ?", a.OrganisationID).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			p.Add(fmt.Sprintf("addressees[%d].organisation_id", i), casereview.FieldNotFound, "no organisation has id %s", a.OrganisationID)
		}
	}
	seen := map[string]int{}
	for i := range d.Themes {
		th := &d.Themes[i]
		// A theme a newer taxonomy dropped stays on the recommendations that already carry it,
		// but cannot be newly assigned.
		var found []struct {
			Code       string
			Usable     bool
			ReplacedBy *string
		}
		err := t.db.Table("themes").Select("code, replaced_by, (active OR EXISTS (SELECT 1 FROM theme_assignments ta WHERE ta.theme_code = themes.code AND ta.recommendation_id = ?)) AS usable", id).
			Where("code = ? OR slug = ?", strings.ToUpper(th.Code), strings.ToLower(th.Code)).Limit(1).Find(&found).Error
		if err != nil {
			return err
		}
		f := fmt.Sprintf("themes[%d].code", i)
		switch {
		case len(found) == 0:
			p.Add(f, casereview.FieldUnknownValue, "%q is not a theme code or slug (see /api/v1/themes)", th.Code)
		case !found[0].Usable:
			msg := "theme " + found[0].Code + " is deprecated: it stays where it was assigned but cannot be newly assigned"
			if found[0].ReplacedBy != nil {
				msg += "; use " + *found[0].ReplacedBy
			}
			p.Add(f, casereview.FieldDeprecated, "%s", msg)
		default:
			code := found[0].Code
			if j, dup := seen[code]; dup {
				p.Add(f, casereview.FieldDuplicate, "theme %s is already themes[%d]", code, j)
			}
			seen[code] = i
			th.Code = code
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := t.db.Table("recommendations").Where("review_id = ? AND number = ? AND id <> ?", d.ReviewID, d.Number, id).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return casereview.Conflict("the number is already in use", casereview.FieldError{Field: "number", Code: casereview.FieldDuplicate,
			Message: "the review already has a recommendation numbered " + d.Number})
	}
	return nil
}

func (s *Store) CreateRecommendation(ctx context.Context, d casereview.RecommendationDraft) (casereview.Recommendation, error) {
	if err := d.Validate(); err != nil {
		return casereview.Recommendation{}, err
	}
	var id string
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		id, err = s.createRecommendation(t, d, recommendationSource{})
		return err
	})
	if err != nil {
		return casereview.Recommendation{}, err
	}
	return s.GetRecommendation(ctx, id)
}

// recommendationSource is the report, and its page, a recommendation was drawn from (reports.go);
// zero for one typed in.
type recommendationSource struct {
	reportID string
	page     int
}

// createRecommendation is the one create path, inside the caller's transaction: the checks that
// need the database, the row, its addressees, statuses and themes, the journal and the audit.
// d has passed Validate.
func (s *Store) createRecommendation(t *tx, d casereview.RecommendationDraft, src recommendationSource) (string, error) {
	row := recommendationRow{ID: newID(), Version: 1, ResponseStatus: "awaiting_response",
		ImplementationStatus: "not_started", OversightStatus: "open_unassessed", RecordKey: newRecordKey()}
	if err := checkRecommendation(t, row.ID, &d); err != nil {
		return "", err
	}
	row.apply(d)
	if src.reportID != "" {
		row.SourceReportID = &src.reportID
		if src.page > 0 {
			row.SourcePage = &src.page
		}
	}
	row.CreatedAt, row.UpdatedAt = t.now, t.now
	issued, err := issuedOn(t, d.ReviewID)
	if err != nil {
		return "", err
	}
	row.IssuedOn = nullDate{D: issued, Valid: true}
	if err := t.db.Create(&row).Error; err != nil {
		return "", err
	}
	if err := writeAddressees(t, row.ID, d.Addressees); err != nil {
		return "", err
	}
	if err := settle(t, &row); err != nil {
		return "", err
	}
	t.touch(journalRecommendation, row.ID)
	if err := writeThemes(t, row.ID, d.Themes); err != nil {
		return "", err
	}
	return row.ID, s.auditRecommendation(t, casereview.AuditRecommendationCreated, nil, row)
}

// auditRecommendation records an event with the recommendation as it now is, addressees and
// themes included.
func (s *Store) auditRecommendation(t *tx, action casereview.AuditAction, before *casereview.Recommendation, row recommendationRow) error {
	return s.auditRecommendationAs(t, action, before, row)
}

func (s *Store) auditRecommendationAs(t *tx, action casereview.AuditAction, before *casereview.Recommendation, row recommendationRow) error {
	var b, a any
	if before != nil {
		b = *before
	}
	if action != casereview.AuditRecommendationDeleted {
		after, err := s.recommendations(t.db, []recommendationRow{row}, casereview.DateOf(t.now))
		if err != nil {
			return err
		}
		a = after[0]
	}
	t.audit(action, "recommendation", row.ID, b, a)
	return nil
}

// writeAddressees makes the addressee set of rec equal to want. Rows that stay are updated in
// place, so the actions they own keep their reference; removing an addressee that owns actions
// is refused.
func writeAddressees(t *tx, rec string, want []casereview.AddresseeDraft) error {
	var have []addresseeRow
	if err := t.db.Where("recommendation_id = ?", rec).Find(&have).Error; err != nil {
		return err
	}
	keep := map[string]bool{}
	for _, a := range want {
		keep[a.OrganisationID] = true
	}
	for _, h := range have {
		if keep[h.OrganisationID] {
			continue
		}
		var n int64
		if err := t.db.Table("actions").Where("recommendation_id = ? AND organisation_id = ?", rec, h.OrganisationID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("an addressee that owns actions cannot be removed", casereview.FieldError{Field: "addressees",
				Code: "owns_actions", Message: fmt.Sprintf("organisation %s owns %d action(s) on this recommendation; reassign or delete them first", h.OrganisationID, n)})
		}
		if err := t.db.Table("responses").Where("recommendation_id = ? AND organisation_id = ?", rec, h.OrganisationID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("an addressee that has responded cannot be removed", casereview.FieldError{Field: "addressees",
				Code: "has_responses", Message: fmt.Sprintf("organisation %s has responded to this recommendation; its response is part of the record", h.OrganisationID)})
		}
		if err := t.db.Where("recommendation_id = ? AND organisation_id = ?", rec, h.OrganisationID).Delete(&addresseeRow{}).Error; err != nil {
			return err
		}
	}
	existing := map[string]addresseeRow{}
	for _, h := range have {
		existing[h.OrganisationID] = h
	}
	for i, a := range want {
		row := addresseeRow{RecommendationID: rec, OrganisationID: a.OrganisationID, Role: string(a.Role), RawText: a.RawText,
			NotifiedOn: dateOf(a.NotifiedOn), AcknowledgedOn: dateOf(a.AcknowledgedOn), Position: i, CreatedAt: t.now,
			ResponseStatus: string(casereview.ResponseAwaiting)}
		if h, ok := existing[a.OrganisationID]; ok {
			row.CreatedAt, row.ResponseStatus = h.CreatedAt, h.ResponseStatus
			if err := t.db.Omit("organisation_name").Save(&row).Error; err != nil {
				return err
			}
			continue
		}
		if err := t.db.Omit("organisation_name").Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

// writeThemes replaces the theme assignments of rec, keeping the original assignment time, and
// who confirmed a suggested theme, for themes that stay.
func writeThemes(t *tx, rec string, want []casereview.ThemeDraft) error {
	var have []themeAssignmentRow
	if err := t.db.Where("recommendation_id = ?", rec).Find(&have).Error; err != nil {
		return err
	}
	assigned := map[string]themeAssignmentRow{}
	for _, h := range have {
		assigned[h.ThemeCode] = h
	}
	if err := t.db.Where("recommendation_id = ?", rec).Delete(&themeAssignmentRow{}).Error; err != nil {
		return err
	}
	for i, th := range want {
		row := themeAssignmentRow{RecommendationID: rec, ThemeCode: th.Code, IsPrimary: th.Primary, Source: string(th.Source), Position: i, AssignedAt: t.now}
		if h, ok := assigned[th.Code]; ok {
			row.AssignedAt = h.AssignedAt
			if h.Source == row.Source { // a confirmation belongs to the suggestion it confirmed
				row.ConfirmedBy, row.ConfirmedByName, row.ConfirmedAt = h.ConfirmedBy, h.ConfirmedByName, h.ConfirmedAt
			}
		}
		if err := t.db.Omit("slug", "label", "group_code", "active").Create(&row).Error; err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) GetRecommendation(ctx context.Context, id string) (casereview.Recommendation, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Recommendation{}, casereview.NotFound("recommendation")
	}
	db := s.read.WithContext(ctx)
	var row recommendationRow
	if err := visible(ctx, db.Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Select("recommendations.*").Where("recommendations.id = ?", id).Take(&row).Error; err != nil {
		return casereview.Recommendation{}, notFoundAs(err, "recommendation")
	}
	out, err := s.recommendations(db, []recommendationRow{row}, s.asOf(ctx))
	if err == nil {
		err = hideLinks(ctx, db, out)
	}
	if err != nil {
		return casereview.Recommendation{}, err
	}
	return out[0], nil
}

// recommendations loads the addressees and themes of rows in two queries, whatever the page size.
func (s *Store) recommendations(db *gorm.DB, rows []recommendationRow, asOf casereview.Date) ([]casereview.Recommendation, error) {
	out := make([]casereview.Recommendation, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var as []addresseeRow
	if err := db.Table("addressees").Select("addressees.*, organisations.name AS organisation_name").
		Joins("JOIN organisations ON organisations.id = addressees.organisation_id").
		Where("addressees.recommendation_id IN ?", ids).Order("addressees.position").Find(&as).Error; err != nil {
		return nil, translate(err)
	}
	var ts []themeAssignmentRow
	if err := db.Table("theme_assignments").Select("theme_assignments.*, themes.slug, themes.label, themes.group_code, themes.active").
		Joins("JOIN themes ON themes.code = theme_assignments.theme_code").
		Where("theme_assignments.recommendation_id IN ?", ids).Order("theme_assignments.position").Find(&ts).Error; err != nil {
		return nil, translate(err)
	}
	addressees := map[string][]casereview.Addressee{}
	for _, a := range as {
		addressees[a.RecommendationID] = append(addressees[a.RecommendationID], casereview.Addressee{OrganisationID: a.OrganisationID,
			OrganisationName: a.OrganisationName, Role: casereview.AddresseeRole(a.Role), RawText: a.RawText,
			NotifiedOn: a.NotifiedOn.ptr(), AcknowledgedOn: a.AcknowledgedOn.ptr(), ResponseStatus: casereview.ResponseStatus(a.ResponseStatus)})
	}
	themes := map[string][]casereview.ThemeAssignment{}
	for _, t := range ts {
		themes[t.RecommendationID] = append(themes[t.RecommendationID], casereview.ThemeAssignment{Code: t.ThemeCode, Slug: t.Slug,
			Label: t.Label, Group: t.GroupCode, Deprecated: !t.Active, Primary: t.IsPrimary, Source: casereview.ThemeSource(t.Source),
			ConfirmedBy: deref(t.ConfirmedBy), ConfirmedByName: deref(t.ConfirmedByName), ConfirmedAt: utcPtr(t.ConfirmedAt)})
	}
	links, err := loadLinks(db, ids)
	if err != nil {
		return nil, err
	}
	actions, err := loadActionDates(db, ids)
	if err != nil {
		return nil, err
	}
	for i, r := range rows {
		x := casereview.Recommendation{ID: r.ID, ReviewID: r.ReviewID, Number: r.Number, Title: r.Title, Text: r.Text,
			Scope: casereview.Scope(r.Scope), InterventionType: r.InterventionType, ResponseDue: r.ResponseDue.ptr(),
			ResponseDueExplicit: r.ResponseDueExplicit,
			ResponseStatus:      casereview.ResponseStatus(r.ResponseStatus), ImplementationStatus: casereview.ImplementationStatus(r.ImplementationStatus),
			OversightStatus: casereview.OversightStatus(r.OversightStatus), ClosedOn: r.ClosedOn.ptr(), ClosureRationale: deref(r.ClosureRationale),
			FollowUpOn: r.FollowUpOn.ptr(), LastActivityOn: r.LastActivityOn.ptr(), IssuedOn: r.IssuedOn.D,
			Addressees: append([]casereview.Addressee{}, addressees[r.ID]...), Themes: append([]casereview.ThemeAssignment{}, themes[r.ID]...),
			Links:          append([]casereview.Link{}, links[r.ID]...),
			SourceReportID: deref(r.SourceReportID), SourcePage: derefInt(r.SourcePage),
			Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
		x.Flags = casereview.ComputeFlags(casereview.FlagInput{Response: x.ResponseStatus, Oversight: x.OversightStatus,
			ResponseDue: x.ResponseDue, IssuedOn: x.IssuedOn, LastActivityOn: x.LastActivityOn, FollowUpOn: x.FollowUpOn,
			Actions: actions[r.ID]}, asOf)
		if x.Flags == nil {
			x.Flags = []casereview.Flag{}
		}
		out[i] = x
	}
	return out, nil
}

func (s *Store) ListRecommendations(ctx context.Context, f casereview.RecommendationFilter, page casereview.PageRequest) (casereview.Page[casereview.Recommendation], error) {
	empty := casereview.Page[casereview.Recommendation]{Items: []casereview.Recommendation{}}
	if err := f.Validate(); err != nil {
		return empty, err
	}
	db := s.read.WithContext(ctx)
	if err := knownReviewType(db, "review_type", f.ReviewType); err != nil {
		return empty, err
	}
	asOf := s.asOf(ctx)
	themeCode := ""
	if f.Theme != "" {
		// A failed lookup is the database's failure, not the caller's bad theme.
		if err := db.Table("themes").Where("code = ? OR slug = ?", strings.ToUpper(f.Theme), strings.ToLower(f.Theme)).Limit(1).Pluck("code", &themeCode).Error; err != nil {
			return empty, translate(err)
		}
		if themeCode == "" {
			return empty, casereview.Invalid("theme", casereview.FieldUnknownValue, "%q is not a theme code or slug", f.Theme)
		}
	}
	query := func() *gorm.DB {
		q := visible(ctx, db.Model(&recommendationRow{}).Joins("JOIN reviews ON reviews.id = recommendations.review_id"))
		if f.ReviewType != "" {
			q = q.Where("reviews.type = ?", strings.ToUpper(f.ReviewType))
		}
		if f.PartnershipID != "" {
			q = q.Where("reviews.partnership_id = ?", f.PartnershipID)
		}
		eq := map[string]string{"recommendations.review_id": f.ReviewID, "recommendations.scope": string(f.Scope),
			"recommendations.intervention_type": f.InterventionType, "recommendations.response_status": string(f.ResponseStatus),
			"recommendations.implementation_status": string(f.ImplementationStatus), "recommendations.oversight_status": string(f.OversightStatus)}
		for col, v := range eq {
			if v != "" {
				q = q.Where(col+" = ?", v)
			}
		}
		if f.OrganisationID != "" {
			sub := db.Table("addressees a").Select("1").Where("a.recommendation_id = recommendations.id AND a.organisation_id = ?", f.OrganisationID)
			if f.AddresseeRole != "" {
				sub = sub.Where("a.role = ?", f.AddresseeRole)
			}
			q = q.Where("EXISTS (?)", sub)
		}
		if themeCode != "" {
			q = q.Where("EXISTS (?)", db.Table("theme_assignments ta").Select("1").
				Where("ta.recommendation_id = recommendations.id AND ta.theme_code = ? AND "+confirmedTheme("ta"), themeCode))
		}
		if f.DueFrom != nil {
			q = q.Where("recommendations.response_due >= ?", dateOf(f.DueFrom))
		}
		if f.DueTo != nil {
			q = q.Where("recommendations.response_due <= ?", dateOf(f.DueTo))
		}
		if f.Sector != "" {
			q = q.Where("EXISTS (?)", db.Table("addressees a").Select("1").Joins("JOIN organisations o ON o.id = a.organisation_id").
				Where("a.recommendation_id = recommendations.id AND o.sector = ?", f.Sector))
		}
		if len(f.OrganisationIDs) > 0 {
			q = q.Where("EXISTS (?) OR EXISTS (?)",
				db.Table("addressees a").Select("1").Where("a.recommendation_id = recommendations.id AND a.organisation_id IN ?", f.OrganisationIDs),
				db.Table("actions a").Select("1").Where("a.recommendation_id = recommendations.id AND a.organisation_id IN ?", f.OrganisationIDs))
		}
		if f.Flag != "" {
			q = flagWhere(q, f.Flag, asOf)
		}
		return q
	}
	rows, total, next, err := listPage[recommendationRow](query, "recommendations", "recommendations.*", page)
	if err != nil {
		return empty, err
	}
	items, err := s.recommendations(db, rows, s.asOf(ctx))
	if err == nil {
		err = hideLinks(ctx, db, items)
	}
	return casereview.Page[casereview.Recommendation]{Items: items, Total: total, NextCursor: next}, err
}

func (s *Store) UpdateRecommendation(ctx context.Context, id string, version int, d casereview.RecommendationDraft) (casereview.Recommendation, error) {
	if err := d.Validate(); err != nil {
		return casereview.Recommendation{}, err
	}
	var row recommendationRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "recommendation", func(r *recommendationRow) int { return r.Version },
			func(r *recommendationRow) error { return guardRecommendationWrite(ctx, t.db, r.ID) }); err != nil {
			return err
		}
		d.ReviewID = row.ReviewID // a recommendation never moves between reviews
		if err := checkRecommendation(t, row.ID, &d); err != nil {
			return err
		}
		if err := casereview.CheckOpen(casereview.OversightStatus(row.OversightStatus), row.ClosedOn.ptr()); err != nil {
			return err
		}
		prev, err := s.recommendations(t.db, []recommendationRow{row}, casereview.DateOf(t.now))
		if err != nil {
			return err
		}
		row.apply(d)
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		if err := writeAddressees(t, row.ID, d.Addressees); err != nil {
			return err
		}
		if err := settle(t, &row); err != nil {
			return err
		}
		t.touch(journalRecommendation, row.ID)
		if err := writeThemes(t, row.ID, d.Themes); err != nil {
			return err
		}
		if err := recordEdits(t, s, prev[0], row); err != nil {
			return err
		}
		return s.auditRecommendation(t, casereview.AuditRecommendationUpdated, &prev[0], row)
	})
	if err != nil {
		return casereview.Recommendation{}, err
	}
	return s.GetRecommendation(ctx, row.ID)
}

func (s *Store) DeleteRecommendation(ctx context.Context, id string, version int) error {
	return s.inTx(ctx, func(t *tx) error {
		var row recommendationRow
		if err := lockRow(t, &row, id, version, "recommendation", func(r *recommendationRow) int { return r.Version },
			func(r *recommendationRow) error { return guardRecommendationWrite(ctx, t.db, r.ID) }); err != nil {
			return err
		}
		if err := casereview.CheckOpen(casereview.OversightStatus(row.OversightStatus), row.ClosedOn.ptr()); err != nil {
			return err
		}
		var n int64
		if err := t.db.Table("actions").Where("recommendation_id = ?", row.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the recommendation has actions; delete them first")
		}
		t.touch(journalRecommendation, row.ID)
		prev, err := s.recommendations(t.db, []recommendationRow{row}, casereview.DateOf(t.now))
		if err != nil {
			return err
		}
		if err := s.auditRecommendation(t, casereview.AuditRecommendationDeleted, &prev[0], row); err != nil {
			return err
		}
		return t.db.Delete(&row).Error
	})
}

// recordEdits appends a timeline entry (field, old → new) for each field an edit changed, so that
// everyone who may read the recommendation sees its history, not only those who may read the
// audit trail. It writes nothing when nothing changed.
func recordEdits(t *tx, s *Store, before casereview.Recommendation, row recommendationRow) error {
	after, err := s.recommendations(t.db, []recommendationRow{row}, casereview.DateOf(t.now))
	if err != nil {
		return err
	}
	for _, c := range casereview.RecommendationChanges(before, after[0]) {
		if err := recordEdit(t, row.ID, c); err != nil {
			return err
		}
	}
	return nil
}
