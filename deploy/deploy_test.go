// Package deploy holds the container build and its tests. There is no Docker engine where the
// tests run, so they prove what they can without one: the compose file loads with the Compose
// specification's own loader, and the image's data folder works for the user the image runs as.
package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads docker-compose.yml as `docker compose --env-file deploy/.env` would, with
// deploy/env.example standing in for the real deploy/.env (which is never committed).
func loadCompose(t *testing.T, profiles ...string) *types.Project {
	t.Helper()
	dir := t.TempDir()
	copyFile(t, "../docker-compose.yml", filepath.Join(dir, "docker-compose.yml"))
	must(t, os.MkdirAll(filepath.Join(dir, "deploy"), 0o755))
	copyFile(t, "env.example", filepath.Join(dir, "deploy", ".env"))
	copyFile(t, "nginx-scale-out.conf", filepath.Join(dir, "deploy", "nginx-scale-out.conf"))
	opts, err := cli.NewProjectOptions([]string{filepath.Join(dir, "docker-compose.yml")},
		cli.WithWorkingDirectory(dir), cli.WithEnvFiles(filepath.Join(dir, "deploy", ".env")), cli.WithDotEnv,
		cli.WithName("casereview"), cli.WithProfiles(profiles))
	must(t, err)
	p, err := opts.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("docker-compose.yml does not load: %v", err)
	}
	return p
}

func TestComposeFileIsValid(t *testing.T) {
	p := loadCompose(t)
	if got := p.ServiceNames(); !slices.Equal(sorted(got), []string{"app", "db"}) {
		t.Fatalf("default services %v, want app and db", got)
	}
	app := p.Services["app"]
	if app.Build == nil || app.Build.Dockerfile != "deploy/Dockerfile" {
		t.Errorf("app builds from %+v", app.Build)
	}
	if app.HealthCheck == nil || !slices.Equal([]string(app.HealthCheck.Test), []string{"CMD", "/casereview", "health"}) {
		t.Errorf("app health check %+v", app.HealthCheck)
	}
	if dep, ok := app.DependsOn["db"]; !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("app must wait for a healthy database: %+v", app.DependsOn)
	}
	if url := app.Environment["CASEREVIEW_DATABASE_URL"]; url == nil || !strings.Contains(*url, "@db:5432/") {
		t.Errorf("app database URL %v", url)
	} else if _, rest, _ := strings.Cut(*url, "://"); strings.Contains(rest[:strings.Index(rest, "@")], ":") {
		t.Error("the database URL carries the password; it goes in CASEREVIEW_DATABASE_PASSWORD")
	}
	if pw := app.Environment["CASEREVIEW_DATABASE_PASSWORD"]; pw == nil || *pw == "" {
		t.Error("the app gets no CASEREVIEW_DATABASE_PASSWORD")
	}
	// Metrics on the compose network, never published (docs/operations.md#metrics).
	if m := app.Environment["CASEREVIEW_METRICS_ADDR"]; m == nil || *m != ":9090" {
		t.Errorf("CASEREVIEW_METRICS_ADDR %v, want :9090", m)
	}
	for _, port := range app.Ports {
		if port.Target == 9090 {
			t.Errorf("the metrics port is published: %+v", port)
		}
	}
	checkLocalPorts(t, p)
	if v := dataVolume(app); v == "" {
		t.Errorf("app has no volume at /data")
	}
}

// The scale-out profile: three replicas, each with a data folder (and so a search index) of its
// own, and a proxy that knows every one of them.
func TestComposeScaleOutProfile(t *testing.T) {
	p := loadCompose(t, "scale-out")
	names := sorted(p.ServiceNames())
	if !slices.Equal(names, []string{"app", "app2", "app3", "db", "proxy"}) {
		t.Fatalf("scale-out services %v", names)
	}
	volumes := map[string]string{}
	conf, err := os.ReadFile("nginx-scale-out.conf")
	must(t, err)
	for _, name := range []string{"app", "app2", "app3"} {
		s := p.Services[name]
		v := dataVolume(s)
		if v == "" {
			t.Fatalf("%s has no volume at /data", name)
		}
		if other, ok := volumes[v]; ok {
			t.Errorf("%s and %s share the data volume %s: each replica needs its own index", name, other, v)
		}
		volumes[v] = name
		if *s.Environment["CASEREVIEW_DATABASE_URL"] != *p.Services["app"].Environment["CASEREVIEW_DATABASE_URL"] {
			t.Errorf("%s uses another database", name)
		}
		if !regexp.MustCompile(`server ` + name + `:8080\b`).Match(conf) {
			t.Errorf("the proxy does not send requests to %s", name)
		}
	}
	checkLocalPorts(t, p)
}

// Published ports listen on localhost only: TLS and the public face belong to a proxy.
func checkLocalPorts(t *testing.T, p *types.Project) {
	t.Helper()
	for name, s := range p.Services {
		for _, port := range s.Ports {
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s on %q, not on localhost", name, port.Published, port.HostIP)
			}
		}
	}
}

func dataVolume(s types.ServiceConfig) string {
	for _, v := range s.Volumes {
		if v.Target == "/data" && v.Type == types.VolumeTypeVolume {
			return v.Source
		}
	}
	return ""
}

// The image runs as nonroot (uid 65532) with its data folder at /data. A fresh named volume
// takes the owner of the image's /data, so the image must create /data owned by 65532: without
// that the app cannot create its index ("mkdir /data/index: permission denied") and restarts for
// ever. This builds the image's data folder as the Dockerfile does and runs the binary as 65532
// against it, and against a root-owned folder to show the failure the ownership prevents.
func TestImageDataFolderIsWritableByTheAppUser(t *testing.T) {
	df, err := os.ReadFile("Dockerfile")
	must(t, err)
	final := string(df[strings.LastIndex(string(df), "\nFROM "):])
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^FROM gcr\.io/distroless/static-debian12:nonroot$`),
		regexp.MustCompile(`(?m)^COPY --from=build --chown=65532:65532 /out/data /data$`),
		regexp.MustCompile(`(?m)^USER nonroot:nonroot$`),
		regexp.MustCompile(`(?m)CASEREVIEW_DATA_DIR=/data`),
		regexp.MustCompile(`(?m)^VOLUME \["/data"\]$`),
	} {
		if !want.MatchString(final) {
			t.Errorf("the image's final stage lacks %s", want)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("running the binary as uid 65532 needs root")
	}
	root := t.TempDir()
	must(t, os.Chmod(root, 0o755))
	must(t, os.Chmod(filepath.Dir(root), 0o755)) // the test's own temporary folder: 0700 by default
	bin := filepath.Join(root, "casereview")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	run := func(data string) (string, error) {
		cmd := exec.Command(bin, "migrate")
		cmd.Env = []string{"CASEREVIEW_DATA_DIR=" + data, "CASEREVIEW_SECRET_KEY=bgxZOWTXISM181F+Qah1IqM7gDnhAkKFyO8XijzP2so=", "HOME=/nonexistent"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	// As the image has it: /data made by the build and copied with --chown=65532:65532.
	data := filepath.Join(root, "data")
	must(t, os.Mkdir(data, 0o755))
	must(t, os.Chown(data, 65532, 65532))
	if out, err := run(data); err != nil {
		t.Fatalf("the app as uid 65532 cannot use a /data owned by 65532: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(data, "casereview.db")); err != nil {
		t.Fatalf("no database in /data: %v", err)
	}
	// Without the chown a fresh volume is root's, and the app cannot write it.
	rootOwned := filepath.Join(root, "root-owned")
	must(t, os.Mkdir(rootOwned, 0o755))
	if out, err := run(rootOwned); err == nil || !(strings.Contains(out, "permission denied") || strings.Contains(out, "unable to open database file")) {
		t.Fatalf("a root-owned /data should fail: it cannot be written; got %v\n%s", err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	must(t, err)
	must(t, os.WriteFile(to, b, 0o644))
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
