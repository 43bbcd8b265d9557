package app

import (
	"context"
	"time"
)

// checkpointEvery signs the audit chain's head into the checkpoint file and the log at start,
// every interval while the head moves, and once more when ctx ends (shutdown). The log line
// carries the whole signed checkpoint, so a log shipped off the machine is a second anchor.
func (a *App) checkpointEvery(ctx context.Context, every time.Duration) {
	defer close(a.checkpointDone)
	last := int64(-1)
	// Each write has a context of its own: the one at shutdown runs after ctx has ended.
	write := func(why string, always bool) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := a.store.SignAuditHead(ctx)
		if err == nil && !always && c.Seq == last {
			return // nothing happened since the last one
		}
		if err == nil {
			err = a.store.AppendCheckpoint(c)
		}
		if err != nil {
			a.log.Error("audit checkpoint failed", "error", err)
			return
		}
		last = c.Seq
		a.log.Info("audit checkpoint", "why", why, "seq", c.Seq, "hash", c.Hash, "key_id", c.KeyID,
			"at", c.At.Format(time.RFC3339Nano), "signer", c.Signer, "signature", c.Signature)
	}
	write("start", true)
	if every <= 0 {
		every = time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			write("shutdown", true)
			return
		case <-t.C:
			write("interval", false)
		}
	}
}

// forgetThrottlesEvery deletes sign-in throttle rows that no longer matter, hourly, until ctx
// ends (auth.Service.ForgetQuiet).
func (a *App) forgetThrottlesEvery(ctx context.Context) {
	for {
		n, err := a.auth.ForgetQuiet(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("pruning sign-in throttles failed", "error", err)
		case n > 0:
			a.log.Debug("pruned sign-in throttles", "rows", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
