// Package secrets talks to the OS keychain (macOS Keychain, Windows Credential
// Manager, the Secret Service on Linux) through go-keyring. Every call has a
// deadline: a locked or absent keychain must never hang the UI.
package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name every item of the app is stored under.
const Service = "Admin Console"

// ErrNotFound means the keychain answered and holds no such item.
var ErrNotFound = errors.New("secrets: item not found")

// ErrUnavailable means no keychain answered in time (none installed, locked,
// or refusing): callers degrade instead of writing secrets anywhere else.
var ErrUnavailable = errors.New("secrets: keychain unavailable")

// Keychain stores small secrets under a service and an account name.
type Keychain interface {
	Get(account string) (string, error)
	Set(account, secret string) error
	Delete(account string) error
}

// OS is the operating system's keychain with a timeout on each call.
type OS struct {
	Service string
	Timeout time.Duration
}

// NewOS returns the OS keychain for the app's service name.
func NewOS() *OS { return &OS{Service: Service, Timeout: 3 * time.Second} }

func (k *OS) Get(account string) (string, error) {
	var out string
	err := k.withTimeout(func() error {
		s, err := keyring.Get(k.Service, account)
		out = s
		return err
	})
	return out, err
}

func (k *OS) Set(account, secret string) error {
	return k.withTimeout(func() error { return keyring.Set(k.Service, account, secret) })
}

func (k *OS) Delete(account string) error {
	return k.withTimeout(func() error { return keyring.Delete(k.Service, account) })
}

// withTimeout runs fn in its own goroutine so that a keychain that never
// answers (a locked Secret Service waiting on a prompt) costs at most Timeout.
func (k *OS) withTimeout(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		switch {
		case err == nil:
			return nil
		case errors.Is(err, keyring.ErrNotFound):
			return ErrNotFound
		default:
			return errors.Join(ErrUnavailable, err)
		}
	case <-time.After(k.Timeout):
		return ErrUnavailable
	}
}

// Memory is an in-process keychain for tests where the keychain itself is not
// what is under test.
type Memory struct {
	mu    sync.Mutex
	items map[string]string
	// Broken makes every call fail as an absent keychain would.
	Broken bool
}

func NewMemory() *Memory { return &Memory{items: map[string]string{}} }

func (m *Memory) Get(account string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Broken {
		return "", ErrUnavailable
	}
	s, ok := m.items[account]
	if !ok {
		return "", ErrNotFound
	}
	return s, nil
}

func (m *Memory) Set(account, secret string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Broken {
		return ErrUnavailable
	}
	m.items[account] = secret
	return nil
}

func (m *Memory) Delete(account string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Broken {
		return ErrUnavailable
	}
	if _, ok := m.items[account]; !ok {
		return ErrNotFound
	}
	delete(m.items, account)
	return nil
}

// LoadOrCreateKey returns the 32-byte key kept under account, creating and
// storing a new random one the first time. It returns ErrUnavailable when no
// keychain answers: the key is then never written anywhere else.
func LoadOrCreateKey(kc Keychain, account string) ([]byte, error) {
	s, err := kc.Get(account)
	if err == nil {
		key, derr := hex.DecodeString(s)
		if derr == nil && len(key) == 32 {
			return key, nil
		}
		return nil, fmt.Errorf("secrets: key %q in the keychain is malformed", account)
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := kc.Set(account, hex.EncodeToString(key)); err != nil {
		return nil, err
	}
	return key, nil
}
