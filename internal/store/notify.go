package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// JournalChannel is the PostgreSQL notification channel every journaling commit signals, so
// that the indexers of other processes (replicas over one database) wake at once instead of at
// their next poll.
const JournalChannel = "casereview_journal"

// FollowJournal calls wake whenever another process (or this one) commits journal rows, until
// ctx ends. It keeps one connection of its own, and reconnects with a growing pause when the
// database goes away; polling remains the fallback meanwhile. On SQLite, where only this process
// writes, it returns at once.
func (s *Store) FollowJournal(ctx context.Context, wake func()) {
	if s.pgConfig == nil {
		return
	}
	pause := time.Second
	for ctx.Err() == nil {
		if err := s.listen(ctx, wake); err != nil && ctx.Err() == nil {
			s.log.Warn("journal listener lost its connection; polling until it is back", "error", err.Error())
			wake() // a notification may have been missed while the connection was down
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 30*time.Second)
	}
}

func (s *Store) listen(ctx context.Context, wake func()) error {
	conn, err := pgx.ConnectConfig(ctx, s.pgConfig.Copy())
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+JournalChannel); err != nil {
		return err
	}
	wake() // commits made before the LISTEN took effect notified nobody: look now
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		wake()
	}
}
