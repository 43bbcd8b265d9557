package app

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test start this package's command line as a real second process: the test
// binary, run with CASEREVIEW_TEST_MAIN=1, is casereview.
func TestMain(m *testing.M) {
	if os.Getenv("CASEREVIEW_TEST_MAIN") == "1" {
		os.Exit(Main(append([]string{"casereview"}, os.Args[1:]...), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// casereviewProcess prepares `casereview args…` as a separate process over dataDir.
func casereviewProcess(ctx context.Context, dataDir string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CASEREVIEW_TEST_MAIN=1", "CASEREVIEW_DATA_DIR="+dataDir, "CASEREVIEW_DATABASE_URL=",
		"CASEREVIEW_ADDR=127.0.0.1:0", "CASEREVIEW_SECRET_KEY="+testSecretKey, "CASEREVIEW_DEMO=false", "CASEREVIEW_LOG_LEVEL=info")
	return cmd
}

// A second server on a data folder in use stops at once, saying why, where it used to wait for
// ever on the search index's file; reindex refuses too; both work once the first has stopped.
func TestSecondProcessOnTheDataFolderFailsFast(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	first := casereviewProcess(ctx, dir, "serve")
	stderr, err := first.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.Process.Kill(); _ = first.Wait() }()
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if strings.Contains(lines.Text(), "msg=listening") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }()

	for _, args := range [][]string{{"serve"}, {"reindex"}} {
		cmd := casereviewProcess(ctx, dir, args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		if err == nil || cmd.ProcessState.ExitCode() == 0 {
			t.Errorf("casereview %s beside a running server: exit 0 (%s)", args[0], out.String())
		}
		if ctx.Err() != nil {
			t.Fatalf("casereview %s beside a running server did not stop", args[0])
		}
		if want := "another casereview is using " + dir; !strings.Contains(out.String(), want) {
			t.Errorf("casereview %s: output does not say %q:\n%s", args[0], want, out.String())
		}
		if took > 30*time.Second {
			t.Errorf("casereview %s took %s to give up", args[0], took)
		}
	}

	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("the first server did not stop cleanly on SIGTERM: %v", err)
	}
	cmd := casereviewProcess(ctx, dir, "reindex")
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "reindexed") {
		t.Fatalf("reindex once the server stopped: %v\n%s", err, out)
	}
}
