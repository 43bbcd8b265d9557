package suggest

import (
	_ "embed"
	"fmt"

	"go.yaml.in/yaml/v3"
)

//go:embed calibration.yaml
var calibrationYAML []byte

// DefaultFactors returns the per-theme evidence factors of calibration.yaml.
func DefaultFactors() (map[string]float64, error) {
	var c struct {
		Factors map[string]float64 `yaml:"factors"`
	}
	if err := yaml.Unmarshal(calibrationYAML, &c); err != nil {
		return nil, fmt.Errorf("suggest: calibration.yaml: %w", err)
	}
	for code, f := range c.Factors {
		if f <= 0 || f > 3 {
			return nil, fmt.Errorf("suggest: calibration.yaml: %s has factor %v, want (0, 3]", code, f)
		}
	}
	return c.Factors, nil
}
