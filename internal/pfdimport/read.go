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
	"regexp"
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
	Status      string   // completed, partial, overdue or pending
	Categories  []string // judiciary category labels
	TrackerDate string   // "Date of report", dd/mm/yyyy
	TrackerArea string
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

var reStatus = regexp.MustCompile(`(?i)\b(completed|partial|overdue|pending)\b`)

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
			if m := reStatus.FindStringSubmatch(t["Status"]); m != nil {
				rep.Status = strings.ToLower(m[1])
			}
			for _, c := range strings.Split(t["Category"], "|") {
				if c = strings.TrimSpace(c); c != "" {
					rep.Categories = append(rep.Categories, c)
				}
			}
			rep.TrackerDate, rep.TrackerArea = strings.TrimSpace(t["Date of report"]), strings.TrimSpace(t["Coroner area"])
		}
		out = append(out, rep)
	}
	return out, nil
}

func normURL(u string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(u)), "/")
}

// reItem finds the openings of numbered items: "1.", "2)", "(3)" at the start of a line.
var reItem = regexp.MustCompile(`(?m)^[ \t]*\(?(\d{1,2})[.)][ \t]+`)

// Item is one numbered matter of concern.
type Item struct {
	Number string
	Text   string
}

// SplitConcerns splits a report's matters of concern into its numbered items, taking the
// numbers 1, 2, 3 … in order at the starts of lines; text before item 1 that is more than a
// heading stays with item 1. Unnumbered concerns (or a single number) are one item, the whole
// text.
func SplitConcerns(text string) []Item {
	text = strings.TrimSpace(CleanText(strings.ReplaceAll(text, "\r\n", "\n")))
	if text == "" {
		return nil
	}
	type mark struct{ start, body, n int }
	var marks []mark
	want := 1
	for _, m := range reItem.FindAllStringSubmatchIndex(text, -1) {
		n := 0
		fmt.Sscan(text[m[2]:m[3]], &n)
		if n == want {
			marks = append(marks, mark{m[0], m[1], n})
			want++
		}
	}
	if len(marks) < 2 {
		return []Item{{Number: "1", Text: text}}
	}
	items := make([]Item, len(marks))
	for i, m := range marks {
		end := len(text)
		if i+1 < len(marks) {
			end = marks[i+1].start
		}
		items[i] = Item{Number: fmt.Sprint(m.n), Text: strings.TrimSpace(text[m.body:end])}
	}
	if pre := strings.TrimSpace(text[:marks[0].start]); len(pre) > 300 {
		items[0].Text = pre + "\n\n" + items[0].Text
	}
	return items
}

// SplitReceivers splits the receiver field on semicolons, dropping redacted names.
func SplitReceivers(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ";") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" || strings.Contains(strings.ToUpper(p), "REDACTED") || seen[strings.ToLower(p)] {
			continue
		}
		seen[strings.ToLower(p)] = true
		if len([]rune(p)) > 200 {
			p = string([]rune(p)[:200])
		}
		out = append(out, p)
	}
	return out
}

// CleanText turns the control characters that PDF extraction leaves behind into what they
// stood for (vertical tab and form feed into line breaks) or removes them.
func CleanText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\v' || r == '\f':
			return '\n'
		case r == '\n' || r == '\r' || r == '\t':
			return r
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
