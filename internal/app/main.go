package app

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/casereview/casereview/internal/config"
)

const usage = `casereview — a multi-agency repository of case-review recommendations

Usage:
  casereview serve     start the HTTP server (migrates the database first)
  casereview migrate   apply database migrations and seed the taxonomy, then exit
  casereview reindex   rebuild the search index from the database (stop the server first)
  casereview health    ask a running server's /readyz (for container health checks)
  casereview version   print the version

  casereview user create --email E [--name N] [--admin | --role R [--organisation ID | --partnership ID]]
                       [--password-file F]   create a user (password from a prompt, F or CASEREVIEW_PASSWORD_FILE)
  casereview token create --email E --name N [--days D]   print a new API token for scripts
  casereview audit verify [--checkpoints FILE] check the audit chain (and against signed checkpoints);
                                              exit 1 at the first broken link
` + taxonomyUsage + `
` + importUsage + `
Configuration comes from CASEREVIEW_* environment variables; see README.md.
`

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 1 {
		cmd = args[1]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "casereview", Version)
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	case "serve", "migrate", "health", "reindex":
	case "user", "token", "audit", "taxonomy", "import", "export":
		if len(args) < 3 {
			fmt.Fprintf(stderr, "%s needs a subcommand\n\n%s", cmd, usage)
			return 2
		}
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	cfg, err := config.FromEnvironment()
	if err != nil {
		fmt.Fprintf(stderr, "configuration:\n%v\n", err)
		return 2
	}
	if cmd == "health" {
		return health(cfg, stderr)
	}
	log := NewLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if cmd == "user" || cmd == "token" || cmd == "audit" || cmd == "taxonomy" {
		return runAdmin(ctx, cfg, args[1:], os.Stdin, stdout, stderr)
	}
	if cmd == "import" || cmd == "export" {
		return runImport(ctx, cfg, args[1:], os.Stdin, stdout, stderr)
	}
	if cmd == "reindex" {
		return reindex(ctx, cfg, stdout, stderr)
	}
	if cmd == "migrate" {
		s, err := openMigrated(ctx, cfg, log, nil)
		if err != nil {
			log.Error("migrate failed", "error", err)
			return 1
		}
		s.Close()
		return 0
	}
	a, err := New(ctx, cfg, log, Options{})
	if err != nil {
		log.Error("start failed", "error", err)
		return 1
	}
	defer a.Close()
	if err := a.Run(ctx, nil); err != nil {
		log.Error("server stopped", "error", err)
		return 1
	}
	return 0
}

// health asks the server at the configured address whether it is ready.
func health(cfg config.Config, stderr io.Writer) int {
	host, port, _ := net.SplitHostPort(cfg.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + net.JoinHostPort(host, port) + "/readyz")
	if err != nil {
		fmt.Fprintln(stderr, "not ready:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(stderr, "not ready: status", resp.StatusCode)
		return 1
	}
	return 0
}
