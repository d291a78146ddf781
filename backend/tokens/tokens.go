// Package tokens makes and parses the app's bearer secrets (API keys and
// invitation tokens): a fixed prefix that names the kind, 256 random bits in
// base62, and a CRC32 checksum, so that a typo or a secret scanner can reject
// a string without asking the database. Only SHA-256 digests are stored.
package tokens

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"math/big"
	"strings"
)

const (
	alphabet  = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	bodyBytes = 32 // 256 random bits
	bodyLen   = 43 // base62 digits that hold 256 bits (62^43 > 2^256)
	sumLen    = 6  // base62 digits that hold a CRC32 (62^6 > 2^32)
)

// Kinds of secret, by prefix.
const (
	APIKey     = "acsk_"
	Invitation = "acinv_"
)

// ErrMalformed means the string is not a well-formed secret of the kind.
var ErrMalformed = errors.New("tokens: malformed")

// New returns a fresh secret of the kind named by prefix.
func New(prefix string) (string, error) {
	raw := make([]byte, bodyBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	body := pad(new(big.Int).SetBytes(raw).Text(62), bodyLen)
	return prefix + body + checksum(prefix+body), nil
}

// Parse checks that s is a well-formed secret of the kind and returns it
// trimmed of surrounding space.
func Parse(prefix, s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) != len(prefix)+bodyLen+sumLen || !strings.HasPrefix(s, prefix) {
		return "", ErrMalformed
	}
	rest := s[len(prefix):]
	for i := 0; i < len(rest); i++ {
		if strings.IndexByte(alphabet, rest[i]) < 0 {
			return "", ErrMalformed
		}
	}
	body, sum := rest[:bodyLen], rest[bodyLen:]
	if checksum(prefix+body) != sum {
		return "", ErrMalformed
	}
	// The body must be a number below 2^256 that New could have made.
	if n, ok := new(big.Int).SetString(body, 62); !ok || n.BitLen() > bodyBytes*8 {
		return "", ErrMalformed
	}
	return s, nil
}

// Digest is what the database keeps of a secret.
func Digest(secret string) []byte {
	d := sha256.Sum256([]byte(secret))
	return d[:]
}

// DisplayPrefix is the start of a secret shown to recognize it by.
func DisplayPrefix(secret string) string {
	const n = 12
	if len(secret) <= n {
		return secret
	}
	return secret[:n]
}

func checksum(s string) string {
	return pad(new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(s)))).Text(62), sumLen)
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}
