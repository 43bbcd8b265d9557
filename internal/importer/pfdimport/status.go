package pfdimport

import (
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The tracker works a report's status out from its counts of recipients and replies: completed
// (every recipient replied), partial (some did), overdue (none did within 56 days) and pending
// (under 56 days old). ResponseFor maps each state to the response layer of every addressee:
//   - completed: a response was received from each;
//   - partial: the tracker does not say which recipients replied, so each stays awaiting a
//     response, and the recommendation rolls up to awaiting, as it would with one reply missing;
//   - overdue and pending: awaiting a response; whether it is overdue is derived from the
//     response due date (the report's date plus the PFD window of 56 days), not stored.
//
// A blank status maps to nothing (the addressees keep what they have); ok is false only for a
// state the tracker did not use when this was written, which the import counts as unmapped.
func ResponseFor(status string) (rs casereview.ResponseStatus, ok bool) {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "completed", "complete":
		return casereview.ResponseReceived, true
	case "partial", "overdue", "pending":
		return casereview.ResponseAwaiting, true
	case "":
		return "", true
	}
	return "", false
}

var reTags = regexp.MustCompile(`<[^>]*>`)

// statusText is the tracker's status without the HTML badge around it.
func statusText(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(reTags.ReplaceAllString(s, " ")), " "))
}
