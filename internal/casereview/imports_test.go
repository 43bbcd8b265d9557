package casereview_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The domain must not depend on the web framework, the ORM, the search engine or HTTP: that is
// what lets the same rules serve the API, importers and tests (DESIGN §2).
func TestDomainImportsNoFrameworks(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/casereview/casereview/internal/casereview").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	forbidden := []string{"github.com/gin-gonic/", "gorm.io/", "github.com/blevesearch/", "net/http"}
	for _, dep := range strings.Fields(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("internal/casereview depends on %s", dep)
			}
		}
	}
	if !strings.Contains(string(out), "github.com/casereview/casereview/internal/casereview") {
		t.Fatalf("go list did not list the package itself:\n%s", out)
	}
}
