package casereview

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"
)

// Every AuditAction constant declared in the package is offered by the audit trail's filter
// exactly once: a new action that is not catalogued fails here.
func TestAuditActionGroupsCatalogueEveryAction(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[AuditAction]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				v := s.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "AuditAction" {
					continue
				}
				for i, n := range v.Names {
					lit, ok := v.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("%s: not a literal", n.Name)
					}
					s, _ := strconv.Unquote(lit.Value)
					declared[AuditAction(s)] = n.Name
				}
			}
		}
	}
	if len(declared) < 40 {
		t.Fatalf("found only %d audit actions: the parse is wrong", len(declared))
	}
	seen := map[AuditAction]int{}
	for _, g := range AuditActionGroups {
		for _, a := range g.Actions {
			seen[a]++
		}
	}
	for a, name := range declared {
		if seen[a] != 1 {
			t.Errorf("%s (%q) is in AuditActionGroups %d times, want once", name, a, seen[a])
		}
	}
	for a := range seen {
		if _, ok := declared[a]; !ok {
			t.Errorf("%q is catalogued but not declared", a)
		}
	}
	if KnownAuditAction("no.such") || !KnownAuditAction(AuditLogin) {
		t.Error("KnownAuditAction")
	}
}
