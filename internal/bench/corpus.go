package bench

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Corpus is the real text the benchmark searches: the "concerns" of the coroners' prevention of
// future deaths reports, split into their numbered items. It is read from the shared corpus at
// run time and never written anywhere.
type Corpus struct {
	Reports int      // reports read
	Items   []string // concern items, in report order
	Words   int      // words over all items
}

// ReadCorpus reads the concerns column of the PFD CSV and splits each report's concerns into
// numbered items ("1. … 2. …"); unnumbered concerns stay one item.
func ReadCorpus(path string) (*Corpus, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	col := -1
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), "concerns") {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("%s has no concerns column (columns: %s)", path, strings.Join(header, ", "))
	}
	c := &Corpus{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if col >= len(rec) {
			continue
		}
		c.Reports++
		for _, item := range SplitConcerns(rec[col]) {
			c.Items = append(c.Items, item)
			c.Words += len(strings.Fields(item))
		}
	}
	if len(c.Items) == 0 {
		return nil, fmt.Errorf("%s: no concerns found", path)
	}
	return c, nil
}

var itemMark = regexp.MustCompile(`(?m)(?:^|[\s:;])\(?(\d{1,2})[.)]\s+`)

// SplitConcerns splits text at its item numbers, taken only in sequence (1, 2, 3…), so a "2."
// inside a sentence ("section 2. of the Act") does not start an item unless it is the next one.
// Text with fewer than two numbered items is one item.
func SplitConcerns(text string) []string {
	text = clean(text)
	marks := itemMark.FindAllStringSubmatchIndex(text, -1)
	var starts, bodies []int
	want := 1
	for _, m := range marks {
		n, _ := strconv.Atoi(text[m[2]:m[3]])
		if n != want {
			continue
		}
		starts, bodies = append(starts, m[0]), append(bodies, m[1])
		want++
	}
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if utf8.RuneCountInString(s) >= 40 {
			out = append(out, truncate(s, 19000))
		}
	}
	if len(starts) < 2 {
		add(text)
		return out
	}
	for i := range starts {
		end := len(text)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		add(text[bodies[i]:end])
	}
	return out
}

// clean keeps text the API accepts: valid UTF-8 without control characters other than new lines.
func clean(s string) string {
	s = strings.ToValidUTF8(s, " ")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return ' '
		}
		return r
	}, s)
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// titleOf makes a short title from an item's first words.
func titleOf(item string) string {
	words := strings.Fields(item)
	if len(words) > 9 {
		words = words[:9]
	}
	return truncate(strings.Join(words, " "), 290)
}
