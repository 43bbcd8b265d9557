package actionplan

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

var months = map[string]time.Month{}

func init() {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		months[name] = m
		months[name[:3]] = m
	}
	months["sept"] = time.September
}

var (
	reNumeric   = regexp.MustCompile(`^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$`)
	reISO       = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$`)
	reDayMonth  = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)\.?,?\s+(\d{4})$`)
	reMonthYear = regexp.MustCompile(`^([a-z]+)\.?,?\s+(\d{4})$`)
	reSerial    = regexp.MustCompile(`^\d{4,5}(?:\.\d+)?$`)
	// reDateInText finds a date inside free text such as "Completed 3rd March 2024 - ...".
	reDateInText = regexp.MustCompile(`(?i)\b(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+[a-z]{3,9}\.?,?\s+\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4})\b`)
)

// noDate lists what plans write in a date column instead of a date.
var noDate = map[string]bool{"": true, "ongoing": true, "tbc": true, "tbd": true, "n/a": true, "na": true, "-": true, "–": true,
	"none": true, "not applicable": true, "to be confirmed": true, "on going": true, "continuous": true}

// ParseUKDate reads a date as UK action plans write them: dd/mm/yyyy (or with dots or dashes,
// two-digit years meaning 20yy), d Month yyyy, Month yyyy (the last day of that month, as a
// target "by March 2024" means), ISO yyyy-mm-dd and Excel serial day numbers; and the ways of
// naming a period that plans use (see parsePlanDate). Anything else is unreadable, not guessed.
func ParseUKDate(s string) (casereview.Date, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if d, ok, known := parsePlanDate(s); known {
		return d, ok
	}
	return parseDate(s)
}

func parseDate(s string) (casereview.Date, bool) {
	if m := reISO.FindStringSubmatch(s); m != nil {
		return mkDate(atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := reNumeric.FindStringSubmatch(s); m != nil {
		y := atoi(m[3])
		if len(m[3]) == 2 {
			y += 2000
		}
		return mkDate(y, atoi(m[2]), atoi(m[1]))
	}
	if m := reDayMonth.FindStringSubmatch(s); m != nil {
		if mon, ok := months[m[2]]; ok {
			return mkDate(atoi(m[3]), int(mon), atoi(m[1]))
		}
		return casereview.Date{}, false
	}
	if m := reMonthYear.FindStringSubmatch(s); m != nil {
		if mon, ok := months[m[1]]; ok {
			y := atoi(m[2])
			last := time.Date(y, mon+1, 0, 0, 0, 0, 0, time.UTC)
			return mkDate(y, int(mon), last.Day())
		}
		return casereview.Date{}, false
	}
	if reSerial.MatchString(s) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 20000 || f > 80000 { // 1954 .. 2119
			return casereview.Date{}, false
		}
		// Excel's 1900 date system counts from 1899-12-30 for every date after February 1900.
		return casereview.DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f))), true
	}
	return casereview.Date{}, false
}

// IsNoDate reports whether s is one of the words plans put in a date column instead of a date.
func IsNoDate(s string) bool { return noDate[strings.ToLower(strings.TrimSpace(s))] }

// findDate returns the first date written inside free text.
func findDate(s string) (casereview.Date, bool) {
	for _, m := range reDateInText.FindAllString(s, -1) {
		if d, ok := ParseUKDate(m); ok {
			return d, true
		}
	}
	return casereview.Date{}, false
}

func mkDate(y, m, d int) (casereview.Date, bool) {
	if y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return casereview.Date{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return casereview.Date{}, false // 31/02/2024
	}
	return casereview.DateOf(t), true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// FormatUKDate writes d as dd/mm/yyyy.
func FormatUKDate(d casereview.Date) string { return d.Time().Format("02/01/2006") }
