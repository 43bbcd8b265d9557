// Package actionplan reads and writes the action-plan template published with domestic homicide
// reviews (DESIGN §3): Recommendation · Scope · Action to take · Lead agency · Key milestones ·
// Target date · Date of completion and outcome. Reading is tolerant of the ways real plans differ
// (header wording, a header row that is not the first, merged cells, UK dates) and reports every
// problem against its sheet, row and column; writing produces the same template.
package actionplan

import (
	"fmt"

	"github.com/casereview/casereview/internal/casereview"
)

// Severities: an error stops the import; a warning is a choice the reader made that a person
// should check.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Issue is one line of the validation report.
type Issue = casereview.ImportIssue

// Report is everything the reader and the matcher found wrong or guessed.
type Report struct {
	Issues []Issue `json:"issues"`
}

// MaxIssues bounds a report; a file that bad needs fixing at source, not a longer list.
const MaxIssues = 500

func (r *Report) add(sev string, sheet string, row int, col, suggestion, format string, args ...any) {
	if len(r.Issues) >= MaxIssues {
		return
	}
	r.Issues = append(r.Issues, Issue{Sheet: sheet, Row: row, Column: col, Severity: sev, Problem: fmt.Sprintf(format, args...), Suggestion: suggestion})
}

// Errorf records an issue that stops the import.
func (r *Report) Errorf(sheet string, row int, col, suggestion, format string, args ...any) {
	r.add(SeverityError, sheet, row, col, suggestion, format, args...)
}

// Warnf records a choice the reader made that a person should check.
func (r *Report) Warnf(sheet string, row int, col, suggestion, format string, args ...any) {
	r.add(SeverityWarning, sheet, row, col, suggestion, format, args...)
}

// Errors counts the issues that stop the import.
func (r Report) Errors() int {
	n := 0
	for _, i := range r.Issues {
		if i.Severity == SeverityError {
			n++
		}
	}
	return n
}

// hasError reports whether an error is already recorded against row and column.
func (r Report) hasError(row int, col string) bool {
	for _, i := range r.Issues {
		if i.Severity == SeverityError && i.Row == row && i.Column == col {
			return true
		}
	}
	return false
}

// OK reports whether nothing stops the import.
func (r Report) OK() bool { return r.Errors() == 0 }

// Limits bound what the reader accepts, against huge files, zip bombs and spreadsheets that
// unpack to far more than they weigh. A zero field is no limit. docs/imports-and-exports.md
// lists the defaults; `make bench` measures the largest file they accept.
type Limits struct {
	MaxBytes        int64 // the file as uploaded
	MaxUncompressed int64 // an XLSX's parts, unpacked, together
	MaxRatio        int64 // the most an XLSX part may expand relative to its compressed size
	MaxInMemory     int64 // an XLSX's parts held in memory while it is read (all but large sheets and shared strings), unpacked
	MaxRows         int
	MaxColumns      int   // an XLSX cell with a value further right than this is refused
	MaxCells        int   // an XLSX sheet's cells with a value (and its shared strings), together
	MaxText         int64 // bytes of cell text an XLSX sheet keeps (cells up to its header's last column)
	MaxCellChars    int
}

// DefaultLimits suit any real action plan (the largest have a few hundred rows of a dozen
// columns) with room to spare, and keep the reader's peak memory bounded: see
// docs/performance.md for the largest accepted file's figure.
var DefaultLimits = Limits{MaxBytes: 10 << 20, MaxUncompressed: 100 << 20, MaxRatio: 200, MaxInMemory: 16 << 20, MaxRows: 20000,
	MaxColumns: 64, MaxCells: 250000, MaxText: 16 << 20, MaxCellChars: 32767}
