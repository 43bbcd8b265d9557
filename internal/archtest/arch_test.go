// Package archtest checks which way the packages depend on each other. The front ends (the JSON
// API and the HTML pages) call the same services and must not reach past them into the database
// or the search engine; the domain package stays free of every framework.
package archtest

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// root is the module root, relative to this package's directory.
const root = "../.."

// rules lists, for each package, the import path prefixes it must not depend on, directly or not.
var rules = []struct {
	pkg       string
	forbidden []string
}{
	{"./api", storage},
	{"./internal/web", storage},
	{"./internal/auth", storage},
	{"./internal/search", storage},
	{"./internal/casereview", append([]string{"github.com/gin-gonic/", "net/http", module + "/internal/store"}, storage...)},
	// The summaries, the state moves and the bundle imports sit beside the store, behind its transaction API; the
	// front ends call them, never the other way round.
	{"./internal/store/summaries", []string{module + "/api", module + "/internal/web", module + "/internal/app"}},
	{"./internal/store/state", []string{module + "/api", module + "/internal/web", module + "/internal/app"}},
	{"./internal/store/imports", []string{module + "/api", module + "/internal/web", module + "/internal/app", module + "/internal/importer"}},
}

// module is this module's import path.
const module = "github.com/casereview/casereview"

// storage is the database (gorm, its drivers) and the search engine (bleve).
var storage = []string{
	"gorm.io/",
	"github.com/jackc/pgx",
	"github.com/glebarez/", // sqlite and go-sqlite
	"modernc.org/sqlite",
	"github.com/blevesearch/",
}

func TestDependencies(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	for _, r := range rules {
		t.Run(strings.TrimPrefix(r.pkg, "./"), func(t *testing.T) {
			if files, _ := filepath.Glob(filepath.Join(root, r.pkg, "*.go")); len(files) == 0 {
				t.Skipf("%s does not exist yet", r.pkg)
			}
			graph := imports(t, r.pkg)
			from := "github.com/casereview/casereview/" + strings.TrimPrefix(r.pkg, "./")
			for _, chain := range paths(graph, from, r.forbidden) {
				t.Errorf("%s must not depend on %s: %s", r.pkg, chain[len(chain)-1], strings.Join(chain, " -> "))
			}
		})
	}
}

// imports returns pkg's dependency graph (without tests): package -> the packages it imports.
func imports(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", pkg)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		msg := err.Error()
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			msg += ": " + string(ee.Stderr)
		}
		t.Fatalf("go list %s: %s", pkg, msg)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) > 0 {
			graph[fields[0]] = fields[1:]
		}
	}
	return graph
}

// paths returns, for each forbidden package reachable from "from", the shortest chain of imports
// that reaches it, first found first; a forbidden package's own dependencies are not followed.
func paths(graph map[string][]string, from string, forbidden []string) [][]string {
	bad := func(p string) bool {
		for _, f := range forbidden {
			if p == f || strings.HasPrefix(p, f) {
				return true
			}
		}
		return false
	}
	prev := map[string]string{from: ""}
	queue := []string{from}
	var out [][]string
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if bad(p) {
			chain := []string{p}
			for q := prev[p]; q != ""; q = prev[q] {
				chain = append([]string{q}, chain...)
			}
			out = append(out, chain)
			continue
		}
		for _, next := range graph[p] {
			if _, seen := prev[next]; !seen {
				prev[next] = p
				queue = append(queue, next)
			}
		}
	}
	return out
}

// archived lists modules that are no longer maintained, with what replaces each. None of our
// packages may import them directly (a dependency of a dependency may, until it moves).
var archived = map[string]string{
	"gopkg.in/yaml.v3": "go.yaml.in/yaml/v3",
}

func TestNoArchivedModules(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		for _, imp := range fields[1:] {
			if repl, ok := archived[imp]; ok {
				t.Errorf("%s imports the archived %s: use %s", fields[0], imp, repl)
			}
		}
	}
}
