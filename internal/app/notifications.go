package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/notify"
	"github.com/casereview/casereview/internal/search"
	"github.com/casereview/casereview/internal/web"
)

// newScheduler builds the notification jobs from the configuration: the ladder, and the sender
// when an SMTP server is configured (without one, emails wait in the outbox for the admin page).
func (a *App) newScheduler() (*notify.Scheduler, error) {
	l := casereview.Ladder{BeforeDays: a.cfg.RemindBefore, OverdueEvery: a.cfg.RemindEvery, EscalateAfter: a.cfg.EscalateAfter}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	owner := fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	s := &notify.Scheduler{Store: a.store, Ladder: l, Owner: owner, WeeklyOn: a.cfg.WeeklyDigestOn, Now: a.now, Log: a.log}
	if a.cfg.SMTPURL != "" {
		m, err := notify.ParseSMTPURL(a.cfg.SMTPURL, a.cfg.SMTPFrom)
		if err != nil {
			return nil, err
		}
		s.Sender = &notify.Sender{Outbox: a.store, Mailer: m, BaseURL: a.cfg.PublicURL, Owner: owner, Now: a.now, Log: a.log}
	}
	return s, nil
}

// startNotifications runs the scheduler in the background until ctx ends.
func (a *App) startNotifications(ctx context.Context) {
	if !a.cfg.Notifications || a.notify == nil {
		return
	}
	if a.notify.Sender == nil {
		a.log.Info("no SMTP server configured (CASEREVIEW_SMTP_URL): emails are kept in the outbox, shown on the admin page Outbox")
	}
	go a.notify.Run(ctx)
}

// RunNotifications runs the notification jobs once now, as the scheduler does each day (force:
// even if today's run is done); the CLI and tests use it.
func (a *App) RunNotifications(ctx context.Context, force bool) (notify.DailyRun, error) {
	return a.notify.Tick(ctx, force)
}

// notifyCommand is `notify run`: the daily evaluation and the sender, by hand.
func (c *cli) notifyCommand() *cobra.Command {
	var force bool
	run := &cobra.Command{Use: "run", Short: "Evaluate today's reminders and escalations, queue digests and send due emails (idempotent)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withApp(cmd.Context(), func(a *App, sys context.Context) error {
				r, err := a.RunNotifications(sys, force)
				if err != nil {
					return failed(err, nil)
				}
				if !r.Ran {
					fmt.Fprintln(c.stdout, "today's evaluation had already run (or another replica is running it); --force runs it again, raising only what is new")
				}
				fmt.Fprintf(c.stdout, "%d new notifications (%d escalations), %d digests queued, %d scheduled reports run, %d emails sent\n", r.Events, r.Escalations, r.Digests, r.Reports, r.Sent)
				fmt.Fprintf(c.stdout, "%d saved-search alerts, %d changes told to followers\n", r.Alerts.Alerts, r.Alerts.Follows.Told)
				if a.notify.Sender == nil {
					fmt.Fprintln(c.stdout, "no SMTP server configured (CASEREVIEW_SMTP_URL): emails stay in the outbox")
				}
				return nil
			})
		}}
	run.Flags().BoolVar(&force, "force", false, "evaluate again even if today's run is done (nothing already raised is raised twice)")
	return group("notify", "Reminders, escalations and the email outbox (see docs/notifications.md)", run)
}

// reportHoldEnv names a pause inside each report run's transaction (a Go duration), after its
// run row and documents are written and before its emails: only the kill test sets it, to kill
// a process in the middle of a run (internal/scaleout/reports_test.go).
const reportHoldEnv = "CASEREVIEW_TEST_REPORT_RUN_HOLD"

// useReports gives the scheduler the report schedules' job, rendering with the same summaries
// and search as the web pages.
func (a *App) useReports(finder *search.Finder) {
	a.notify.Reports = &notify.Reports{Store: a.store, Renderer: web.SummaryRenderer{Summaries: a.summaries, Search: finder}, Now: a.now, Log: a.log}
	if d, err := time.ParseDuration(os.Getenv(reportHoldEnv)); err == nil && d > 0 {
		a.store.SetReportRunHold(func(ctx context.Context) {
			a.log.Warn("report run holding inside its transaction", "env", reportHoldEnv, "for", d.String())
			select {
			case <-ctx.Done():
			case <-time.After(d):
			}
		})
	}
}
