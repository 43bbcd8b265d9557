package casereview

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// SavedSummary is a thematic summary's definition kept by the oversight officer who built it, to
// be run again later with the data of the day. The definition is the builder's query string
// (title, period, comparison, filters, key findings, sections): the web UI reads and checks it
// (internal/web/summaries.go), the store keeps it as it is. Only its owner and admins see it.
type SavedSummary struct {
	ID         string
	OwnerID    string
	Title      string
	Definition string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// MaxSavedSummaryDefinition bounds a saved definition (the key findings are most of it).
const MaxSavedSummaryDefinition = 20000

// SavedSummaryService keeps summary definitions for their owners.
type SavedSummaryService interface {
	// SaveSummary keeps a definition for the caller.
	SaveSummary(ctx context.Context, title, definition string) (SavedSummary, error)
	// ListSavedSummaries lists the caller's own saved summaries, newest first.
	ListSavedSummaries(ctx context.Context) ([]SavedSummary, error)
	// GetSavedSummary returns one saved summary, if the caller owns it or is an admin (to anyone
	// else it does not exist).
	GetSavedSummary(ctx context.Context, id string) (SavedSummary, error)
	// RenameSavedSummary gives the caller's own saved summary a new title. To anyone who may
	// not read it, it does not exist; one who may read it but does not own it is refused.
	RenameSavedSummary(ctx context.Context, id, title string) (SavedSummary, error)
	// DeleteSavedSummary removes the caller's own saved summary (refused as RenameSavedSummary).
	DeleteSavedSummary(ctx context.Context, id string) error
}

// ValidateSavedSummary checks a definition before it is kept.
func ValidateSavedSummary(title, definition string) error {
	var p Problems
	switch n := utf8.RuneCountInString(strings.TrimSpace(title)); {
	case n == 0:
		p.Add("title", FieldRequired, "title is required")
	case n > 200:
		p.Add("title", FieldTooLong, "title must be 200 characters or fewer")
	}
	switch n := len(definition); {
	case n == 0:
		p.Add("definition", FieldRequired, "definition is required")
	case n > MaxSavedSummaryDefinition:
		p.Add("definition", FieldTooLong, "definition must be %d bytes or fewer", MaxSavedSummaryDefinition)
	}
	return p.Err()
}

// CanReadSavedSummary reports whether a may see s: its owner and admins.
func CanReadSavedSummary(a Actor, s SavedSummary) bool {
	return a.IsAdmin() || (a.UserID != "" && a.UserID == s.OwnerID)
}

// CanChangeSavedSummary reports whether a may rename or delete s: its owner alone (an admin may
// read another person's summary, not change it).
func CanChangeSavedSummary(a Actor, s SavedSummary) bool {
	return a.UserID != "" && a.UserID == s.OwnerID
}
