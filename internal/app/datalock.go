package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// lockFileName is the advisory lock a server or `casereview reindex` holds on its data folder.
// bbolt, under the search index, waits for ever on a file another process holds, so without
// this a second server on the same folder hung (ignoring SIGTERM) instead of saying why.
const lockFileName = "casereview.lock"

// errFolderInUse says another process holds the data folder.
var errFolderInUse = errors.New("another casereview is using the data folder")

// folderLock is a held advisory lock on a data folder, released by Close (or by the process
// ending, however it ends: the kernel drops the lock with the file).
type folderLock struct{ f *os.File }

// lockFolder takes the data folder's lock without waiting. When another process holds it, the
// error names the folder and, when it wrote it, that process's id.
func lockFolder(dir string) (*folderLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	path := filepath.Join(dir, lockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data folder lock: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data folder lock %s: %w", path, err)
	}
	if !held {
		b, _ := os.ReadFile(path)
		f.Close()
		who := ""
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			who = fmt.Sprintf(" (process %d)", pid)
		}
		return nil, fmt.Errorf("%w: another casereview is using %s%s", errFolderInUse, dir, who)
	}
	// The process id is for the message above; the lock, not the content, is what counts.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &folderLock{f: f}, nil
}

// Close releases the lock.
func (l *folderLock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor drops the flock
	l.f = nil
	return err
}
