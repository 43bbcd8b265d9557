package taxonomy

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The rest of the system refers to these codes by name (status rules, import
// mappings, API enums), so a taxonomy without any of them is unusable.
var (
	requiredReviewTypes = []string{"DHR", "CSPR", "SCR", "CDR", "SAR", "SUSR", "MHHR", "PFD", "OTHER"}

	requiredInterventionTypes = []string{
		"training", "policy_procedure", "practice_tool", "information_sharing_it",
		"audit_assurance", "service_commissioning", "governance",
		"legislation_national_policy", "public_awareness", "dissemination", "research_data",
	}
)

var (
	reviewCodeRe = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	snakeCodeRe  = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)
	groupCodeRe  = regexp.MustCompile(`^[A-Z]$`)
	themeCodeRe  = regexp.MustCompile(`^[A-Z][0-9]{2}$`)
	slugRe       = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Validate reports every problem at once, so an admin can fix an edit in one pass.
func (t *Taxonomy) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	ref := func(list string, i int, code string) string { return fmt.Sprintf("%s[%d] %q", list, i, code) }
	checkCode := func(at, code string, re *regexp.Regexp, codes map[string]bool) {
		if !re.MatchString(code) {
			bad("%s: code must match %s", at, re)
		} else if seen(codes, code) {
			bad("%s: duplicate code", at)
		}
	}
	text := func(at, field, value string) {
		if strings.TrimSpace(value) == "" {
			bad("%s: %s must not be empty", at, field)
		}
	}
	required := func(kind string, want []string, have map[string]bool) {
		for _, c := range want {
			if !have[c] {
				bad("missing required %s %q", kind, c)
			}
		}
	}

	if t.Version < 1 {
		bad("version %d: must be 1 or more", t.Version)
	}
	if _, err := time.Parse(time.DateOnly, t.Updated); err != nil {
		bad("updated %q: must be a YYYY-MM-DD date", t.Updated)
	}

	reviewCodes := map[string]bool{}
	for i, r := range t.ReviewTypes {
		at := ref("review_types", i, r.Code)
		checkCode(at, r.Code, reviewCodeRe, reviewCodes)
		text(at, "label", r.Label)
		if r.DefaultResponseDays <= 0 {
			bad("%s: default_response_days %d must be greater than 0", at, r.DefaultResponseDays)
		} else if r.Code == "PFD" && r.DefaultResponseDays != PFDResponseDays {
			bad("%s: default_response_days %d must be %d (statutory)", at, r.DefaultResponseDays, PFDResponseDays)
		}
	}
	required("review type", requiredReviewTypes, reviewCodes)

	interventionCodes := map[string]bool{}
	for i, it := range t.InterventionTypes {
		at := ref("intervention_types", i, it.Code)
		checkCode(at, it.Code, snakeCodeRe, interventionCodes)
		text(at, "label", it.Label)
	}
	required("intervention type", requiredInterventionTypes, interventionCodes)

	groupCodes := map[string]bool{}
	for i, g := range t.Groups {
		at := ref("groups", i, g.Code)
		checkCode(at, g.Code, groupCodeRe, groupCodes)
		text(at, "label", g.Label)
	}

	themeCodes, slugs := map[string]bool{}, map[string]bool{}
	for i, th := range t.Themes {
		at := ref("themes", i, th.Code)
		checkCode(at, th.Code, themeCodeRe, themeCodes)
		if !slugRe.MatchString(th.Slug) {
			bad("%s: slug %q must be lowercase kebab-case", at, th.Slug)
		} else if seen(slugs, th.Slug) {
			bad("%s: duplicate slug %q", at, th.Slug)
		}
		if !groupCodes[th.Group] {
			bad("%s: group %q does not exist", at, th.Group)
		} else if !strings.HasPrefix(th.Code, th.Group) {
			bad("%s: code must start with its group %q", at, th.Group)
		}
		text(at, "label", th.Label)
		text(at, "definition", th.Definition)
		if len(th.Keywords) == 0 {
			bad("%s: keywords must not be empty", at)
		}
		keywords := map[string]bool{}
		for _, kw := range th.Keywords {
			if strings.TrimSpace(kw) == "" {
				bad("%s: blank keyword", at)
			} else if kw != strings.ToLower(kw) || kw != strings.TrimSpace(kw) {
				bad("%s: keyword %q must be lowercase and trimmed", at, kw)
			} else if seen(keywords, kw) {
				bad("%s: duplicate keyword %q", at, kw)
			} else if msg := keywordSyntax(kw); msg != "" {
				bad("%s: keyword %q: %s", at, kw, msg)
			}
		}
	}

	// Importers look native categories up by code or by label, so both must be unambiguous.
	nativeCodes, nativeLabels := map[string]bool{}, map[string]bool{}
	for i, c := range t.Crosswalks {
		at := fmt.Sprintf("crosswalks[%d] %s/%q", i, c.Scheme, c.NativeCode)
		if !snakeCodeRe.MatchString(c.Scheme) {
			bad("%s: scheme %q must be lowercase snake_case", at, c.Scheme)
		}
		text(at, "native_code", c.NativeCode)
		text(at, "native_label", c.NativeLabel)
		if seen(nativeCodes, c.Scheme+"\x00"+c.NativeCode) {
			bad("%s: duplicate native_code", at)
		}
		if seen(nativeLabels, c.Scheme+"\x00"+strings.ToLower(c.NativeLabel)) {
			bad("%s: duplicate native_label %q", at, c.NativeLabel)
		}
		themes := map[string]bool{}
		for _, th := range c.Themes {
			if !themeCodes[th] {
				bad("%s: theme %q does not exist", at, th)
			} else if seen(themes, th) {
				bad("%s: theme %q listed twice", at, th)
			}
		}
	}
	return errors.Join(errs...)
}

// keywordSyntax checks what theme suggestions read in a keyword (internal/suggest): a weight
// after "^" (a number above 0, at most 2), parts joined by " + " and alternatives separated by
// "|", none of them empty. It returns what is wrong, or "".
func keywordSyntax(kw string) string {
	if i := strings.LastIndex(kw, "^"); i >= 0 {
		w, err := strconv.ParseFloat(strings.TrimSpace(kw[i+1:]), 64)
		if err != nil || w <= 0 || w > 2 {
			return "the weight after ^ must be a number above 0 and at most 2"
		}
		kw = kw[:i]
	}
	for _, part := range strings.Split(kw, " + ") {
		for _, alt := range strings.Split(part, "|") {
			if strings.TrimSpace(alt) == "" {
				return `an empty part: write "a|b + c", with words on each side of + and |`
			}
		}
	}
	return ""
}

// seen reports whether key is already in m, and adds it.
func seen(m map[string]bool, key string) bool {
	if m[key] {
		return true
	}
	m[key] = true
	return false
}
