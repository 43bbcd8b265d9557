package casereview

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The audit chain is keyed so that someone who can rewrite the database (its owner, a DBA, a
// restored copy) cannot recompute it: from the marker event AuditChainKeyed on, each event's
// hash is HMAC-SHA256 under a key derived from the server secret (CASEREVIEW_SECRET_KEY), which
// the database never holds. Events before the first marker were written before the chain was
// keyed and verify as plain SHA-256, as they always did. A later marker names a new key (after
// the server secret was rotated); events after it use that key.
//
// Checkpoints anchor the chain outside the database: a signed statement "at this time the
// chain ended at event N with hash H", written to a file in the data folder and to the log.
// Removing events from the end, or the whole chain, leaves a checkpoint beyond the head.

// AuditKeyring holds the keys derived from the server secret (the current one first, then any
// old ones kept during a rotation).
type AuditKeyring struct {
	current string
	chain   map[string][]byte
	signers []ed25519.PrivateKey
	public  map[string]ed25519.PublicKey
}

func derive(secret []byte, label string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// NewAuditKeyring derives the audit keys from the server secrets: secrets[0] is the current
// one. Separate labels keep these keys apart from each other and from the key that encrypts
// second-factor secrets.
func NewAuditKeyring(secrets ...[]byte) (*AuditKeyring, error) {
	if len(secrets) == 0 {
		return nil, errors.New("audit keyring: no secret")
	}
	k := &AuditKeyring{chain: map[string][]byte{}, public: map[string]ed25519.PublicKey{}}
	for i, s := range secrets {
		if len(s) < 32 {
			return nil, fmt.Errorf("audit keyring: secret %d is %d bytes, want at least 32", i, len(s))
		}
		ck := derive(s, "casereview audit chain HMAC-SHA256 v1")
		id := hex.EncodeToString(derive(ck, "key id")[:6])
		k.chain[id] = ck
		if i == 0 {
			k.current = id
		}
		sk := ed25519.NewKeyFromSeed(derive(s, "casereview audit checkpoint Ed25519 v1"))
		k.signers = append(k.signers, sk)
		pub := sk.Public().(ed25519.PublicKey)
		k.public[SignerID(pub)] = pub
	}
	return k, nil
}

// CurrentID is the id of the key new chain segments are keyed with.
func (k *AuditKeyring) CurrentID() string { return k.current }

// ChainKey returns the chain key with this id, if held.
func (k *AuditKeyring) ChainKey(id string) ([]byte, bool) {
	if k == nil {
		return nil, false
	}
	b, ok := k.chain[id]
	return b, ok
}

// PublicKey is the current checkpoint-signing public key (it may be published: it lets anyone
// check checkpoints, not make them).
func (k *AuditKeyring) PublicKey() ed25519.PublicKey {
	return k.signers[0].Public().(ed25519.PublicKey)
}

// SignerID names a checkpoint-signing public key: the first 12 hex digits of its SHA-256.
func SignerID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:6])
}

// ChainKeyedDetail is the after-JSON of an AuditChainKeyed marker.
type ChainKeyedDetail struct {
	KeyID         string `json:"key_id"`
	PreviousKeyID string `json:"previous_key_id,omitempty"`
}

// Checkpoint is a signed statement of the chain's head at a time.
type Checkpoint struct {
	Seq       int64     `json:"seq"`
	Hash      string    `json:"hash"`
	KeyID     string    `json:"key_id"` // the chain key in force at Seq ("" before the chain was keyed)
	At        time.Time `json:"at"`
	Signer    string    `json:"signer"`
	Signature string    `json:"signature"` // base64url Ed25519 over the other fields' canonical JSON
}

func (c Checkpoint) signed() []byte {
	b, _ := json.Marshal(struct {
		V      int    `json:"v"`
		Seq    int64  `json:"seq"`
		Hash   string `json:"hash"`
		KeyID  string `json:"key_id"`
		At     string `json:"at"`
		Signer string `json:"signer"`
	}{1, c.Seq, c.Hash, c.KeyID, c.At.UTC().Format(time.RFC3339Nano), c.Signer})
	return b
}

// Sign makes a checkpoint of the head seq/hash at the time at.
func (k *AuditKeyring) Sign(seq int64, hash, keyID string, at time.Time) Checkpoint {
	c := Checkpoint{Seq: seq, Hash: hash, KeyID: keyID, At: at.UTC(), Signer: SignerID(k.PublicKey())}
	c.Signature = base64.RawURLEncoding.EncodeToString(ed25519.Sign(k.signers[0], c.signed()))
	return c
}

// CheckSignature reports whether c was signed by a key of this keyring.
func (k *AuditKeyring) CheckSignature(c Checkpoint) error {
	if k == nil {
		return errors.New("no audit key is configured to check checkpoints with")
	}
	pub, ok := k.public[c.Signer]
	if !ok {
		return fmt.Errorf("signed by %q, not by this server's key (nor an old one kept for rotation)", c.Signer)
	}
	sig, err := base64.RawURLEncoding.DecodeString(c.Signature)
	if err != nil || !ed25519.Verify(pub, c.signed(), sig) {
		return errors.New("its signature does not match its contents: the checkpoint was altered or forged")
	}
	return nil
}

// ComputeMAC returns the HMAC-SHA256 under key of e's canonical encoding (which includes the
// previous hash): the hash of an event in the keyed chain.
func (e AuditEvent) ComputeMAC(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(e.canonical())
	return hex.EncodeToString(m.Sum(nil))
}

// ParseCheckpoints reads checkpoints written one JSON object a line (the checkpoint file and
// the log's lines pasted together) or as one JSON array. Blank lines are skipped.
func ParseCheckpoints(b []byte) ([]Checkpoint, error) {
	t := bytes.TrimSpace(b)
	if len(t) > 0 && t[0] == '[' {
		var out []Checkpoint
		if err := json.Unmarshal(t, &out); err != nil {
			return nil, &Error{Code: CodeInvalid, Message: "checkpoints: not a JSON array of checkpoints",
				Fields: []FieldError{{Field: "checkpoints", Code: "invalid", Message: err.Error()}}}
		}
		return out, nil
	}
	var out []Checkpoint
	var fields []FieldError
	for i, line := range bytes.Split(t, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var c Checkpoint
		if err := json.Unmarshal(line, &c); err != nil || c.Signature == "" {
			fields = append(fields, FieldError{Field: fmt.Sprintf("line %d", i+1), Code: "invalid", Message: "not a signed checkpoint (one JSON object a line)"})
			continue
		}
		out = append(out, c)
	}
	if len(fields) > 0 {
		return nil, &Error{Code: CodeInvalid, Message: "checkpoints: some lines are not checkpoints", Fields: fields}
	}
	return out, nil
}
