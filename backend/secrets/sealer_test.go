package secrets

import (
	"bytes"
	"crypto/rand"
	"errors"
	"testing"
)

func newTestSealer(t *testing.T) *Sealer {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealerRoundTripAndBinding(t *testing.T) {
	s := newTestSealer(t)
	plain := []byte("JBSWY3DPEHPK3PXP")
	sealed, err := s.Seal(plain, []byte("user-1/totp"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, plain) {
		t.Fatal("sealed bytes hold the plain text")
	}
	got, err := s.Open(sealed, []byte("user-1/totp"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open(sealed, []byte("user-2/totp")); !errors.Is(err, ErrSealed) {
		t.Fatalf("opened under another user's binding: %v", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := s.Open(sealed, []byte("user-1/totp")); !errors.Is(err, ErrSealed) {
		t.Fatalf("opened tampered bytes: %v", err)
	}
	if _, err := s.Open([]byte("short"), nil); !errors.Is(err, ErrSealed) {
		t.Fatalf("opened short input: %v", err)
	}
	other := newTestSealer(t)
	sealed[len(sealed)-1] ^= 1
	if _, err := other.Open(sealed, []byte("user-1/totp")); !errors.Is(err, ErrSealed) {
		t.Fatalf("opened with another data key: %v", err)
	}
}

func TestSealerDigestKeyedAndUnambiguous(t *testing.T) {
	s, o := newTestSealer(t), newTestSealer(t)
	if bytes.Equal(s.Digest("a", "bc"), s.Digest("ab", "c")) {
		t.Fatal("digest parts are ambiguous")
	}
	if !bytes.Equal(s.Digest("u", "code"), s.Digest("u", "code")) {
		t.Fatal("digest not deterministic")
	}
	if bytes.Equal(s.Digest("u", "code"), o.Digest("u", "code")) {
		t.Fatal("digest does not depend on the data key")
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Fatal("accepted a short key")
	}
}
