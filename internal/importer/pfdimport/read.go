// Package pfdimport loads the coroners' prevention of future deaths (PFD) corpus kept beside the
// repository (../shared/corpus/pfd, described in its README) for evaluation and benchmarks on a
// private instance. The corpus names real people who died: it is read only at run time, every
// review it makes is restricted, and nothing of it belongs in the repository.
package pfdimport

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// The files this package reads, inside the corpus folder.
const (
	ReportsFile = "pfd_reports_concerns_union.csv"
	TrackerFile = "pfd_tracker_db_with_statuses_2025-07-31.csv"
)

// Report is one row of the reports file, joined to the tracker where it matches.
type Report struct {
	URL, ID, Date, Area, Receiver, Concerns string
	// From the tracker, when joined.
	Joined      bool
	Status      string   // completed, partial, overdue or pending (see ResponseFor)
	Categories  []string // judiciary category labels
	TrackerDate string   // "Date of report", dd/mm/yyyy
	TrackerArea string
	SentTo      []string // the tracker's recipients, one organisation each
}

// Reference is the report's judiciary reference, or (for the few rows without one) a stable
// token derived from its address, so that no name from the address becomes a reference.
func (r Report) Reference() string {
	if id := strings.TrimSpace(r.ID); id != "" {
		return id
	}
	sum := sha256.Sum256([]byte(r.URL))
	return "PFD-U-" + hex.EncodeToString(sum[:6])
}

// readCSV reads a CSV file into header-keyed rows.
func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		row := map[string]string{}
		for i, h := range header {
			if i < len(rec) {
				row[h] = rec[i]
			}
		}
		out = append(out, row)
	}
}

// ReadCorpus reads the reports and joins the tracker on reference, or failing that on address.
// A missing tracker file is not an error: the reports import without statuses or categories.
func ReadCorpus(dir string) ([]Report, error) {
	rows, err := readCSV(filepath.Join(dir, ReportsFile))
	if err != nil {
		return nil, err
	}
	byRef, byURL := map[string]map[string]string{}, map[string]map[string]string{}
	if tr, err := readCSV(filepath.Join(dir, TrackerFile)); err == nil {
		for _, t := range tr {
			if ref := strings.TrimSpace(t["Ref"]); ref != "" {
				if _, dup := byRef[ref]; !dup {
					byRef[ref] = t
				}
			}
			if u := normURL(t["Report URL"]); u != "" {
				if _, dup := byURL[u]; !dup {
					byURL[u] = t
				}
			}
		}
	} else if !os.IsNotExist(err) {
		return nil, err
	}
	out := make([]Report, 0, len(rows))
	for _, r := range rows {
		rep := Report{URL: strings.TrimSpace(r["url"]), ID: strings.TrimSpace(r["id"]), Date: strings.TrimSpace(r["date"]),
			Area: strings.TrimSpace(r["area"]), Receiver: r["receiver"], Concerns: r["concerns"]}
		t, ok := byRef[rep.ID]
		if !ok || rep.ID == "" {
			t, ok = byURL[normURL(rep.URL)]
		}
		if ok {
			rep.Joined = true
			rep.Status = statusText(t["Status"])
			for _, c := range strings.Split(t["Category"], "|") {
				if c = strings.TrimSpace(c); c != "" {
					rep.Categories = append(rep.Categories, c)
				}
			}
			rep.TrackerDate, rep.TrackerArea = strings.TrimSpace(t["Date of report"]), strings.TrimSpace(t["Coroner area"])
			for _, s := range strings.Split(t["Sent to"], "|") {
				if s = strings.TrimSpace(s); s != "" {
					rep.SentTo = append(rep.SentTo, s)
				}
			}
		}
		out = append(out, rep)
	}
	return out, nil
}

func normURL(u string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(u)), "/")
}

// CleanText turns the control characters that PDF extraction leaves behind into what they
// stood for (vertical tab and form feed into line breaks, the Symbol font's bullet into a
// bullet, a no-break space into a space) or removes them.
func CleanText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\v' || r == '\f':
			return '\n'
		case r == '\u00ad': // a soft hyphen, invisible
			return -1
		case r == '\u00a0':
			return ' '
		case r == '\uf0b7': // the bullet of the Symbol font
			return '•'
		case r == '\n' || r == '\r' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
