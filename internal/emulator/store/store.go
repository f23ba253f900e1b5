// Package store is the emulator's embedded, transactional key/value store.
//
// It is a thin wrapper over bbolt that stores JSON values in named buckets. Every Update commits with an fsync
// (bbolt's default), so a write acknowledged to an HTTP client survives a crash or kill -9 of the emulator.
//
// Keys are compared byte-for-byte and iterated in byte order. ARM resource IDs are case-insensitive, so CALLERS
// MUST LOWER-CASE KEYS that are derived from resource IDs (strings.ToLower(id)); the store deliberately does not,
// so that it never silently merges two keys a caller meant to keep apart. Keep the original casing inside the value
// if it has to be echoed back.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// DefaultLockTimeout bounds how long Open waits for the file lock held by another process. bbolt waits forever by
// default, which turns "a second emulator on the same data dir" into a silent hang; a short timeout turns it into
// ErrLocked.
const DefaultLockTimeout = time.Second

// ErrLocked is returned by Open when another process (or another Store in this process) holds the database file.
var ErrLocked = errors.New("store: database file is locked by another process")

// ErrStop may be returned by a List callback to end the iteration early without making List fail.
var ErrStop = errors.New("store: stop iteration")

// Store is an open database. It is safe for concurrent use: any number of View transactions run in parallel with at
// most one Update at a time.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if needed) the database at path, creating its parent directory with mode 0700. It fails
// with an error wrapping ErrLocked after DefaultLockTimeout if another process has the file open.
func Open(path string) (*Store, error) {
	return OpenTimeout(path, DefaultLockTimeout)
}

// OpenTimeout is Open with an explicit lock timeout (must be > 0; 0 would mean "wait forever" to bbolt).
func OpenTimeout(path string, lockTimeout time.Duration) (*Store, error) {
	if lockTimeout <= 0 {
		return nil, fmt.Errorf("store: lock timeout must be positive, got %v", lockTimeout)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("store: creating directory for %s: %w", path, err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("%w: %s (is another emulator running with the same data directory?)", ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Path returns the database file path.
func (s *Store) Path() string { return s.path }

// Close releases the file lock. It waits for open transactions to finish and is safe to call more than once.
func (s *Store) Close() error {
	return s.db.Close()
}

// Update runs fn in a read-write transaction. If fn returns nil the transaction is committed and fsynced before
// Update returns; if fn returns an error (or panics) nothing it wrote is kept.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.db.Update(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx}) })
}

// View runs fn in a read-only transaction that sees a consistent snapshot. Writes inside it fail.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx}) })
}

// Tx is a transaction handle. It is only valid inside the Update/View callback and must not be shared between
// goroutines.
type Tx struct {
	tx *bolt.Tx
}

// Get decodes the JSON value stored under bucket/key into v. It reports false (and leaves v alone) when the bucket
// or the key does not exist.
func (t *Tx) Get(bucket, key string, v any) (bool, error) {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return false, nil
	}
	raw := b.Get([]byte(key))
	if raw == nil {
		return false, nil
	}
	if err := DecodeJSON(raw, v); err != nil {
		return true, fmt.Errorf("store: decoding %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

// Put stores v, encoded as JSON, under bucket/key, creating the bucket if needed. The key must not be empty.
func (t *Tx) Put(bucket, key string, v any) error {
	if key == "" {
		return fmt.Errorf("store: empty key in bucket %q", bucket)
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encoding %s/%s: %w", bucket, key, err)
	}
	b, err := t.tx.CreateBucketIfNotExists([]byte(bucket))
	if err != nil {
		return fmt.Errorf("store: bucket %q: %w", bucket, err)
	}
	if err := b.Put([]byte(key), raw); err != nil {
		return fmt.Errorf("store: writing %s/%s: %w", bucket, key, err)
	}
	return nil
}

// Delete removes bucket/key. Deleting a missing key (or from a missing bucket) is not an error, which keeps ARM
// DELETE idempotent without a read first.
func (t *Tx) Delete(bucket, key string) error {
	if !t.tx.Writable() {
		return fmt.Errorf("store: delete %s/%s: %w", bucket, key, berrors.ErrTxNotWritable)
	}
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte(key)); err != nil {
		return fmt.Errorf("store: deleting %s/%s: %w", bucket, key, err)
	}
	return nil
}

// List calls fn for every key in bucket that starts with prefix, in ascending byte order. raw is the stored JSON;
// it is only valid until fn returns (copy it, or decode it with DecodeJSON, to keep it). fn must not modify the
// bucket being listed. Returning ErrStop ends the iteration and List returns nil; any other error is returned as is.
func (t *Tx) List(bucket, prefix string, fn func(key string, raw []byte) error) error {
	b := t.tx.Bucket([]byte(bucket))
	if b == nil {
		return nil
	}
	c := b.Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && hasPrefix(k, p); k, v = c.Next() {
		if v == nil {
			continue // a nested bucket, which this package never creates
		}
		if err := fn(string(k), v); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// DecodeJSON decodes a stored value. Unknown fields are ignored on purpose: a newer emulator may have written a
// field an older build does not know, and the data must still load.
func DecodeJSON(raw []byte, v any) error {
	return json.Unmarshal(raw, v)
}

func hasPrefix(k, p []byte) bool {
	return len(k) >= len(p) && string(k[:len(p)]) == string(p)
}
