package store

import (
	"context"
	"errors"
)

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

// MigrateDownTo undoes the migrations after version, so a test can run the later ones again
// over rows it has put there.
func (s *Store) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := s.provider()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, version)
	return err
}

// FailMergeAt makes MergeOrganisations fail after its step named step ("addressees",
// "memberships", "aliases", "done").
func (s *Store) FailMergeAt(step string) {
	s.mergeStep = func(name string) error {
		if name == step {
			return errors.New("failed on purpose after " + name)
		}
		return nil
	}
}
