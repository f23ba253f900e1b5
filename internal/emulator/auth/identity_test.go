package auth

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
)

func TestLoadOrCreateIdentity(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v", st.Mode().Perm())
	}
	for name, v := range map[string]string{"tenant": a.TenantID, "sub": a.SubscriptionID, "client": a.ClientID, "oid": a.ObjectID} {
		if u, err := uuid.Parse(v); err != nil || u.String() != v {
			t.Errorf("%s %q is not a lower-case GUID", name, v)
		}
	}
	if len(a.ClientSecret) != 40 || strings.Trim(a.ClientSecret, secretAlphabet) != "" {
		t.Errorf("secret %d chars or outside the alphabet", len(a.ClientSecret))
	}
	if a.PublicKey().N.BitLen() != 2048 || a.KeyID == "" {
		t.Errorf("key: %d bits, kid %q", a.PublicKey().N.BitLen(), a.KeyID)
	}

	b, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if a.TenantID != b.TenantID || a.SubscriptionID != b.SubscriptionID || a.ClientID != b.ClientID ||
		a.ClientSecret != b.ClientSecret || a.ObjectID != b.ObjectID || a.KeyID != b.KeyID || !a.key.Equal(b.key) {
		t.Fatal("reloaded identity differs")
	}
	// A token signed before the "restart" verifies after it.
	c := newClaims(a, ARMAudience, newFakeClock().Now(), DefaultTokenLifetime)
	tok, err := a.sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.parse(tok, newFakeClock().Now, 0); err != nil {
		t.Fatalf("token from the first instance rejected by the second: %v", err)
	}
}

func TestConcurrentCreationYieldsOneIdentity(t *testing.T) {
	dir := t.TempDir()
	const n = 6
	ids := make(chan *Identity, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, err := LoadOrCreateIdentity(dir)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- id
		}()
	}
	wg.Wait()
	close(ids)
	var first *Identity
	for id := range ids {
		if first == nil {
			first = id
		} else if id.TenantID != first.TenantID || id.KeyID != first.KeyID || id.ClientSecret != first.ClientSecret {
			t.Fatal("racing creators ended up with different identities")
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left-over files: %v", entries)
	}
}

func TestDamagedIdentityIsNotReplaced(t *testing.T) {
	for name, content := range map[string]string{
		"not json":    "{",
		"bad guid":    `{"tenant_id":"x","subscription_id":"x","client_id":"x","object_id":"x"}`,
		"missing key": `{"tenant_id":"` + uuid.NewString() + `","subscription_id":"` + uuid.NewString() + `","client_id":"` + uuid.NewString() + `","object_id":"` + uuid.NewString() + `","client_secret":"0123456789abcdefghij"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, IdentityFile)
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadOrCreateIdentity(dir); err == nil {
				t.Fatal("damaged identity accepted")
			}
			if got, _ := os.ReadFile(p); string(got) != content {
				t.Fatal("damaged identity was overwritten")
			}
		})
	}
}

func TestJWKMatchesKey(t *testing.T) {
	id := testIdentity(t)
	k := id.JWK()
	if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" || k.Kid != id.KeyID || k.E != "AQAB" || k.N == "" {
		t.Fatalf("%+v", k)
	}
}
