package tokens_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"hash/crc32"
	"math/big"
	"strings"
	"testing"

	"admin-console/backend/tokens"
)

var kinds = []string{tokens.APIKey, tokens.Invitation}

const (
	alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	// a token is its prefix, 43 base62 digits of random and 6 of checksum
	bodyAndSum = 43 + 6
)

func TestNewParses(t *testing.T) {
	for _, kind := range kinds {
		seen := map[string]bool{}
		for range 1000 {
			s, err := tokens.New(kind)
			if err != nil {
				t.Fatal(err)
			}
			if len(s) != len(kind)+bodyAndSum || !strings.HasPrefix(s, kind) || strings.Trim(s[len(kind):], alphabet) != "" {
				t.Fatalf("New(%q) = %q", kind, s)
			}
			if seen[s] {
				t.Fatalf("New(%q) repeated %q", kind, s)
			}
			seen[s] = true
			got, err := tokens.Parse(kind, s)
			if err != nil || got != s {
				t.Fatalf("Parse(New()) = %q, %v", got, err)
			}
			// Surrounding space (a paste) is trimmed.
			if got, err := tokens.Parse(kind, " \t"+s+"\r\n"); err != nil || got != s {
				t.Fatalf("Parse(padded) = %q, %v", got, err)
			}
			// A secret of one kind is not one of the other.
			for _, other := range kinds {
				if other != kind {
					if _, err := tokens.Parse(other, s); !errors.Is(err, tokens.ErrMalformed) {
						t.Fatalf("%q parses as %q", s, other)
					}
				}
			}
		}
	}
}

// TestEverySingleCharacterChangeIsRejected is the property the checksum is
// there for: a typo in any one place, whatever the character typed instead
// (another letter or digit, the other case, punctuation), never parses.
// CRC-32 detects every error burst up to 32 bits long, so any change within
// one character of the checksummed text is caught, and the checksum digits
// themselves are compared as they are.
func TestEverySingleCharacterChangeIsRejected(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	replacements := []byte("0zZaA9_-. l1O")
	for _, kind := range kinds {
		for range n {
			s, err := tokens.New(kind)
			if err != nil {
				t.Fatal(err)
			}
			b := []byte(s)
			for i := range b {
				orig := b[i]
				cands := append([]byte{}, replacements...)
				cands = append(cands, flipCase(orig), alphabet[(strings.IndexByte(alphabet, orig)+1+len(alphabet))%len(alphabet)])
				for _, r := range cands {
					if r == orig {
						continue
					}
					b[i] = r
					if got, err := tokens.Parse(kind, string(b)); err == nil {
						t.Errorf("%q with position %d changed %q -> %q still parses (as %q)", s, i, orig, r, got)
					}
				}
				b[i] = orig
			}
			// Deleting or doubling any one character changes the length.
			for i := range s {
				if _, err := tokens.Parse(kind, s[:i]+s[i+1:]); err == nil {
					t.Errorf("%q without position %d parses", s, i)
				}
				if _, err := tokens.Parse(kind, s[:i]+s[i:i+1]+s[i:]); err == nil {
					t.Errorf("%q with position %d doubled parses", s, i)
				}
			}
			// Swapping two neighbours that differ.
			for i := 0; i+1 < len(s); i++ {
				if s[i] == s[i+1] {
					continue
				}
				sw := []byte(s)
				sw[i], sw[i+1] = sw[i+1], sw[i]
				if _, err := tokens.Parse(kind, string(sw)); err == nil {
					t.Errorf("%q with positions %d,%d swapped parses", s, i, i+1)
				}
			}
		}
	}
}

func flipCase(c byte) byte {
	switch {
	case c >= 'a' && c <= 'z':
		return c - 'a' + 'A'
	case c >= 'A' && c <= 'Z':
		return c - 'A' + 'a'
	}
	return c
}

func TestParseRejects(t *testing.T) {
	good, _ := tokens.New(tokens.APIKey)
	body := good[len(tokens.APIKey):]
	for _, s := range []string{
		"",
		tokens.APIKey,
		good[:len(good)-1],
		good + "0",
		"ACSK_" + body,
		"acsk-" + body,
		" acsk_ " + body,
		tokens.APIKey + strings.Repeat("0", bodyAndSum), // zero body: wrong checksum
		tokens.APIKey + strings.Repeat("Z", bodyAndSum), // over 2^256 and wrong checksum
		tokens.APIKey + "é" + body[2:],                  // a non-alphabet byte (2 bytes, same length)
		tokens.APIKey + body[:20] + "\x00" + body[21:],  // NUL
		tokens.APIKey + body[:20] + "+" + body[21:],     // sign characters big.Int might take
		tokens.APIKey + body[:20] + "_" + body[21:],     // underscore big.Int might take
	} {
		if got, err := tokens.Parse(tokens.APIKey, s); !errors.Is(err, tokens.ErrMalformed) || got != "" {
			t.Errorf("Parse(%q) = %q, %v", s, got, err)
		}
	}
}

// checksum is the format's checksum, written out again here: CRC-32 (IEEE)
// of prefix and body, in base62, padded to 6 digits.
func checksum(s string) string {
	return pad(new(big.Int).SetUint64(uint64(crc32.ChecksumIEEE([]byte(s)))).Text(62), 6)
}

func pad(s string, n int) string { return strings.Repeat("0", max(0, n-len(s))) + s }

// TestBodyRange: a well-checksummed body must also be a number New could
// make (below 2^256); 43 base62 digits reach past that.
func TestBodyRange(t *testing.T) {
	s, _ := tokens.New(tokens.APIKey)
	body := s[len(tokens.APIKey) : len(s)-6]
	if checksum(tokens.APIKey+body) != s[len(s)-6:] {
		t.Fatal("the test's checksum differs from the package's")
	}
	limit := new(big.Int).Lsh(big.NewInt(1), 256)
	for _, c := range []struct {
		n    *big.Int
		want bool
	}{
		{big.NewInt(0), true},
		{new(big.Int).Sub(limit, big.NewInt(1)), true},
		{limit, false},
		{new(big.Int).Sub(new(big.Int).Exp(big.NewInt(62), big.NewInt(43), nil), big.NewInt(1)), false}, // "ZZZ…Z"
	} {
		for _, kind := range kinds {
			b := pad(c.n.Text(62), 43)
			tok := kind + b + checksum(kind+b)
			if _, err := tokens.Parse(kind, tok); (err == nil) != c.want {
				t.Errorf("Parse(%q) err = %v, want accepted %v", tok, err, c.want)
			}
		}
	}
}

func TestDigestAndDisplayPrefix(t *testing.T) {
	s, _ := tokens.New(tokens.APIKey)
	sum := sha256.Sum256([]byte(s))
	if d := tokens.Digest(s); !bytes.Equal(d, sum[:]) || len(d) != 32 {
		t.Errorf("Digest = %x, want %x", d, sum)
	}
	if bytes.Equal(tokens.Digest(s), tokens.Digest(s+" ")) {
		t.Error("different secrets share a digest")
	}
	if p := tokens.DisplayPrefix(s); p != s[:12] || !strings.HasPrefix(p, tokens.APIKey) {
		t.Errorf("DisplayPrefix = %q", p)
	}
	inv, _ := tokens.New(tokens.Invitation)
	if p := tokens.DisplayPrefix(inv); p != inv[:12] {
		t.Errorf("DisplayPrefix = %q", p)
	}
	for _, short := range []string{"", "abc", "123456789012"} {
		if p := tokens.DisplayPrefix(short); p != short {
			t.Errorf("DisplayPrefix(%q) = %q", short, p)
		}
	}
	// The prefix shows 12 of 55 characters: 7 of the 43 random digits, far
	// too few to guess the rest from.
	if n := 12 - len(tokens.APIKey); n > 8 {
		t.Errorf("the display prefix shows %d random digits", n)
	}
}

// FuzzParse: Parse never panics; whatever it accepts is the trimmed input,
// has the kind's prefix and length, uses only the alphabet, and parses
// again to itself.
func FuzzParse(f *testing.F) {
	for _, kind := range kinds {
		s, _ := tokens.New(kind)
		f.Add(0, s)
		f.Add(1, s)
		f.Add(0, " "+s+" ")
		f.Add(0, s[:len(s)-1]+"0")
		f.Add(1, kind+strings.Repeat("Z", bodyAndSum))
	}
	f.Add(0, "")
	f.Add(1, "acinv_")
	f.Add(0, "acsk_\xff\xfe")
	f.Fuzz(func(t *testing.T, which int, s string) {
		kind := kinds[uint(which)%uint(len(kinds))]
		got, err := tokens.Parse(kind, s)
		if err != nil {
			if !errors.Is(err, tokens.ErrMalformed) || got != "" {
				t.Fatalf("Parse(%q) = %q, %v", s, got, err)
			}
			return
		}
		if got != strings.TrimSpace(s) || !strings.HasPrefix(got, kind) || len(got) != len(kind)+bodyAndSum ||
			strings.Trim(got[len(kind):], alphabet) != "" {
			t.Fatalf("Parse(%q) accepted %q", s, got)
		}
		again, err := tokens.Parse(kind, got)
		if err != nil || again != got {
			t.Fatalf("Parse(Parse(%q)) = %q, %v", s, again, err)
		}
	})
}
