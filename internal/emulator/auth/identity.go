package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"path/filepath"

	"github.com/google/uuid"
)

// IdentityFile is the file LoadOrCreateIdentity keeps in its directory.
const IdentityFile = "identity.json"

// secretAlphabet is the character set of Azure AD client secrets (for example "abC8Q~..."), so the emulator's
// secret looks and validates like a real one in provider configuration.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-"

// Identity is the emulator's single tenant, subscription and service principal, plus the key that signs its tokens.
// All IDs are lower-case GUIDs: MSAL lower-cases the authority URL, so the tenant appears lower-case in paths.
type Identity struct {
	TenantID       string
	SubscriptionID string
	ClientID       string
	ClientSecret   string // never log this
	ObjectID       string // the service principal's object ID: the token's oid and sub
	KeyID          string // kid header of issued tokens: the RFC 7638 thumbprint of the signing key

	key *rsa.PrivateKey
}

type identityJSON struct {
	TenantID       string `json:"tenant_id"`
	SubscriptionID string `json:"subscription_id"`
	ClientID       string `json:"client_id"`
	ClientSecret   string `json:"client_secret"`
	ObjectID       string `json:"object_id"`
	SigningKey     string `json:"signing_key_pem"`
}

// LoadOrCreateIdentity reads dir/identity.json, creating it (mode 0600) with fresh random values and an RSA 2048
// signing key on first use. Restarting on the same dir yields the same identity, so tokens, provider configuration
// and stored resource IDs stay valid.
func LoadOrCreateIdentity(dir string) (*Identity, error) {
	abs, err := ensureDir(dir)
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	path := filepath.Join(abs, IdentityFile)
	raw, err := readOptional(path)
	if err != nil {
		return nil, fmt.Errorf("identity: reading %s: %w", path, err)
	}
	if raw != nil {
		id, err := decodeIdentity(raw)
		if err != nil {
			// Refuse to silently replace a damaged identity: that would orphan every stored resource.
			return nil, fmt.Errorf("identity: %s is damaged (delete it to start over): %w", path, err)
		}
		return id, nil
	}
	id, err := newIdentity()
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(id.key)
	if err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(identityJSON{
		TenantID: id.TenantID, SubscriptionID: id.SubscriptionID, ClientID: id.ClientID,
		ClientSecret: id.ClientSecret, ObjectID: id.ObjectID,
		SigningKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}, "", "  ")
	if err != nil {
		return nil, err
	}
	err = createFileExclusive(path, out, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateIdentity(dir) // another process created it first: use theirs, never two identities
	}
	if err != nil {
		return nil, fmt.Errorf("identity: writing %s: %w", path, err)
	}
	return id, nil
}

func newIdentity() (*Identity, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	secret, err := randomSecret(40)
	if err != nil {
		return nil, err
	}
	return &Identity{
		TenantID:       uuid.NewString(),
		SubscriptionID: uuid.NewString(),
		ClientID:       uuid.NewString(),
		ObjectID:       uuid.NewString(),
		ClientSecret:   secret,
		KeyID:          thumbprint(&key.PublicKey),
		key:            key,
	}, nil
}

func decodeIdentity(raw []byte) (*Identity, error) {
	var j identityJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, err
	}
	for name, v := range map[string]string{"tenant_id": j.TenantID, "subscription_id": j.SubscriptionID,
		"client_id": j.ClientID, "object_id": j.ObjectID} {
		if _, err := uuid.Parse(v); err != nil {
			return nil, fmt.Errorf("%s %q is not a GUID", name, v)
		}
	}
	if len(j.ClientSecret) < 16 {
		return nil, errors.New("client_secret is missing or too short")
	}
	block, _ := pem.Decode([]byte(j.SigningKey))
	if block == nil {
		return nil, errors.New("signing_key_pem holds no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("signing key is not RSA")
	}
	return &Identity{
		TenantID: j.TenantID, SubscriptionID: j.SubscriptionID, ClientID: j.ClientID, ObjectID: j.ObjectID,
		ClientSecret: j.ClientSecret, KeyID: thumbprint(&key.PublicKey), key: key,
	}, nil
}

// PublicKey is the key that verifies the identity's tokens.
func (id *Identity) PublicKey() *rsa.PublicKey { return &id.key.PublicKey }

// JWK is one entry of a JSON Web Key Set, in the shape Azure AD publishes.
type JWK struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// JWK returns the public signing key as a JWK.
func (id *Identity) JWK() JWK {
	n, e := jwkComponents(id.PublicKey())
	return JWK{Kty: "RSA", Use: "sig", Kid: id.KeyID, Alg: "RS256", N: n, E: e}
}

func jwkComponents(pub *rsa.PublicKey) (n, e string) {
	enc := base64.RawURLEncoding
	return enc.EncodeToString(pub.N.Bytes()), enc.EncodeToString(big.NewInt(int64(pub.E)).Bytes())
}

// thumbprint is the RFC 7638 JWK thumbprint: stable for a key, so the kid survives restarts without being stored.
func thumbprint(pub *rsa.PublicKey) string {
	n, e := jwkComponents(pub)
	sum := sha256.Sum256([]byte(`{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// randomSecret draws n characters uniformly from secretAlphabet.
func randomSecret(n int) (string, error) {
	out := make([]byte, n)
	limit := big.NewInt(int64(len(secretAlphabet)))
	for i := range out {
		k, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", err
		}
		out[i] = secretAlphabet[k.Int64()]
	}
	return string(out), nil
}
