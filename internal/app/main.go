package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/casereview/casereview/internal/config"
)

// The command line is a cobra tree: every command and subcommand answers --help without touching
// the database (flags are parsed and checked before anything is opened), `completion` writes
// shell completion scripts, and errors are worded for a terminal. Exit codes: 0 done, 1 the work
// failed, 2 the command line or the configuration is wrong.

// cli carries the streams every command writes to.
type cli struct {
	stdin          *os.File
	stdout, stderr io.Writer
}

// runError is a failure of the work itself (exit 1, or code); its message, if any, is printed
// as "error: …". Any other error from cobra is a usage error (exit 2).
type runError struct {
	err    error
	code   int
	fields map[string]string // domain field name -> the flag that sets it, for the message
}

func (e *runError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// failed wraps err as a failure of the work; flags names the flags that set the domain's fields.
func failed(err error, flags map[string]string) error {
	return &runError{err: err, code: 1, fields: flags}
}

// exit ends the command with code, its output already written.
func exit(code int) error {
	if code == 0 {
		return nil
	}
	return &runError{code: code}
}

// configError is a bad CASEREVIEW_* setting (exit 2).
type configError struct{ err error }

func (e configError) Error() string { return e.err.Error() }

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	c := &cli{stdin: os.Stdin, stdout: stdout, stderr: stderr}
	root := c.root()
	root.SetArgs(args[1:])
	root.SetOut(stdout)
	root.SetErr(stderr)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	var re *runError
	var ce configError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &re):
		if re.err != nil {
			fmt.Fprintln(stderr, "error:", describeFlags(re.err, re.fields))
		}
		return re.code
	case errors.As(err, &ce):
		fmt.Fprintf(stderr, "configuration:\n%v\n", ce.err)
		return 2
	default:
		fmt.Fprintf(stderr, "casereview: %v\nRun '%s --help' for usage.\n", err, commandPath(root, args[1:]))
		return 2
	}
}

// commandPath names the deepest known command in args, for the hint after a usage error.
func commandPath(root *cobra.Command, args []string) string {
	if cmd, _, err := root.Find(args); err == nil {
		return cmd.CommandPath()
	}
	return root.CommandPath()
}

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "casereview",
		Short: "A multi-agency repository of case-review recommendations",
		Long: "casereview holds the recommendations of domestic homicide reviews, child safeguarding\n" +
			"practice reviews, safeguarding adults reviews and coroners' reports, and tracks each to\n" +
			"verified closure. Run without a command, it serves (as `casereview serve`).\n\n" +
			"Configuration comes from CASEREVIEW_* environment variables (see docs/operations.md).",
		Version:       Version,
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE:          func(cmd *cobra.Command, _ []string) error { return c.serve(cmd.Context()) },
	}
	root.SetVersionTemplate("casereview {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	root.AddCommand(
		&cobra.Command{Use: "serve", Short: "Start the HTTP server (migrates the database first)", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return c.serve(cmd.Context()) }},
		&cobra.Command{Use: "migrate", Short: "Apply database migrations and seed the taxonomy, then exit", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error { return c.migrate(cmd.Context()) }},
		&cobra.Command{Use: "reindex", Short: "Rebuild the search index from the database (stop the server first)", Args: cobra.NoArgs,
			RunE: func(cmd *cobra.Command, _ []string) error {
				cfg, err := loadConfig()
				if err != nil {
					return err
				}
				return exit(reindex(cmd.Context(), cfg, c.stdout, c.stderr))
			}},
		&cobra.Command{Use: "health", Short: "Ask a running server's /readyz (for container health checks)", Args: cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				cfg, err := loadConfig()
				if err != nil {
					return err
				}
				return exit(health(cfg, c.stderr))
			}},
		&cobra.Command{Use: "version", Short: "Print the version", Args: cobra.NoArgs,
			Run: func(*cobra.Command, []string) { fmt.Fprintln(c.stdout, "casereview", Version) }},
		group("recurrence", "Recurring recommendations (docs/recurrence.md)",
			&cobra.Command{Use: "rebuild", Short: "Place every recommendation in its recurrence cluster afresh (restart a running server afterwards)", Args: cobra.NoArgs,
				RunE: func(cmd *cobra.Command, _ []string) error {
					cfg, err := loadConfig()
					if err != nil {
						return err
					}
					return exit(rebuildRecurrence(cmd.Context(), cfg, c.stdout, c.stderr))
				}}),
		c.userCommand(), c.tokenCommand(), c.auditCommand(), c.taxonomyCommand(), c.orgCommand(), c.importCommand(), c.exportCommand(), c.notifyCommand(),
	)
	return root
}

// group makes a command that only holds subcommands: run alone, it says which it needs.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{Use: use, Short: short, Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			names := []string{}
			for _, s := range cmd.Commands() {
				if s.IsAvailableCommand() {
					names = append(names, s.Name())
				}
			}
			return fmt.Errorf("%s needs a subcommand: %s", use, strings.Join(names, ", "))
		}}
	g.AddCommand(subs...)
	return g
}

// loadConfig reads the CASEREVIEW_* environment.
func loadConfig() (config.Config, error) {
	cfg, err := config.FromEnvironment()
	if err != nil {
		return cfg, configError{err}
	}
	return cfg, nil
}

// commandLogger is the logger of a one-off command: it keeps the terminal for the command's own
// output, so the server's information lines ("database ready") appear only when asked for with
// CASEREVIEW_LOG_LEVEL=debug.
func commandLogger(cfg config.Config, w io.Writer) *slog.Logger {
	if cfg.LogLevel == slog.LevelInfo {
		cfg.LogLevel = slog.LevelWarn
	}
	return NewLogger(cfg, w)
}

func (c *cli) serve(ctx context.Context) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	log := NewLogger(cfg, c.stderr)
	a, err := New(ctx, cfg, log, Options{})
	if err != nil {
		log.Error("start failed", "error", err)
		return exit(1)
	}
	defer a.Close()
	if err := a.Run(ctx, nil); err != nil {
		log.Error("server stopped", "error", err)
		return exit(1)
	}
	return nil
}

func (c *cli) migrate(ctx context.Context) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	s, err := openMigrated(ctx, cfg, commandLogger(cfg, c.stderr), nil)
	if err != nil {
		return failed(fmt.Errorf("migrate: %w", err), nil)
	}
	s.Close()
	return nil
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
