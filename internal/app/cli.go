package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/casereview/casereview/internal/casereview"
)

// The administrative subcommands act as the system: whoever can run them can already read the
// database, so they need no sign-in; everything they change is audited like any other write.

// readPassword takes a password from a file (--password-file or CASEREVIEW_PASSWORD_FILE), from
// a prompt without echo when stdin is a terminal, or from the first line of stdin otherwise.
func readPassword(file string, stdin *os.File, stderr io.Writer) (string, error) {
	if file == "" {
		file = os.Getenv("CASEREVIEW_PASSWORD_FILE")
	}
	if file != "" {
		b, err := os.ReadFile(file)
		return strings.TrimRight(string(b), "\r\n"), err
	}
	if term.IsTerminal(int(stdin.Fd())) {
		fmt.Fprint(stderr, "Password (at least 12 characters): ")
		a, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		b, err := term.ReadPassword(int(stdin.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(a) != string(b) {
			return "", errors.New("the passwords differ")
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// withApp opens the application (no search) for an administrative command, runs fn as the
// system and closes it.
func (c *cli) withApp(ctx context.Context, fn func(a *App, sys context.Context) error) error {
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	a, err := New(ctx, cfg, commandLogger(cfg, c.stderr), Options{NoSearch: true})
	if err != nil {
		return failed(err, nil)
	}
	defer a.Close()
	return fn(a, casereview.WithActor(ctx, casereview.System))
}

// roles are the values of --role.
var roles = []string{string(casereview.RoleAdmin), string(casereview.RoleOversight), string(casereview.RolePanel),
	string(casereview.RoleAgencyEditor), string(casereview.RoleViewer)}

// oneOf checks a flag's value against its choices, in command-line words.
func oneOf(flag, value string, choices ...string) error {
	if value == "" || slices.Contains(choices, value) {
		return nil
	}
	return fmt.Errorf("--%s %q is not one of: %s", flag, value, strings.Join(choices, ", "))
}

func (c *cli) userCommand() *cobra.Command {
	var email, name, role, org, partnership, pwFile string
	var admin bool
	create := &cobra.Command{
		Use:   "create --email E [--name N] [--admin | --role R [--organisation ID | --partnership ID]]",
		Short: "Create a user (the password from a prompt, --password-file or CASEREVIEW_PASSWORD_FILE)",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if admin && role != "" && role != string(casereview.RoleAdmin) {
				return fmt.Errorf("--admin and --role %s contradict each other", role)
			}
			return oneOf("role", role, roles...)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if admin {
				role = string(casereview.RoleAdmin)
			}
			if name == "" {
				name = email
			}
			flags := map[string]string{"email": "--email", "display_name": "--name", "role": "--role",
				"organisation_id": "--organisation", "partnership_id": "--partnership", "password": "the password"}
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				pw, err := readPassword(pwFile, c.stdin, c.stderr)
				if err != nil {
					return failed(err, nil)
				}
				hash, err := a.auth.NewPasswordHash(pw, email, name)
				if err != nil {
					return failed(err, flags)
				}
				u, err := a.store.CreateUser(sys, casereview.UserDraft{Email: email, DisplayName: name}, hash)
				if err != nil {
					return failed(err, flags)
				}
				if role != "" {
					d := casereview.MembershipDraft{Role: casereview.Role(role), OrganisationID: org, PartnershipID: partnership}
					if u, err = a.store.AddMembership(sys, u.ID, d); err != nil {
						return failed(fmt.Errorf("user %s was created, without a role: %w", u.Email, err), flags)
					}
				}
				fmt.Fprintf(c.stdout, "created user %s (%s)", u.Email, u.ID)
				for _, m := range u.Memberships {
					fmt.Fprintf(c.stdout, " role=%s", m.Role)
				}
				fmt.Fprintln(c.stdout)
				return nil
			})
		},
	}
	f := create.Flags()
	f.StringVar(&email, "email", "", "the user's email address (required)")
	f.StringVar(&name, "name", "", "display name (defaults to the address)")
	f.BoolVar(&admin, "admin", false, "make the user an admin")
	f.StringVar(&role, "role", "", "a role to grant: "+strings.Join(roles, ", "))
	f.StringVar(&org, "organisation", "", "organisation id, for agency_editor")
	f.StringVar(&partnership, "partnership", "", "partnership id, for panel")
	f.StringVar(&pwFile, "password-file", "", "read the password from this file instead of a prompt")
	_ = create.MarkFlagRequired("email")
	_ = create.RegisterFlagCompletionFunc("role", cobra.FixedCompletions(roles, cobra.ShellCompDirectiveNoFileComp))
	return group("user", "Manage users", create)
}

func (c *cli) tokenCommand() *cobra.Command {
	var email, name string
	var days int
	create := &cobra.Command{
		Use:   "create --email E --name N [--days D]",
		Short: "Print a new API token for scripts",
		Args:  cobra.NoArgs,
		PreRunE: func(*cobra.Command, []string) error {
			if days < 0 {
				return fmt.Errorf("--days %d: give a number of days, or leave it out for a token that does not expire", days)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			flags := map[string]string{"email": "--email", "name": "--name", "expires_at": "--days"}
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				cr, err := a.store.CredentialsByEmail(cmd.Context(), email)
				if casereview.ErrorCode(err) == casereview.CodeNotFound {
					return failed(fmt.Errorf("--email: no user has the address %s", email), nil)
				} else if err != nil {
					return failed(err, nil)
				}
				var expires *time.Time
				if days > 0 {
					t := time.Now().Add(time.Duration(days) * 24 * time.Hour)
					expires = &t
				}
				tok, _, err := a.auth.IssueToken(cmd.Context(), cr.User, name, expires)
				if err != nil {
					return failed(err, flags)
				}
				fmt.Fprintln(c.stdout, tok)
				return nil
			})
		},
	}
	create.Flags().StringVar(&email, "email", "", "whose token (required)")
	create.Flags().StringVar(&name, "name", "", "what the token is for (required)")
	create.Flags().IntVar(&days, "days", 0, "expire after this many days (default: never)")
	_ = create.MarkFlagRequired("email")
	_ = create.MarkFlagRequired("name")
	return group("token", "Manage API tokens", create)
}

func (c *cli) auditCommand() *cobra.Command {
	var file string
	verify := &cobra.Command{
		Use:   "verify [--checkpoints FILE]",
		Short: "Check the audit chain (and against signed checkpoints); exit 1 at the first broken link",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cps []casereview.Checkpoint
			if file != "" {
				var b []byte
				var err error
				if file == "-" {
					b, err = io.ReadAll(c.stdin)
				} else {
					b, err = os.ReadFile(file)
				}
				if err != nil {
					return failed(err, nil)
				}
				if cps, err = casereview.ParseCheckpoints(b); err != nil {
					return failed(fmt.Errorf("--checkpoints %s: %w", file, err), nil)
				}
				if len(cps) == 0 {
					return failed(fmt.Errorf("--checkpoints %s holds no checkpoints", file), nil)
				}
			}
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				r, err := a.store.VerifyAudit(sys, cps)
				if err != nil {
					return failed(err, nil)
				}
				if !r.OK {
					fmt.Fprintf(c.stdout, "BROKEN at event %d: %s (%d events verified before it)\n", r.BrokenAt, r.Problem, r.Checked)
					return exit(1)
				}
				keyed := "never keyed"
				if r.KeyedFrom > 0 {
					keyed = fmt.Sprintf("keyed from event %d", r.KeyedFrom)
				}
				fmt.Fprintf(c.stdout, "ok: %d events, chain intact up to event %d (%s), %d checkpoints agree\n", r.Checked, r.LastSeq, keyed, r.Anchored)
				return nil
			})
		},
	}
	verify.Flags().StringVar(&file, "checkpoints", "", "a file of signed checkpoints (JSON lines, as downloaded or from the log) to check the chain against; - reads standard input")
	return group("audit", "Check the audit trail", verify)
}

// describe renders a domain error with its field problems for a terminal.
func describe(err error) string { return describeFlags(err, nil) }

// describeFlags renders a domain error for a terminal, naming each field by the flag that sets
// it where there is one ("--email: enter an email address" rather than "email: …").
func describeFlags(err error, flags map[string]string) string {
	var de *casereview.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	msg := de.Message
	for _, f := range de.Fields {
		name := f.Field
		if fl, ok := flags[name]; ok {
			name = fl
		}
		msg += fmt.Sprintf("\n  %s: %s", name, f.Message)
	}
	return msg
}
