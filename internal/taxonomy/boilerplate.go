package taxonomy

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed boilerplate.yaml
var boilerplateYAML []byte

// ParseBoilerplate reads a boilerplate file strictly: the standard wording (report templates)
// that theme suggestions ignore. It returns the phrases in lower case.
func ParseBoilerplate(data []byte) ([]string, error) {
	var raw struct {
		Version int      `yaml:"version"`
		Phrases []string `yaml:"phrases"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("boilerplate: %w", err)
	}
	if raw.Version < 1 {
		return nil, fmt.Errorf("boilerplate: version must be at least 1")
	}
	out := make([]string, 0, len(raw.Phrases))
	for i, p := range raw.Phrases {
		p = strings.ToLower(strings.Join(strings.Fields(p), " "))
		if len(strings.Fields(p)) < 2 {
			return nil, fmt.Errorf("boilerplate: phrase %d %q must have at least two words", i+1, p)
		}
		out = append(out, p)
	}
	return out, nil
}

var defaultBoilerplate = sync.OnceValues(func() ([]string, error) { return ParseBoilerplate(boilerplateYAML) })

// DefaultBoilerplate returns the embedded boilerplate phrases. The slice is shared: do not change it.
func DefaultBoilerplate() ([]string, error) { return defaultBoilerplate() }
