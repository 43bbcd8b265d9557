package actionplan

import (
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// The "Key milestones" cell holds an action's milestones, one a line:
//
//	31/03/2026 – Course written
//	30/06/2026 (done 20/06/2026) – Pilot in two teams
//	TBC – Board sign-off
//
// Before the first separator (" – ", " — ", " - " or ": ") come the due date (or TBC) and,
// when the milestone is reached, "(done <date>)"; the title is everything after it. The writer
// always writes that prefix, so a title may hold any text (dates and dashes included) and the
// cell reads back exactly. A line whose text before its first separator is not such a prefix is
// a title on its own with no date ("Form redesigned; pilot in two sectors"), which is how plans
// written by hand usually put them. Leading bullets are dropped. A blank cell leaves the
// action's milestones as they are; a cell that lists any is the action's milestones after the
// import.

// NoDueDate is what the writer puts for a milestone without a due date.
const NoDueDate = "TBC"

var (
	milestoneSeparators = []string{" – ", " — ", " - ", ": "}
	milestoneDone       = regexp.MustCompile(`(?i)^(.*?)\s*\((?:done|completed|achieved)\s+([^()]+)\)$`)
	milestoneNoDate     = map[string]bool{"tbc": true, "tba": true, "no date": true, "n/a": true, "ongoing": true}
)

// FormatMilestones writes milestones as the cell holds them.
func FormatMilestones(ms []casereview.Milestone) string {
	lines := make([]string, len(ms))
	for i, m := range ms {
		due := NoDueDate
		if m.DueDate != nil {
			due = FormatUKDate(*m.DueDate)
		}
		if m.DoneDate != nil {
			due += " (done " + FormatUKDate(*m.DoneDate) + ")"
		}
		lines[i] = due + " – " + m.Title
	}
	return strings.Join(lines, "\n")
}

// ParseMilestones reads a cell; nil for a blank one. bad lists the lines (1-based) whose
// prefix names a date that cannot be read, with the text.
func ParseMilestones(cell string) (out []casereview.MilestoneDraft, bad []string) {
	for _, line := range strings.Split(strings.ReplaceAll(cell, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimLeft(line, "•·*▪–-"))
		if line == "" {
			continue
		}
		d, ok := parseMilestoneLine(line)
		if !ok {
			bad = append(bad, line)
		}
		out = append(out, d)
	}
	return out, bad
}

// parseMilestoneLine reads one line; ok is false when a "(done …)" prefix names no date.
func parseMilestoneLine(line string) (casereview.MilestoneDraft, bool) {
	cut := -1
	sep := ""
	for _, s := range milestoneSeparators {
		if i := strings.Index(line, s); i >= 0 && (cut < 0 || i < cut) {
			cut, sep = i, s
		}
	}
	if cut < 0 {
		return casereview.MilestoneDraft{Title: line}, true
	}
	prefix, title := strings.TrimSpace(line[:cut]), strings.TrimSpace(line[cut+len(sep):])
	var d casereview.MilestoneDraft
	d.Title = title
	due := prefix
	if m := milestoneDone.FindStringSubmatch(prefix); m != nil {
		due = strings.TrimSpace(m[1])
		done, ok := ParseUKDate(m[2])
		if !ok {
			return casereview.MilestoneDraft{Title: title}, false
		}
		d.DoneDate = &done
	}
	switch {
	case milestoneNoDate[strings.ToLower(due)]:
	default:
		day, ok := ParseUKDate(due)
		if !ok {
			if d.DoneDate != nil {
				return casereview.MilestoneDraft{Title: title}, false
			}
			return casereview.MilestoneDraft{Title: line}, true // not a prefix: the whole line is the title
		}
		d.DueDate = &day
	}
	return d, true
}
