package account

import "github.com/pquerna/otp"

// Exported for the black-box tests: the RFC 6238 vectors use eight digits
// and three hashes, which the app itself never does.
var (
	TOTPStep = totpStep
	TOTPCode = func(secret string, step uint64, digits int, alg string) (string, error) {
		a := map[string]otp.Algorithm{"SHA1": otp.AlgorithmSHA1, "SHA256": otp.AlgorithmSHA256, "SHA512": otp.AlgorithmSHA512}[alg]
		return totpCode(secret, step, otp.Digits(digits), a)
	}
)
