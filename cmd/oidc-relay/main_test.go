package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeRelaysAndStops(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, slog.New(slog.NewTextHandler(logs, nil))) }()

	base := "http://" + ln.Addr().String()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(base+"/apple/callback", url.Values{"code": {"THE-CODE"}, "state": {"50000.r4nd"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "http://127.0.0.1:50000/callback?") {
		t.Fatalf("relay: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = client.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "ok\n" {
		t.Fatalf("healthz: %d %q", resp.StatusCode, body)
	}

	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve after shutdown: %v", err)
	}
	if strings.Contains(logs.String(), "THE-CODE") || strings.Contains(logs.String(), "r4nd") {
		t.Fatalf("the log shows the code or state:\n%s", logs)
	}
}

func TestAppleClientSecretCommand(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	keyFile := filepath.Join(t.TempDir(), "AuthKey_KEYID12345.p8")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"apple-client-secret", "-team-id", "TEAMID1234", "-key-id", "KEYID12345", "-client-id", "com.example.signin", "-key", keyFile}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	jws, err := jose.ParseSigned(strings.TrimSpace(out.String()), []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(&k.PublicKey)
	if err != nil || !strings.Contains(string(payload), `"sub":"com.example.signin"`) {
		t.Fatalf("secret %s: %v", payload, err)
	}
	if !strings.Contains(errOut.String(), "valid until") {
		t.Fatalf("stderr: %s", errOut.String())
	}

	if code := run(append(args, "-days", "200"), io.Discard, io.Discard); code != 1 {
		t.Errorf("200 days (beyond Apple's six months): exit %d, want 1", code)
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"-no-such-flag"},
		{"apple-client-secret", "-no-such-flag"},
	} {
		if code := run(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	for _, args := range [][]string{
		{"-listen", "127.0.0.1:notaport"},
		{"apple-client-secret", "-key", filepath.Join(t.TempDir(), "absent.p8")},
	} {
		if code := run(args, io.Discard, io.Discard); code != 1 {
			t.Errorf("%v: exit %d, want 1", args, code)
		}
	}
}
