package migrations

import (
	"io/fs"
	"regexp"
	"slices"
	"testing"
)

var versioned = regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)

func versions(t *testing.T, dialect string) []string {
	t.Helper()
	f, err := FS(dialect)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := fs.ReadDir(f, ".")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !versioned.MatchString(e.Name()) {
			t.Errorf("%s/%s: migration files are named NNNNN_description.sql", dialect, e.Name())
			continue
		}
		out = append(out, e.Name())
	}
	return out
}

// Both dialects must walk the same path of versions, or a database could not move between them.
func TestDialectsHoldTheSameVersions(t *testing.T) {
	pg, lite := versions(t, Postgres), versions(t, SQLite)
	if len(pg) == 0 {
		t.Fatal("no migrations found")
	}
	if !slices.Equal(pg, lite) {
		t.Fatalf("postgres and sqlite migrations differ:\n postgres: %v\n sqlite:   %v", pg, lite)
	}
}

func TestUnknownDialect(t *testing.T) {
	if _, err := FS("mysql"); err == nil {
		t.Fatal("expected an error for an unknown dialect")
	}
}
