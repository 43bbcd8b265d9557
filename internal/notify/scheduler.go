package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/store"
)

// Store is what the scheduler needs: the ladder, the digests, the leases and the outbox.
type Store interface {
	Outbox
	EvaluateReminders(ctx context.Context, asOf casereview.Date, l casereview.Ladder) (store.ReminderRun, error)
	QueueDigests(ctx context.Context, asOf casereview.Date, weekly bool) (int, error)
	TakeLease(ctx context.Context, name, owner string, lease time.Duration) (bool, *casereview.Date, error)
	ReleaseLease(ctx context.Context, name, owner string, done *casereview.Date) error
}

// The jobs' lease names.
const (
	JobDaily = "daily-reminders"
)

// Scheduler runs the daily evaluation (once a day, on one replica: a lease row says who runs it
// and which day it last completed) and, when an SMTP server is configured, the sender.
type Scheduler struct {
	Store  Store
	Ladder casereview.Ladder
	Sender *Sender // nil: no SMTP server, emails wait in the outbox
	Alerts *Alerts // nil: saved searches and follows are not evaluated here
	// Reports runs the due report schedules each tick (reports.go); nil runs none.
	Reports *Reports
	Owner   string
	// WeeklyOn is the weekday weekly digests go out.
	WeeklyOn time.Weekday
	Every    time.Duration // how often it looks for work (default a minute)
	Now      func() time.Time
	Log      *slog.Logger
}

// Run works until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	every := s.Every
	if every <= 0 {
		every = time.Minute
	}
	for {
		if _, err := s.Tick(ctx, false); err != nil && ctx.Err() == nil {
			s.Log.Error("notification jobs", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// DailyRun is what one run of the daily job did.
type DailyRun struct {
	Ran bool // false: another replica holds the job, or today's run is done
	store.ReminderRun
	Sent    int
	Alerts  AlertRun // saved-search alerts and follows (each tick, not once a day)
	Reports int      // scheduled report runs recorded
}

// Tick runs what is due: the daily job when today's run is not done (or force), then the
// sender. Running it again the same day raises nothing twice.
func (s *Scheduler) Tick(ctx context.Context, force bool) (DailyRun, error) {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sys := casereview.WithActor(ctx, casereview.System)
	var out DailyRun
	today := casereview.DateOf(now().UTC())
	got, last, err := s.Store.TakeLease(sys, JobDaily, s.Owner, 30*time.Minute)
	if err != nil {
		return out, err
	}
	if got {
		var done *casereview.Date
		if force || last == nil || last.Before(today) {
			out.Ran = true
			out.ReminderRun, err = s.Store.EvaluateReminders(sys, today, s.Ladder)
			if err == nil {
				out.Digests, err = s.Store.QueueDigests(sys, today, today.Time().Weekday() == s.WeeklyOn)
			}
			if err == nil {
				done = &today
				s.Log.Info("daily notifications evaluated", "events", out.Events, "escalations", out.Escalations, "digests", out.Digests)
			}
		}
		if rerr := s.Store.ReleaseLease(sys, JobDaily, s.Owner, done); err == nil {
			err = rerr
		}
		if err != nil {
			return out, fmt.Errorf("daily reminders: %w", err)
		}
	}
	if out.Alerts, err = s.runAlerts(sys); err != nil {
		return out, err
	}
	if err := s.runReports(ctx, &out); err != nil {
		return out, err
	}
	if s.Sender != nil {
		out.Sent, err = s.Sender.SendDue(ctx)
		if err != nil {
			return out, fmt.Errorf("outbox sender: %w", err)
		}
	}
	return out, nil
}

// runAlerts runs the saved-search and follow job (alerts.go) under its own lease, at every tick.
func (s *Scheduler) runAlerts(sys context.Context) (AlertRun, error) {
	if s.Alerts == nil {
		return AlertRun{}, nil
	}
	got, _, err := s.Store.TakeLease(sys, JobAlerts, s.Owner, 5*time.Minute)
	if err != nil || !got {
		return AlertRun{}, err
	}
	run, err := s.Alerts.Run(sys)
	if rerr := s.Store.ReleaseLease(sys, JobAlerts, s.Owner, nil); err == nil {
		err = rerr
	}
	if err != nil {
		return run, fmt.Errorf("saved-search alerts: %w", err)
	}
	return run, nil
}

// runReports runs the due report schedules (before the sender, so their emails go this tick).
// Each run is recorded once per schedule and period whichever replica gets there first.
func (s *Scheduler) runReports(ctx context.Context, out *DailyRun) error {
	if s.Reports == nil {
		return nil
	}
	n, err := s.Reports.RunDue(ctx)
	out.Reports = n
	if err != nil {
		return fmt.Errorf("scheduled reports: %w", err)
	}
	return nil
}
