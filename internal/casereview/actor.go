package casereview

import (
	"context"
	"slices"
)

// Role is what a membership lets a user do (DESIGN §1, §7).
type Role string

const (
	RoleAdmin        Role = "admin"         // manages users, organisations, partnerships and the taxonomy
	RoleOversight    Role = "oversight"     // reads everything; classifies and closes
	RolePanel        Role = "panel"         // manages the reviews of its partnerships
	RoleAgencyEditor Role = "agency_editor" // answers for its organisations: responses, actions, evidence
	RoleViewer       Role = "viewer"        // reads what is shared with it
)

var Roles = []Role{RoleAdmin, RoleOversight, RolePanel, RoleAgencyEditor, RoleViewer}

// Membership gives a user a role, either across the whole system or within one organisation or
// one partnership. Panel memberships name a partnership and agency-editor memberships an
// organisation; admin and oversight are system-wide; a viewer may be either.
type Membership struct {
	ID             string
	Role           Role
	OrganisationID string
	PartnershipID  string
	// ViewerSeesRestricted is, for a viewer's membership of a partnership, that partnership's
	// Partnership.ViewersSeeRestricted, loaded with the membership on every request so that a
	// change of the setting holds from the caller's next request. It is not part of the
	// membership itself (an admin sets it on the partnership), so it is never audited with one.
	ViewerSeesRestricted bool `json:"-"`
}

// Actor is who is acting: a signed-in user (by session or API token), an anonymous caller, or
// the system itself (migrations, demo loading, command-line tools). It travels in the context so
// that the store can check and attribute every read and write.
type Actor struct {
	UserID      string
	Name        string
	Memberships []Membership
	system      bool
}

// System is the actor for work the application does on its own behalf.
var System = Actor{Name: "system", system: true}

// Anonymous is a caller who has not signed in: it sees only public material.
var Anonymous = Actor{Name: "anonymous"}

// IsSystem reports whether a is the application itself.
func (a Actor) IsSystem() bool { return a.system }

// SignedIn reports whether a is a user (or the system), as opposed to an anonymous caller.
func (a Actor) SignedIn() bool { return a.system || a.UserID != "" }

// Has reports whether a holds role system-wide, or in any scope when anyScope is true.
func (a Actor) has(role Role, anyScope bool) bool {
	return slices.ContainsFunc(a.Memberships, func(m Membership) bool {
		return m.Role == role && (anyScope || (m.OrganisationID == "" && m.PartnershipID == ""))
	})
}

// IsAdmin and IsOversight report the system-wide roles.
func (a Actor) IsAdmin() bool     { return a.has(RoleAdmin, true) }
func (a Actor) IsOversight() bool { return a.has(RoleOversight, true) }

// HasRole reports whether a holds role in any scope.
func (a Actor) HasRole(role Role) bool { return a.has(role, true) }

// PanelOf reports whether a sits on the panel of partnership p.
func (a Actor) PanelOf(p string) bool {
	return p != "" && slices.ContainsFunc(a.Memberships, func(m Membership) bool { return m.Role == RolePanel && m.PartnershipID == p })
}

// EditorOf reports whether a edits for organisation o.
func (a Actor) EditorOf(o string) bool {
	return o != "" && slices.ContainsFunc(a.Memberships, func(m Membership) bool { return m.Role == RoleAgencyEditor && m.OrganisationID == o })
}

// Partnerships lists the partnerships whose restricted reviews a may read: those it sits on the
// panel of, and those it views that let their viewers read them (issue 3: a restricted review is
// for its partnership's panel, oversight and admins; an admin may open it to the partnership's
// viewers with Partnership.ViewersSeeRestricted).
func (a Actor) Partnerships() []string {
	var out []string
	for _, m := range a.Memberships {
		reads := m.Role == RolePanel || (m.Role == RoleViewer && m.ViewerSeesRestricted)
		if reads && m.PartnershipID != "" && !slices.Contains(out, m.PartnershipID) {
			out = append(out, m.PartnershipID)
		}
	}
	return out
}

// PanelPartnerships lists the partnerships a sits on the panel of: the reviews whose work a
// panel member follows. A panel membership without a partnership (the database forbids one)
// names none.
func (a Actor) PanelPartnerships() []string {
	var out []string
	for _, m := range a.Memberships {
		if m.Role == RolePanel && m.PartnershipID != "" && !slices.Contains(out, m.PartnershipID) {
			out = append(out, m.PartnershipID)
		}
	}
	return out
}

// EditorOrganisations lists the organisations a edits for.
func (a Actor) EditorOrganisations() []string {
	var out []string
	for _, m := range a.Memberships {
		if m.Role == RoleAgencyEditor && m.OrganisationID != "" && !slices.Contains(out, m.OrganisationID) {
			out = append(out, m.OrganisationID)
		}
	}
	return out
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx. A context with no actor is anonymous: forgetting to say
// who is acting must never grant more than the public sees.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Anonymous
}

// RequestInfo is what the API knows about the request behind a write, for attribution.
type RequestInfo struct {
	RequestID string
	ClientIP  string
}

type requestKey struct{}

// WithRequestInfo returns ctx carrying r.
func WithRequestInfo(ctx context.Context, r RequestInfo) context.Context {
	return context.WithValue(ctx, requestKey{}, r)
}

// RequestInfoFrom returns the request info in ctx, empty when there is none.
func RequestInfoFrom(ctx context.Context) RequestInfo {
	r, _ := ctx.Value(requestKey{}).(RequestInfo)
	return r
}
