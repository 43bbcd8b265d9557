// Package migrations embeds the versioned SQL schema for each database dialect. Both folders hold
// the same version numbers; a test keeps them in step.
package migrations

import (
	"embed"
	"fmt"
	"io/fs"
)

//go:embed postgres/*.sql sqlite/*.sql
var files embed.FS

// Dialects names the supported databases.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// FS returns the migrations of one dialect.
func FS(dialect string) (fs.FS, error) {
	switch dialect {
	case Postgres, SQLite:
		return fs.Sub(files, dialect)
	default:
		return nil, fmt.Errorf("no migrations for dialect %q", dialect)
	}
}
