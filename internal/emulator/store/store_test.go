package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

type rec struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	N    int    `json:"n"`
}

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "emulator.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestPutGetDelete(t *testing.T) {
	s := openTemp(t)
	want := rec{ID: "/subscriptions/S/resourceGroups/RG", Name: "RG", N: 7}
	key := strings.ToLower(want.ID)
	if err := s.Update(func(tx *Tx) error { return tx.Put("workspaces", key, want) }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, bucket, key string
		found             bool
	}{
		{"present", "workspaces", key, true},
		{"other case is another key", "workspaces", want.ID, false},
		{"missing key", "workspaces", "nope", false},
		{"missing bucket", "clusters", key, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got rec
			err := s.View(func(tx *Tx) error {
				ok, err := tx.Get(tc.bucket, tc.key, &got)
				if ok != tc.found {
					t.Errorf("found = %v, want %v", ok, tc.found)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if tc.found && got != want {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
	for i := 0; i < 2; i++ { // the second delete proves it is idempotent
		if err := s.Update(func(tx *Tx) error { return tx.Delete("workspaces", key) }); err != nil {
			t.Fatalf("delete #%d: %v", i, err)
		}
	}
	if err := s.Update(func(tx *Tx) error { return tx.Delete("no-such-bucket", key) }); err != nil {
		t.Fatal(err)
	}
	_ = s.View(func(tx *Tx) error {
		if ok, _ := tx.Get("workspaces", key, &rec{}); ok {
			t.Error("key still present after delete")
		}
		return nil
	})
}

func TestErrors(t *testing.T) {
	s := openTemp(t)
	// A JSON string where the reader expects an object: Get must report it, not return a zero value.
	if err := s.Update(func(tx *Tx) error { return tx.Put("b", "str", "text") }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		fn   func() error
	}{
		{"put in view", func() error { return s.View(func(tx *Tx) error { return tx.Put("b", "k", 1) }) }},
		{"delete in view", func() error { return s.View(func(tx *Tx) error { return tx.Delete("b", "k") }) }},
		{"empty key", func() error { return s.Update(func(tx *Tx) error { return tx.Put("b", "", 1) }) }},
		{"unencodable", func() error { return s.Update(func(tx *Tx) error { return tx.Put("b", "k", func() {}) }) }},
		{"undecodable", func() error {
			return s.View(func(tx *Tx) error { _, err := tx.Get("b", "str", &rec{}); return err })
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.fn(); err == nil {
				t.Fatal("expected an error")
			}
		})
	}
}

func TestUpdateErrorRollsBack(t *testing.T) {
	s := openTemp(t)
	boom := errors.New("boom")
	err := s.Update(func(tx *Tx) error {
		if err := tx.Put("b", "k", rec{N: 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	_ = s.View(func(tx *Tx) error {
		if ok, _ := tx.Get("b", "k", &rec{}); ok {
			t.Error("write from a failed transaction is visible")
		}
		return nil
	})
}

func TestListPrefixOrdered(t *testing.T) {
	s := openTemp(t)
	keys := []string{"/subs/a/rg/x/ws/b", "/subs/a/rg/x/ws/a", "/subs/a/rg/y/ws/c", "/subs/a/rg/x", "/subs/b/rg/x/ws/a"}
	if err := s.Update(func(tx *Tx) error {
		for i, k := range keys {
			if err := tx.Put("ws", k, rec{N: i}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		prefix string
		want   []string
		stopAt int // stop after this many results via ErrStop (0 = never)
	}{
		{"/subs/a/rg/x/ws/", []string{"/subs/a/rg/x/ws/a", "/subs/a/rg/x/ws/b"}, 0},
		{"/subs/a/", []string{"/subs/a/rg/x", "/subs/a/rg/x/ws/a", "/subs/a/rg/x/ws/b", "/subs/a/rg/y/ws/c"}, 0},
		{"", []string{"/subs/a/rg/x", "/subs/a/rg/x/ws/a", "/subs/a/rg/x/ws/b", "/subs/a/rg/y/ws/c", "/subs/b/rg/x/ws/a"}, 0},
		{"/subs/c", nil, 0},
		{"/subs/a/", []string{"/subs/a/rg/x", "/subs/a/rg/x/ws/a"}, 2},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q/stop=%d", tc.prefix, tc.stopAt), func(t *testing.T) {
			var got []string
			err := s.View(func(tx *Tx) error {
				return tx.List("ws", tc.prefix, func(k string, raw []byte) error {
					var r rec
					if err := DecodeJSON(raw, &r); err != nil {
						return err
					}
					got = append(got, k)
					if tc.stopAt > 0 && len(got) == tc.stopAt {
						return ErrStop
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("callback error propagates", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.View(func(tx *Tx) error { return tx.List("ws", "", func(string, []byte) error { return boom }) })
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing bucket", func(t *testing.T) {
		err := s.View(func(tx *Tx) error {
			return tx.List("nope", "", func(string, []byte) error { t.Error("called"); return nil })
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Put("b", "k", rec{Name: "kept"}) }); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	var got rec
	_ = s.View(func(tx *Tx) error { _, err := tx.Get("b", "k", &got); return err })
	if got.Name != "kept" {
		t.Fatalf("got %+v", got)
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	s := openTemp(t)
	start := time.Now()
	_, err := OpenTimeout(s.Path(), 200*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("second open took %v", d)
	}
	if _, err := OpenTimeout(s.Path(), 0); err == nil {
		t.Fatal("zero timeout accepted")
	}
}

// TestConcurrentUpdatesAndViews is meant for -race: parallel read-modify-write transactions must not lose updates
// and readers must always see a consistent pair of keys.
func TestConcurrentUpdatesAndViews(t *testing.T) {
	s := openTemp(t)
	const writers, perWriter = 8, 25
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				err := s.Update(func(tx *Tx) error {
					var c rec
					if _, err := tx.Get("counters", "a", &c); err != nil {
						return err
					}
					c.N++
					if err := tx.Put("counters", "a", c); err != nil {
						return err
					}
					return tx.Put("counters", "b", c) // a and b always move together
				})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for r := 0; r < 4; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				_ = s.View(func(tx *Tx) error {
					var a, b rec
					_, _ = tx.Get("counters", "a", &a)
					_, _ = tx.Get("counters", "b", &b)
					if a.N != b.N {
						t.Errorf("torn read: a=%d b=%d", a.N, b.N)
					}
					return nil
				})
			}
		}()
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	var c rec
	_ = s.View(func(tx *Tx) error { _, err := tx.Get("counters", "a", &c); return err })
	if c.N != writers*perWriter {
		t.Fatalf("counter = %d, want %d (lost updates)", c.N, writers*perWriter)
	}
}
