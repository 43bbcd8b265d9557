package casereview

import "time"

// StateDump is the case data of an instance, or of some of its partnerships, table by table:
// what bulk JSON format casereview-bulk/2 carries. Unlike a ReviewBundle, which is what a plan
// says, a dump is what happened: responses, actions and their progress, evidence with its
// files, milestones, assessments, links and theme assignments with who confirmed them, each
// with its dates, so that the receiving instance holds the same records.
type StateDump struct {
	Source StateSource  `json:"source"`
	Users  []StateUser  `json:"users"`
	Tables []StateTable `json:"tables"`
}

// StateSource says where a dump came from; the receiving instance's audit trail names it in
// every import event.
type StateSource struct {
	Instance     string    `json:"instance"`
	ExportID     string    `json:"export_id"`
	ExportedAt   time.Time `json:"exported_at"`
	Partnerships []string  `json:"partnerships,omitempty"` // the scope; empty for the whole instance
}

// StateUser is a person a dump's rows name by id. Users themselves do not move (their
// passwords and roles belong to the instance); an importing instance puts its own user with
// the same email in their place, or leaves the id empty and keeps the name the row records.
type StateUser struct {
	ID          string `json:"id"`
	Email       string `json:"email"`
	DisplayName string `json:"display_name"`
}

// StateTable is one table's rows, each a list of values in Columns' order: strings, whole
// numbers, booleans or null; dates are YYYY-MM-DD, times RFC 3339 in UTC, file contents base64.
type StateTable struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
	Rows    [][]any  `json:"rows"`
}

// StateScope chooses what ExportState writes.
type StateScope struct {
	PartnershipIDs []string // empty: every partnership
	Instance       string   // how the dump names this instance
}

// StateImportOptions say how a dump is written.
type StateImportOptions struct {
	DryRun bool
	// Progress, when set, is told how many rows of the whole have been written.
	Progress func(done, total int) `json:"-"`
}

// CanMoveState reports whether a may export or import an instance's whole state: admins only,
// since a dump holds every partnership's restricted records.
func CanMoveState(a Actor) bool { return a.IsSystem() || a.IsAdmin() }
