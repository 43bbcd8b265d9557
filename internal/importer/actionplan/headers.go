package actionplan

import (
	"strings"
	"unicode"
)

// Column is one of the template's columns (plus the few extra ones plans commonly add).
type Column string

const (
	ColNumber         Column = "Number"
	ColRecommendation Column = "Recommendation"
	ColScope          Column = "Scope"
	ColAction         Column = "Action to take"
	ColLead           Column = "Lead agency"
	ColOwner          Column = "Lead officer"
	ColMilestones     Column = "Key milestones"
	ColTarget         Column = "Target date"
	ColCompletion     Column = "Date of completion and outcome"
	ColCompletionDate Column = "Completion date"
	ColOutcome        Column = "Outcome"
)

// TemplateColumns are the columns the writer produces, in order.
var TemplateColumns = []Column{ColRecommendation, ColScope, ColAction, ColLead, ColMilestones, ColTarget, ColCompletion}

// required are the columns without which a file is not an action plan.
var required = []Column{ColRecommendation, ColAction, ColLead}

// headerVariants lists, per column, the normalised header texts that name it, most specific
// first. The order of the columns matters: a header is given to the first column with the
// best-scoring variant, so "key milestones achieved in enacting recommendation" is a milestone
// column, not a recommendation one.
var headerVariants = []struct {
	col      Column
	variants []string
}{
	{ColMilestones, []string{"key milestones", "milestones", "key milestones achieved", "milestone"}},
	{ColCompletionDate, []string{"completion date", "date completed", "date of completion", "actual completion date", "date achieved"}},
	{ColCompletion, []string{"date of completion and outcome", "completion date and outcome", "date completed and outcome",
		"date of completion outcome", "completion and outcome", "progress", "status", "update", "progress update", "rag status", "current status"}},
	{ColOutcome, []string{"outcome", "outcomes", "evidence of outcome", "impact"}},
	{ColTarget, []string{"target date", "target", "target completion date", "deadline", "due date", "timescale", "timescales", "by when", "date due"}},
	{ColScope, []string{"scope", "local regional national", "scope local regional national", "level"}},
	{ColLead, []string{"lead agency", "lead agencies", "agency", "lead organisation", "responsible agency", "lead", "organisation", "agency responsible"}},
	{ColOwner, []string{"lead officer", "responsible officer", "owner", "action owner", "officer"}},
	{ColAction, []string{"action to take", "actions to take", "action", "actions", "action to be taken", "actions to be taken", "action required", "proposed action", "actions required"}},
	{ColNumber, []string{"no", "number", "rec no", "recommendation no", "recommendation number", "rec number", "ref", "reference", "#", "rec"}},
	{ColRecommendation, []string{"recommendation", "recommendations", "recommendation text", "recommendation wording"}},
}

// normHeader lower-cases s and reduces punctuation and runs of space to single spaces.
func normHeader(s string) string {
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '#':
			b.WriteRune(r)
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// matchHeader names the column a header cell stands for, and how well: 3 exact, 2 the header
// starts with a variant, 1 it contains one as whole words; 0 not at all.
func matchHeader(cell string) (Column, int) {
	h := normHeader(cell)
	if h == "" {
		return "", 0
	}
	best, score := Column(""), 0
	for _, hv := range headerVariants {
		for _, v := range hv.variants {
			s := 0
			switch {
			case h == v:
				s = 3
			case strings.HasPrefix(h, v+" "):
				s = 2
			case len(v) > 3 && strings.Contains(" "+h+" ", " "+v+" "):
				s = 1
			}
			if s > score {
				best, score = hv.col, s
			}
		}
	}
	return best, score
}

// headerMap assigns columns to the cells of a candidate header row. Each column goes to its
// best-scoring cell; the first wins a tie.
func headerMap(row []string) map[Column]int {
	type pick struct{ idx, score int }
	best := map[Column]pick{}
	for i, cell := range row {
		col, s := matchHeader(cell)
		if s == 0 {
			continue
		}
		if p, ok := best[col]; !ok || s > p.score {
			best[col] = pick{i, s}
		}
	}
	out := map[Column]int{}
	for c, p := range best {
		out[c] = p.idx
	}
	return out
}

// findHeader returns the index of the first of the first rows that names at least three
// template columns including the recommendation or the action, and its column map; failing
// that, a row naming two (so that the report can say which required column is missing).
func findHeader(rows [][]string, scan int) (int, map[Column]int) {
	for _, need := range []int{3, 2} {
		for i := 0; i < len(rows) && i < scan; i++ {
			m := headerMap(rows[i])
			_, rec := m[ColRecommendation]
			_, act := m[ColAction]
			if len(m) >= need && (rec || act) {
				return i, m
			}
		}
	}
	return -1, nil
}
