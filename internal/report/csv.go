package report

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteCSV writes every table in turn: a line naming it, its header, its rows and a blank line.
// Cells that a spreadsheet would run as a formula are prefixed with a quote (OWASP CSV
// injection).
func WriteCSV(w io.Writer, d Document) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{safeCSV(d.Title)}); err != nil {
		return err
	}
	for _, n := range d.Notes {
		if err := cw.Write([]string{safeCSV(n)}); err != nil {
			return err
		}
	}
	for _, t := range d.Tables {
		if err := cw.Write(nil); err != nil {
			return err
		}
		if err := cw.Write([]string{safeCSV(t.Name)}); err != nil {
			return err
		}
		if err := cw.Write(mapStrings(t.Columns, safeCSV)); err != nil {
			return err
		}
		for _, r := range t.Rows {
			rec := make([]string, len(r))
			for i, c := range r {
				rec[i] = c.Text
				if c.Number == nil {
					rec[i] = safeCSV(c.Text)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func mapStrings(in []string, f func(string) string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}

// safeCSV keeps text that begins like a formula from being run when the file is opened.
func safeCSV(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
