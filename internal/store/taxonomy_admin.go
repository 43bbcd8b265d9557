package store

import (
	"context"
	"slices"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Admins' changes to the taxonomy (see casereview/theme_admin.go). Each runs in one transaction
// that raises the taxonomy version, stamps the theme with it (the theme's version for If-Match),
// audits the theme before and after and journals it: the indexer then rebuilds the search
// documents of every recommendation carrying the theme (AffectedRecommendations), and the
// suggester, which compiles its patterns from the active themes it is given and recompiles
// whenever their keywords change, suggests from the new keywords at the next request.

const (
	originFile  = "file"
	originAdmin = "admin"
)

func requireTaxonomyAdmin(ctx context.Context) error {
	if !casereview.CanManageTaxonomy(actorOf(ctx)) {
		return deny(ctx, "only admins manage the taxonomy")
	}
	return nil
}

// bumpTaxonomy raises the taxonomy version and returns the new one.
func bumpTaxonomy(t *tx) (int, error) {
	v, err := stateVersion(t.db, stateTaxonomy)
	if err != nil {
		return 0, err
	}
	return v + 1, setStateVersion(t.db, stateTaxonomy, v+1)
}

func (s *Store) CreateTheme(ctx context.Context, d casereview.NewTheme) (casereview.Theme, error) {
	if err := requireTaxonomyAdmin(ctx); err != nil {
		return casereview.Theme{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.Theme{}, err
	}
	var row themeRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := checkGroup(t, d.Group); err != nil {
			return err
		}
		var clash []themeRow
		if err := t.db.Where("code = ? OR slug = ?", d.Code, d.Slug).Find(&clash).Error; err != nil {
			return err
		}
		for _, c := range clash {
			if c.Code == d.Code {
				return casereview.Conflict("the code is in use", casereview.FieldError{Field: "code", Code: casereview.FieldDuplicate,
					Message: "theme " + c.Code + " exists (" + c.Label + ")"})
			}
			return casereview.Conflict("the slug is in use", casereview.FieldError{Field: "slug", Code: casereview.FieldDuplicate,
				Message: "theme " + c.Code + " has the slug " + c.Slug})
		}
		if err := uniqueThemeLabel(t, d.Label, ""); err != nil {
			return err
		}
		version, err := bumpTaxonomy(t)
		if err != nil {
			return err
		}
		var last struct{ N *int }
		if err := t.db.Model(&themeRow{}).Select("max(sort_order) AS n").Scan(&last).Error; err != nil {
			return err
		}
		row = themeRow{Code: d.Code, Slug: d.Slug, GroupCode: d.Group, Label: d.Label, Definition: d.Definition, Keywords: d.Keywords,
			Active: true, TaxonomyVersion: version, Origin: originAdmin}
		if last.N != nil {
			row.SortOrder = *last.N + 1
		}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		t.touch(journalTheme, row.Code)
		t.audit(casereview.AuditThemeCreated, "theme", row.Code, nil, themeFromRow(row, nil))
		return nil
	})
	if err != nil {
		return casereview.Theme{}, err
	}
	return s.GetTheme(ctx, row.Code)
}

func (s *Store) UpdateTheme(ctx context.Context, codeOrSlug string, version int, d casereview.ThemeChange) (casereview.Theme, error) {
	if err := requireTaxonomyAdmin(ctx); err != nil {
		return casereview.Theme{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.Theme{}, err
	}
	var row themeRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockTheme(t, &row, codeOrSlug, version); err != nil {
			return err
		}
		before := themeFromRow(row, nil)
		if d.Group != nil {
			if err := checkGroup(t, *d.Group); err != nil {
				return err
			}
			row.GroupCode = *d.Group
		}
		if d.Label != nil {
			if err := uniqueThemeLabel(t, *d.Label, row.Code); err != nil {
				return err
			}
			row.Label = *d.Label
		}
		if d.Definition != nil {
			row.Definition = *d.Definition
		}
		if d.Keywords != nil {
			row.Keywords = *d.Keywords
		}
		return saveTheme(t, &row, casereview.AuditThemeUpdated, before)
	})
	if err != nil {
		return casereview.Theme{}, err
	}
	return s.GetTheme(ctx, row.Code)
}

func (s *Store) DeprecateTheme(ctx context.Context, codeOrSlug string, version int, replacedBy string) (casereview.Theme, error) {
	if err := requireTaxonomyAdmin(ctx); err != nil {
		return casereview.Theme{}, err
	}
	var row themeRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockTheme(t, &row, codeOrSlug, version); err != nil {
			return err
		}
		if !row.Active {
			return casereview.Conflict("theme " + row.Code + " is already inactive")
		}
		before := themeFromRow(row, nil)
		if replacedBy = strings.TrimSpace(replacedBy); replacedBy != "" {
			var next themeRow
			err := t.db.Where("code = ? OR slug = ?", strings.ToUpper(replacedBy), strings.ToLower(replacedBy)).Take(&next).Error
			switch {
			case err == gorm.ErrRecordNotFound || !codeLike(replacedBy):
				return casereview.Invalid("replaced_by", casereview.FieldNotFound, "%q is not a theme code or slug", replacedBy)
			case err != nil:
				return err
			case next.Code == row.Code:
				return casereview.Invalid("replaced_by", casereview.FieldInvalid, "a theme cannot replace itself")
			case !next.Active:
				return casereview.Invalid("replaced_by", casereview.FieldDeprecated, "theme %s is not active", next.Code)
			}
			row.ReplacedBy = &next.Code
		}
		now := t.now
		row.Active, row.DeprecatedAt = false, &now
		return saveTheme(t, &row, casereview.AuditThemeDeprecated, before)
	})
	if err != nil {
		return casereview.Theme{}, err
	}
	return s.GetTheme(ctx, row.Code)
}

// lockTheme reads the theme for update and checks the version the caller read.
func lockTheme(t *tx, row *themeRow, codeOrSlug string, version int) error {
	if !codeLike(codeOrSlug) {
		return casereview.NotFound("theme")
	}
	err := t.db.Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("code = ? OR slug = ?", strings.ToUpper(codeOrSlug), strings.ToLower(codeOrSlug)).Take(row).Error
	if err != nil {
		return notFoundAs(err, "theme")
	}
	if row.TaxonomyVersion != version {
		return casereview.Stale("theme", row.TaxonomyVersion)
	}
	return nil
}

// saveTheme stamps row with a new taxonomy version, makes it the admins' (seeding no longer
// updates it), saves, journals and audits it.
func saveTheme(t *tx, row *themeRow, action casereview.AuditAction, before casereview.Theme) error {
	version, err := bumpTaxonomy(t)
	if err != nil {
		return err
	}
	row.TaxonomyVersion, row.Origin = version, originAdmin
	if err := t.db.Save(row).Error; err != nil {
		return err
	}
	t.touch(journalTheme, row.Code)
	t.audit(action, "theme", row.Code, before, themeFromRow(*row, nil))
	return nil
}

func checkGroup(t *tx, group string) error {
	var groups []string
	if err := t.db.Model(&themeGroupRow{}).Order("code").Pluck("code", &groups).Error; err != nil {
		return err
	}
	if !slices.Contains(groups, group) {
		return casereview.Invalid("group", casereview.FieldUnknownValue, "%q is not one of: %s", group, strings.Join(groups, ", "))
	}
	return nil
}

// uniqueThemeLabel refuses a label another theme has, in any case (casereview.NameKey).
func uniqueThemeLabel(t *tx, label, except string) error {
	var rows []themeRow
	if err := t.db.Select("code, label").Where("code <> ?", except).Find(&rows).Error; err != nil {
		return err
	}
	k := casereview.NameKey(label)
	for _, r := range rows {
		if casereview.NameKey(r.Label) == k {
			return casereview.Conflict("the label is in use", casereview.FieldError{Field: "label", Code: casereview.FieldDuplicate,
				Message: "theme " + r.Code + " is already called " + r.Label})
		}
	}
	return nil
}
