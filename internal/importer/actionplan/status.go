package actionplan

import (
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// Completion is what a "Date of completion and outcome" cell says.
type Completion struct {
	Status    casereview.ImplementationStatus // "" when the note does not say unambiguously
	Date      *casereview.Date
	Note      string // the cell as written (less a status prefix the writer added)
	Ambiguous bool   // there was a note, but it does not say one status clearly
}

// statusPrefixes are the explicit openings the writer uses and people commonly type. A cell that
// opens with one of them (followed by ":", "-", "–", "." or the end) means exactly that status.
var statusPrefixes = []struct {
	prefix string
	status casereview.ImplementationStatus
}{
	{"not implemented", casereview.ImplNotImplemented},
	{"not started", casereview.ImplNotStarted},
	{"in progress", casereview.ImplInProgress},
	{"planned", casereview.ImplPlanned},
	{"completed", casereview.ImplPending},
	{"complete", casereview.ImplPending},
}

var (
	// reSep is the separator after a status opening: one mark at most, so that an outcome
	// written after "In progress: " keeps a mark of its own ("- see minutes").
	reSep = regexp.MustCompile(`^\s*[:;.,\-–—]?\s*`)
	// Words that say a status when they appear anywhere; each note must hit exactly one group.
	statusWords = []struct {
		status casereview.ImplementationStatus
		re     *regexp.Regexp
	}{
		{casereview.ImplNotImplemented, regexp.MustCompile(`(?i)\b(not (be )?implemented|will not be|won't be|not accepted|rejected|declined|not taken forward|no longer)\b`)},
		{casereview.ImplNotStarted, regexp.MustCompile(`(?i)\b(not (yet )?started|not commenced|yet to start)\b`)},
		{casereview.ImplInProgress, regexp.MustCompile(`(?i)\b(in progress|ongoing|on-going|underway|under way|partially|partly|part complete|in hand|being)\b`)},
		{casereview.ImplPlanned, regexp.MustCompile(`(?i)\b(planned|scheduled|will be|to be)\b`)},
		{casereview.ImplPending, regexp.MustCompile(`(?i)\b(completed?|done|achieved|implemented|delivered|closed|in place|finished|signed off)\b`)},
	}
	reNegatedDone = regexp.MustCompile(`(?i)\b(not|never)\s+(yet\s+)?(completed?|done|achieved|implemented|delivered|closed|in place|finished|complete)\b`)
)

// ParseCompletion reads a completion cell. The status is set only when the note says it
// unambiguously: an explicit opening ("Completed 12/03/2024: …", "In progress: …"), a date on
// its own (the column is the date of completion), or words of exactly one kind. Anything else
// keeps the note with no status, so the action lands as a historic record with nothing
// recorded rather than as a guess.
func ParseCompletion(cell string) Completion {
	text := strings.TrimSpace(cell)
	c := Completion{Note: text}
	if text == "" || IsNoDate(text) && !strings.EqualFold(text, "ongoing") && !strings.EqualFold(text, "on going") {
		c.Note = ""
		return c
	}
	// A date on its own, but not a period ("by end of March 2026" there is a target).
	if d, ok := parseDate(strings.ToLower(text)); ok {
		c.Status, c.Date, c.Note = casereview.ImplPending, &d, ""
		return c
	}
	lower := strings.ToLower(text)
	for _, p := range statusPrefixes {
		if !strings.HasPrefix(lower, p.prefix) {
			continue
		}
		rest := text[len(p.prefix):]
		if rest != "" && !strings.ContainsRune(" :;.,-–—\n\t(", []rune(rest)[0]) {
			continue // "completely" or "planned-for" is not a prefix
		}
		c.Status = p.status
		rest = strings.TrimSpace(rest)
		if c.Status == casereview.ImplPending {
			// "Completed 12/03/2024: outcome" or "Completed (12/03/2024) outcome"
			if m := reLeadDate.FindStringSubmatch(rest); m != nil {
				if d, ok := ParseUKDate(m[1]); ok {
					c.Date = &d
					rest = rest[len(m[0]):]
				}
			}
		}
		c.Note = strings.TrimSpace(reSep.ReplaceAllString(rest, ""))
		return c
	}
	var hit []casereview.ImplementationStatus
	// "not yet completed" or "in place" read as done only where a done word stands on its own.
	withoutNegated := reNegatedDone.ReplaceAllString(text, " ")
	for _, w := range statusWords {
		subject := text
		if w.status == casereview.ImplPending {
			subject = withoutNegated
		}
		if w.re.MatchString(subject) {
			hit = append(hit, w.status)
		}
	}
	if d, ok := findDate(text); ok && len(hit) == 1 && hit[0] == casereview.ImplPending {
		c.Date = &d
	}
	if len(hit) == 1 {
		c.Status = hit[0]
		return c
	}
	c.Ambiguous = true
	return c
}

var reLeadDate = regexp.MustCompile(`^[\s:(\-–—]*(?:on\s+)?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\.?,?\s+\d{4})\)?`)
