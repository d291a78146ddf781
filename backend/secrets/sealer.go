package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Sealer protects what the database must keep but must not hold in the
// clear, with the data key that lives only in the OS keychain:
//   - reversible secrets (TOTP seeds) are sealed with AES-256-GCM;
//   - short secrets a person types (recovery codes) are kept as keyed
//     digests, so a stolen database file alone cannot be brute-forced.
//
// Two sub-keys are derived from the data key, one per use, so a digest can
// never be mistaken for (or help to break) a ciphertext.
type Sealer struct {
	aead   cipher.AEAD
	macKey []byte
}

// ErrSealed means a sealed value could not be opened: wrong key, tampered
// bytes, or bytes moved to another row (the associated data differs).
var ErrSealed = errors.New("secrets: sealed value cannot be opened")

// NewSealer derives the sealing and digest keys from a 32-byte data key.
func NewSealer(dataKey []byte) (*Sealer, error) {
	if len(dataKey) != 32 {
		return nil, fmt.Errorf("secrets: data key must be 32 bytes, got %d", len(dataKey))
	}
	encKey, err := hkdf.Key(sha256.New, dataKey, nil, "admin-console seal v1", 32)
	if err != nil {
		return nil, err
	}
	macKey, err := hkdf.Key(sha256.New, dataKey, nil, "admin-console digest v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, macKey: macKey}, nil
}

// Seal encrypts plain, binding it to ad (say, the owning user's ID and what
// the value is) so sealed bytes copied to another row do not open there.
// The result is nonce || ciphertext.
func (s *Sealer) Seal(plain, ad []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plain, ad), nil
}

// Open reverses Seal with the same ad.
func (s *Sealer) Open(sealed, ad []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrSealed
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, ErrSealed
	}
	return plain, nil
}

// Digest is HMAC-SHA256 over the parts, each length-prefixed so that
// ("ab","c") and ("a","bc") differ.
func (s *Sealer) Digest(parts ...string) []byte {
	m := hmac.New(sha256.New, s.macKey)
	for _, p := range parts {
		var n [4]byte
		l := len(p)
		n[0], n[1], n[2], n[3] = byte(l>>24), byte(l>>16), byte(l>>8), byte(l)
		m.Write(n[:])
		m.Write([]byte(p))
	}
	return m.Sum(nil)
}
