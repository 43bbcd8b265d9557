package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// The store's rows, for the packages beside it that write the same tables through Write
// (internal/store/imports): the store's own models, so a column added to one is written by
// every writer, and the audit records an entity the same way whoever changed it. Nothing but
// these names, and the few methods below, is exported; the store's queries stay its own.
type (
	ReviewRow           = reviewRow
	RecommendationRow   = recommendationRow
	AddresseeRow        = addresseeRow
	ThemeAssignmentRow  = themeAssignmentRow
	ActionRow           = actionRow
	MilestoneRow        = milestoneRow
	MilestoneEventRow   = milestoneEventRow
	ThemeRow            = themeRow
	ReviewTypeRow       = reviewTypeRow
	InterventionTypeRow = interventionTypeRow
	OrganisationRow     = organisationRow
	PartnershipRow      = partnershipRow
)

// Apply sets the review's fields from d, as the store's own create and update do.
func (r *ReviewRow) Apply(d casereview.ReviewDraft) { r.apply(d) }

// Domain is the review as the API shows it (and its audit events record it).
func (r ReviewRow) Domain() casereview.Review { return r.domain() }

// Apply sets the recommendation's own fields from d (not its addressees or themes).
func (r *RecommendationRow) Apply(d casereview.RecommendationDraft) { r.apply(d) }

// Apply sets the action's fields from d.
func (r *ActionRow) Apply(d casereview.ActionDraft) { r.apply(d) }

// Domain is the action as the API shows it.
func (r ActionRow) Domain() casereview.Action { return r.domain() }

// Domain is the milestone as the API shows it.
func (r MilestoneRow) Domain() casereview.Milestone { return r.domain() }

// Domain is the partnership as the API shows it.
func (r PartnershipRow) Domain() casereview.Partnership { return r.domain() }

// Ptr is the date, or nil when there is none.
func (n NullDate) Ptr() *casereview.Date { return n.ptr() }

// DateOf is d as a date column (nil: none).
func DateOf(d *casereview.Date) NullDate { return dateOf(d) }

// DateText is a date column as a milestone's timeline writes it ("" for none).
func DateText(d NullDate) string { return dateText(d) }

// MilestoneOrder is the order milestones are listed in: by due date (undated last), then as added.
const MilestoneOrder = milestoneOrder

// Now is the store's clock (tests fix it).
func (s *Store) Now() time.Time { return s.now() }

// Conn takes a connection of the write pool for the caller alone, until the caller closes it:
// for state of a database session that must outlive a transaction, such as PostgreSQL's
// advisory locks. Errors come back as domain errors.
func (s *Store) Conn(ctx context.Context) (*sql.Conn, error) {
	db, err := s.write.DB()
	if err != nil {
		return nil, translate(err)
	}
	conn, err := db.Conn(ctx)
	return conn, translate(err)
}

// Translate turns a database error into a domain error, as the store does with its own (nil
// stays nil).
func Translate(err error) error { return translate(err) }

// ThemeSetOf is recommendations.theme_set for a recommendation with these theme assignments:
// the codes of the confirmed ones (casereview.ThemeAssignment.Confirmed), in byte order,
// comma-separated, as the triggers of migration 00027 write it.
func ThemeSetOf(themes []ThemeAssignmentRow) string {
	var codes []string
	for _, th := range themes {
		if th.Source != "suggested" || th.ConfirmedAt != nil { // as confirmedTheme
			codes = append(codes, th.ThemeCode)
		}
	}
	slices.Sort(codes)
	return strings.Join(codes, ",")
}
