package store

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/taxonomy"
)

type reviewTypeRow struct {
	Code                string `gorm:"column:code;primaryKey"`
	Label               string `gorm:"column:label"`
	Description         string `gorm:"column:description"`
	DefaultResponseDays int    `gorm:"column:default_response_days"`
	SortOrder           int    `gorm:"column:sort_order"`
}

func (reviewTypeRow) TableName() string { return "review_types" }

type interventionTypeRow struct {
	Code        string `gorm:"column:code;primaryKey"`
	Label       string `gorm:"column:label"`
	Description string `gorm:"column:description"`
	SortOrder   int    `gorm:"column:sort_order"`
}

func (interventionTypeRow) TableName() string { return "intervention_types" }

type themeGroupRow struct {
	Code        string `gorm:"column:code;primaryKey"`
	Label       string `gorm:"column:label"`
	Description string `gorm:"column:description"`
}

func (themeGroupRow) TableName() string { return "theme_groups" }

type themeRow struct {
	Code            string   `gorm:"column:code;primaryKey"`
	Slug            string   `gorm:"column:slug"`
	GroupCode       string   `gorm:"column:group_code"`
	Label           string   `gorm:"column:label"`
	Definition      string   `gorm:"column:definition"`
	Keywords        jsonList `gorm:"column:keywords"`
	Active          bool     `gorm:"column:active"`
	TaxonomyVersion int      `gorm:"column:taxonomy_version"`
	SortOrder       int      `gorm:"column:sort_order"`
	// Origin is "file" while the embedded taxonomy owns the theme (seeding updates it) and
	// "admin" once an admin added or changed it (seeding leaves it alone).
	Origin       string     `gorm:"column:origin"`
	ReplacedBy   *string    `gorm:"column:replaced_by"`
	DeprecatedAt *time.Time `gorm:"column:deprecated_at"`
}

func (themeRow) TableName() string { return "themes" }

type crosswalkRow struct {
	Scheme     string `gorm:"column:scheme;primaryKey"`
	NativeCode string `gorm:"column:native_code;primaryKey"`
	ThemeCode  string `gorm:"column:theme_code;primaryKey"`
}

func (crosswalkRow) TableName() string { return "theme_crosswalks" }

type referenceStateRow struct {
	Name    string `gorm:"column:name;primaryKey"`
	Version int    `gorm:"column:version"`
}

func (referenceStateRow) TableName() string { return "reference_state" }

// Two versions live in reference_state: "taxonomy_file", the version of the embedded file last
// seeded, and "taxonomy", the version of the taxonomy as a whole, which every seed and every
// admin change raises (see taxonomy_admin.go).
const (
	stateTaxonomy     = "taxonomy"
	stateTaxonomyFile = "taxonomy_file"
)

// SeedTaxonomy loads the reference data of tx into the database when the database holds an
// older version of the file (or none). It updates labels, definitions, keywords and crosswalks
// of the themes the file owns in place and marks the file's themes its new version drops as
// inactive; themes an admin added or changed are left as they are. It never touches theme
// assignments, so recommendations keep their tags across versions. It reports whether anything
// changed.
func (s *Store) SeedTaxonomy(ctx context.Context, tax *taxonomy.Taxonomy) (bool, error) {
	changed := false
	err := s.inTx(ctx, func(t *tx) error {
		file, err := stateVersion(t.db, stateTaxonomyFile)
		if err != nil || file >= tax.Version {
			return err
		}
		current, err := stateVersion(t.db, stateTaxonomy)
		if err != nil {
			return err
		}
		version := max(current+1, tax.Version)
		changed = true
		t.audit(casereview.AuditTaxonomySeeded, "taxonomy", "taxonomy", map[string]int{"version": current, "file_version": file},
			map[string]int{"version": version, "file_version": tax.Version, "themes": len(tax.Themes)})
		if err := seed(t, tax, version); err != nil {
			return err
		}
		if err := setStateVersion(t.db, stateTaxonomyFile, tax.Version); err != nil {
			return err
		}
		return setStateVersion(t.db, stateTaxonomy, version)
	})
	return changed, err
}

// stateVersion reads a version from reference_state (0 when it has none).
func stateVersion(db *gorm.DB, name string) (int, error) {
	var rows []referenceStateRow
	if err := db.Where("name = ?", name).Limit(1).Find(&rows).Error; err != nil || len(rows) == 0 {
		return 0, err
	}
	return rows[0].Version, nil
}

func setStateVersion(db *gorm.DB, name string, version int) error {
	return db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"version"})}).
		Create(&referenceStateRow{Name: name, Version: version}).Error
}

func seed(t *tx, tax *taxonomy.Taxonomy, version int) error {
	upsert := func(rows any, cols ...string) error {
		return t.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}},
			DoUpdates: clause.AssignmentColumns(cols)}).Create(rows).Error
	}
	var rts []reviewTypeRow
	for i, r := range tax.ReviewTypes {
		rts = append(rts, reviewTypeRow{r.Code, r.Label, r.Description, r.DefaultResponseDays, i})
	}
	if err := upsert(&rts, "label", "description", "default_response_days", "sort_order"); err != nil {
		return fmt.Errorf("seed review types: %w", err)
	}
	var its []interventionTypeRow
	for i, r := range tax.InterventionTypes {
		its = append(its, interventionTypeRow{r.Code, r.Label, r.Description, i})
	}
	if err := upsert(&its, "label", "description", "sort_order"); err != nil {
		return fmt.Errorf("seed intervention types: %w", err)
	}
	var gs []themeGroupRow
	for _, g := range tax.Groups {
		gs = append(gs, themeGroupRow{g.Code, g.Label, g.Description})
	}
	if err := upsert(&gs, "label", "description"); err != nil {
		return fmt.Errorf("seed theme groups: %w", err)
	}
	var ths []themeRow
	codes := make([]string, 0, len(tax.Themes))
	var admin []string
	if err := t.db.Model(&themeRow{}).Where("origin = ?", originAdmin).Pluck("code", &admin).Error; err != nil {
		return err
	}
	for i, th := range tax.Themes {
		ths = append(ths, themeRow{Code: th.Code, Slug: th.Slug, GroupCode: th.Group, Label: th.Label, Definition: th.Definition,
			Keywords: th.Keywords, Active: true, TaxonomyVersion: version, SortOrder: i, Origin: originFile})
		codes = append(codes, th.Code)
		if !slices.Contains(admin, th.Code) {
			t.touch(journalTheme, th.Code)
		}
	}
	// A theme an admin added or changed is theirs: the file no longer updates it.
	onlyFile := clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "themes.origin = ?", Vars: []any{originFile}}}}
	if err := t.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "code"}}, Where: onlyFile,
		DoUpdates: clause.AssignmentColumns([]string{"slug", "group_code", "label", "definition", "keywords", "active", "taxonomy_version", "sort_order"})}).
		Create(&ths).Error; err != nil {
		return fmt.Errorf("seed themes: %w", err)
	}
	var dropped []string
	if err := t.db.Model(&themeRow{}).Where("active AND origin = ? AND code NOT IN ?", originFile, codes).Pluck("code", &dropped).Error; err != nil {
		return err
	}
	for _, c := range dropped {
		t.touch(journalTheme, c)
	}
	if len(dropped) > 0 {
		if err := t.db.Model(&themeRow{}).Where("code IN ?", dropped).Update("active", false).Error; err != nil {
			return err
		}
	}
	if err := t.db.Where("1 = 1").Delete(&crosswalkRow{}).Error; err != nil {
		return err
	}
	var cws []crosswalkRow
	for _, c := range tax.Crosswalks {
		for _, th := range c.Themes {
			cws = append(cws, crosswalkRow{c.Scheme, c.NativeCode, th})
		}
	}
	if len(cws) > 0 {
		if err := t.db.Create(&cws).Error; err != nil {
			return fmt.Errorf("seed crosswalks: %w", err)
		}
	}
	return nil
}

func (s *Store) ListReviewTypes(ctx context.Context) ([]casereview.ReviewType, error) {
	var rows []reviewTypeRow
	if err := s.read.WithContext(ctx).Order("sort_order").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.ReviewType, len(rows))
	for i, r := range rows {
		out[i] = casereview.ReviewType{Code: r.Code, Label: r.Label, Description: r.Description, DefaultResponseDays: r.DefaultResponseDays}
	}
	return out, nil
}

func (s *Store) GetReviewType(ctx context.Context, code string) (casereview.ReviewType, error) {
	if !codeLike(code) {
		return casereview.ReviewType{}, casereview.NotFound("review type")
	}
	var r reviewTypeRow
	if err := s.read.WithContext(ctx).Where("code = ?", strings.ToUpper(code)).Take(&r).Error; err != nil {
		return casereview.ReviewType{}, notFoundAs(err, "review type")
	}
	return casereview.ReviewType{Code: r.Code, Label: r.Label, Description: r.Description, DefaultResponseDays: r.DefaultResponseDays}, nil
}

func (s *Store) ListInterventionTypes(ctx context.Context) ([]casereview.InterventionType, error) {
	var rows []interventionTypeRow
	if err := s.read.WithContext(ctx).Order("sort_order").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]casereview.InterventionType, len(rows))
	for i, r := range rows {
		out[i] = casereview.InterventionType{Code: r.Code, Label: r.Label, Description: r.Description}
	}
	return out, nil
}

// ListThemes returns the themes of one group (all when group is empty), active ones first in
// taxonomy order, and the taxonomy version in the database.
func (s *Store) ListThemes(ctx context.Context, group string) ([]casereview.Theme, int, error) {
	db := s.read.WithContext(ctx)
	q := db.Order("active DESC, sort_order, code")
	if group != "" {
		if g := strings.ToUpper(group); g != "A" && g != "B" && g != "C" {
			return nil, 0, casereview.Invalid("group", casereview.FieldUnknownValue, "%q is not one of: A, B, C", group)
		}
		q = q.Where("group_code = ?", strings.ToUpper(group))
	}
	var rows []themeRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	var cws []crosswalkRow
	if err := db.Order("scheme, native_code").Find(&cws).Error; err != nil {
		return nil, 0, translate(err)
	}
	byTheme := map[string][]casereview.Crosswalk{}
	for _, c := range cws {
		byTheme[c.ThemeCode] = append(byTheme[c.ThemeCode], casereview.Crosswalk{Scheme: c.Scheme, NativeCode: c.NativeCode})
	}
	version, err := stateVersion(db, stateTaxonomy)
	if err != nil {
		return nil, 0, translate(err)
	}
	out := make([]casereview.Theme, len(rows))
	for i, r := range rows {
		out[i] = themeFromRow(r, byTheme[r.Code])
	}
	return out, version, nil
}

func (s *Store) GetTheme(ctx context.Context, codeOrSlug string) (casereview.Theme, error) {
	if !codeLike(codeOrSlug) {
		return casereview.Theme{}, casereview.NotFound("theme")
	}
	db := s.read.WithContext(ctx)
	var r themeRow
	if err := db.Where("code = ? OR slug = ?", strings.ToUpper(codeOrSlug), strings.ToLower(codeOrSlug)).Take(&r).Error; err != nil {
		return casereview.Theme{}, notFoundAs(err, "theme")
	}
	var cws []crosswalkRow
	if err := db.Where("theme_code = ?", r.Code).Order("scheme, native_code").Find(&cws).Error; err != nil {
		return casereview.Theme{}, translate(err)
	}
	var xs []casereview.Crosswalk
	for _, c := range cws {
		xs = append(xs, casereview.Crosswalk{Scheme: c.Scheme, NativeCode: c.NativeCode})
	}
	return themeFromRow(r, xs), nil
}

func themeFromRow(r themeRow, xs []casereview.Crosswalk) casereview.Theme {
	sort.SliceStable(xs, func(i, j int) bool { return xs[i].Scheme < xs[j].Scheme })
	return casereview.Theme{Code: r.Code, Slug: r.Slug, Group: r.GroupCode, Label: r.Label, Definition: r.Definition,
		Keywords: append([]string{}, r.Keywords...), Crosswalks: append([]casereview.Crosswalk{}, xs...), Active: r.Active,
		TaxonomyVersion: r.TaxonomyVersion, DeprecatedAt: utcPtr(r.DeprecatedAt), ReplacedBy: deref(r.ReplacedBy), Origin: r.Origin}
}

// codeLike reports whether s could be a code or slug at all. PostgreSQL refuses NUL bytes and
// invalid UTF-8 in a query parameter with an error, so such a lookup must answer "not found"
// without reaching the database, as it does on SQLite.
func codeLike(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// notFoundAs turns a missing row into the domain's not-found error for kind.
func notFoundAs(err error, kind string) error {
	if err == gorm.ErrRecordNotFound {
		return casereview.NotFound(kind)
	}
	return translate(err)
}
