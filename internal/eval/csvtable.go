package eval

import (
	"encoding/csv"
	"fmt"
	"os"
	"strings"
)

// readTable reads a corpus CSV file whole and finds the named columns in its header (a byte-order
// mark and spaces around a name ignored). Rows too short to hold every named column are left out.
func readTable(path string, want ...string) (rows [][]string, col map[string]int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	all, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(all) == 0 {
		return nil, nil, fmt.Errorf("%s: empty", path)
	}
	col = map[string]int{}
	for i, h := range all[0] {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	last := 0
	for _, c := range want {
		i, ok := col[c]
		if !ok {
			return nil, nil, fmt.Errorf("%s: no column %q", path, c)
		}
		last = max(last, i)
	}
	for _, row := range all[1:] {
		if len(row) > last {
			rows = append(rows, row)
		}
	}
	return rows, col, nil
}
