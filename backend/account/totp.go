package account

import (
	"bytes"
	"crypto/subtle"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// TOTP as RFC 6238 describes it and authenticator apps expect it: HMAC-SHA1,
// six digits, a 30-second step, and one step of tolerance either way for
// clocks that drift and people who type slowly.
const (
	totpPeriod  = 30
	totpDigits  = otp.DigitsSix
	totpSkew    = 1
	totpIssuer  = "Admin Console"
	qrCodePixel = 240
)

// totpStep is the RFC 6238 time step T = floor((t - T0) / X) with T0 = 0.
func totpStep(t time.Time) uint64 { return uint64(t.Unix()) / totpPeriod }

// totpCode is the code of secret (base32) at step, with the given length and
// hash; the app uses six digits and SHA-1, the RFC's vectors use eight and all
// three hashes.
func totpCode(secret string, step uint64, digits otp.Digits, alg otp.Algorithm) (string, error) {
	return hotp.GenerateCodeCustom(secret, step, hotp.ValidateOpts{Digits: digits, Algorithm: alg})
}

// matchTOTP returns the step, within the tolerance around now, whose code is
// code. It compares every candidate in constant time and does not stop at
// the first match, so timing says nothing about which step matched.
func matchTOTP(secret, code string, now time.Time) (step uint64, ok bool) {
	cur := totpStep(now)
	for d := -totpSkew; d <= totpSkew; d++ {
		s := uint64(int64(cur) + int64(d))
		want, err := totpCode(secret, s, totpDigits, otp.AlgorithmSHA1)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// newTOTPKey makes a fresh 160-bit secret (RFC 4226's recommendation) with
// its otpauth:// address and the QR code of that address as a PNG.
func newTOTPKey(accountName string) (secret, uri string, qr []byte, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: accountName, Period: totpPeriod,
		SecretSize: 20, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return "", "", nil, err
	}
	img, err := key.Image(qrCodePixel, qrCodePixel)
	if err != nil {
		return "", "", nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", "", nil, err
	}
	return key.Secret(), key.URL(), buf.Bytes(), nil
}

// GroupSecret spaces a base32 secret in groups of four for people who type
// it into their authenticator app.
func GroupSecret(secret string) string {
	var b strings.Builder
	for i, r := range secret {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
