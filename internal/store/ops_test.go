package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Replicas starting together all migrate one fresh database: the session advisory lock lets one
// apply the migrations while the others wait, and every one of them starts.
func TestConcurrentMigrationsOnOneFreshDatabase(t *testing.T) {
	url, _ := dbtest.URL(t, "postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const replicas = 8
	stores := make([]*store.Store, replicas)
	for i := range stores {
		s, err := store.Open(ctx, store.Options{DatabaseURL: url})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores[i] = s
	}
	versions := make([]int64, replicas)
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, s := range stores {
		wg.Go(func() {
			<-start
			versions[i], errs[i] = s.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	for i, v := range versions {
		if v != versions[0] || v == 0 {
			t.Errorf("replica %d reached schema version %d, replica 0 %d", i, v, versions[0])
		}
	}
	if _, err := stores[0].Ready(ctx); err != nil {
		t.Errorf("not ready after the concurrent migrations: %v", err)
	}
}

// The password travels apart from the URL, whatever it holds, and no error quotes it.
func TestDatabasePasswordApartFromTheURL(t *testing.T) {
	const pw = "p@ss/w%rd:#?x"
	c, err := store.PostgresConfig("postgres://app@db.internal:5432/casereview", pw)
	if err != nil {
		t.Fatal(err)
	}
	if c.Password != pw || c.User != "app" || c.Host != "db.internal" || c.Database != "casereview" {
		t.Fatalf("config: user %q host %q database %q password %q", c.User, c.Host, c.Database, c.Password)
	}
	// The same password pasted into a URL breaks it; the error says how to fix it, not what it was.
	_, err = store.Open(context.Background(), store.Options{DatabaseURL: "postgres://app:" + pw + "@db.internal/casereview"})
	if err == nil {
		t.Fatal("a URL broken by its password opened")
	}
	if strings.Contains(err.Error(), "w%rd") || !strings.Contains(err.Error(), "CASEREVIEW_DATABASE_PASSWORD") {
		t.Errorf("broken URL: %v", err)
	}
	// A connection that fails names neither password.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, o := range []store.Options{
		{DatabaseURL: "postgres://app:url-secret@127.0.0.1:1/casereview?connect_timeout=2"},
		{DatabaseURL: "postgres://app@127.0.0.1:1/casereview?connect_timeout=2", DatabasePassword: pw},
	} {
		_, err := store.Open(ctx, o)
		if err == nil {
			t.Fatal("connected to a closed port")
		}
		if strings.Contains(err.Error(), "url-secret") || strings.Contains(err.Error(), pw) {
			t.Errorf("the connection error quotes the password: %v", err)
		}
	}
}

// A store opened with the password apart works like one opened with the URL alone (the test
// server trusts local connections, so this proves the wiring, not the password check).
func TestOpenWithASeparatePassword(t *testing.T) {
	url, _ := dbtest.URL(t, "postgres")
	s, err := store.Open(context.Background(), store.Options{DatabaseURL: url, DatabasePassword: "not/used@here"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if h, err := s.Ready(context.Background()); err != nil || h.Dialect != "postgres" {
		t.Fatalf("ready: %+v %v", h, err)
	}
}
