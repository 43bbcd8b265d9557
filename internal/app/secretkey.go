package app

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/casereview/casereview/internal/auth"
	"github.com/casereview/casereview/internal/casereview"
	"github.com/casereview/casereview/internal/config"
)

// The server key that encrypts second-factor secrets at rest.
//
// The rule: CASEREVIEW_SECRET_KEY (or CASEREVIEW_SECRET_KEY_FILE) must be set, or the process
// refuses to start. The one exception is the demo (CASEREVIEW_DEMO=true, which `make run`
// sets): with no key given it uses the key in <data folder>/secret.key, generating it on the
// first run, so a newcomer's `make run` works with nothing to configure. Outside the demo that
// file is never read unless CASEREVIEW_SECRET_KEY_FILE names it.

// demoKeyFile is where the demo keeps its generated key.
const demoKeyFile = "secret.key"

var errNoKey = errors.New("CASEREVIEW_SECRET_KEY is not set: generate one with `openssl rand -base64 32` and set it " +
	"(or CASEREVIEW_SECRET_KEY_FILE to a file holding it); it encrypts second-factor secrets at rest. " +
	"Only the demo (CASEREVIEW_DEMO=true) runs without one")

// serverSecrets reads the server key (and the previous one during a rotation) from the
// configuration, or explains why it cannot.
func serverSecrets(cfg config.Config, log *slog.Logger) ([]byte, [][]byte, error) {
	raw := cfg.SecretKey
	if raw == "" {
		if !cfg.Demo {
			return nil, nil, errNoKey
		}
		var err error
		if raw, err = demoKey(cfg.DataDir, log); err != nil {
			return nil, nil, fmt.Errorf("demo secret key: %w", err)
		}
	}
	key, err := auth.ParseSecretKey(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("CASEREVIEW_SECRET_KEY: %w", err)
	}
	var old [][]byte
	if cfg.SecretKeyOld != "" {
		k, err := auth.ParseSecretKey(cfg.SecretKeyOld)
		if err != nil {
			return nil, nil, fmt.Errorf("CASEREVIEW_SECRET_KEY_OLD: %w", err)
		}
		old = append(old, k)
	}
	return key, old, nil
}

// secretBox builds the box that seals second-factor secrets from the configuration.
func secretBox(cfg config.Config, log *slog.Logger) (*auth.SecretBox, error) {
	key, old, err := serverSecrets(cfg, log)
	if err != nil {
		return nil, err
	}
	return auth.NewSecretBox(key, old...)
}

// auditKeyring derives the audit chain's keys from the same server key (under labels of
// their own, so neither key reveals the other).
func auditKeyring(cfg config.Config, log *slog.Logger) (*casereview.AuditKeyring, error) {
	key, old, err := serverSecrets(cfg, log)
	if err != nil {
		return nil, err
	}
	return casereview.NewAuditKeyring(append([][]byte{key}, old...)...)
}

// checkpointFile is where a process appends the audit chain's signed checkpoints.
const checkpointFile = "checkpoints.jsonl"

// demoKey reads the demo's key from the data folder, creating it (readable by the owner only)
// when missing.
func demoKey(dir string, log *slog.Logger) (string, error) {
	path := filepath.Join(dir, demoKeyFile)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	k, err := auth.NewSecretKey()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) { // another process made it first
			return demoKey(dir, log)
		}
		return "", err
	}
	if _, err := f.WriteString(k + "\n"); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	log.Warn("DEMO ONLY: generated a key for second-factor secrets in " + path + "; a deployment sets CASEREVIEW_SECRET_KEY")
	return k, nil
}
