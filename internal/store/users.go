package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/casereview/casereview/internal/casereview"
)

type userRow struct {
	ID           string     `gorm:"column:id;primaryKey"`
	Email        string     `gorm:"column:email"`
	DisplayName  string     `gorm:"column:display_name"`
	PasswordHash *string    `gorm:"column:password_hash"`
	Disabled     bool       `gorm:"column:disabled"`
	TOTPSecret   *string    `gorm:"column:totp_secret"`
	TOTPEnabled  bool       `gorm:"column:totp_enabled"`
	TOTPLastStep int64      `gorm:"column:totp_last_step"`
	MustChange   bool       `gorm:"column:must_change_password"`
	LastLoginAt  *time.Time `gorm:"column:last_login_at"`
	Version      int        `gorm:"column:version"`
	CreatedAt    time.Time  `gorm:"column:created_at"`
	UpdatedAt    time.Time  `gorm:"column:updated_at"`
}

func (userRow) TableName() string { return "users" }
func (r userRow) rowID() string   { return r.ID }

type membershipRow struct {
	ID             string    `gorm:"column:id;primaryKey"`
	UserID         string    `gorm:"column:user_id"`
	Role           string    `gorm:"column:role"`
	OrganisationID *string   `gorm:"column:organisation_id"`
	PartnershipID  *string   `gorm:"column:partnership_id"`
	CreatedAt      time.Time `gorm:"column:created_at"`
}

func (membershipRow) TableName() string { return "memberships" }

// membershipWithSetting is a membership with its partnership's setting for viewers.
type membershipWithSetting struct {
	ID             string  `gorm:"column:id"`
	UserID         string  `gorm:"column:user_id"`
	Role           string  `gorm:"column:role"`
	OrganisationID *string `gorm:"column:organisation_id"`
	PartnershipID  *string `gorm:"column:partnership_id"`
	ViewersSee     *bool   `gorm:"column:viewers_see_restricted"`
}

// users loads the memberships of rows and returns domain users (never their secrets).
func users(db *gorm.DB, rows []userRow) ([]casereview.User, error) {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	byUser := map[string][]casereview.Membership{}
	if len(ids) > 0 {
		// Each membership comes with its partnership's setting for viewers, read in the same
		// query, so the actor built from it reads exactly what the partnership now allows.
		var ms []membershipWithSetting
		err := db.Table("memberships").Select("memberships.id, memberships.user_id, memberships.role, memberships.organisation_id, "+
			"memberships.partnership_id, partnerships.viewers_see_restricted").
			Joins("LEFT JOIN partnerships ON partnerships.id = memberships.partnership_id").
			Where("memberships.user_id IN ?", ids).Order("memberships.created_at, memberships.id").Find(&ms).Error
		if err != nil {
			return nil, translate(err)
		}
		for _, m := range ms {
			role := casereview.Role(m.Role)
			byUser[m.UserID] = append(byUser[m.UserID], casereview.Membership{ID: m.ID, Role: role,
				OrganisationID: deref(m.OrganisationID), PartnershipID: deref(m.PartnershipID),
				ViewerSeesRestricted: role == casereview.RoleViewer && m.ViewersSee != nil && *m.ViewersSee})
		}
	}
	out := make([]casereview.User, len(rows))
	for i, r := range rows {
		var last *time.Time
		if r.LastLoginAt != nil {
			t := r.LastLoginAt.UTC()
			last = &t
		}
		out[i] = casereview.User{ID: r.ID, Email: r.Email, DisplayName: r.DisplayName, Disabled: r.Disabled, MFAEnabled: r.TOTPEnabled,
			HasPassword: r.PasswordHash != nil, MustChangePassword: r.MustChange, Memberships: append([]casereview.Membership{}, byUser[r.ID]...), LastLoginAt: last,
			Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	}
	return out, nil
}

func loadUser(db *gorm.DB, id string) (casereview.User, error) {
	id, ok := casereview.NormaliseID(id)
	if !ok {
		return casereview.User{}, casereview.NotFound("user")
	}
	var row userRow
	if err := db.Where("id = ?", id).Take(&row).Error; err != nil {
		return casereview.User{}, notFoundAs(err, "user")
	}
	us, err := users(db, []userRow{row})
	if err != nil {
		return casereview.User{}, err
	}
	return us[0], nil
}

func requireUserAdmin(ctx context.Context) error {
	a := casereview.ActorFrom(ctx)
	if !casereview.CanManageUsers(a) {
		return casereview.Deny(a, "only admins manage users")
	}
	return nil
}

// CreateUser adds a user. passwordHash may be empty (the user cannot sign in with a password
// until one is set).
func (s *Store) CreateUser(ctx context.Context, d casereview.UserDraft, passwordHash string) (casereview.User, error) {
	if err := requireUserAdmin(ctx); err != nil {
		return casereview.User{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.User{}, err
	}
	var out casereview.User
	err := s.inTx(ctx, func(t *tx) error {
		var n int64
		if err := t.db.Model(&userRow{}).Where("email = ?", d.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the email address is already in use", casereview.FieldError{Field: "email",
				Code: casereview.FieldDuplicate, Message: "another user has this email address"})
		}
		row := userRow{ID: newID(), Email: d.Email, DisplayName: d.DisplayName, Disabled: d.Disabled, PasswordHash: optional(passwordHash),
			Version: 1, CreatedAt: t.now, UpdatedAt: t.now}
		if err := t.db.Create(&row).Error; err != nil {
			return err
		}
		var err error
		if out, err = loadUser(t.db, row.ID); err != nil {
			return err
		}
		t.audit(casereview.AuditUserCreated, "user", row.ID, nil, out)
		return nil
	})
	return out, err
}

// GetUser returns a user to an admin, or to the user themself.
func (s *Store) GetUser(ctx context.Context, id string) (casereview.User, error) {
	a := casereview.ActorFrom(ctx)
	if n, _ := casereview.NormaliseID(id); n != a.UserID || a.UserID == "" {
		if err := requireUserAdmin(ctx); err != nil {
			if a.SignedIn() {
				return casereview.User{}, casereview.NotFound("user")
			}
			return casereview.User{}, err
		}
	}
	return loadUser(s.read.WithContext(ctx), id)
}

func (s *Store) ListUsers(ctx context.Context, f casereview.UserFilter, page casereview.PageRequest) (casereview.Page[casereview.User], error) {
	empty := casereview.Page[casereview.User]{Items: []casereview.User{}}
	if err := requireUserAdmin(ctx); err != nil {
		return empty, err
	}
	db := s.read.WithContext(ctx)
	query := func() *gorm.DB {
		q := db.Model(&userRow{})
		if f.Email != "" {
			q = q.Where(`email LIKE ? ESCAPE '\'`, likePattern(strings.ToLower(f.Email)))
		}
		if f.Text != "" {
			like := likePattern(strings.ToLower(f.Text))
			q = q.Where(`(email LIKE ? ESCAPE '\' OR LOWER(display_name) LIKE ? ESCAPE '\')`, like, like)
		}
		if f.Role != "" {
			q = q.Where("EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.role = ?)", f.Role)
		}
		if f.Disabled != nil {
			q = q.Where("disabled = ?", *f.Disabled)
		}
		return q
	}
	rows, total, next, err := listPage[userRow](query, "users", "", page)
	if err != nil {
		return empty, err
	}
	items, err := users(db, rows)
	return casereview.Page[casereview.User]{Items: items, Total: total, NextCursor: next}, err
}

// UpdateUser changes a user's address, name or disabled flag. Disabling also revokes every
// session and API token the user holds, so nothing they opened keeps working.
func (s *Store) UpdateUser(ctx context.Context, id string, version int, d casereview.UserDraft) (casereview.User, error) {
	if err := requireUserAdmin(ctx); err != nil {
		return casereview.User{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.User{}, err
	}
	var out casereview.User
	err := s.inTx(ctx, func(t *tx) error {
		var row userRow
		if err := lockRow(t, &row, id, version, "user", func(r *userRow) int { return r.Version }); err != nil {
			return err
		}
		before, err := loadUser(t.db, row.ID)
		if err != nil {
			return err
		}
		var n int64
		if err := t.db.Model(&userRow{}).Where("email = ? AND id <> ?", d.Email, row.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return casereview.Conflict("the email address is already in use", casereview.FieldError{Field: "email",
				Code: casereview.FieldDuplicate, Message: "another user has this email address"})
		}
		if d.Disabled && casereview.ActorFrom(ctx).UserID == row.ID {
			return casereview.Invalid("disabled", casereview.FieldInvalid, "you cannot disable your own account")
		}
		action := casereview.AuditUserUpdated
		switch {
		case d.Disabled && !row.Disabled:
			action = casereview.AuditUserDisabled
			if err := revokeAll(t, row.ID); err != nil {
				return err
			}
		case !d.Disabled && row.Disabled:
			action = casereview.AuditUserEnabled
		}
		row.Email, row.DisplayName, row.Disabled = d.Email, d.DisplayName, d.Disabled
		row.Version++
		row.UpdatedAt = t.now
		if err := t.db.Save(&row).Error; err != nil {
			return err
		}
		if out, err = loadUser(t.db, row.ID); err != nil {
			return err
		}
		t.audit(action, "user", row.ID, before, out)
		return nil
	})
	return out, err
}

func revokeAll(t *tx, userID string) error {
	if err := t.db.Table("sessions").Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", t.now).Error; err != nil {
		return err
	}
	return t.db.Table("api_tokens").Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", t.now).Error
}

func (s *Store) AddMembership(ctx context.Context, userID string, d casereview.MembershipDraft) (casereview.User, error) {
	if err := requireUserAdmin(ctx); err != nil {
		return casereview.User{}, err
	}
	if err := d.Validate(); err != nil {
		return casereview.User{}, err
	}
	var out casereview.User
	err := s.inTx(ctx, func(t *tx) error {
		before, err := loadUser(t.db, userID)
		if err != nil {
			return err
		}
		var p casereview.Problems
		for _, ref := range []struct{ field, table, id string }{{"organisation_id", "organisations", d.OrganisationID}, {"partnership_id", "partnerships", d.PartnershipID}} {
			if ref.id == "" {
				continue
			}
			var n int64
			if err := t.db.Table(ref.table).Where("id = ?", ref.id).Count(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				p.Add(ref.field, casereview.FieldNotFound, "no %s has id %s", strings.TrimSuffix(ref.table, "s"), ref.id)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		for _, m := range before.Memberships {
			if m.Role == d.Role && m.OrganisationID == d.OrganisationID && m.PartnershipID == d.PartnershipID {
				return casereview.Conflict("the user already has this membership")
			}
		}
		m := membershipRow{ID: newID(), UserID: before.ID, Role: string(d.Role), OrganisationID: optional(d.OrganisationID),
			PartnershipID: optional(d.PartnershipID), CreatedAt: t.now}
		if err := t.db.Create(&m).Error; err != nil {
			return err
		}
		if err := bumpUser(t, before.ID); err != nil {
			return err
		}
		if out, err = loadUser(t.db, before.ID); err != nil {
			return err
		}
		t.audit(casereview.AuditMembershipAdded, "user", before.ID, before, out)
		return nil
	})
	return out, err
}

func (s *Store) RemoveMembership(ctx context.Context, userID, membershipID string) (casereview.User, error) {
	if err := requireUserAdmin(ctx); err != nil {
		return casereview.User{}, err
	}
	var out casereview.User
	err := s.inTx(ctx, func(t *tx) error {
		before, err := loadUser(t.db, userID)
		if err != nil {
			return err
		}
		mid, _ := casereview.NormaliseID(membershipID)
		res := t.db.Where("id = ? AND user_id = ?", mid, before.ID).Delete(&membershipRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return casereview.NotFound("membership")
		}
		if a := casereview.ActorFrom(ctx); a.UserID == before.ID {
			if after, err := loadUser(t.db, before.ID); err == nil && !after.Actor().IsAdmin() {
				return casereview.Invalid("membership", casereview.FieldInvalid, "you cannot remove your own admin role")
			}
		}
		if err := bumpUser(t, before.ID); err != nil {
			return err
		}
		if out, err = loadUser(t.db, before.ID); err != nil {
			return err
		}
		t.audit(casereview.AuditMembershipRemoved, "user", before.ID, before, out)
		return nil
	})
	return out, err
}

func bumpUser(t *tx, id string) error {
	return t.db.Model(&userRow{}).Where("id = ?", id).Updates(map[string]any{"version": gorm.Expr("version + 1"), "updated_at": t.now}).Error
}
