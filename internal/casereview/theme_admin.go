package casereview

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Admins manage the theme taxonomy (DESIGN §5): add themes, change a theme's label, definition,
// group and keywords, and deprecate themes. Every change raises the taxonomy version, is audited
// with the theme before and after, and is journaled, so that the search index follows label and
// group changes on every recommendation carrying the theme, and theme suggestions use the new
// keywords at once. A deprecated theme stays on the recommendations that carry it (shown as
// deprecated), cannot be newly assigned, and is no longer suggested.

type TaxonomyAdminService interface {
	CreateTheme(ctx context.Context, d NewTheme) (Theme, error)
	// UpdateTheme changes the fields d sets; version is the theme's TaxonomyVersion as read.
	UpdateTheme(ctx context.Context, codeOrSlug string, version int, d ThemeChange) (Theme, error)
	DeprecateTheme(ctx context.Context, codeOrSlug string, version int, replacedBy string) (Theme, error)
}

// Limits on what admins write.
const (
	MaxThemeLabel      = 200
	MaxThemeDefinition = 4000
	MaxThemeKeywords   = 200
	MaxThemeKeyword    = 100
)

var (
	themeCodeRe = regexp.MustCompile(`^[A-Z][0-9]{2}$`)
	themeSlugRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// NewTheme is a theme an admin adds. Code is a group letter and two digits (A19); Slug, when
// empty, is made from the label.
type NewTheme struct {
	Code       string
	Slug       string
	Group      string
	Label      string
	Definition string
	Keywords   []string
}

func (d *NewTheme) Validate() error {
	var p Problems
	d.Code, d.Group = strings.ToUpper(strings.TrimSpace(d.Code)), strings.ToUpper(strings.TrimSpace(d.Group))
	d.Slug, d.Label = strings.TrimSpace(d.Slug), strings.TrimSpace(d.Label)
	switch {
	case d.Code == "":
		p.Add("code", FieldRequired, "code is required")
	case !themeCodeRe.MatchString(d.Code):
		p.Add("code", FieldInvalid, "%q is not a theme code: a group letter and two digits, such as A19", d.Code)
	case d.Group != "" && d.Code[:1] != d.Group:
		p.Add("code", FieldInvalid, "a theme of group %s has a code starting %s", d.Group, d.Group)
	}
	if d.Group == "" {
		p.Add("group", FieldRequired, "group is required")
	}
	if d.Slug == "" {
		d.Slug = slugOf(d.Label)
	}
	if d.Slug != "" && !themeSlugRe.MatchString(d.Slug) || utf8.RuneCountInString(d.Slug) > 100 {
		p.Add("slug", FieldInvalid, "%q is not a slug: lower-case letters and digits joined by hyphens", d.Slug)
	} else if d.Slug == "" && d.Label != "" {
		p.Add("slug", FieldRequired, "the label makes no slug; give one")
	}
	checkThemeText(&p, &d.Label, &d.Definition, &d.Keywords)
	return p.Err()
}

// ThemeChange is an edit: the fields that are set replace the theme's.
type ThemeChange struct {
	Label      *string
	Definition *string
	Group      *string
	Keywords   *[]string
}

func (d *ThemeChange) Validate() error {
	var p Problems
	if d.Label == nil && d.Definition == nil && d.Group == nil && d.Keywords == nil {
		p.Add("label", FieldRequired, "nothing to change: give label, definition, group or keywords")
		return p.Err()
	}
	if d.Group != nil {
		g := strings.ToUpper(strings.TrimSpace(*d.Group))
		d.Group = &g
		if g == "" {
			p.Add("group", FieldRequired, "group cannot be empty")
		}
	}
	label, def, kws := "x", "x", []string(nil)
	if d.Label != nil {
		label = strings.TrimSpace(*d.Label)
	}
	if d.Definition != nil {
		def = *d.Definition
	}
	if d.Keywords != nil {
		kws = *d.Keywords
	}
	checkThemeText(&p, &label, &def, &kws)
	if d.Label != nil {
		d.Label = &label
	}
	if d.Keywords != nil {
		d.Keywords = &kws
	}
	return p.Err()
}

// checkThemeText checks a label and definition and cleans the keywords: trimmed, lower case
// (as the taxonomy file keeps them), blanks and repeats dropped.
func checkThemeText(p *Problems, label, definition *string, keywords *[]string) {
	CheckText(p, "label", *label, true, MaxThemeLabel)
	CheckText(p, "definition", *definition, true, MaxThemeDefinition)
	if len(*keywords) > MaxThemeKeywords {
		p.Add("keywords", FieldTooLong, "%d keywords; the limit is %d", len(*keywords), MaxThemeKeywords)
		return
	}
	out := []string{}
	seen := map[string]bool{}
	for i, kw := range *keywords {
		f := "keywords[" + strconv.Itoa(i) + "]"
		before := len(p.list)
		CheckText(p, f, kw, true, MaxThemeKeyword)
		if len(p.list) > before {
			continue
		}
		if strings.ContainsAny(kw, "\r\n\t") {
			p.Add(f, FieldInvalid, "a keyword is one line")
			continue
		}
		k := strings.ToLower(strings.Join(strings.Fields(kw), " "))
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	*keywords = out
}

// slugOf makes a slug of a label: ASCII letters and digits, other runs as one hyphen.
func slugOf(label string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(label) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		} else {
			hyphen = true
		}
	}
	return b.String()
}
