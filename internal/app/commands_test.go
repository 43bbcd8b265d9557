package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// cliRun runs the command line with the data folder in dir and returns the exit code and output.
func cliRun(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("CASEREVIEW_DATA_DIR", dir)
	t.Setenv("CASEREVIEW_DATABASE_URL", "")
	var out, errb bytes.Buffer
	code := Main(append([]string{"casereview"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// Issue 19 item 2: --help on every command and subcommand prints its usage and touches nothing:
// no database is created or migrated, no server starts.
func TestHelpHasNoSideEffects(t *testing.T) {
	dir := t.TempDir()
	var walk func(cmd *cobra.Command)
	n := 0
	walk = func(cmd *cobra.Command) {
		path := strings.Fields(cmd.CommandPath())[1:]
		for _, help := range []string{"--help", "-h"} {
			code, out, errb := cliRun(t, dir, append(append([]string{}, path...), help)...)
			if code != 0 || !strings.Contains(out, "Usage:") {
				t.Errorf("%v %s: exit %d, output %q %q", path, help, code, out, errb)
			}
			n++
		}
		for _, sub := range cmd.Commands() {
			walk(sub)
		}
	}
	walk((&cli{}).root())
	if n < 40 {
		t.Fatalf("walked only %d commands", n/2)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("--help wrote into the data folder: %v", entries)
	}
}

// Bad command lines are refused before anything is opened, in command-line words, with exit 2.
func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "actionplan", "--review-id", "x", "--format", "pdf"}, `--format "pdf" is not one of: xlsx, csv`},
		{[]string{"user", "create"}, `required flag(s) "email" not set`},
		{[]string{"user", "create", "--email", "a@example.org", "--role", "boss"}, `--role "boss" is not one of: admin, oversight`},
		{[]string{"user", "create", "--email", "a@example.org", "--admin", "--role", "viewer"}, "contradict"},
		{[]string{"token", "create", "--email", "a@example.org", "--name", "n", "--days", "-3"}, "--days -3"},
		{[]string{"import", "actionplan"}, "accepts 1 arg(s), received 0"},
		{[]string{"import", "actionplan", "plan.csv", "--published", "last Tuesday"}, `--published "last Tuesday" is not a date`},
		{[]string{"taxonomy", "edit", "--code", "A09"}, "nothing to change"},
		{[]string{"taxonomy"}, "taxonomy needs a subcommand: add, deprecate, edit, list"},
		{[]string{"org"}, "org needs a subcommand: duplicates, merge"},
		{[]string{"serve", "now"}, `unknown command "now"`},
		{[]string{"reindex", "--fast"}, "unknown flag: --fast"},
	} {
		code, _, errb := cliRun(t, dir, c.args...)
		if code != 2 || !strings.Contains(errb, c.want) || !strings.Contains(errb, "--help' for usage") {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errb, c.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Fatalf("a refused command line wrote into the data folder: %v", entries)
	}
}

// Shell completion, and commands whose output is theirs alone: no information log lines before
// it, no progress bar when the output is not a terminal.
func TestCompletionAndQuietCommands(t *testing.T) {
	dir := t.TempDir()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		code, out, _ := cliRun(t, dir, "completion", shell)
		if code != 0 || !strings.Contains(out, "casereview") || len(out) < 500 {
			t.Errorf("completion %s: exit %d, %d bytes", shell, code, len(out))
		}
	}
	if code, _, errb := cliRun(t, dir, "migrate"); code != 0 || errb != "" {
		t.Fatalf("migrate: exit %d, stderr %q (want nothing)", code, errb)
	}
	t.Setenv("CASEREVIEW_SECRET_KEY", testSecretKey)
	code, out, errb := cliRun(t, dir, "taxonomy", "list")
	if code != 0 || errb != "" || !strings.HasPrefix(out, "taxonomy version ") {
		t.Fatalf("taxonomy list: exit %d, stdout starts %q, stderr %q", code, out[:min(len(out), 40)], errb)
	}
	plan := filepath.Join("..", "importer", "actionplan", "testdata", "messy_plan.csv")
	code, out, errb = cliRun(t, dir, "import", "actionplan", plan, "--partnership", "Nowhere CSP", "--dry-run")
	if strings.ContainsAny(out+errb, "\r") {
		t.Fatalf("a progress bar was drawn on a pipe (exit %d): %q", code, errb)
	}
}
