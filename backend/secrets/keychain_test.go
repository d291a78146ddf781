package secrets

import (
	"errors"
	"testing"
	"time"
)

// A keychain that never answers (a locked Secret Service waiting on a prompt)
// costs at most the timeout and reads as unavailable.
func TestHangingKeychainTimesOut(t *testing.T) {
	k := &OS{Service: "test", Timeout: 50 * time.Millisecond}
	release := make(chan struct{})
	defer close(release)
	start := time.Now()
	err := k.withTimeout(func() error { <-release; return nil })
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("waited %v for a keychain that never answers", waited)
	}
}

func TestNoSecretServiceIsUnavailableNotNotFound(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
	k := &OS{Service: "test", Timeout: 2 * time.Second}
	if _, err := k.Get("x"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get without a Secret Service: %v, want ErrUnavailable", err)
	}
	if err := k.Set("x", "y"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Set without a Secret Service: %v, want ErrUnavailable", err)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	m := NewMemory()
	k1, err := LoadOrCreateKey(m, "audit")
	if err != nil || len(k1) != 32 {
		t.Fatalf("first load: %x %v", k1, err)
	}
	k2, err := LoadOrCreateKey(m, "audit")
	if err != nil || string(k1) != string(k2) {
		t.Fatal("the key changed between loads")
	}
	if other, _ := LoadOrCreateKey(m, "other"); string(other) == string(k1) {
		t.Fatal("two accounts share a key")
	}
	_ = m.Set("bad", "not hex")
	if _, err := LoadOrCreateKey(m, "bad"); err == nil {
		t.Fatal("a malformed key was accepted")
	}
	m.Broken = true
	if _, err := LoadOrCreateKey(m, "fresh"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("broken keychain: %v", err)
	}
}
