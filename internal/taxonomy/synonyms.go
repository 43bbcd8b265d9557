package taxonomy

import (
	"bytes"
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed synonyms.yaml
var synonymsYAML []byte

// Synonyms maps each term (lower case) to every term of its groups, itself included.
type Synonyms struct {
	Version int
	groups  map[string][]string
}

// Expand returns the terms equivalent to term, term first; just term when it has none.
func (s *Synonyms) Expand(term string) []string {
	t := strings.ToLower(strings.TrimSpace(term))
	alts, ok := s.groups[t]
	if !ok {
		return []string{term}
	}
	out := []string{term}
	for _, a := range alts {
		if a != t {
			out = append(out, a)
		}
	}
	return out
}

// Phrases returns the terms of more than one word (names such as "community safety
// partnership"), sorted.
func (s *Synonyms) Phrases() []string {
	var out []string
	for t := range s.groups {
		if strings.Contains(t, " ") {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// Terms returns every term that has synonyms, sorted.
func (s *Synonyms) Terms() []string {
	out := make([]string, 0, len(s.groups))
	for t := range s.groups {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Len is the number of distinct terms that have synonyms.
func (s *Synonyms) Len() int { return len(s.groups) }

// ParseSynonyms reads a synonyms file strictly.
func ParseSynonyms(data []byte) (*Synonyms, error) {
	var raw struct {
		Version int        `yaml:"version"`
		Groups  [][]string `yaml:"groups"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("synonyms: %w", err)
	}
	if raw.Version < 1 {
		return nil, fmt.Errorf("synonyms: version must be at least 1")
	}
	s := &Synonyms{Version: raw.Version, groups: map[string][]string{}}
	for i, g := range raw.Groups {
		if len(g) < 2 {
			return nil, fmt.Errorf("synonyms: group %d has fewer than two terms", i+1)
		}
		var terms []string
		for _, t := range g {
			t = strings.ToLower(strings.TrimSpace(t))
			if t == "" {
				return nil, fmt.Errorf("synonyms: group %d has an empty term", i+1)
			}
			terms = append(terms, t)
		}
		for _, t := range terms {
			for _, u := range terms {
				if !contains(s.groups[t], u) {
					s.groups[t] = append(s.groups[t], u)
				}
			}
		}
	}
	return s, nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

var defaultSynonyms = sync.OnceValues(func() (*Synonyms, error) { return ParseSynonyms(synonymsYAML) })

// DefaultSynonyms returns the embedded synonyms.
func DefaultSynonyms() (*Synonyms, error) { return defaultSynonyms() }
