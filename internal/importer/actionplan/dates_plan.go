package actionplan

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Periods as action plans name them, each read as its last day (a target "by Q4" means the end
// of the quarter):
//
//	Oct-25, Oct'25, Feb 24        the month, two-digit year (a full month name needs a
//	                              separator other than a space: "March 31" is not read)
//	Q4 2025/26, Q2 2025-26        a quarter of the UK financial year (Q1 = April to June)
//	end of March 2026, by …       "by", "before", "end of" in front of any date
//	w/c 3/11/25                   the week commencing that day, to its Sunday
var (
	rePlanPrefix  = regexp.MustCompile(`^(?:(?:by|before|no later than|due)\s+)?(?:(?:the\s+)?end\s+(?:of\s+)?)?`)
	reMonYY       = regexp.MustCompile(`^([a-z]{3,9})\.?(?:\s*[\-/'’–]\s*|\s+)(\d{2})$`)
	reQuarter     = regexp.MustCompile(`^q([1-4])\s*[,\-–]?\s*(?:fy\s*)?(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$`)
	reWeekCommenc = regexp.MustCompile(`^(?:w/?c|week\s+commencing|week\s+beginning)\.?\s*:?\s*(.+)$`)
)

// parsePlanDate reads s (lower case, trimmed) as one of the periods above; known says whether
// s had one of their shapes, so that the caller reads it no further.
func parsePlanDate(s string) (d casereview.Date, ok, known bool) {
	if m := reWeekCommenc.FindStringSubmatch(s); m != nil {
		start, ok := parseDate(strings.TrimSpace(m[1]))
		if !ok {
			return d, false, true
		}
		return casereview.DateOf(start.Time().AddDate(0, 0, 6)), true, true
	}
	rest := s
	if p := rePlanPrefix.FindString(s); p != "" && len(p) < len(s) {
		rest = strings.TrimSpace(s[len(p):])
	}
	if m := reQuarter.FindStringSubmatch(rest); m != nil {
		y1, y2 := atoi(m[2]), atoi(m[3])
		if len(m[3]) == 2 {
			y2 += y1 / 100 * 100
		}
		if y2 != y1+1 {
			return d, false, true // "2025/27" is no financial year
		}
		q := atoi(m[1])
		month, year := time.Month(3+3*q), y1 // Q1 ends in June, Q3 in December
		if q == 4 {
			month, year = time.March, y2
		}
		d, ok := endOfMonth(year, month)
		return d, ok, true
	}
	if m := reMonYY.FindStringSubmatch(rest); m != nil {
		mon, isMonth := months[m[1]]
		if !isMonth || (len(m[1]) > 4 && !strings.ContainsAny(rest, "-/'’–")) {
			return d, false, false
		}
		d, ok := endOfMonth(2000+atoi(m[2]), mon)
		return d, ok, true
	}
	if rest != s {
		d, ok := parseDate(rest)
		return d, ok, true
	}
	return d, false, false
}

func endOfMonth(y int, m time.Month) (casereview.Date, bool) {
	return mkDate(y, int(m), time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day())
}

// cellRef names the cell of a 0-based column on a 1-based row as a spreadsheet does ("F12").
func cellRef(col, row int) string {
	name := ""
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		name = string(rune('A'+(n-1)%26)) + name
	}
	return fmt.Sprintf("%s%d", name, row)
}
