package eval

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestRunPrintsTablesSkipsAndFails(t *testing.T) {
	saved := sections
	t.Cleanup(func() { sections = saved })
	sections = nil
	Register(Section{Name: "b-ok", Title: "OK", Run: func(ctx context.Context, env *Env) (Report, error) {
		if env.TempDir == "" {
			return Report{}, errors.New("no temp dir")
		}
		return Report{Tables: []Table{{Caption: "Figures", Header: []string{"measure", "value"}, Rows: [][]string{{"a|b", F(0.5)}}}}}, nil
	}})
	Register(Section{Name: "a-skip", Title: "Skip", Run: func(ctx context.Context, env *Env) (Report, error) {
		_, err := env.Corpus("no/such/file.csv")
		return Report{}, err
	}})
	Register(Section{Name: "c-fail", Title: "Fail", Run: func(ctx context.Context, env *Env) (Report, error) {
		return Report{}, fmt.Errorf("broken")
	}})
	var out, log bytes.Buffer
	env := Env{CorpusDir: t.TempDir(), Log: &log}
	if code := Run(context.Background(), env, nil, &out); code != 1 {
		t.Errorf("a failed section gives code %d, want 1", code)
	}
	s := out.String()
	for _, want := range []string{"## Skip\n\nSkipped:", "| measure | value |\n|---|---|\n| a\\|b | 0.500 |", "## Fail\n\nFailed: broken"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
	if strings.Index(s, "## Skip") > strings.Index(s, "## OK") {
		t.Errorf("sections are not in name order:\n%s", s)
	}
	out.Reset()
	if code := Run(context.Background(), env, []string{"b-ok"}, &out); code != 0 || strings.Contains(out.String(), "## Skip") {
		t.Errorf("only b-ok: code %d, report:\n%s", code, out.String())
	}
	if code := Run(context.Background(), env, []string{"nope"}, &out); code != 1 || !strings.Contains(log.String(), `no section "nope"`) {
		t.Errorf("an unknown section: code %d, log %q", code, log.String())
	}
}
