package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type partnershipRow struct {
	ID        string   `gorm:"column:id;primaryKey"`
	Name      string   `gorm:"column:name"`
	NameKey   string   `gorm:"column:name_key"` // casereview.NameKey(Name): names are unique by it
	Kind      string   `gorm:"column:kind"`
	AreaCodes jsonList `gorm:"column:area_codes"`
	// ViewersSee is Partnership.ViewersSeeRestricted.
	ViewersSee bool      `gorm:"column:viewers_see_restricted"`
	Version    int       `gorm:"column:version"`
	CreatedAt  time.Time `gorm:"column:created_at"`
	UpdatedAt  time.Time `gorm:"column:updated_at"`
}

func (partnershipRow) TableName() string { return "partnerships" }
func (r partnershipRow) rowID() string   { return r.ID }

func (r partnershipRow) domain() casereview.Partnership {
	return casereview.Partnership{ID: r.ID, Name: r.Name, Kind: casereview.PartnershipKind(r.Kind),
		AreaCodes: append([]string{}, r.AreaCodes...), ViewersSeeRestricted: r.ViewersSee, Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func requirePartnershipAdmin(ctx context.Context) error {
	if !casereview.CanManagePartnerships(actorOf(ctx)) {
		return deny(ctx, "only admins manage partnerships")
	}
	return nil
}

func (s *Store) CreatePartnership(ctx context.Context, d casereview.PartnershipDraft) (casereview.Partnership, error) {
	if err := requirePartnershipAdmin(ctx); err != nil {
		return casereview.Partnership{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.Partnership{}, err
	}
	var row partnershipRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := uniqueName(t, "partnerships", d.Name, ""); err != nil {
			return err
		}
		row = partnershipRow{ID: newID(), Name: d.Name, NameKey: casereview.NameKey(d.Name), Kind: string(d.Kind), AreaCodes: d.AreaCodes,
			ViewersSee: d.ViewersSeeRestricted, Version: 1, CreatedAt: t.now, UpdatedAt: t.now}
		t.touch(journalPartnership, row.ID)
		t.audit(casereview.AuditPartnershipCreated, "partnership", row.ID, nil, row.domain())
		return t.db.Create(&row).Error
	})
	return row.domain(), err
}

func (s *Store) GetPartnership(ctx context.Context, id string) (casereview.Partnership, error) {
	var row partnershipRow
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.Partnership{}, casereview.NotFound("partnership")
	}
	if err := s.read.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.Partnership{}, notFoundAs(err, "partnership")
	}
	return row.domain(), nil
}

func (s *Store) ListPartnerships(ctx context.Context, f casereview.PartnershipFilter, page casereview.PageRequest) (casereview.Page[casereview.Partnership], error) {
	if err := f.Validate(); err != nil {
		return casereview.Page[casereview.Partnership]{}, err
	}
	query := func() *gorm.DB {
		q := s.read.WithContext(ctx).Model(&partnershipRow{})
		if f.Kind != "" {
			q = q.Where("kind = ?", f.Kind)
		}
		if f.Name != "" {
			q = q.Where(`name_key LIKE ? ESCAPE '\'`, likePattern(casereview.NameKey(f.Name)))
		}
		return q
	}
	rows, total, next, err := listPage[partnershipRow](query, "partnerships", "", page)
	out := casereview.Page[casereview.Partnership]{Total: total, NextCursor: next, Items: []casereview.Partnership{}}
	for _, r := range rows {
		out.Items = append(out.Items, r.domain())
	}
	return out, err
}

func (s *Store) UpdatePartnership(ctx context.Context, id string, version int, d casereview.PartnershipDraft) (casereview.Partnership, error) {
	if err := requirePartnershipAdmin(ctx); err != nil {
		return casereview.Partnership{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.Partnership{}, err
	}
	var row partnershipRow
	err := s.inTx(ctx, func(t *tx) error {
		if err := lockRow(t, &row, id, version, "partnership", func(r *partnershipRow) int { return r.Version }); err != nil {
			return err
		}
		if err := uniqueName(t, "partnerships", d.Name, row.ID); err != nil {
			return err
		}
		before := row.domain()
		row.Name, row.NameKey, row.Kind, row.AreaCodes, row.ViewersSee = d.Name, casereview.NameKey(d.Name), string(d.Kind), d.AreaCodes, d.ViewersSeeRestricted
		row.Version++
		row.UpdatedAt = t.now
		// The journal entry refreshes the partnership's name in the index. Whether its viewers
		// read its restricted reviews is not in the index: every search builds its filter from
		// the caller's memberships, loaded with this setting at the start of the request
		// (casereview.ScopeOf), so search follows the change at once, with nothing to re-index.
		t.touch(journalPartnership, row.ID)
		t.audit(casereview.AuditPartnershipUpdated, "partnership", row.ID, before, row.domain())
		return t.db.Save(&row).Error
	})
	return row.domain(), err
}

func (s *Store) DeletePartnership(ctx context.Context, id string, version int) error {
	if err := requirePartnershipAdmin(ctx); err != nil {
		return err
	}
	return s.inTx(ctx, func(t *tx) error {
		var row partnershipRow
		if err := lockRow(t, &row, id, version, "partnership", func(r *partnershipRow) int { return r.Version }); err != nil {
			return err
		}
		var n int64
		if err := t.db.Table("reviews").Where("partnership_id = ?", row.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the partnership has reviews; it cannot be deleted")
		}
		t.touch(journalPartnership, row.ID)
		t.audit(casereview.AuditPartnershipDeleted, "partnership", row.ID, row.domain(), nil)
		return t.db.Delete(&row).Error
	})
}

// uniqueName checks that no other row of table (other than except) has name, ignoring case
// (Unicode case, the same on both databases: see casereview.NameKey).
func uniqueName(t *tx, table, name, except string) error {
	var n int64
	q := t.db.Table(table).Where("name_key = ?", casereview.NameKey(name))
	if except != "" {
		q = q.Where("id <> ?", except)
	}
	if err := q.Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return casereview.Conflict("the name is already in use", casereview.FieldError{Field: "name", Code: casereview.FieldDuplicate,
			Message: "another record is already called " + name})
	}
	return nil
}
