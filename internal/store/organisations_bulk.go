package store

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/migrations"
)

// createBatch is how many organisations one INSERT carries: the SQLite driver binds parameters in
// time that grows with the square of their number per statement, so there a statement carries few
// rows (internal/store/imports batches the same way).
const (
	createBatch       = 1000
	createBatchSQLite = 50
)

// idChunk bounds the ids in one IN (...) list.
const idChunk = 5000

func chunked(ids []string, fn func([]string) error) error {
	for i := 0; i < len(ids); i += idChunk {
		if err := fn(ids[i:min(i+idChunk, len(ids))]); err != nil {
			return err
		}
	}
	return nil
}

// AllOrganisations returns every organisation with its aliases, for matching addressee text in
// imports (two queries, however many there are).
func (s *Store) AllOrganisations(ctx context.Context) ([]casereview.Organisation, error) {
	var rows []organisationRow
	if err := s.read.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	return s.organisations(s.read.WithContext(ctx), rows)
}

// CreateOrganisations creates several organisations (without parents) in one transaction, as
// an import meets new addressees: the same rules and audit as CreateOrganisation, in a few
// statements instead of a transaction each. Problems name organisations[i].
func (s *Store) CreateOrganisations(ctx context.Context, ds []casereview.OrganisationDraft) ([]casereview.Organisation, error) {
	if !casereview.CanCreateOrganisation(actorOf(ctx)) {
		return nil, deny(ctx, "only admins and panel members add organisations")
	}
	if len(ds) == 0 {
		return []casereview.Organisation{}, nil
	}
	var p casereview.Problems
	names := map[string]int{}
	for i := range ds {
		if err := ds[i].Validate(); err != nil {
			if de := (*casereview.Error)(nil); errors.As(err, &de) {
				for _, f := range de.Fields {
					f.Field = fmt.Sprintf("organisations[%d].%s", i, f.Field)
					p.Extend(f)
				}
			}
		}
		if ds[i].ParentID != nil {
			p.Add(fmt.Sprintf("organisations[%d].parent_id", i), casereview.FieldInvalid, "set parents one by one, after creating")
		}
		k := casereview.NameKey(ds[i].Name)
		if j, dup := names[k]; dup {
			p.Add(fmt.Sprintf("organisations[%d].name", i), casereview.FieldDuplicate, "the same name as organisations[%d]", j)
		}
		names[k] = i
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var rows []organisationRow
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		rows, err = s.createOrganisationsTx(t, ds, nil, names, func(i int) string { return fmt.Sprintf("organisations[%d]", i) })
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]casereview.Organisation, len(rows))
	for i, r := range rows {
		out[i] = casereview.Organisation{ID: r.ID, Name: r.Name, Sector: casereview.Sector(r.Sector), Aliases: append([]string{}, ds[i].Aliases...),
			Version: 1, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

// createOrganisationsTx creates validated organisations in t (with ids[i] when given) and
// audits each. names maps each name key to its index in ds; field names where a problem with
// ds[i] is reported ("organisations[i]").
func (s *Store) createOrganisationsTx(t *tx, ds []casereview.OrganisationDraft, ids []string, names map[string]int, field func(i int) string) ([]organisationRow, error) {
	var p casereview.Problems
	var rows []organisationRow
	db := t.db
	defer func() { t.db = db }()
	batch := createBatch
	if s.dialect != migrations.Postgres {
		batch = createBatchSQLite
	}
	t.db = t.db.Session(&gorm.Session{CreateBatchSize: batch})
	lower := make([]string, 0, len(names))
	for k := range names {
		lower = append(lower, k)
	}
	if err := chunked(lower, func(ks []string) error {
		var taken []nameKeyRow
		if err := t.db.Table("organisations").Select("name, name_key").Where("name_key IN ?", ks).Find(&taken).Error; err != nil {
			return err
		}
		for _, n := range taken {
			p.Add(field(names[*n.NameKey])+".name", casereview.FieldDuplicate, "an organisation called %q already exists", n.Name)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var aliases []aliasRow
	for i, d := range ds {
		id := newID()
		if ids != nil {
			id = ids[i]
		}
		row := organisationRow{ID: id, Name: d.Name, NameKey: casereview.NameKey(d.Name), Sector: string(d.Sector), Version: 1, CreatedAt: t.now, UpdatedAt: t.now}
		rows = append(rows, row)
		seen := map[string]bool{}
		for i, a := range d.Aliases {
			if k := AliasKey(a); !seen[k] {
				seen[k] = true
				aliases = append(aliases, aliasRow{OrganisationID: row.ID, Alias: a, AliasKey: k, Position: i})
			}
		}
	}
	if err := t.db.Create(&rows).Error; err != nil {
		return nil, err
	}
	if len(aliases) > 0 {
		if err := t.db.Create(&aliases).Error; err != nil {
			return nil, err
		}
	}
	for i, r := range rows {
		t.touch(journalOrganisation, r.ID)
		t.audit(casereview.AuditOrganisationCreated, "organisation", r.ID, nil, casereview.Organisation{ID: r.ID, Name: r.Name,
			Aliases: append([]string{}, ds[i].Aliases...), Sector: ds[i].Sector, Version: 1, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt})
	}
	return rows, nil
}
