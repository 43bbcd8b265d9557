package apitest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/app"
	"github.com/casereview/casereview/internal/config"
	"github.com/casereview/casereview/internal/dbtest"
)

// demoVersion changes when what the demo template holds changes in a way SourceHash cannot see.
const demoVersion = 1

// sourceHash is dbtest.SourceHash of the code that writes the demo data, once per process.
var sourceHash = sync.OnceValues(func() (string, error) { return dbtest.SourceHash("internal", "api", "migrations") })

// baseConfig is a test application's configuration: the test key, no background reconciliation
// (a test that changes the database underneath the index calls App.Reconcile itself, and a pass
// starting on its own whenever a loaded machine lets it would race with that call).
func baseConfig(dataDir, dbURL string) (config.Config, error) {
	cfg, err := config.Load(func(string) string { return "" }, nil)
	if err != nil {
		return cfg, err
	}
	cfg.DataDir, cfg.DatabaseURL = dataDir, dbURL
	cfg.SecretKey = SecretKey
	cfg.Reconcile = 0
	// Nor the notification scheduler: its first daily run would write notifications, audit
	// events and timeline escalations while a test reads them. Tests run it by hand
	// (App.RunNotifications).
	cfg.Notifications = false
	return cfg, nil
}

// demoDatabase returns a copy of a database (and data folder) holding the demo data installed at
// the time at, as app.New installs it on an empty database: the taxonomy seeded, the audit chain
// keyed with SecretKey, the demo users made with CheapPasswords (their sign-in details in the
// data folder's demo-credentials.txt). Installing takes about a third of a web test's time, so it
// is done once per template (dbtest.Derived), named by the code that writes it (every non-test
// source file of the module, the demo dataset included), the time, the key and the parameters.
// The application under test then starts on it as a server restarted on its demo database
// does: nothing is installed again, and the search index is built afresh in the test's folder.
func demoDatabase(t testing.TB, dialect string, at time.Time) (dbURL, dataDir string) {
	t.Helper()
	src, err := sourceHash()
	if err != nil {
		t.Fatalf("hash the source for the demo template: %v", err)
	}
	p := CheapPasswords()
	key := fmt.Sprintf("demo v%d\nsource %s\nat %s\nkey %s\npasswords %+v", demoVersion, src, at.UTC().Format(time.RFC3339Nano), SecretKey, p)
	return dbtest.Derived(t, dialect, key, func(dbURL, dataDir string) error {
		cfg, err := baseConfig(dataDir, dbURL)
		if err != nil {
			return err
		}
		cfg.Demo = true
		// No search index: it would be left in the folder, and each test builds its own.
		a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)),
			app.Options{Now: func() time.Time { return at }, PasswordParams: &p, NoSearch: true})
		if err != nil {
			return err
		}
		return a.Close()
	})
}
