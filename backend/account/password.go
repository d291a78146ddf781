package account

import (
	"bufio"
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"admin-console/backend/apperr"
)

// PasswordParams are OWASP's minimum argon2id parameters (m=19 MiB, t=2, p=1).
// Raising them makes every stored hash rehash at its owner's next sign-in.
var PasswordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

//go:embed common_passwords.txt
var commonPasswordFile string

var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 50000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordFile))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
})

// ValidatePassword applies NIST 800-63B's rules: a length between 12 and 128
// characters, no composition rules, and not one of the most common passwords.
func ValidatePassword(field, pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return apperr.Field(field, "password.invalid")
	case n < MinPasswordLen:
		return apperr.Field(field, "password.too_short").With("Count", MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.Field(field, "password.too_long").With("Count", MaxPasswordLen)
	}
	if _, common := commonPasswords()[strings.ToLower(pw)]; common {
		return apperr.Field(field, "password.too_common")
	}
	return nil
}

// IsCommonPassword reports whether pw is in the shipped list.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// hashPassword returns an argon2id PHC string.
func hashPassword(pw string) (string, error) {
	return argon2id.CreateHash(pw, PasswordParams)
}

// checkPassword reports whether pw matches hash and whether the hash was made
// with other parameters than today's and should be replaced.
func checkPassword(pw, hash string) (ok, rehash bool, err error) {
	ok, params, err := argon2id.CheckHash(pw, hash)
	if err != nil || !ok {
		return false, false, err
	}
	rehash = params.Memory != PasswordParams.Memory || params.Iterations != PasswordParams.Iterations ||
		params.Parallelism != PasswordParams.Parallelism || params.KeyLength != PasswordParams.KeyLength
	return true, rehash, nil
}

// dummyHash is compared against when an email has no account, so a failed
// sign-in takes as long whether or not the email exists.
var dummyHash = sync.OnceValue(func() string {
	h, _ := hashPassword("not a real password, used only for timing")
	return h
})
