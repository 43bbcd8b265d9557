package store

import (
	"context"
	"time"
)

// JournalOldest returns the sequence of the oldest journal row kept, or the head plus one when
// none is: an index that has applied less than this minus one has missed pruned rows and must be
// rebuilt.
func (s *Store) JournalOldest(ctx context.Context) (int64, error) {
	var r struct {
		Oldest *int64 `gorm:"column:oldest"`
		Head   int64  `gorm:"column:head"`
	}
	err := s.read.WithContext(ctx).Raw(`SELECT (SELECT MIN(seq) FROM change_journal) AS oldest,
		(SELECT seq FROM journal_head WHERE id = 1) AS head`).Scan(&r).Error
	if err != nil {
		return 0, translate(err)
	}
	if r.Oldest == nil {
		return r.Head + 1, nil
	}
	return *r.Oldest, nil
}

// PruneJournal deletes the journal rows written before cutoff and returns how many. The journal
// is derived bookkeeping for the search indexes, not a record of who did what (that is the audit
// trail, which is never pruned): an index that has fallen further behind than the retention
// window is rebuilt from the database instead of replaying it.
func (s *Store) PruneJournal(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.write.WithContext(ctx).Exec("DELETE FROM change_journal WHERE created_at < ?", cutoff.UTC())
	return res.RowsAffected, translate(res.Error)
}
