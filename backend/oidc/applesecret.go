package oidc

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AppleAudience is the aud of Apple's client-secret JWT.
const AppleAudience = "https://appleid.apple.com"

// MaxAppleSecretValidity is the longest life Apple accepts for a client
// secret: 15,777,000 seconds, about six months.
const MaxAppleSecretValidity = 15777000 * time.Second

// AppleClientSecret makes the client secret Apple's token endpoint wants: a
// JWT signed with ES256 by the "Sign in with Apple" private key (the
// AuthKey_<keyID>.p8 file, PEM PKCS#8), with iss = the team ID, sub = the
// Services ID (client_id), aud = https://appleid.apple.com, valid from now
// for valid (at most MaxAppleSecretValidity).
func AppleClientSecret(p8 []byte, teamID, keyID, clientID string, now time.Time, valid time.Duration) (string, error) {
	if teamID == "" || keyID == "" || clientID == "" {
		return "", errors.New("team ID, key ID and client ID are all required")
	}
	if valid <= 0 || valid > MaxAppleSecretValidity {
		return "", fmt.Errorf("validity must be between 1s and %s", MaxAppleSecretValidity)
	}
	key, err := parseP8(p8)
	if err != nil {
		return "", err
	}
	header, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": keyID, "typ": "JWT"})
	payload, _ := json.Marshal(map[string]any{
		"iss": teamID, "sub": clientID, "aud": AppleAudience,
		"iat": now.Unix(), "exp": now.Add(valid).Unix(),
	})
	signing := b64(header) + "." + b64(payload)
	digest := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64) // JWS ES256: r and s, 32 bytes each, big-endian
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signing + "." + b64(sig), nil
}

func parseP8(p8 []byte) (*ecdsa.PrivateKey, error) {
	block, _ := pem.Decode(p8)
	if block == nil {
		return nil, errors.New("the key is not PEM (expected Apple's AuthKey_<keyID>.p8)")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the key is not PKCS#8: %w", err)
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok || ec.Curve != elliptic.P256() {
		return nil, errors.New("the key is not a P-256 EC key")
	}
	return ec, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwtExpiry reads the exp claim of a JWT without verifying it (it is our
// own configured secret, read to warn before Apple refuses it).
func jwtExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var c struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Exp == nil {
		return time.Time{}, false
	}
	return time.Unix(int64(*c.Exp), 0), true
}
