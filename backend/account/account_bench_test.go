package account_test

import (
	"context"
	"path/filepath"
	"testing"

	"admin-console/backend/account"
	"admin-console/backend/audit"
	"admin-console/backend/store"
)

type benchDefaults struct{}

func (benchDefaults) OrgName(_, first, last string) string { return first + " " + last }
func (benchDefaults) WorkspaceName(string) string          { return "Default" }

func benchAccounts(b *testing.B) (*account.Service, account.Signed) {
	b.Helper()
	db, err := store.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	s := &account.Service{DB: db, Audit: audit.New(make([]byte, 32)), Defaults: benchDefaults{}}
	signed, err := s.SignUp(context.Background(), account.SignUpInput{Email: "bench@example.com", FirstName: "B",
		LastName: "M", Password: "benchmarks measure things", Language: "en"})
	if err != nil {
		b.Fatal(err)
	}
	return s, signed
}

// BenchmarkSignIn is dominated by argon2id (m=19 MiB, t=2, p=1) by design.
func BenchmarkSignIn(b *testing.B) {
	s, _ := benchAccounts(b)
	for b.Loop() {
		if _, err := s.SignIn(context.Background(), "bench@example.com", "benchmarks measure things", "bench"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuthenticate is paid by every bound call that needs the session.
func BenchmarkAuthenticate(b *testing.B) {
	s, signed := benchAccounts(b)
	for b.Loop() {
		if _, err := s.Authenticate(context.Background(), signed.Token); err != nil {
			b.Fatal(err)
		}
	}
}
