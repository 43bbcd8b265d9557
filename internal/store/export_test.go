package store

import "context"

// MigrateTo runs the migrations up to version only, without what Migrate does after them, so
// a test can hold rows that an older release wrote.
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}
