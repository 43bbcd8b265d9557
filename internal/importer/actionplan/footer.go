package actionplan

import (
	"regexp"
	"strings"
)

// Below the table, real plans carry a key to their colours or codes, notes, and a sign-off
// block ("Signed off by …", "Date of sign-off", "Approved by the board"). Such a row, once a
// recommendation has been read, starts the footer: it and every row after it that does not
// open a numbered recommendation are skipped, each reported as skipped.
var (
	// Phrases that mark a footer however they go on.
	reFooterPhrase = regexp.MustCompile(`(?i)^(?:signed\s+off\s+by|sign[\s\-]*off\s+by|approved\s+by|agreed\s+by|signed\s+by|endorsed\s+by|date\s+(?:of\s+)?(?:sign[\s\-]*off|approval|signature)|signature|legend|(?:rag|colour|color|status)(?:\s+(?:rating|status))?\s+key)\b`)
	// Words that mark one only as a label ("Key:", "Notes -", "Chair") or a colour's meaning
	// ("Red = not started"), so "Key agencies should …" stays a recommendation.
	reFooterLabel = regexp.MustCompile(`(?i)^(?:key|notes?|sign[\s\-]*off|signed|chair(?:person)?|date|version|prepared\s+by|red|amber|green|blue|grey|gray|black|purple|rag)\s*(?:[:=\-–—(]|$)`)
)

// footerStart reports whether row opens the footer: its first filled cell is a key, legend,
// note or sign-off label.
func footerStart(row []string) bool {
	for _, c := range row {
		if c = strings.TrimSpace(c); c != "" {
			return reFooterPhrase.MatchString(c) || reFooterLabel.MatchString(c)
		}
	}
	return false
}
