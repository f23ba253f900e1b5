package emulator_test

import (
	"encoding/json"
	"fmt"
	"testing"
)

// failures is a testing.TB that counts the failures it is given instead of failing the real test.
type failures struct {
	testing.TB
	errors []string
}

func (f *failures) Helper() {}

func (f *failures) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// TestCheckNoSecretsSeesALeak is the negative control of checkNoSecrets: a response body that carries one of
// the request sentinels fails it, and clean bodies do not.
func TestCheckNoSecretsSeesALeak(t *testing.T) {
	leaked := []byte(`{"properties":{"userAccountSettings":{"adminUserPassword":"SENTINEL-PASSWORD-1"}}}`)
	for _, tc := range []struct {
		bodies [][]byte
		want   int
	}{
		{[][]byte{[]byte(`{"name":"c1"}`), nil}, 0},
		{[][]byte{[]byte(`{"name":"c1"}`), leaked}, 1},
	} {
		f := &failures{TB: t}
		c := &client{t: f, seen: tc.bodies}
		c.checkNoSecrets()
		if len(f.errors) != tc.want {
			t.Errorf("bodies %q: %d failures %q, want %d", tc.bodies, len(f.errors), f.errors, tc.want)
		}
	}
	// The sentinels of the request bodies are the ones the check looks for.
	c := &client{t: t}
	for _, body := range []any{clusterBody(1), fileServerBody()} {
		f := &failures{TB: t}
		c.t, c.seen = f, [][]byte{mustJSON(t, body)}
		c.checkNoSecrets()
		if len(f.errors) == 0 {
			t.Errorf("checkNoSecrets does not recognize the sentinels of %s", mustJSON(t, body))
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
