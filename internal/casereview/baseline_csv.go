package casereview

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxBaselineBytes bounds a baseline CSV: a characteristic has at most a few dozen groups.
const MaxBaselineBytes = 64 << 10

// ParseBaselineCSV reads an area's population by group of characteristic from CSV: a header
// row "group,population", then one row per group, the group named by its key or its label
// (any case). Every problem is reported by row and column (row[2].population), nothing is kept
// when any is found. "Not recorded" has no population and is refused.
func ParseBaselineCSV(characteristic string, data []byte) ([]BaselineGroup, error) {
	c, ok := CharacteristicByKey(characteristic)
	if !ok {
		return nil, Invalid("characteristic", FieldUnknownValue, "%q is not a characteristic", characteristic)
	}
	if len(data) > MaxBaselineBytes {
		return nil, Invalid("file", FieldInvalid, "the file is larger than %d KB", MaxBaselineBytes>>10)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	var p Problems
	var out []BaselineGroup
	seen := map[string]int{}
	for line := 0; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, Invalid("file", FieldInvalid, "the file is not CSV: %v", err)
		}
		field := func(col string) string { return fmt.Sprintf("row[%d].%s", line+1, col) }
		if line == 0 {
			if len(rec) < 2 || !strings.EqualFold(strings.TrimSpace(rec[0]), "group") || !strings.EqualFold(strings.TrimSpace(rec[1]), "population") {
				return nil, Invalid("row[1]", FieldInvalid, "the first row must be the header: group,population")
			}
			continue
		}
		if len(rec) != 2 {
			p.Add(field("group"), FieldInvalid, "row %d has %d columns; each row is a group and its population", line+1, len(rec))
			continue
		}
		key, ok := groupOf(c, strings.TrimSpace(rec[0]))
		switch {
		case !ok:
			p.Add(field("group"), FieldUnknownValue, "%q is not a group of %s", strings.TrimSpace(rec[0]), c.Label)
		case key == NotRecorded:
			p.Add(field("group"), FieldInvalid, "a baseline counts recorded groups only: leave out %q", strings.TrimSpace(rec[0]))
		case seen[key] > 0:
			p.Add(field("group"), FieldDuplicate, "%s is already on row %d", c.GroupLabel(key), seen[key])
		}
		n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(rec[1]), ",", ""), 10, 64)
		if err != nil || n < 0 {
			p.Add(field("population"), FieldInvalid, "%q is not a whole number of people", strings.TrimSpace(rec[1]))
		}
		if ok && key != NotRecorded && seen[key] == 0 && err == nil && n >= 0 {
			seen[key] = line + 1
			out = append(out, BaselineGroup{Key: key, Label: c.GroupLabel(key), Population: n})
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, Invalid("file", FieldRequired, "the file has no groups: after the header, one row per group and its population")
	}
	return out, nil
}

func groupOf(c CharacteristicDef, s string) (string, bool) {
	for _, g := range c.Groups {
		if strings.EqualFold(g.Key, s) || strings.EqualFold(g.Label, s) {
			return g.Key, true
		}
	}
	return "", false
}
