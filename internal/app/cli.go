package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
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

// runAdmin runs `user create`, `token create`, `audit verify` and `taxonomy …`.
func runAdmin(ctx context.Context, cfg config.Config, args []string, stdin *os.File, stdout, stderr io.Writer) int {
	log := NewLogger(cfg, stderr)
	a, err := New(ctx, cfg, log, Options{NoSearch: true})
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return 1
	}
	defer a.Close()
	sys := casereview.WithActor(ctx, casereview.System)
	fail := func(err error) int {
		fmt.Fprintln(stderr, "error:", describe(err))
		return 1
	}
	if args[0] == "taxonomy" {
		return runTaxonomy(ctx, a, args, stdout, stderr)
	}
	switch strings.Join(args[:2], " ") {
	case "user create":
		fs := flag.NewFlagSet("user create", flag.ContinueOnError)
		fs.SetOutput(stderr)
		email := fs.String("email", "", "the user's email address (required)")
		name := fs.String("name", "", "display name (defaults to the address)")
		admin := fs.Bool("admin", false, "make the user an admin")
		role := fs.String("role", "", "a role to grant: admin, oversight, panel, agency_editor or viewer")
		org := fs.String("organisation", "", "organisation id, for agency_editor")
		partnership := fs.String("partnership", "", "partnership id, for panel")
		pwFile := fs.String("password-file", "", "read the password from this file instead of a prompt")
		if err := fs.Parse(args[2:]); err != nil {
			return 2
		}
		if *admin {
			*role = string(casereview.RoleAdmin)
		}
		if *name == "" {
			*name = *email
		}
		pw, err := readPassword(*pwFile, stdin, stderr)
		if err != nil {
			return fail(err)
		}
		hash, err := a.auth.NewPasswordHash(pw, *email, *name)
		if err != nil {
			return fail(err)
		}
		u, err := a.store.CreateUser(sys, casereview.UserDraft{Email: *email, DisplayName: *name}, hash)
		if err != nil {
			return fail(err)
		}
		if *role != "" {
			if u, err = a.store.AddMembership(sys, u.ID, casereview.MembershipDraft{Role: casereview.Role(*role), OrganisationID: *org, PartnershipID: *partnership}); err != nil {
				return fail(err)
			}
		}
		fmt.Fprintf(stdout, "created user %s (%s)", u.Email, u.ID)
		for _, m := range u.Memberships {
			fmt.Fprintf(stdout, " role=%s", m.Role)
		}
		fmt.Fprintln(stdout)
		return 0
	case "token create":
		fs := flag.NewFlagSet("token create", flag.ContinueOnError)
		fs.SetOutput(stderr)
		email := fs.String("email", "", "whose token (required)")
		name := fs.String("name", "", "what the token is for (required)")
		days := fs.Int("days", 0, "expire after this many days (default: never)")
		if err := fs.Parse(args[2:]); err != nil {
			return 2
		}
		c, err := a.store.CredentialsByEmail(ctx, *email)
		if err != nil {
			return fail(err)
		}
		var expires *time.Time
		if *days > 0 {
			t := time.Now().Add(time.Duration(*days) * 24 * time.Hour)
			expires = &t
		}
		tok, _, err := a.auth.IssueToken(ctx, c.User, *name, expires)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintln(stdout, tok)
		return 0
	case "audit verify":
		fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
		fs.SetOutput(stderr)
		file := fs.String("checkpoints", "", "a file of signed checkpoints (JSON lines, as downloaded or from the log) to check the chain against; - reads standard input")
		if err := fs.Parse(args[2:]); err != nil {
			return 2
		}
		var cps []casereview.Checkpoint
		if *file != "" {
			var b []byte
			if *file == "-" {
				b, err = io.ReadAll(stdin)
			} else {
				b, err = os.ReadFile(*file)
			}
			if err != nil {
				return fail(err)
			}
			if cps, err = casereview.ParseCheckpoints(b); err != nil {
				return fail(err)
			}
			if len(cps) == 0 {
				return fail(fmt.Errorf("%s holds no checkpoints", *file))
			}
		}
		r, err := a.store.VerifyAudit(sys, cps)
		if err != nil {
			return fail(err)
		}
		if !r.OK {
			fmt.Fprintf(stdout, "BROKEN at event %d: %s (%d events verified before it)\n", r.BrokenAt, r.Problem, r.Checked)
			return 1
		}
		keyed := "never keyed"
		if r.KeyedFrom > 0 {
			keyed = fmt.Sprintf("keyed from event %d", r.KeyedFrom)
		}
		fmt.Fprintf(stdout, "ok: %d events, chain intact up to event %d (%s), %d checkpoints agree\n", r.Checked, r.LastSeq, keyed, r.Anchored)
		return 0
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", strings.Join(args, " "), usage)
	return 2
}

// describe renders a domain error with its field problems for a terminal.
func describe(err error) string {
	var de *casereview.Error
	if !errors.As(err, &de) {
		return err.Error()
	}
	msg := de.Message
	for _, f := range de.Fields {
		msg += fmt.Sprintf("\n  %s: %s", f.Field, f.Message)
	}
	return msg
}
