package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/casereview/casereview/internal/casereview"
)

// UseAuditKeys keys the audit chain from now on and names the file that checkpoints are
// appended to ("" writes none). Call it before any write, then KeyAuditChain.
func (s *Store) UseAuditKeys(k *casereview.AuditKeyring, checkpointFile string) {
	s.auditKeys, s.checkpoints = k, checkpointFile
}

// KeyAuditChain appends the marker that starts the keyed chain (or moves it to the current
// key after a rotation) unless the head is already under the current key; the decision is
// taken under the head's lock, so replicas starting together write one marker. Events before
// the marker keep their plain SHA-256 hashes: rewriting them would need the append-only
// triggers lifted, and would wipe out the evidence of any earlier tampering instead of keeping
// it checkable.
func (s *Store) KeyAuditChain(ctx context.Context) error {
	if s.auditKeys == nil {
		return errors.New("store: no audit key")
	}
	return s.inTx(casereview.WithActor(ctx, casereview.System), func(t *tx) error {
		t.rekey = true
		return nil
	})
}

// SignAuditHead signs the audit chain's committed head as of now.
func (s *Store) SignAuditHead(ctx context.Context) (casereview.Checkpoint, error) {
	if s.auditKeys == nil {
		return casereview.Checkpoint{}, errors.New("store: no audit key")
	}
	var head headRow
	if err := s.read.WithContext(ctx).Raw("SELECT audit_seq, audit_hash, audit_key_id FROM journal_head WHERE id = 1").Scan(&head).Error; err != nil {
		return casereview.Checkpoint{}, translate(err)
	}
	return s.auditKeys.Sign(head.AuditSeq, head.AuditHash, head.KeyID, s.now()), nil
}

// AppendCheckpoint appends c to the checkpoint file (and syncs it to disk).
func (s *Store) AppendCheckpoint(c casereview.Checkpoint) error {
	if s.checkpoints == "" {
		return errors.New("store: no checkpoint file")
	}
	line, err := json.Marshal(c)
	if err != nil {
		return err
	}
	s.checkpointsMu.Lock()
	defer s.checkpointsMu.Unlock()
	f, err := os.OpenFile(s.checkpoints, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("checkpoint file: %w", err)
	}
	return f.Close()
}

// WriteCheckpoint signs the head and appends it to the checkpoint file.
func (s *Store) WriteCheckpoint(ctx context.Context) (casereview.Checkpoint, error) {
	c, err := s.SignAuditHead(ctx)
	if err != nil {
		return c, err
	}
	return c, s.AppendCheckpoint(c)
}

// AuditCheckpoints returns the checkpoint file as written (JSON lines), for admins to keep
// elsewhere and to verify the chain against.
func (s *Store) AuditCheckpoints(ctx context.Context) ([]byte, error) {
	a := casereview.ActorFrom(ctx)
	if !casereview.CanDownloadCheckpoints(a) {
		return nil, casereview.Deny(a, "only admins download the audit checkpoints")
	}
	if s.checkpoints == "" {
		return nil, &casereview.Error{Code: casereview.CodeNotFound, Message: "this server writes no checkpoints (it has no audit key)"}
	}
	s.checkpointsMu.Lock()
	defer s.checkpointsMu.Unlock()
	b, err := os.ReadFile(s.checkpoints)
	if errors.Is(err, os.ErrNotExist) {
		return []byte{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint file: %w", err)
	}
	return b, nil
}
