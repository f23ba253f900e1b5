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
	"strings"

	"github.com/google/uuid"
)

// IdentityFile is the file LoadOrCreateIdentity keeps in its directory.
const IdentityFile = "identity.json"

// secretAlphabet is the character set of Azure AD client secrets (for example "abC8Q~..."), so the emulator's
// secret looks and validates like a real one in provider configuration.
const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789~._-"

// ServicePrincipal is one application registered in the emulator's tenant, with its client secret.
type ServicePrincipal struct {
	ClientID     string
	ClientSecret string // never log this
	ObjectID     string // the token's oid and sub, and the principal ID of its role assignments
}

// Identity is the emulator's tenant, its two subscriptions and two service principals, plus the key that signs
// its tokens. All IDs are lower-case GUIDs: MSAL lower-cases the authority URL, so the tenant appears lower-case in
// paths.
//
// The default principal (ClientID, ClientSecret, ObjectID) is the one clients are configured with; the emulator
// makes it Owner of SubscriptionID. Reader is a second principal that the emulator makes Reader of SubscriptionID.
// OtherSubscriptionID is a second subscription of the tenant on which nobody has a role, so that every request to it
// is refused as ARM refuses a subscription the caller cannot access.
type Identity struct {
	TenantID            string
	SubscriptionID      string
	OtherSubscriptionID string
	ClientID            string
	ClientSecret        string // never log this
	ObjectID            string // the default principal's object ID: the token's oid and sub
	Reader              ServicePrincipal
	KeyID               string // kid header of issued tokens: the RFC 7638 thumbprint of the signing key

	key *rsa.PrivateKey
}

// identityJSON is the file's format. The reader and the other subscription were added later: a file without them
// gets them on the next load (see LoadOrCreateIdentity).
type identityJSON struct {
	TenantID            string `json:"tenant_id"`
	SubscriptionID      string `json:"subscription_id"`
	OtherSubscriptionID string `json:"other_subscription_id,omitempty"`
	ClientID            string `json:"client_id"`
	ClientSecret        string `json:"client_secret"`
	ObjectID            string `json:"object_id"`
	ReaderClientID      string `json:"reader_client_id,omitempty"`
	ReaderClientSecret  string `json:"reader_client_secret,omitempty"`
	ReaderObjectID      string `json:"reader_object_id,omitempty"`
	SigningKey          string `json:"signing_key_pem"`
}

// LoadOrCreateIdentity reads dir/identity.json, creating it (mode 0600) with fresh random values and an RSA 2048
// signing key on first use. Restarting on the same dir yields the same identity, so tokens, provider configuration
// and stored resource IDs stay valid. A file written before the reader principal and the other subscription existed
// is completed with fresh values for them and rewritten; what it already held is kept. The caller must make sure
// that only one process uses dir (the emulator holds its store's lock first).
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
		id, completed, err := decodeIdentity(raw)
		if err != nil {
			// Refuse to silently replace a damaged identity: that would orphan every stored resource.
			return nil, fmt.Errorf("identity: %s is damaged (delete it to start over): %w", path, err)
		}
		if completed {
			out, err := id.encode()
			if err != nil {
				return nil, err
			}
			if err := writeFileAtomic(path, out, 0o600); err != nil {
				return nil, fmt.Errorf("identity: writing %s: %w", path, err)
			}
		}
		return id, nil
	}
	id, err := newIdentity()
	if err != nil {
		return nil, err
	}
	out, err := id.encode()
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
	id := &Identity{
		TenantID:       uuid.NewString(),
		SubscriptionID: uuid.NewString(),
		ClientID:       uuid.NewString(),
		ObjectID:       uuid.NewString(),
		ClientSecret:   secret,
		KeyID:          thumbprint(&key.PublicKey),
		key:            key,
	}
	if _, err := id.complete(); err != nil {
		return nil, err
	}
	return id, nil
}

// complete draws the reader principal and the other subscription when they are missing, and reports whether it did.
func (id *Identity) complete() (bool, error) {
	changed := false
	if id.OtherSubscriptionID == "" {
		id.OtherSubscriptionID, changed = uuid.NewString(), true
	}
	if id.Reader.ClientID == "" || id.Reader.ObjectID == "" || id.Reader.ClientSecret == "" {
		secret, err := randomSecret(40)
		if err != nil {
			return false, err
		}
		id.Reader, changed = ServicePrincipal{ClientID: uuid.NewString(), ClientSecret: secret, ObjectID: uuid.NewString()}, true
	}
	return changed, nil
}

func (id *Identity) encode() ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(id.key)
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(identityJSON{
		TenantID: id.TenantID, SubscriptionID: id.SubscriptionID, OtherSubscriptionID: id.OtherSubscriptionID,
		ClientID: id.ClientID, ClientSecret: id.ClientSecret, ObjectID: id.ObjectID,
		ReaderClientID: id.Reader.ClientID, ReaderClientSecret: id.Reader.ClientSecret, ReaderObjectID: id.Reader.ObjectID,
		SigningKey: string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
	}, "", "  ")
}

// decodeIdentity parses the file; completed reports that the reader or the other subscription had to be added.
func decodeIdentity(raw []byte) (id *Identity, completed bool, err error) {
	var j identityJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, false, err
	}
	guids := map[string]string{"tenant_id": j.TenantID, "subscription_id": j.SubscriptionID,
		"client_id": j.ClientID, "object_id": j.ObjectID}
	// The later fields are optional (absent from older files), but never malformed.
	for name, v := range map[string]string{"other_subscription_id": j.OtherSubscriptionID,
		"reader_client_id": j.ReaderClientID, "reader_object_id": j.ReaderObjectID} {
		if v != "" {
			guids[name] = v
		}
	}
	for name, v := range guids {
		if _, err := uuid.Parse(v); err != nil {
			return nil, false, fmt.Errorf("%s %q is not a GUID", name, v)
		}
	}
	if len(j.ClientSecret) < 16 {
		return nil, false, errors.New("client_secret is missing or too short")
	}
	if j.ReaderClientSecret != "" && len(j.ReaderClientSecret) < 16 {
		return nil, false, errors.New("reader_client_secret is too short")
	}
	block, _ := pem.Decode([]byte(j.SigningKey))
	if block == nil {
		return nil, false, errors.New("signing_key_pem holds no PEM block")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, false, fmt.Errorf("signing key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, false, errors.New("signing key is not RSA")
	}
	id = &Identity{
		TenantID: j.TenantID, SubscriptionID: j.SubscriptionID, OtherSubscriptionID: j.OtherSubscriptionID,
		ClientID: j.ClientID, ObjectID: j.ObjectID, ClientSecret: j.ClientSecret,
		Reader: ServicePrincipal{ClientID: j.ReaderClientID, ClientSecret: j.ReaderClientSecret, ObjectID: j.ReaderObjectID},
		KeyID:  thumbprint(&key.PublicKey), key: key,
	}
	completed, err = id.complete()
	return id, completed, err
}

// Default is the principal clients are configured with (Owner of SubscriptionID).
func (id *Identity) Default() ServicePrincipal {
	return ServicePrincipal{ClientID: id.ClientID, ClientSecret: id.ClientSecret, ObjectID: id.ObjectID}
}

// Principals are the service principals of the tenant: the default one first, then the reader.
func (id *Identity) Principals() []ServicePrincipal {
	return []ServicePrincipal{id.Default(), id.Reader}
}

// PrincipalByClientID finds a principal by its application (client) ID, case-insensitively as Azure AD does.
func (id *Identity) PrincipalByClientID(clientID string) (ServicePrincipal, bool) {
	for _, p := range id.Principals() {
		if strings.EqualFold(p.ClientID, clientID) {
			return p, true
		}
	}
	return ServicePrincipal{}, false
}

// Subscriptions are the tenant's subscriptions: the default one first.
func (id *Identity) Subscriptions() []string {
	return []string{id.SubscriptionID, id.OtherSubscriptionID}
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
