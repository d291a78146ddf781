package oidc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"admin-console/backend/oidc"
)

// p8Key is a fresh key in the format of Apple's AuthKey_<id>.p8 files.
func p8Key(t *testing.T) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pemPKCS8(t, k)
}

func pemPKCS8(t *testing.T, k any) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func TestAppleClientSecret(t *testing.T) {
	p8 := p8Key(t)
	now := time.Unix(1_800_000_000, 0)
	jwt, err := oidc.AppleClientSecret(p8, "TEAMID1234", "KEYID12345", "com.example.signin", now, 180*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	// Verified by an independent JOSE implementation with the public key.
	block, _ := pem.Decode(p8)
	k, _ := x509.ParsePKCS8PrivateKey(block.Bytes)
	jws, err := jose.ParseSigned(jwt, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(&k.(*ecdsa.PrivateKey).PublicKey)
	if err != nil {
		t.Fatalf("signature: %v", err)
	}
	if h := jws.Signatures[0].Header; h.KeyID != "KEYID12345" || h.Algorithm != "ES256" {
		t.Fatalf("header %+v", h)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"iss": "TEAMID1234", "sub": "com.example.signin", "aud": "https://appleid.apple.com",
		"iat": float64(now.Unix()), "exp": float64(now.Add(180 * 24 * time.Hour).Unix())}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %v, want %v", k, c[k], v)
		}
	}
}

func TestAppleClientSecretRefuses(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	good, now := p8Key(t), time.Now()
	for name, call := range map[string]func() (string, error){
		"longer than six months": func() (string, error) {
			return oidc.AppleClientSecret(good, "T", "K", "C", now, oidc.MaxAppleSecretValidity+time.Second)
		},
		"no team": func() (string, error) { return oidc.AppleClientSecret(good, "", "K", "C", now, time.Hour) },
		"not PEM": func() (string, error) { return oidc.AppleClientSecret([]byte("xyz"), "T", "K", "C", now, time.Hour) },
		"RSA key": func() (string, error) {
			return oidc.AppleClientSecret(pemPKCS8(t, rsaKey), "T", "K", "C", now, time.Hour)
		},
		"P-384 key": func() (string, error) {
			return oidc.AppleClientSecret(pemPKCS8(t, p384), "T", "K", "C", now, time.Hour)
		},
	} {
		if s, err := call(); err == nil {
			t.Errorf("%s: got %q, want an error", name, s)
		}
	}
}
