// Package report writes summaries out for people: CSV, an Excel workbook and a printable HTML
// page. It knows nothing of the domain: the API turns a summary into a Document (tables of
// cells, with suppression already applied), and each writer renders that.
package report

import (
	"strconv"
	"time"
)

// Document is what a report shows: a title, a few lines about how it was made, and tables.
type Document struct {
	Title     string
	Generated time.Time
	Notes     []string // shown under the title: as-of date, filters, disclosure control
	Tables    []Table
}

// Table is one table: one sheet of the workbook, one section of the CSV and the page.
type Table struct {
	Name    string // short: it names the sheet (at most 31 characters are used)
	Caption string
	Columns []string
	Rows    [][]Cell
}

// Cell is one value. A number stays a number in the workbook; suppressed counts and other text
// are text.
type Cell struct {
	Text   string
	Number *float64
}

// Text is a cell of text.
func Text(s string) Cell { return Cell{Text: s} }

// Int is a cell holding a whole number.
func Int(n int) Cell {
	f := float64(n)
	return Cell{Text: strconv.Itoa(n), Number: &f}
}

// Float is a cell holding a number, shown with one decimal place.
func Float(v float64) Cell {
	return Cell{Text: strconv.FormatFloat(v, 'f', 1, 64), Number: &v}
}
