package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Theme suggestions are computed on request from the recommendation's current text: matching
// the taxonomy's keywords takes well under a millisecond, so there is no cache to keep in step
// with edits to the text, the taxonomy or the assignments. Only people's decisions are stored:
// an accepted suggestion as a theme assignment, a rejected one as a rejection row.

type rejectionRow struct {
	RecommendationID string    `gorm:"column:recommendation_id;primaryKey"`
	ThemeCode        string    `gorm:"column:theme_code;primaryKey"`
	Reason           string    `gorm:"column:reason"`
	RejectedBy       *string   `gorm:"column:rejected_by"`
	RejectedByName   string    `gorm:"column:rejected_by_name"`
	RejectedAt       time.Time `gorm:"column:rejected_at"`
}

func (rejectionRow) TableName() string { return "theme_suggestion_rejections" }

// maxRejectionReason bounds the optional reason for a rejection, in characters.
const maxRejectionReason = 2000

// UseThemeSuggester sets what suggests themes. Without one, suggestions are unavailable.
func (s *Store) UseThemeSuggester(m casereview.ThemeSuggester) { s.suggester = m }

func (s *Store) ThemeSuggestions(ctx context.Context, id string) ([]casereview.ThemeSuggestion, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return nil, casereview.NotFound("recommendation")
	}
	db := s.read.WithContext(ctx)
	var row recommendationRow
	if err := visible(ctx, db.Joins("JOIN reviews ON reviews.id = recommendations.review_id")).
		Select("recommendations.*").Where("recommendations.id = ?", id).Take(&row).Error; err != nil {
		return nil, notFoundAs(err, "recommendation")
	}
	out, err := s.suggestionsFor(db, row)
	return out, translate(err)
}

// suggestionsFor suggests themes for row's text, leaving out the themes it already carries and
// those rejected for it.
func (s *Store) suggestionsFor(db *gorm.DB, row recommendationRow) ([]casereview.ThemeSuggestion, error) {
	if s.suggester == nil {
		return nil, &casereview.Error{Code: casereview.CodeUnavailable, Message: "theme suggestions are not available"}
	}
	var themeRows []themeRow
	if err := db.Where("active").Order("sort_order").Find(&themeRows).Error; err != nil {
		return nil, err
	}
	themes := make([]casereview.Theme, len(themeRows))
	for i, r := range themeRows {
		themes[i] = themeFromRow(r, nil)
	}
	var assigned []themeAssignmentRow
	if err := db.Where("recommendation_id = ?", row.ID).Order("position").Find(&assigned).Error; err != nil {
		return nil, err
	}
	var rejected []string
	if err := db.Table("theme_suggestion_rejections").Where("recommendation_id = ?", row.ID).Pluck("theme_code", &rejected).Error; err != nil {
		return nil, err
	}
	skip := append([]string{}, rejected...)
	out := []casereview.ThemeSuggestion{}
	// A theme assigned as a suggestion nobody confirmed (an import's crosswalk suggestion) is
	// suggested first, to be accepted or rejected like the others.
	for _, a := range assigned {
		skip = append(skip, a.ThemeCode)
		if a.Source == "suggested" && a.ConfirmedAt == nil && !slices.Contains(rejected, a.ThemeCode) {
			for _, th := range themes {
				if th.Code == a.ThemeCode {
					out = append(out, casereview.ThemeSuggestion{Code: th.Code, Slug: th.Slug, Label: th.Label, Group: th.Group, Score: 1})
				}
			}
		}
	}
	for _, sg := range s.suggester.Suggest(row.Text, themes) {
		if !slices.Contains(skip, sg.Code) {
			out = append(out, sg)
		}
	}
	return out, nil
}

// currentSuggestion finds the suggestion for the theme with code (or slug) codeOrSlug among
// row's current suggestions; a theme that is not suggested now answers not found.
func (s *Store) currentSuggestion(t *tx, row recommendationRow, codeOrSlug string) (casereview.ThemeSuggestion, error) {
	sugs, err := s.suggestionsFor(t.db, row)
	if err != nil {
		return casereview.ThemeSuggestion{}, err
	}
	for _, sg := range sugs {
		if strings.EqualFold(sg.Code, codeOrSlug) || strings.EqualFold(sg.Slug, codeOrSlug) {
			return sg, nil
		}
	}
	return casereview.ThemeSuggestion{}, casereview.NotFound("theme suggestion")
}

func (s *Store) AcceptThemeSuggestion(ctx context.Context, id string, version int, code string) (casereview.Recommendation, error) {
	var row recommendationRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "recommendation", func(r *recommendationRow) int { return r.Version },
			func(r *recommendationRow) error { return guardRecommendationWrite(ctx, t.db, r.ID) }); err != nil {
			return err
		}
		sg, err := s.currentSuggestion(t, row, code)
		if err != nil {
			return err
		}
		prev, err := s.recommendations(t.db, []recommendationRow{row}, casereview.DateOf(t.now))
		if err != nil {
			return err
		}
		// The accepted theme goes last; it is primary only when it is the first theme.
		themes := prev[0].Themes
		a := actorOf(ctx)
		at := t.now
		if slices.ContainsFunc(themes, func(th casereview.ThemeAssignment) bool { return th.Code == sg.Code }) {
			// Assigned unconfirmed: the acceptance confirms it where it stands.
			if err := t.db.Model(&themeAssignmentRow{}).Where("recommendation_id = ? AND theme_code = ?", row.ID, sg.Code).
				Updates(map[string]any{"confirmed_by": nonEmpty(a.UserID), "confirmed_by_name": a.Name, "confirmed_at": at}).Error; err != nil {
				return err
			}
		} else {
			assignment := themeAssignmentRow{RecommendationID: row.ID, ThemeCode: sg.Code, IsPrimary: len(themes) == 0,
				Source: "suggested", Position: len(themes), AssignedAt: t.now, ConfirmedBy: nonEmpty(a.UserID),
				ConfirmedByName: &a.Name, ConfirmedAt: &at}
			if err := t.db.Omit("slug", "label", "group_code", "active").Create(&assignment).Error; err != nil {
				return err
			}
		}
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		t.touch(journalRecommendation, row.ID)
		return s.auditRecommendationAs(t, casereview.AuditSuggestionAccepted, &prev[0], row)
	})
	if err != nil {
		return casereview.Recommendation{}, err
	}
	return s.GetRecommendation(ctx, row.ID)
}

func (s *Store) RejectThemeSuggestion(ctx context.Context, id, code, reason string) (casereview.SuggestionRejection, error) {
	var p casereview.Problems
	casereview.CheckText(&p, "reason", reason, false, maxRejectionReason)
	if err := p.Err(); err != nil {
		return casereview.SuggestionRejection{}, err
	}
	var rej rejectionRow
	err := s.inTx(ctx, func(t *tx) error {
		nid, ok := casereview.NormaliseID(id)
		if !ok {
			return casereview.NotFound("recommendation")
		}
		var row recommendationRow
		// The row lock orders a rejection against an acceptance of the same suggestion.
		if err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", nid).Take(&row).Error; err != nil {
			return notFoundAs(err, "recommendation")
		}
		if err := guardRecommendationWrite(ctx, t.db, row.ID); err != nil {
			return err
		}
		sg, err := s.currentSuggestion(t, row, code)
		if err != nil {
			return err
		}
		a := actorOf(ctx)
		rej = rejectionRow{RecommendationID: row.ID, ThemeCode: sg.Code, Reason: reason, RejectedBy: nonEmpty(a.UserID),
			RejectedByName: a.Name, RejectedAt: t.now}
		if err := t.db.Create(&rej).Error; err != nil {
			return err
		}
		// An unconfirmed assignment of the theme goes; if it was primary, the next theme is.
		var gone themeAssignmentRow
		if err := t.db.Where("recommendation_id = ? AND theme_code = ? AND source = 'suggested' AND confirmed_at IS NULL", row.ID, sg.Code).
			Limit(1).Find(&gone).Error; err != nil {
			return err
		}
		if gone.ThemeCode != "" {
			if err := t.db.Where("recommendation_id = ? AND theme_code = ?", row.ID, sg.Code).Delete(&themeAssignmentRow{}).Error; err != nil {
				return err
			}
			if gone.IsPrimary {
				var next themeAssignmentRow
				if err := t.db.Where("recommendation_id = ?", row.ID).Order("position").Limit(1).Find(&next).Error; err != nil {
					return err
				}
				if next.ThemeCode != "" {
					if err := t.db.Model(&themeAssignmentRow{}).Where("recommendation_id = ? AND theme_code = ?", row.ID, next.ThemeCode).
						Update("is_primary", true).Error; err != nil {
						return err
					}
				}
			}
			row.Version++
			row.UpdatedAt = t.now
			if err := t.db.Save(&row).Error; err != nil {
				return err
			}
			t.touch(journalRecommendation, row.ID)
		}
		t.audit(casereview.AuditSuggestionRejected, "recommendation", row.ID, nil, struct {
			Rejection  casereview.SuggestionRejection
			Suggestion casereview.ThemeSuggestion
		}{rejectionOut(rej), sg})
		return nil
	})
	if err != nil {
		return casereview.SuggestionRejection{}, err
	}
	return rejectionOut(rej), nil
}

func rejectionOut(r rejectionRow) casereview.SuggestionRejection {
	return casereview.SuggestionRejection{RecommendationID: r.RecommendationID, ThemeCode: r.ThemeCode, Reason: r.Reason,
		RejectedBy: deref(r.RejectedBy), RejectedAt: r.RejectedAt.UTC()}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
