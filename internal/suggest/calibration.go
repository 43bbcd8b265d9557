package suggest

import (
	_ "embed"
	"fmt"

	"go.yaml.in/yaml/v3"
)

//go:embed calibration.yaml
var calibrationYAML []byte

// Calibration is what calibration.yaml holds: the per-theme evidence factors, and the
// per-keyword ones (Options.Factors, Options.KeywordFactors).
type Calibration struct {
	Factors  map[string]float64 `yaml:"factors"`
	Keywords map[string]float64 `yaml:"keywords"`
}

// DefaultCalibration returns the factors of calibration.yaml.
func DefaultCalibration() (Calibration, error) {
	var c Calibration
	if err := yaml.Unmarshal(calibrationYAML, &c); err != nil {
		return Calibration{}, fmt.Errorf("suggest: calibration.yaml: %w", err)
	}
	for _, m := range []map[string]float64{c.Factors, c.Keywords} {
		for k, f := range m {
			if f <= 0 || f > 3 {
				return Calibration{}, fmt.Errorf("suggest: calibration.yaml: %s has factor %v, want (0, 3]", k, f)
			}
		}
	}
	return c, nil
}
