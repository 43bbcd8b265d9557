package casereview

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// User is a person who signs in. Users are never deleted, only disabled, so that everything
// they did stays attributable.
type User struct {
	ID          string
	Email       string
	DisplayName string
	Disabled    bool
	MFAEnabled  bool
	HasPassword bool
	// MustChangePassword is set when an admin reset the password: until its owner chooses a new
	// one, their session may do nothing else.
	MustChangePassword bool
	Memberships        []Membership
	LastLoginAt        *time.Time
	Version            int
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Actor returns the actor u acts as.
func (u User) Actor() Actor {
	return Actor{UserID: u.ID, Name: u.DisplayName, Memberships: append([]Membership(nil), u.Memberships...)}
}

type UserDraft struct {
	Email       string
	DisplayName string
	Disabled    bool
}

// NormaliseEmail lower-cases (Unicode, in Go, so both databases store and find the same
// address), composes (NFC) and trims an address: sign-in must not depend on how it is typed.
// It lower-cases rather than folds: folding would make "straße@" and "strasse@" one address.
func NormaliseEmail(s string) string {
	return norm.NFC.String(strings.ToLower(norm.NFC.String(strings.TrimSpace(s))))
}

func (d *UserDraft) Validate() error {
	var p Problems
	d.Email = NormaliseEmail(d.Email)
	if d.Email == "" {
		p.Add("email", FieldRequired, "email is required")
	} else if a, err := mail.ParseAddress(d.Email); err != nil || a.Address != d.Email || len(d.Email) > 254 || !strings.Contains(d.Email[strings.LastIndex(d.Email, "@"):], ".") {
		p.Add("email", FieldInvalid, "%q is not an email address", d.Email)
	}
	CheckText(&p, "display_name", d.DisplayName, true, 200)
	return p.Err()
}

// MembershipDraft adds a role to a user.
type MembershipDraft struct {
	Role           Role
	OrganisationID string
	PartnershipID  string
}

// Validate enforces the scope each role takes: panel a partnership, agency editor an
// organisation, admin and oversight neither, viewer at most one.
func (d *MembershipDraft) Validate() error {
	var p Problems
	CheckEnum(&p, "role", d.Role, Roles)
	// A malformed id is reported as invalid, not a second time as missing.
	orgGiven, partnershipGiven := d.OrganisationID != "", d.PartnershipID != ""
	d.OrganisationID = CheckID(&p, "organisation_id", d.OrganisationID, false)
	d.PartnershipID = CheckID(&p, "partnership_id", d.PartnershipID, false)
	switch d.Role {
	case RolePanel:
		if !partnershipGiven {
			p.Add("partnership_id", FieldRequired, "a panel membership names the partnership")
		}
		if d.OrganisationID != "" {
			p.Add("organisation_id", FieldInvalid, "a panel membership belongs to a partnership, not an organisation")
		}
	case RoleAgencyEditor:
		if !orgGiven {
			p.Add("organisation_id", FieldRequired, "an agency editor membership names the organisation")
		}
		if d.PartnershipID != "" {
			p.Add("partnership_id", FieldInvalid, "an agency editor membership belongs to an organisation, not a partnership")
		}
	case RoleAdmin, RoleOversight:
		if d.OrganisationID != "" || d.PartnershipID != "" {
			p.Add("role", FieldInvalid, "%s is a system-wide role; leave organisation_id and partnership_id empty", d.Role)
		}
	case RoleViewer:
		if d.OrganisationID != "" && d.PartnershipID != "" {
			p.Add("partnership_id", FieldInvalid, "a viewer membership names an organisation or a partnership, not both")
		}
	}
	return p.Err()
}

type UserFilter struct {
	Email    string // part of the address
	Text     string // part of the address or of the name (the web's search box)
	Role     Role
	Disabled *bool
}

// APIToken is a bearer token a user made for scripts. The secret itself is shown once, at
// creation, and only its hash is kept.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Prefix     string
	CreatedAt  time.Time
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

type UserService interface {
	CreateUser(ctx context.Context, d UserDraft, passwordHash string) (User, error)
	GetUser(ctx context.Context, id string) (User, error)
	ListUsers(ctx context.Context, f UserFilter, page PageRequest) (Page[User], error)
	UpdateUser(ctx context.Context, id string, version int, d UserDraft) (User, error)
	AddMembership(ctx context.Context, userID string, d MembershipDraft) (User, error)
	RemoveMembership(ctx context.Context, userID, membershipID string) (User, error)
}
