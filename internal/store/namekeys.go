package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/casereview/casereview/internal/casereview"
)

// Names of organisations and partnerships are unique by name_key, and aliases are matched by
// alias_key: keys casereview.NameKey computes in Go, so that both databases agree (their lower()
// functions do not). A migration cannot call Go, so Migrate fills the keys straight after the
// migrations run: the keys of rows that have none (rows written by the migration, or by an older
// release still running beside this one), and every key again when casereview.NameKeyVersion
// is newer than the one recorded in reference_state. It is one transaction, behind the journal
// head's row lock, so replicas starting together fill the keys once.

const nameKeysState = "name_keys"

type nameKeyRow struct {
	ID        string    `gorm:"column:id"`
	Name      string    `gorm:"column:name"`
	NameKey   *string   `gorm:"column:name_key"`
	CreatedAt time.Time `gorm:"column:created_at"`
}

func (s *Store) fillNameKeys(ctx context.Context) error {
	return s.write.WithContext(ctx).Transaction(func(db *gorm.DB) error {
		if err := db.Exec("UPDATE journal_head SET seq = seq WHERE id = 1").Error; err != nil {
			return err
		}
		var state referenceStateRow
		if err := db.Where("name = ?", nameKeysState).Limit(1).Find(&state).Error; err != nil {
			return err
		}
		all := state.Version != casereview.NameKeyVersion
		for _, table := range []string{"organisations", "partnerships"} {
			if err := s.fillTableKeys(db, table, all); err != nil {
				return fmt.Errorf("name keys of %s: %w", table, err)
			}
		}
		if all {
			if err := refoldAliases(db); err != nil {
				return fmt.Errorf("alias keys: %w", err)
			}
			if err := s.renormaliseEmails(db); err != nil {
				return fmt.Errorf("email addresses: %w", err)
			}
		}
		return db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "name"}}, DoUpdates: clause.AssignmentColumns([]string{"version"})}).
			Create(&referenceStateRow{Name: nameKeysState, Version: casereview.NameKeyVersion}).Error
	})
}

// fillTableKeys gives every row of table its key (all) or only the rows without one. Two rows
// whose names now fold to one key (they differed only in case on SQLite) cannot share it: the
// older keeps the plain key and the newer is keyed apart by its id and logged, so that an admin
// can rename or merge it; refusing to start would help no one.
func (s *Store) fillTableKeys(db *gorm.DB, table string, all bool) error {
	if !all {
		var n int64
		if err := db.Table(table).Where("name_key IS NULL").Count(&n).Error; err != nil || n == 0 {
			return err
		}
	}
	var rows []nameKeyRow
	if err := db.Table(table).Select("id, name, name_key, created_at").Order("created_at, id").Find(&rows).Error; err != nil {
		return err
	}
	owner := map[string]string{}
	if !all { // keys already set stay as they are
		for _, r := range rows {
			if r.NameKey != nil {
				owner[*r.NameKey] = r.ID
			}
		}
	}
	type change struct{ id, key string }
	var changes []change
	for _, r := range rows {
		if !all && r.NameKey != nil {
			continue
		}
		k := casereview.NameKey(r.Name)
		if other, taken := owner[k]; taken && other != r.ID {
			s.log.Warn("two names differ only in case; rename or merge one", "table", table, "kept", other, "keyed_apart", r.ID)
			k += " #" + r.ID
		}
		owner[k] = r.ID
		if r.NameKey == nil || *r.NameKey != k {
			changes = append(changes, change{r.ID, k})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	ids := make([]string, len(changes))
	for i, c := range changes {
		ids[i] = c.id
	}
	// Set aside first (each row's own id is unique), so that keys changing places never meet
	// in the unique index.
	if err := chunked(ids, func(chunk []string) error {
		return db.Table(table).Where("id IN ?", chunk).Update("name_key", gorm.Expr("'#' || id")).Error
	}); err != nil {
		return err
	}
	for _, c := range changes {
		if err := db.Table(table).Where("id = ?", c.id).Update("name_key", c.key).Error; err != nil {
			return err
		}
	}
	return nil
}

// refoldAliases computes every alias key again; aliases of one organisation that now share a
// key keep the first.
func refoldAliases(db *gorm.DB) error {
	var rows []aliasRow
	if err := db.Order("organisation_id, position").Find(&rows).Error; err != nil {
		return err
	}
	byOrg := map[string][]aliasRow{}
	var changed []string
	for _, r := range rows {
		byOrg[r.OrganisationID] = append(byOrg[r.OrganisationID], r)
		if AliasKey(r.Alias) != r.AliasKey && (len(changed) == 0 || changed[len(changed)-1] != r.OrganisationID) {
			changed = append(changed, r.OrganisationID)
		}
	}
	for _, org := range changed {
		var fresh []aliasRow
		seen := map[string]bool{}
		for _, a := range byOrg[org] {
			if k := AliasKey(a.Alias); !seen[k] {
				seen[k] = true
				fresh = append(fresh, aliasRow{OrganisationID: org, Alias: a.Alias, AliasKey: k, Position: a.Position})
			}
		}
		if err := db.Where("organisation_id = ?", org).Delete(&aliasRow{}).Error; err != nil {
			return err
		}
		if err := db.Create(&fresh).Error; err != nil {
			return err
		}
	}
	return nil
}

// renormaliseEmails stores every address as casereview.NormaliseEmail now writes it (composed,
// NFC), so that sign-in, which looks the typed address up in that form, finds it. An address
// whose new form another user already has is left alone and logged.
func (s *Store) renormaliseEmails(db *gorm.DB) error {
	var rows []userRow
	if err := db.Select("id, email").Find(&rows).Error; err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.Email] = true
	}
	for _, r := range rows {
		e := casereview.NormaliseEmail(r.Email)
		if e == r.Email {
			continue
		}
		if have[e] {
			s.log.Warn("two users' addresses differ only in Unicode form; left as they are", "user", r.ID)
			continue
		}
		if err := db.Table("users").Where("id = ?", r.ID).Update("email", e).Error; err != nil {
			return err
		}
		have[e] = true
	}
	return nil
}
