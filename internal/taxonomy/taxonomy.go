// Package taxonomy is the project's own, versioned classification of case-review
// recommendations: review types with their response windows, intervention types,
// the three theme groups with their 55 themes and keywords, and crosswalks from
// other systems' native codes (PFD and CDOP categories) to those themes.
//
// The taxonomy is data, not code: the embedded taxonomy.yaml is the default,
// and admins may load an edited copy through Parse, which refuses anything that
// would not pass Validate.
package taxonomy

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// PFDResponseDays is fixed in law (reg. 29 Coroners (Investigations)
// Regulations 2013), so an edited taxonomy may not change it.
const PFDResponseDays = 56

//go:embed taxonomy.yaml
var embedded []byte

// Taxonomy is one version of the whole classification.
type Taxonomy struct {
	Version           int                `yaml:"version"`
	Updated           string             `yaml:"updated"` // YYYY-MM-DD
	ReviewTypes       []ReviewType       `yaml:"review_types"`
	InterventionTypes []InterventionType `yaml:"intervention_types"`
	Groups            []Group            `yaml:"groups"`
	Themes            []Theme            `yaml:"themes"`
	Crosswalks        []Crosswalk        `yaml:"crosswalks"`
}

// ReviewType is a kind of review or report that produces recommendations.
type ReviewType struct {
	Code        string `yaml:"code"`
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
	// DefaultResponseDays sets a recommendation's response due date when the
	// review does not set one.
	DefaultResponseDays int `yaml:"default_response_days"`
}

// InterventionType says what a recommendation asks for, as opposed to what it is about.
type InterventionType struct {
	Code        string `yaml:"code"`
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
}

// Group is a level-1 theme group (A, B or C).
type Group struct {
	Code        string `yaml:"code"`
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
}

// Theme is a level-2 theme. Slug is the name users type in searches
// (theme:stalking); Keywords feed suggestions and search synonyms.
type Theme struct {
	Code       string   `yaml:"code"`
	Slug       string   `yaml:"slug"`
	Group      string   `yaml:"group"`
	Label      string   `yaml:"label"`
	Definition string   `yaml:"definition"`
	Keywords   []string `yaml:"keywords"`
}

// Crosswalk maps one native code of another scheme to our theme codes.
// An empty Themes list records that the native code is known but carries no theme.
type Crosswalk struct {
	Scheme      string   `yaml:"scheme"`
	NativeCode  string   `yaml:"native_code"`
	NativeLabel string   `yaml:"native_label"`
	Themes      []string `yaml:"themes"`
}

var loadDefault = sync.OnceValues(func() (*Taxonomy, error) { return Parse(embedded) })

// Default returns the embedded taxonomy. It is shared by every caller and must
// be treated as read-only.
func Default() (*Taxonomy, error) { return loadDefault() }

// Parse decodes a taxonomy strictly and validates it. Unknown keys are errors
// because a misspelt key in an admin's edit would otherwise drop data silently.
func Parse(data []byte) (*Taxonomy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var t Taxonomy
	if err := dec.Decode(&t); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("taxonomy: empty document")
		}
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	// Decode stops after the first document; a second one is almost always a
	// paste mistake whose contents would otherwise be ignored.
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, errors.New("taxonomy: more than one YAML document")
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Lookups ignore case because codes and slugs arrive from typed queries and
// spreadsheets; Validate's format rules keep that unambiguous. Linear scans
// suit lists this short and leave no index to go stale when a copy is edited.

// ThemeByCode finds a theme by its code, e.g. "A09".
func (t *Taxonomy) ThemeByCode(code string) (Theme, bool) {
	return find(t.Themes, func(th Theme) bool { return strings.EqualFold(th.Code, code) })
}

// ThemeBySlug finds a theme by its search name, e.g. "stalking".
func (t *Taxonomy) ThemeBySlug(slug string) (Theme, bool) {
	return find(t.Themes, func(th Theme) bool { return strings.EqualFold(th.Slug, slug) })
}

// ReviewTypeByCode finds a review type, e.g. "PFD".
func (t *Taxonomy) ReviewTypeByCode(code string) (ReviewType, bool) {
	return find(t.ReviewTypes, func(r ReviewType) bool { return strings.EqualFold(r.Code, code) })
}

// InterventionTypeByCode finds an intervention type, e.g. "training".
func (t *Taxonomy) InterventionTypeByCode(code string) (InterventionType, bool) {
	return find(t.InterventionTypes, func(it InterventionType) bool { return strings.EqualFold(it.Code, code) })
}

// ThemesForCrosswalk returns the theme codes mapped from a native code: nil when
// the scheme does not know the code, empty when it knows it but maps it to no
// theme. nativeCode may also be the native label, because PFD sources publish
// category names, not codes. The result is a copy the caller may change.
func (t *Taxonomy) ThemesForCrosswalk(scheme, nativeCode string) []string {
	c, ok := find(t.Crosswalks, func(c Crosswalk) bool { return c.Scheme == scheme && c.NativeCode == nativeCode })
	if !ok {
		c, ok = find(t.Crosswalks, func(c Crosswalk) bool {
			return c.Scheme == scheme && strings.EqualFold(c.NativeLabel, strings.TrimSpace(nativeCode))
		})
	}
	if !ok {
		return nil
	}
	return append([]string{}, c.Themes...)
}

func find[T any](items []T, match func(T) bool) (T, bool) {
	if i := slices.IndexFunc(items, match); i >= 0 {
		return items[i], true
	}
	var zero T
	return zero, false
}
