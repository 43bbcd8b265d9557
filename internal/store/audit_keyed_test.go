package store_test

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/dbtest"
	"github.com/casereview/casereview/internal/store"
)

// Issue 13 item 8: an insider who owns the database (and can lift the append-only triggers)
// but not the server key can no longer rewrite the trail unseen. Each attack of the issue is
// reproduced on both databases; the attacker knows the chain's algorithm but not the key.

var (
	akSecret    = []byte("0123456789abcdef0123456789abcdef")
	akOldSecret = []byte("fedcba9876543210fedcba9876543210")
)

func akKeys(t *testing.T, secrets ...[]byte) *casereview.AuditKeyring {
	t.Helper()
	if len(secrets) == 0 {
		secrets = [][]byte{akSecret}
	}
	k, err := casereview.NewAuditKeyring(secrets...)
	must(t, err)
	return k
}

// akKeyed keys s's chain as a starting server does and returns the checkpoint file.
func akKeyed(t *testing.T, s *store.Store, k *casereview.AuditKeyring) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "checkpoints.jsonl")
	s.UseAuditKeys(k, file)
	must(t, s.KeyAuditChain(sysCtx()))
	return file
}

func akWrite(t *testing.T, s *store.Store, n int) {
	t.Helper()
	for i := range n {
		must(t, s.Audit(sysCtx(), casereview.AuditExport, "review", "all", map[string]int{"rows": i}))
	}
}

func akVerify(t *testing.T, s *store.Store, cps []casereview.Checkpoint) casereview.ChainCheck {
	t.Helper()
	r, err := s.VerifyAudit(sysCtx(), cps)
	must(t, err)
	return r
}

func akBroken(t *testing.T, what string, r casereview.ChainCheck, at int64) {
	t.Helper()
	if r.OK || r.Problem == "" || (at > 0 && r.BrokenAt != at) {
		t.Fatalf("%s: %+v; want broken at %d", what, r, at)
	}
}

// akRechain rewrites the stored chain from event `from` on as an attacker without the key
// must: each event re-hashed with SHA-256 (the unkeyed algorithm) and linked to the one
// before, and the head moved to the new end.
func akRechain(t *testing.T, s *store.Store, evs []casereview.AuditEvent, from int) {
	t.Helper()
	prev := ""
	if from > 0 {
		prev = evs[from-1].Hash
	}
	for i := from; i < len(evs); i++ {
		e := evs[i]
		e.PrevHash = prev
		e.Hash = e.ComputeHash()
		auExec(t, s, "UPDATE audit_events SET actor_name = ?, after_json = ?, prev_hash = ?, hash = ? WHERE seq = ?",
			e.ActorName, e.After, e.PrevHash, e.Hash, e.Seq)
		prev = e.Hash
	}
	auExec(t, s, "UPDATE journal_head SET audit_seq = ?, audit_hash = ? WHERE id = 1", len(evs), prev)
}

func TestAuditKeyedChainResistsAnInsider(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		for _, c := range []struct {
			name string
			// attack tampers with the trail of n honest events; it returns the sequence number
			// verification must report without checkpoints (0: it cannot, only a checkpoint can)
			// and with them.
			attack             func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (plain, anchored int64)
			restartAfterAttack bool
		}{
			{"edit an event and recompute every later hash and the head", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				evs[3].ActorName = "someone else"
				akRechain(t, s, evs, 3)
				return 4, 4
			}, false},
			{"edit the last event and re-hash it and the head", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				n := len(evs)
				evs[n-1].After = `{"rows":0}`
				akRechain(t, s, evs, n-1)
				return int64(n), int64(n)
			}, false},
			{"delete the last events and move the head back", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				n := len(evs)
				auExec(t, s, "DELETE FROM audit_events WHERE seq > ?", n-3)
				auExec(t, s, "UPDATE journal_head SET audit_seq = ?, audit_hash = ? WHERE id = 1", n-3, evs[n-4].Hash)
				// What is left is an intact keyed chain: only a checkpoint beyond it shows the loss.
				return 0, int64(n - 2)
			}, false},
			{"delete every event and zero the head", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				auExec(t, s, "DELETE FROM audit_events")
				auExec(t, s, "UPDATE journal_head SET audit_seq = 0, audit_hash = '', audit_key_id = '' WHERE id = 1")
				return 1, 1
			}, false},
			{"rewrite the whole chain unkeyed (strip the marker)", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				// Drop the marker and renumber, so the result is a well-formed SHA-256 chain.
				m := akMarker(t, evs)
				auExec(t, s, "DELETE FROM audit_events WHERE seq = ?", m)
				var rest []casereview.AuditEvent
				for _, e := range evs {
					if e.Action != casereview.AuditChainKeyed {
						rest = append(rest, e)
					}
				}
				auExec(t, s, "UPDATE audit_events SET seq = 1 - seq WHERE seq > ?", m) // via negatives: no collisions
				auExec(t, s, "UPDATE audit_events SET seq = -seq WHERE seq < 0")
				for i := range rest {
					rest[i].Seq = int64(i + 1)
				}
				akRechain(t, s, rest, 0)
				auExec(t, s, "UPDATE journal_head SET audit_key_id = '' WHERE id = 1")
				return int64(len(rest)), int64(len(rest))
			}, false},
			{"delete every event, zero the head and let the server start afresh", func(t *testing.T, s *store.Store, evs []casereview.AuditEvent) (int64, int64) {
				auExec(t, s, "DELETE FROM audit_events")
				auExec(t, s, "UPDATE journal_head SET audit_seq = 0, audit_hash = '', audit_key_id = '' WHERE id = 1")
				// The restart below writes a fresh, valid keyed chain: the checkpoint's event differs.
				return 0, int64(len(evs))
			}, true},
		} {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				s := open(t, dialect)
				k := akKeys(t)
				file := akKeyed(t, s, k)
				newFixture(t, s)
				akWrite(t, s, 3)
				if _, err := s.WriteCheckpoint(sysCtx()); err != nil {
					t.Fatal(err)
				}
				evs := auAll(t, s)
				r := akVerify(t, s, nil)
				if !r.OK || r.KeyedFrom != akMarker(t, evs) || r.KeyID != k.CurrentID() {
					t.Fatalf("honest keyed chain: %+v", r)
				}
				// The checkpoint file as written, read back as an auditor would.
				b, err := os.ReadFile(file)
				must(t, err)
				cps, err := casereview.ParseCheckpoints(b)
				must(t, err)
				if len(cps) != 1 || cps[0].Seq != int64(len(evs)) || cps[0].Hash != evs[len(evs)-1].Hash {
					t.Fatalf("checkpoints %+v; want one at the head %d", cps, len(evs))
				}
				if r := akVerify(t, s, cps); !r.OK || r.Anchored != 1 {
					t.Fatalf("honest chain against its checkpoint: %+v", r)
				}

				var plain, anchored int64
				auBypass(t, s, func() { plain, anchored = c.attack(t, s, evs) })
				if c.restartAfterAttack {
					must(t, s.KeyAuditChain(sysCtx()))
					akWrite(t, s, len(evs)+2)
				}
				r = akVerify(t, s, nil)
				if plain == 0 {
					if !r.OK {
						t.Fatalf("without checkpoints: %+v (expected to pass: this attack needs a checkpoint)", r)
					}
				} else {
					akBroken(t, "without checkpoints", r, plain)
				}
				akBroken(t, "against the checkpoint", akVerify(t, s, cps), anchored)
			})
		}
	})
}

// A trail written before the chain was keyed keeps verifying as SHA-256 up to the marker; the
// marker's keyed hash covers the link to the last unkeyed event, so rewriting that old part
// (with every hash recomputed) is found at the marker.
func TestAuditChainMigratesToKeyed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		newFixture(t, s)
		akWrite(t, s, 2)
		before := auAll(t, s)
		n := int64(len(before))
		k := akKeys(t)
		akKeyed(t, s, k)
		akWrite(t, s, 2)
		evs := auAll(t, s)
		if evs[n].Action != casereview.AuditChainKeyed || evs[n].Seq != n+1 {
			t.Fatalf("event %d is %s; want the marker", n+1, evs[n].Action)
		}
		for i := range before {
			if evs[i] != before[i] {
				t.Fatalf("keying changed event %d", i+1)
			}
		}
		r := akVerify(t, s, nil)
		if !r.OK || r.KeyedFrom != n+1 || r.Checked != int64(len(evs)) {
			t.Fatalf("migrated chain: %+v", r)
		}
		// Keying again under the same key writes nothing.
		must(t, s.KeyAuditChain(sysCtx()))
		if got := len(auAll(t, s)); got != len(evs) {
			t.Fatalf("keying twice wrote %d events", got-len(evs))
		}
		// Without the key the keyed part cannot be checked (and is not passed).
		s.UseAuditKeys(nil, "")
		akBroken(t, "without the key", akVerify(t, s, nil), n+1)
		s.UseAuditKeys(k, "")

		last := evs[len(evs)-1]
		auBypass(t, s, func() {
			old := append([]casereview.AuditEvent(nil), evs[:n]...)
			old[1].ActorName = "someone else"
			akRechain(t, s, old, 1)                                                                    // the unkeyed part, consistently
			auExec(t, s, "UPDATE audit_events SET prev_hash = ? WHERE seq = ?", chainEnd(old, 1), n+1) // and the marker's link
			auExec(t, s, "UPDATE journal_head SET audit_seq = ?, audit_hash = ? WHERE id = 1", last.Seq, last.Hash)
		})
		akBroken(t, "a rewritten unkeyed part", akVerify(t, s, nil), n+1)
	})
}

// akMarker returns the sequence number of the first marker of the keyed chain.
func akMarker(t *testing.T, evs []casereview.AuditEvent) int64 {
	t.Helper()
	for _, e := range evs {
		if e.Action == casereview.AuditChainKeyed {
			return e.Seq
		}
	}
	t.Fatal("no marker of the keyed chain")
	return 0
}

// chainEnd recomputes the hash the unkeyed events evs end with after the change at from.
func chainEnd(evs []casereview.AuditEvent, from int) string {
	prev := evs[from-1].Hash
	for i := from; i < len(evs); i++ {
		e := evs[i]
		e.PrevHash = prev
		prev = e.ComputeHash()
	}
	return prev
}

// After the server key is rotated the chain continues under the new key behind a second
// marker, and the old part verifies as long as the old key is kept (CASEREVIEW_SECRET_KEY_OLD).
// A store whose keyring lacks the key the head is under refuses to write rather than fork.
func TestAuditChainKeyRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		akKeyed(t, s, akKeys(t, akOldSecret))
		akWrite(t, s, 2)
		rotated := akKeys(t, akSecret, akOldSecret)
		akKeyed(t, s, rotated)
		akWrite(t, s, 2)
		evs := auAll(t, s)
		markers := 0
		for _, e := range evs {
			if e.Action == casereview.AuditChainKeyed {
				markers++
			}
		}
		if markers != 2 {
			t.Fatalf("%d markers; want 2", markers)
		}
		if r := akVerify(t, s, nil); !r.OK || r.KeyID != rotated.CurrentID() || r.KeyedFrom != akMarker(t, evs) {
			t.Fatalf("rotated chain: %+v", r)
		}
		s.UseAuditKeys(akKeys(t, akSecret), "")
		akBroken(t, "without the old key", akVerify(t, s, nil), akMarker(t, evs))
		s.UseAuditKeys(akKeys(t, akOldSecret), "")
		err := s.Audit(sysCtx(), casereview.AuditExport, "review", "all", nil)
		if err == nil || !strings.Contains(err.Error(), "does not hold") {
			t.Fatalf("a write under a key the server lacks: %v; want a refusal", err)
		}
	})
}

// Checkpoints are signed: one changed in any field, or signed by another server's key, is
// refused with the field named, so a forged anchor cannot be slipped in.
func TestAuditCheckpointsAreSigned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, dialect string) {
		s := open(t, dialect)
		akKeyed(t, s, akKeys(t))
		akWrite(t, s, 2)
		good, err := s.WriteCheckpoint(sysCtx())
		must(t, err)
		other, err := casereview.NewAuditKeyring([]byte("another server's key, 32 bytes.."))
		must(t, err)
		for name, c := range map[string]casereview.Checkpoint{
			"moved back": func() casereview.Checkpoint { c := good; c.Seq--; return c }(),
			"other hash": func() casereview.Checkpoint { c := good; c.Hash = strings.Repeat("0", 64); return c }(),
			"other time": func() casereview.Checkpoint { c := good; c.At = c.At.Add(time.Hour); return c }(),
			"bad base64": func() casereview.Checkpoint { c := good; c.Signature = "!"; return c }(),
			"zeroed sig": func() casereview.Checkpoint {
				c := good
				c.Signature = base64.RawURLEncoding.EncodeToString(make([]byte, 64))
				return c
			}(),
			"another server": other.Sign(good.Seq, good.Hash, good.KeyID, good.At),
		} {
			_, err := s.VerifyAudit(sysCtx(), []casereview.Checkpoint{good, c})
			var de *casereview.Error
			if !casereview.IsCode(err, casereview.CodeInvalid) || !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Field != "checkpoints[1]" {
				t.Errorf("%s: %v; want checkpoints[1] refused", name, err)
			}
		}
		if r := akVerify(t, s, []casereview.Checkpoint{good}); !r.OK {
			t.Fatalf("the good checkpoint: %+v", r)
		}
	})
}
