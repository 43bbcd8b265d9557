package config

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func load(env map[string]string, files map[string]string) (Config, error) {
	return Load(func(k string) string { return env[k] }, func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	})
}

func TestDefaults(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:8080" || c.DataDir != "./data" || c.DatabaseURL != "" || c.LogLevel != slog.LevelInfo ||
		c.Demo || c.MaxBodyBytes != 1<<20 || c.ShutdownTimeout != 15*time.Second || c.UsesPostgres() {
		t.Fatalf("defaults: %+v", c)
	}
	if c.SQLitePath() != "data/casereview.db" {
		t.Fatalf("sqlite path %q", c.SQLitePath())
	}
}

func TestSecretFromFile(t *testing.T) {
	c, err := load(map[string]string{"CASEREVIEW_DATABASE_URL_FILE": "/run/secrets/db"}, map[string]string{"/run/secrets/db": "postgres://u:p@db/x\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://u:p@db/x" || !c.UsesPostgres() {
		t.Fatalf("url %q", c.DatabaseURL)
	}
}

func TestEveryProblemIsReported(t *testing.T) {
	_, err := load(map[string]string{
		"CASEREVIEW_ADDR": "8080", "CASEREVIEW_DATABASE_URL": "mysql://x", "CASEREVIEW_LOG_LEVEL": "loud",
		"CASEREVIEW_LOG_FORMAT": "xml", "CASEREVIEW_DEMO": "perhaps", "CASEREVIEW_MAX_BODY_BYTES": "12",
		"CASEREVIEW_SHUTDOWN_TIMEOUT": "soon",
	}, nil)
	if err == nil {
		t.Fatal("expected errors")
	}
	for _, name := range []string{"CASEREVIEW_ADDR", "CASEREVIEW_DATABASE_URL", "CASEREVIEW_LOG_LEVEL", "CASEREVIEW_LOG_FORMAT",
		"CASEREVIEW_DEMO", "CASEREVIEW_MAX_BODY_BYTES", "CASEREVIEW_SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}

func TestSecretSetTwiceOrUnreadable(t *testing.T) {
	_, err := load(map[string]string{"CASEREVIEW_DATABASE_URL": "postgres://a", "CASEREVIEW_DATABASE_URL_FILE": "/x"}, map[string]string{"/x": "postgres://b"})
	if err == nil || !strings.Contains(err.Error(), "both set") {
		t.Fatalf("want both-set error, got %v", err)
	}
	_, err = load(map[string]string{"CASEREVIEW_DATABASE_URL_FILE": "/missing"}, nil)
	if err == nil || !strings.Contains(err.Error(), "CASEREVIEW_DATABASE_URL_FILE") {
		t.Fatalf("want unreadable-file error, got %v", err)
	}
}

func TestDatabasePasswordApartFromTheURL(t *testing.T) {
	const pw = "p@ss/w%rd:#?"
	c, err := load(map[string]string{"CASEREVIEW_DATABASE_URL": "postgres://app@db:5432/casereview", "CASEREVIEW_DATABASE_PASSWORD": pw}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabasePassword != pw || c.DatabaseURL != "postgres://app@db:5432/casereview" {
		t.Fatalf("from the variable: password %q, url %q", c.DatabasePassword, c.DatabaseURL)
	}
	c, err = load(map[string]string{"CASEREVIEW_DATABASE_URL": "postgres://app@db/casereview", "CASEREVIEW_DATABASE_PASSWORD_FILE": "/run/secrets/pw"},
		map[string]string{"/run/secrets/pw": pw + "\n"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabasePassword != pw {
		t.Fatalf("from the file: password %q", c.DatabasePassword)
	}
	// A password in both places, or one without PostgreSQL, is refused without being quoted.
	for _, env := range []map[string]string{
		{"CASEREVIEW_DATABASE_URL": "postgres://app:other-secret@db/casereview", "CASEREVIEW_DATABASE_PASSWORD": pw},
		{"CASEREVIEW_DATABASE_URL": "postgres://app@db/casereview?password=other-secret", "CASEREVIEW_DATABASE_PASSWORD": pw},
		{"CASEREVIEW_DATABASE_PASSWORD": pw},
	} {
		_, err := load(env, nil)
		if err == nil || !strings.Contains(err.Error(), "CASEREVIEW_DATABASE_PASSWORD") {
			t.Errorf("%v: want an error naming CASEREVIEW_DATABASE_PASSWORD, got %v", env, err)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "other-secret") {
			t.Errorf("the error quotes a password: %v", err)
		}
	}
	if _, err := load(map[string]string{"CASEREVIEW_DATABASE_PASSWORD": pw, "CASEREVIEW_DATABASE_PASSWORD_FILE": "/x"}, map[string]string{"/x": pw}); err == nil {
		t.Error("the password and its file both set: want an error")
	}
}

func TestMetricsAddress(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil || c.MetricsAddr != "" {
		t.Fatalf("metrics are off by default: %q %v", c.MetricsAddr, err)
	}
	c, err = load(map[string]string{"CASEREVIEW_METRICS_ADDR": ":9090", "CASEREVIEW_METRICS_TOKEN_FILE": "/t"}, map[string]string{"/t": "tok\n"})
	if err != nil || c.MetricsAddr != ":9090" || c.MetricsToken != "tok" {
		t.Fatalf("metrics: %q %q %v", c.MetricsAddr, c.MetricsToken, err)
	}
	for _, addr := range []string{"9090", "localhost:8080"} {
		if _, err := load(map[string]string{"CASEREVIEW_METRICS_ADDR": addr}, nil); err == nil || !strings.Contains(err.Error(), "CASEREVIEW_METRICS_ADDR") {
			t.Errorf("CASEREVIEW_METRICS_ADDR=%s: want an error, got %v", addr, err)
		}
	}
}

func TestImportBounds(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil || c.ImportConcurrency != 2 || c.ImportQueue != 8 {
		t.Fatalf("defaults: %d running, %d waiting (%v)", c.ImportConcurrency, c.ImportQueue, err)
	}
	if c, err = load(map[string]string{"CASEREVIEW_IMPORT_CONCURRENCY": "1", "CASEREVIEW_IMPORT_QUEUE": "0"}, nil); err != nil || c.ImportConcurrency != 1 || c.ImportQueue != 0 {
		t.Fatalf("1 and 0: %d running, %d waiting (%v)", c.ImportConcurrency, c.ImportQueue, err)
	}
	_, err = load(map[string]string{"CASEREVIEW_IMPORT_CONCURRENCY": "0", "CASEREVIEW_IMPORT_QUEUE": "-1"}, nil)
	for _, name := range []string{"CASEREVIEW_IMPORT_CONCURRENCY", "CASEREVIEW_IMPORT_QUEUE"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
}
