package scaleout

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
	"github.com/casereview/casereview/internal/taxonomy"
)

// The scheduled reports' kill test (issue 18, "Scheduling and scale-out"): a process killed in
// the middle of a report run leaves nothing of it (no run row, no stored document, no
// notification, no email), and two processes running the due schedule at once afterwards record
// it exactly once, with each subscriber's email once. The processes are the real binary's
// `notify run`; CASEREVIEW_TEST_REPORT_RUN_HOLD holds a run inside its transaction, after its
// run row and documents are written and before its emails, so the kill lands there.
func TestKilledReportRunLeavesNothingHalfSent(t *testing.T) {
	if os.Getenv(dbtest.EnvURL) == "" {
		t.Skip(dbtest.EnvURL + " is not set: the kill test needs PostgreSQL and several processes")
	}
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbURL, _ := dbtest.URL(t, "postgres")
	root := t.TempDir()
	d := &drill{t: t, bin: filepath.Join(root, "casereview")}
	if out, err := exec.Command("go", "build", "-o", d.bin, "../..").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	d.env = []string{"CASEREVIEW_DATABASE_URL=" + dbURL, "CASEREVIEW_SECRET_KEY=" + base64.StdEncoding.EncodeToString(key),
		"CASEREVIEW_MFA_REQUIRED_ROLES=none", "CASEREVIEW_LOG_LEVEL=warn", "HOME=" + root}

	// The world, written by this process: an oversight officer's saved summary, scheduled
	// quarterly for the officer and a colleague, due today.
	ctx := context.Background()
	s, err := store.Open(ctx, store.Options{DatabaseURL: dbURL})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	tax, err := taxonomy.Default()
	must(t, err)
	_, err = s.SeedTaxonomy(ctx, tax)
	must(t, err)
	sys := casereview.WithActor(ctx, casereview.System)
	p, err := s.CreatePartnership(sys, casereview.PartnershipDraft{Name: "Kill CSP", Kind: "other"})
	must(t, err)
	rv, err := s.CreateReview(sys, casereview.ReviewDraft{Type: "SAR", PartnershipID: p.ID, Reference: "KILL-1", Title: "Adult K",
		Status: "in_progress", Visibility: "shared"})
	must(t, err)
	_, err = s.CreateRecommendation(sys, casereview.RecommendationDraft{ReviewID: rv.ID, Number: "1", Text: "Share the plan.", Scope: "local"})
	must(t, err)
	var officers []casereview.User
	for _, e := range []string{"officer@example.org", "colleague@example.org"} {
		u, err := s.CreateUser(sys, casereview.UserDraft{Email: e, DisplayName: e}, "")
		must(t, err)
		u, err = s.AddMembership(sys, u.ID, casereview.MembershipDraft{Role: casereview.RoleOversight})
		must(t, err)
		officers = append(officers, u)
	}
	asOfficer := casereview.WithActor(ctx, officers[0].Actor())
	sum, err := s.SaveSummary(asOfficer, "Quarterly monitoring", url.Values{"title": {"Quarterly monitoring"}, "section": {"headline", "organisations"}}.Encode())
	must(t, err)
	sc, err := s.CreateReportSchedule(asOfficer, sum.ID, casereview.ReportScheduleDraft{Frequency: casereview.ReportQuarterly, Subscribers: []string{officers[1].Email}})
	must(t, err)
	db, err := s.SQLDB()
	must(t, err)
	_, err = db.Exec("UPDATE report_schedules SET next_run_on = CURRENT_DATE WHERE id = $1", sc.ID)
	must(t, err)
	blobsBefore := count(t, db, "SELECT count(*) FROM blobs")

	// 1. A process holds a run inside its transaction and is killed there.
	a := d.process("killed", "CASEREVIEW_TEST_REPORT_RUN_HOLD=5m")
	d.waitLog(a, "report run holding", 90*time.Second)
	if n := count(t, db, "SELECT count(*) FROM report_runs"); n != 0 {
		t.Fatalf("an unfinished run is visible: %d rows", n)
	}
	if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-a.exited
	// PostgreSQL ends the dead connection's transaction; wait until its locks are gone.
	deadline := time.Now().Add(30 * time.Second)
	for count(t, db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'") > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the killed process's transaction is still open")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM report_runs":                                       0,
		"SELECT count(*) FROM outbox WHERE kind = 'report_run'":                  0,
		"SELECT count(*) FROM notifications WHERE kind = 'report_run'":           0,
		"SELECT count(*) FROM notification_events WHERE kind = 'report_run'":     0,
		"SELECT count(*) FROM report_schedules WHERE next_run_on = CURRENT_DATE": 1,
		"SELECT count(*) FROM blobs":                                             blobsBefore,
	} {
		if n := count(t, db, q); n != want {
			t.Fatalf("after the kill, %s = %d, want %d", q, n, want)
		}
	}

	// 2. The restarted process and a second one run the due schedule at once (each holding
	// briefly, so their transactions overlap): one run, each email once.
	b1 := d.process("restarted", "CASEREVIEW_TEST_REPORT_RUN_HOLD=2s")
	b2 := d.process("second", "CASEREVIEW_TEST_REPORT_RUN_HOLD=2s")
	for _, r := range []*replica{b1, b2} {
		select {
		case <-r.exited:
		case <-time.After(120 * time.Second):
			t.Fatalf("%s did not finish:\n%s", r.name, r.log.String())
		}
		if r.cmd.ProcessState.ExitCode() != 0 {
			t.Fatalf("%s failed:\n%s", r.name, r.log.String())
		}
	}
	for q, want := range map[string]int{
		"SELECT count(*) FROM report_runs":                                             1,
		"SELECT count(*) FROM outbox WHERE kind = 'report_run'":                        2,
		"SELECT count(DISTINCT recipient_email) FROM outbox WHERE kind = 'report_run'": 2,
		"SELECT count(*) FROM notifications WHERE kind = 'report_run'":                 2,
		"SELECT count(*) FROM report_schedules WHERE next_run_on > CURRENT_DATE":       1,
		"SELECT count(*) FROM outbox o WHERE kind = 'report_run' AND NOT EXISTS (SELECT 1 FROM report_runs r WHERE o.event_key = 'report_run:' || r.id::text)":                                                                                                0,
		"SELECT count(*) FROM report_runs r WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.html_sha256) OR NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.xlsx_sha256) OR NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = r.csv_sha256)": 0,
	} {
		if n := count(t, db, q); n != want {
			t.Fatalf("after the rerun, %s = %d, want %d\nrestarted:\n%s\nsecond:\n%s", q, n, want, b1.log.String(), b2.log.String())
		}
	}
	held := 0
	for _, r := range []*replica{b1, b2} {
		if strings.Contains(r.log.String(), "report run holding") {
			held++
		}
	}
	t.Logf("after the kill, %d of the two processes wrote the run inside their transaction; one committed it", held)
}

// process starts `casereview notify run` with extra environment.
func (d *drill) process(name string, env ...string) *replica {
	d.t.Helper()
	r := &replica{name: name, log: &syncBuffer{}, exited: make(chan struct{})}
	r.cmd = exec.Command(d.bin, "notify", "run")
	r.cmd.Env = append(append(append([]string{}, d.env...), "CASEREVIEW_DATA_DIR="+filepath.Join(filepath.Dir(d.bin), name)), env...)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.exited) }()
	d.t.Cleanup(func() {
		select {
		case <-r.exited:
		default:
			_ = r.cmd.Process.Kill()
			<-r.exited
		}
	})
	return r
}

// waitLog waits until r's output says what.
func (d *drill) waitLog(r *replica, what string, max time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(max)
	for !strings.Contains(r.log.String(), what) {
		select {
		case <-r.exited:
			d.t.Fatalf("%s exited before %q:\n%s", r.name, what, r.log.String())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s did not say %q within %s:\n%s", r.name, what, max, r.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func count(t *testing.T, db *sql.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
