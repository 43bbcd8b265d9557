package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type organisationRow struct {
	ID       string  `gorm:"column:id;primaryKey"`
	Name     string  `gorm:"column:name"`
	NameKey  string  `gorm:"column:name_key"` // casereview.NameKey(Name): names are unique by it
	Sector   string  `gorm:"column:sector"`
	ParentID *string `gorm:"column:parent_id"`
	// The senior contact escalations go to (issue 18 §2).
	SeniorContactName  string    `gorm:"column:senior_contact_name"`
	SeniorContactEmail string    `gorm:"column:senior_contact_email"`
	Version            int       `gorm:"column:version"`
	CreatedAt          time.Time `gorm:"column:created_at"`
	UpdatedAt          time.Time `gorm:"column:updated_at"`
}

func (organisationRow) TableName() string { return "organisations" }
func (r organisationRow) rowID() string   { return r.ID }

type aliasRow struct {
	OrganisationID string `gorm:"column:organisation_id;primaryKey"`
	Alias          string `gorm:"column:alias"`
	AliasKey       string `gorm:"column:alias_key;primaryKey"`
	Position       int    `gorm:"column:position"`
}

func (aliasRow) TableName() string { return "organisation_aliases" }

// AliasKey is the form aliases are matched in, the same as names (see casereview.NameKey).
func AliasKey(s string) string { return casereview.NameKey(s) }

func (s *Store) organisations(db *gorm.DB, rows []organisationRow) ([]casereview.Organisation, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	aliases := map[string][]string{}
	if len(ids) > 0 {
		var as []aliasRow
		if err := db.Where("organisation_id IN ?", ids).Order("organisation_id, position").Find(&as).Error; err != nil {
			return nil, translate(err)
		}
		for _, a := range as {
			aliases[a.OrganisationID] = append(aliases[a.OrganisationID], a.Alias)
		}
	}
	out := make([]casereview.Organisation, len(rows))
	contact := db.Statement.Context != nil && casereview.CanReadSeniorContact(actorOf(db.Statement.Context))
	for i, r := range rows {
		if !contact {
			r.SeniorContactName, r.SeniorContactEmail = "", ""
		}
		out[i] = casereview.Organisation{ID: r.ID, Name: r.Name, Sector: casereview.Sector(r.Sector), ParentID: r.ParentID,
			Aliases: append([]string{}, aliases[r.ID]...), Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
			SeniorContactName: r.SeniorContactName, SeniorContactEmail: r.SeniorContactEmail}
	}
	return out, nil
}

func (s *Store) CreateOrganisation(ctx context.Context, d casereview.OrganisationDraft) (casereview.Organisation, error) {
	if !casereview.CanCreateOrganisation(actorOf(ctx)) {
		return casereview.Organisation{}, deny(ctx, "only admins and panel members add organisations")
	}
	if err := d.Validate(); err != nil {
		return casereview.Organisation{}, err
	}
	var row organisationRow
	err := s.inTx(ctx, func(t *tx) error {
		row = organisationRow{ID: newID(), Name: d.Name, NameKey: casereview.NameKey(d.Name), Sector: string(d.Sector), ParentID: d.ParentID, Version: 1, CreatedAt: t.now, UpdatedAt: t.now,
			SeniorContactName: d.SeniorContactName, SeniorContactEmail: d.SeniorContactEmail}
		if err := checkOrganisation(t, row); err != nil {
			return err
		}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		t.touch(journalOrganisation, row.ID)
		if err := writeAliases(t, row.ID, d.Aliases); err != nil {
			return err
		}
		return auditOrganisation(s, t, casereview.AuditOrganisationCreated, nil, row)
	})
	if err != nil {
		return casereview.Organisation{}, err
	}
	return s.GetOrganisation(ctx, row.ID)
}

// auditOrganisation records an event with the organisation as it now is (aliases included).
func auditOrganisation(s *Store, t *tx, action casereview.AuditAction, before *casereview.Organisation, row organisationRow) error {
	after, err := s.organisations(t.db, []organisationRow{row})
	if err != nil {
		return err
	}
	var b any
	if before != nil {
		b = *before
	}
	t.audit(action, "organisation", row.ID, b, after[0])
	return nil
}

// checkOrganisation enforces the rules that need the database: a unique name, and a parent that
// exists and is not the organisation itself or one of its descendants.
func checkOrganisation(t *tx, row organisationRow) error {
	if err := uniqueName(t, "organisations", row.Name, row.ID); err != nil {
		return err
	}
	if row.ParentID == nil {
		return nil
	}
	seen := map[string]bool{row.ID: true}
	for cur := *row.ParentID; cur != ""; {
		if seen[cur] {
			return casereview.Invalid("parent_id", casereview.FieldInvalid, "an organisation cannot be its own parent or ancestor")
		}
		seen[cur] = true
		var p organisationRow
		if err := t.db.Select("id, parent_id").Where("id = ?", cur).Take(&p).Error; err != nil {
			if err == gorm.ErrRecordNotFound && cur == *row.ParentID {
				return casereview.Invalid("parent_id", casereview.FieldNotFound, "no organisation has id %s", cur)
			}
			return err
		}
		cur = ""
		if p.ParentID != nil {
			cur = *p.ParentID
		}
	}
	return nil
}

func writeAliases(t *tx, id string, aliases []string) error {
	if err := t.db.Where("organisation_id = ?", id).Delete(&aliasRow{}).Error; err != nil {
		return err
	}
	var rows []aliasRow
	seen := map[string]bool{}
	for i, a := range aliases {
		k := AliasKey(a)
		if seen[k] {
			continue
		}
		seen[k] = true
		rows = append(rows, aliasRow{OrganisationID: id, Alias: a, AliasKey: k, Position: i})
	}
	if len(rows) == 0 {
		return nil
	}
	return t.db.Create(&rows).Error
}

func (s *Store) GetOrganisation(ctx context.Context, id string) (casereview.Organisation, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Organisation{}, casereview.NotFound("organisation")
	}
	db := s.read.WithContext(ctx)
	var row organisationRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.Organisation{}, notFoundAs(err, "organisation")
	}
	out, err := s.organisations(db, []organisationRow{row})
	if err != nil {
		return casereview.Organisation{}, err
	}
	return out[0], nil
}

func (s *Store) ListOrganisations(ctx context.Context, f casereview.OrganisationFilter, page casereview.PageRequest) (casereview.Page[casereview.Organisation], error) {
	if err := f.Validate(); err != nil {
		return casereview.Page[casereview.Organisation]{}, err
	}
	db := s.read.WithContext(ctx)
	query := func() *gorm.DB {
		q := db.Model(&organisationRow{})
		if f.Sector != "" {
			q = q.Where("sector = ?", f.Sector)
		}
		if f.ParentID != "" {
			q = q.Where("parent_id = ?", f.ParentID)
		}
		if f.Name != "" {
			pat := likePattern(casereview.NameKey(f.Name))
			q = q.Where(`organisations.name_key LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM organisation_aliases a
				WHERE a.organisation_id = organisations.id AND a.alias_key LIKE ? ESCAPE '\')`, pat, pat)
		}
		return q
	}
	rows, total, next, err := listPage[organisationRow](query, "organisations", "", page)
	if err != nil {
		return casereview.Page[casereview.Organisation]{}, err
	}
	items, err := s.organisations(db, rows)
	return casereview.Page[casereview.Organisation]{Items: items, Total: total, NextCursor: next}, err
}

func (s *Store) UpdateOrganisation(ctx context.Context, id string, version int, d casereview.OrganisationDraft) (casereview.Organisation, error) {
	if !casereview.CanManageOrganisations(actorOf(ctx)) {
		return casereview.Organisation{}, deny(ctx, "only admins change organisations")
	}
	if err := d.Validate(); err != nil {
		return casereview.Organisation{}, err
	}
	var row organisationRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "organisation", func(r *organisationRow) int { return r.Version }); err != nil {
			return err
		}
		prev, err := s.organisations(t.db, []organisationRow{row})
		if err != nil {
			return err
		}
		row.Name, row.NameKey, row.Sector, row.ParentID = d.Name, casereview.NameKey(d.Name), string(d.Sector), d.ParentID
		row.SeniorContactName, row.SeniorContactEmail = d.SeniorContactName, d.SeniorContactEmail
		if err := checkOrganisation(t, row); err != nil {
			return err
		}
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		t.touch(journalOrganisation, row.ID)
		if err := writeAliases(t, row.ID, d.Aliases); err != nil {
			return err
		}
		return auditOrganisation(s, t, casereview.AuditOrganisationUpdated, &prev[0], row)
	})
	if err != nil {
		return casereview.Organisation{}, err
	}
	return s.GetOrganisation(ctx, row.ID)
}

func (s *Store) DeleteOrganisation(ctx context.Context, id string, version int) error {
	if !casereview.CanManageOrganisations(actorOf(ctx)) {
		return deny(ctx, "only admins delete organisations")
	}
	return s.inTx(ctx, func(t *tx) error {
		var row organisationRow
		if err := lockRow(t, &row, id, version, "organisation", func(r *organisationRow) int { return r.Version }); err != nil {
			return err
		}
		for _, ref := range []struct{ table, col, what string }{
			{"addressees", "organisation_id", "recommendations are addressed to it"},
			{"organisations", "parent_id", "other organisations name it as their parent"},
		} {
			var n int64
			if err := t.db.Table(ref.table).Where(ref.col+" = ?", row.ID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return casereview.Conflict("the organisation cannot be deleted: " + ref.what)
			}
		}
		t.touch(journalOrganisation, row.ID)
		prev, err := s.organisations(t.db, []organisationRow{row})
		if err != nil {
			return err
		}
		t.audit(casereview.AuditOrganisationDeleted, "organisation", row.ID, prev[0], nil)
		return t.db.Delete(&row).Error
	})
}
