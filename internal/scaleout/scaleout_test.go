// Package scaleout holds the scale-out drill (issue 19 item 1): three server processes on one
// PostgreSQL database behind a round-robin proxy, a bounded mixed load of reads and writes, and
// one replica killed with SIGKILL in the middle of it and started again. It runs the real
// binary, so it is slow for a unit test (about half a minute) and runs only with PostgreSQL.
package scaleout

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/dbtest"
)

// replica is one server process.
type replica struct {
	name, addr, dir string
	cmd             *exec.Cmd
	log             *syncBuffer
	exited          chan struct{} // closed when the process has ended
}

// syncBuffer is a process's output, written by exec's copier while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type drill struct {
	t       *testing.T
	bin     string
	env     []string
	clients http.Client
}

func TestScaleOutDrill(t *testing.T) {
	if os.Getenv(dbtest.EnvURL) == "" {
		t.Skip(dbtest.EnvURL + " is not set: the drill needs PostgreSQL")
	}
	if testing.Short() {
		t.Skip("runs three servers for half a minute")
	}
	dbURL, _ := dbtest.URL(t, "postgres")
	root := t.TempDir()
	d := &drill{t: t, bin: filepath.Join(root, "casereview"), clients: http.Client{Timeout: 20 * time.Second}}
	build := exec.Command("go", "build", "-o", d.bin, "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	d.env = []string{"CASEREVIEW_DATABASE_URL=" + dbURL, "CASEREVIEW_SECRET_KEY=" + base64.StdEncoding.EncodeToString(key),
		"CASEREVIEW_MFA_REQUIRED_ROLES=none", "CASEREVIEW_LOG_LEVEL=warn",
		"CASEREVIEW_TRUSTED_PROXIES=127.0.0.1", "HOME=" + root}
	pwFile := filepath.Join(root, "password")
	if err := os.WriteFile(pwFile, []byte("drill quartz meadow lantern 7"), 0o600); err != nil {
		t.Fatal(err)
	}

	// Three replicas, started together (they migrate the empty database at once), each with a
	// data folder, so a search index, of its own.
	reps := make([]*replica, 3)
	for i := range reps {
		reps[i] = &replica{name: fmt.Sprintf("r%d", i+1), addr: freeAddr(t), dir: filepath.Join(root, fmt.Sprintf("r%d", i+1))}
	}
	for _, r := range reps {
		d.start(r)
	}
	t.Cleanup(func() {
		for _, r := range reps {
			d.stop(r)
		}
	})
	for _, r := range reps {
		d.waitReady(r, 60*time.Second)
	}

	// An admin makes a partnership; its panel member records through the proxy.
	d.cli("user", "create", "--admin", "--email", "admin@example.org", "--password-file", pwFile)
	admin := strings.TrimSpace(d.cli("token", "create", "--email", "admin@example.org", "--name", "drill"))
	var next atomic.Int64
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			r := reps[int(next.Add(1))%len(reps)]
			pr.SetURL(&url.URL{Scheme: "http", Host: r.addr})
			pr.SetXForwarded()
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	})
	t.Cleanup(proxy.Close)
	var p struct{ ID string }
	d.call(proxy.URL, admin, "POST", "/api/v1/partnerships", map[string]any{"name": "Drill CSP", "kind": "other"}, 201, &p)
	d.cli("user", "create", "--role", "panel", "--partnership", p.ID, "--email", "panel@example.org", "--password-file", pwFile)
	panel := strings.TrimSpace(d.cli("token", "create", "--email", "panel@example.org", "--name", "drill"))
	var rv struct{ ID string }
	d.call(proxy.URL, panel, "POST", "/api/v1/reviews", map[string]any{"type": "SAR", "partnership_id": p.ID, "reference": "DRILL-1",
		"title": "Adult D", "status": "in_progress", "visibility": "shared"}, 201, &rv)

	// The load: writers create recommendations, readers list and search, for a bounded time.
	// Midway, r2 is killed with SIGKILL and started again.
	var (
		mu                   sync.Mutex
		acked                []string // recommendations whose 201 reached the client
		writes, reads, fails atomic.Int64
		wg                   sync.WaitGroup
	)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Second)
	defer cancel()
	var n atomic.Int64
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := n.Add(1)
				var rec struct{ ID string }
				st, err := d.try(proxy.URL, panel, "POST", "/api/v1/recommendations", map[string]any{"review_id": rv.ID,
					"number": fmt.Sprint(k), "text": fmt.Sprintf("Drill recommendation %d: share the plan.", k), "scope": "local"}, &rec)
				if err == nil && st == 201 {
					mu.Lock()
					acked = append(acked, rec.ID)
					mu.Unlock()
					writes.Add(1)
				} else {
					fails.Add(1)
				}
			}
		}()
	}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			paths := []string{"/api/v1/recommendations?review_id=" + rv.ID + "&limit=20", "/api/v1/search?q=plan&limit=10", "/api/v1/reviews/" + rv.ID}
			for i := 0; ctx.Err() == nil; i++ {
				if st, err := d.try(proxy.URL, panel, "GET", paths[(i+w)%len(paths)], nil, nil); err == nil && st == 200 {
					reads.Add(1)
				} else {
					fails.Add(1)
				}
			}
		}(w)
	}
	time.Sleep(4 * time.Second)
	if err := reps[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-reps[1].exited
	time.Sleep(1500 * time.Millisecond)
	d.start(reps[1])
	wg.Wait()
	t.Logf("load: %d acknowledged writes, %d reads, %d refused or failed (the killed replica's share)", writes.Load(), reads.Load(), fails.Load())
	if writes.Load() < 20 || reads.Load() < 20 {
		t.Fatalf("the load did too little to mean anything: %d writes, %d reads", writes.Load(), reads.Load())
	}

	// No acknowledged write is lost: every replica reads every one of them.
	for _, r := range reps {
		d.waitReady(r, 60*time.Second)
	}
	var total struct {
		Total int `json:"total"`
	}
	d.call("http://"+reps[0].addr, panel, "GET", "/api/v1/recommendations?review_id="+rv.ID+"&limit=1", nil, 200, &total)
	if total.Total < len(acked) {
		t.Fatalf("the database holds %d recommendations, fewer than the %d acknowledged", total.Total, len(acked))
	}
	for _, r := range reps {
		for _, id := range acked {
			d.call("http://"+r.addr, panel, "GET", "/api/v1/recommendations/"+id, nil, 200, nil)
		}
	}
	// Every replica's index converges to the database.
	for _, r := range reps {
		deadline := time.Now().Add(60 * time.Second)
		for {
			var s struct {
				Total int `json:"total"`
			}
			d.call("http://"+r.addr, panel, "GET", "/api/v1/search?q=drill&limit=1", nil, 200, &s)
			if s.Total == total.Total {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s's index finds %d recommendations; the database holds %d", r.name, s.Total, total.Total)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	// And the audit chain, written by three processes, one killed mid-write, verifies.
	if out := d.cli("audit", "verify"); !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("audit verify: %s", out)
	}
}

func (d *drill) start(r *replica) {
	d.t.Helper()
	r.log = &syncBuffer{}
	r.cmd = exec.Command(d.bin, "serve")
	r.cmd.Env = append(append([]string{}, d.env...), "CASEREVIEW_ADDR="+r.addr, "CASEREVIEW_DATA_DIR="+r.dir)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	if err := r.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	r.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { _ = cmd.Wait(); close(exited) }(r.cmd, r.exited)
}

func (d *drill) stop(r *replica) {
	if r.cmd == nil {
		return
	}
	select {
	case <-r.exited:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(20 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.exited
	}
}

// waitReady waits for r's /readyz to answer 200.
func (d *drill) waitReady(r *replica, max time.Duration) {
	d.t.Helper()
	deadline := time.Now().Add(max)
	for {
		resp, err := d.clients.Get("http://" + r.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		select {
		case <-r.exited:
			d.t.Fatalf("%s exited before it was ready:\n%s", r.name, r.log.String())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s was not ready within %s: %v\n%s", r.name, max, err, r.log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// cli runs a command of the binary against the drill's database and returns its output.
func (d *drill) cli(args ...string) string {
	d.t.Helper()
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(append([]string{}, d.env...), "CASEREVIEW_DATA_DIR="+filepath.Join(filepath.Dir(d.bin), "cli"))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		d.t.Fatalf("casereview %v: %v\n%s%s", args, err, out.String(), errb.String())
	}
	return out.String()
}

// try sends a request and decodes a JSON answer into v; it returns the status.
func (d *drill) try(base, token, method, path string, body, v any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := d.clients.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if v != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, v); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, nil
}

func (d *drill) call(base, token, method, path string, body any, want int, v any) {
	d.t.Helper()
	st, err := d.try(base, token, method, path, body, v)
	if err != nil || st != want {
		d.t.Fatalf("%s %s: status %d (want %d): %v", method, path, st, want, err)
	}
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
