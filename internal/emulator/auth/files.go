package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeFileAtomic writes data to path through a temporary file, fsync and rename, so a crash never leaves a
// half-written key or identity file behind (a truncated ca-key.pem would otherwise force a new CA on the next start
// and break every client that trusts the old one).
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, false)
}

// createFileExclusive is writeFileAtomic that fails with fs.ErrExist instead of replacing an existing file: the
// complete file is hard-linked into place, so of two processes racing to create it exactly one wins and neither
// ever sees a partial file.
func createFileExclusive(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, true)
}

func writeFile(path string, data []byte, perm os.FileMode, exclusive bool) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() { _ = os.Remove(tmp) }() // after a rename this is a no-op; after a link it drops the temporary name
	if err := f.Chmod(perm); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if exclusive {
		err = os.Link(tmp, path) // fails with fs.ErrExist if another writer got there first
		if err != nil && !errors.Is(err, fs.ErrExist) {
			// Some filesystems have no hard links; fall back to check-then-rename (racy, but still atomic).
			if _, statErr := os.Stat(path); statErr == nil {
				return fs.ErrExist
			}
			err = os.Rename(tmp, path)
		}
	} else {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // persist the rename itself
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// readOptional reads path, returning (nil, nil) when it does not exist.
func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// ensureDir creates dir (0700: it holds private keys) and returns its absolute path.
func ensureDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", fmt.Errorf("creating %s: %w", abs, err)
	}
	return abs, nil
}
