package notify

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/casereview/casereview/internal/casereview"
)

// Outbox is what the sender needs of the store.
type Outbox interface {
	ClaimOutbox(ctx context.Context, owner string, n int, lease time.Duration) ([]casereview.OutboxMessage, error)
	FinishOutbox(ctx context.Context, owner string, m casereview.OutboxMessage, status casereview.OutboxStatus, sendErr error, next time.Time) error
	RecipientMayRead(ctx context.Context, m casereview.OutboxMessage) (bool, error)
}

// placeholder is store.LinkPlaceholder (the store is not imported: the sender needs only the outbox).
const placeholder = "{{base}}"

// MaxAttempts is how often an email is tried before it is recorded as failed.
const MaxAttempts = 8

// Backoff is the pause before attempt n+1 after n failed ones: 1, 2, 4 … minutes, at most 2 hours.
func Backoff(n int) time.Duration {
	d := time.Minute << max(0, n-1)
	if n > 8 || d > 2*time.Hour {
		return 2 * time.Hour
	}
	return d
}

// Sender delivers the outbox.
type Sender struct {
	Outbox  Outbox
	Mailer  Mailer
	BaseURL string // the service's public address, put into each link
	Owner   string // who claims (one per process): a lapsed claim names it in the database
	Lease   time.Duration
	Batch   int
	Now     func() time.Time
	Log     *slog.Logger
}

// SendDue claims and sends what is due, batch after batch until nothing is, and returns how
// many were delivered.
func (s *Sender) SendDue(ctx context.Context) (int, error) {
	lease, batch := s.Lease, s.Batch
	if lease <= 0 {
		lease = 5 * time.Minute
	}
	if batch <= 0 {
		batch = 20
	}
	now := s.Now
	if now == nil {
		now = time.Now
	}
	sent := 0
	for ctx.Err() == nil {
		ms, err := s.Outbox.ClaimOutbox(ctx, s.Owner, batch, lease)
		if err != nil || len(ms) == 0 {
			return sent, err
		}
		for _, m := range ms {
			ok, err := s.Outbox.RecipientMayRead(ctx, m)
			if err != nil {
				return sent, err
			}
			status, next := casereview.OutboxSent, time.Time{}
			var sendErr error
			if !ok {
				status = casereview.OutboxWithheld
			} else if sendErr = s.Mailer.Send(ctx, m.RecipientEmail, m.Subject, strings.ReplaceAll(m.Body, placeholder, strings.TrimRight(s.BaseURL, "/"))); sendErr != nil {
				status = casereview.OutboxFailed
				if m.Attempts < MaxAttempts {
					status, next = casereview.OutboxPending, now().Add(Backoff(m.Attempts))
				}
				if s.Log != nil {
					s.Log.Warn("email not sent", "outbox_id", m.ID, "attempt", m.Attempts, "error", sendErr.Error(), "final", status == casereview.OutboxFailed)
				}
			}
			if err := s.Outbox.FinishOutbox(ctx, s.Owner, m, status, sendErr, next); err != nil {
				return sent, err
			}
			if status == casereview.OutboxSent {
				sent++
			}
		}
	}
	return sent, errors.Join(ctx.Err())
}
