package actionplan

import (
	"regexp"
	"strings"

	"github.com/casereview/casereview/internal/casereview"
)

// A plan often opens with a title row naming the review ("Domestic Homicide Review ‘Adult M’ –
// Action Plan", "SAR – Joanna – action plan"). The first row above the header that holds one
// text (a merged title repeats it across its cells) and is not a "Label: value" detail is kept
// as Meta["title_row"]; when it names a review type, it supplies the type and the title that
// neither flags nor details lines gave.

// titleRow returns the candidate title row among the rows above the header.
func titleRow(rows [][]string) string {
	for _, r := range rows {
		text := ""
		distinct := 0
		for _, c := range r {
			if c = strings.TrimSpace(c); c != "" && c != text {
				text, distinct = c, distinct+1
			}
		}
		if distinct != 1 {
			continue
		}
		if k, _, ok := strings.Cut(text, ":"); ok {
			if _, isMeta := metaKeys[normHeader(k)]; isMeta {
				continue
			}
		}
		return text
	}
	return ""
}

var (
	reQuoted     = regexp.MustCompile(`[‘'“"]([^‘’'“”"]{1,300})[’'”"]`)
	reTitleNoise = regexp.MustCompile(`(?i)\b(?:action\s+plan|recommendations?|plan)\b|\([^)]*\)`)
	reTitleEdge  = regexp.MustCompile(`(?i)^(?:[\s:;,.|\-–—]|\b(?:for|of|into|re|the|concerning|in\s+respect\s+of)\b)+|(?:[\s:;,.|\-–—]|\b(?:for|of|into|re|the)\b)+$`)
)

// typePattern matches a review type in a title: its code as a word in capitals, or its label
// (and an alternative name in brackets that is itself a review's), plural or not.
func typePattern(t casereview.ReviewType) *regexp.Regexp {
	alts := []string{`\b` + regexp.QuoteMeta(t.Code) + `\b`}
	label, alt, _ := strings.Cut(t.Label, "(")
	for _, name := range []string{label, strings.TrimSuffix(alt, ")")} {
		if !strings.Contains(strings.ToLower(name), "review") && name != label {
			continue
		}
		var words []string
		for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == '-' }) {
			words = append(words, regexp.QuoteMeta(strings.TrimSuffix(w, "s"))+"s?")
		}
		if len(words) > 1 {
			alts = append(alts, `(?i:\b`+strings.Join(words, `[\s\-]+`)+`\b)`)
		}
	}
	return regexp.MustCompile(strings.Join(alts, "|"))
}

// ReadTitleRow finds the review type a title row names and the review's title in it: the
// quoted name, or what is left once the type, "action plan" and bracketed asides are taken out.
// It returns "" for both when the row names no type (or more than one).
func ReadTitleRow(row string, types []casereview.ReviewType) (code, title string) {
	var loc []int
	for _, t := range types {
		if m := typePattern(t).FindStringIndex(row); m != nil {
			if code != "" && code != t.Code && !overlaps(loc, m) {
				return "", "" // two types named: not guessed
			}
			if loc == nil || m[1]-m[0] > loc[1]-loc[0] {
				code, loc = t.Code, m
			}
		}
	}
	if code == "" {
		return "", ""
	}
	if q := reQuoted.FindStringSubmatch(row); q != nil {
		return code, strings.TrimSpace(q[1])
	}
	rest := row[:loc[0]] + " " + row[loc[1]:]
	rest = reTitleNoise.ReplaceAllString(rest, " ")
	rest = strings.Join(strings.Fields(rest), " ")
	rest = reTitleEdge.ReplaceAllString(rest, "")
	return code, clip(strings.TrimSpace(rest), 300)
}

func overlaps(a, b []int) bool { return a != nil && a[0] < b[1] && b[0] < a[1] }
