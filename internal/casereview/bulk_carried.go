package casereview

import "strings"

// Uncarried names what a bundle's source does not hold. When an import updates a record that
// exists, whatever its source does not carry is left as recorded (a new record takes its
// default): an absent column means "no change", never "clear". The zero value carries
// everything, as the bulk JSON and PFD imports do; an action-plan spreadsheet carries much less.
type Uncarried struct {
	RecommendationTitle bool
	InterventionType    bool
	Scope               bool
	AddresseeRole       bool // a new addressee takes the bundle's role
	AddresseeDates      bool // notified_on and acknowledged_on
	ActionOwner         bool
	ActionTargetDate    bool
	// ActionCompletionDate: the source gives a completion date only with some statuses, so an
	// action without one keeps the date recorded.
	ActionCompletionDate bool
	// CellText: the source's text comes trimmed, with CRLF as LF (spreadsheet cells), so text
	// equal to the recorded text up to that is unchanged.
	CellText bool
}

// SameCellText reports whether a and b are the same text once each is trimmed of surrounding
// white space and its line endings are LF, as a spreadsheet cell is read back.
func SameCellText(a, b string) bool {
	if a == b {
		return true
	}
	norm := func(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }
	return norm(a) == norm(b)
}

// ImportAgrees reports whether a source's status for an action says what the application
// records: the same status, or "completed" for one oversight has verified (no source can say
// verified).
func ImportAgrees(recorded, source ImplementationStatus) bool {
	return recorded == source || (recorded == ImplVerified && source == ImplPending)
}
