package domaintest_test

import (
	"crypto/sha256"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"admin-console/backend/tokens"
)

// seedKeys inserts n keys straight into workspace wsID in one transaction,
// created a minute apart, some revoked, expiring, rotated or used; it returns
// one live key's secret.
func seedKeys(b *testing.B, e *env, wsID, createdBy string, n int) string {
	b.Helper()
	live, err := tokens.New(tokens.APIKey)
	if err != nil {
		b.Fatal(err)
	}
	err = e.db.Tx(e.ctx, func(tx *sql.Tx) error {
		ins, err := tx.Prepare(`INSERT INTO api_keys(id, workspace_id, name, display_prefix, secret_hash, allowed_models,
			created_by, created_at, expires_at, last_used_at, revoked_at, grace_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00") }
		for i := range n {
			created := start.Add(time.Duration(i-n) * time.Minute)
			var expires, used, revoked, grace any
			switch i % 10 {
			case 1:
				expires = stamp(created.Add(90 * 24 * time.Hour))
			case 2:
				revoked = stamp(created.Add(time.Hour))
			case 3:
				grace = stamp(created.Add(2 * time.Hour))
			case 4, 5, 6:
				used = stamp(created.Add(time.Duration(i%60) * time.Second))
			}
			hash := sha256.Sum256(fmt.Appendf(nil, "seed key %d", i))
			models := `[]`
			if i%3 == 0 {
				models = `["gpt-x","embed/v2"]`
			}
			if _, err := ins.Exec(fmt.Sprintf("seed-key-%06d", i), wsID, fmt.Sprintf("service %d", i%250), fmt.Sprintf("acsk_%07d", i),
				hash[:], models, createdBy, stamp(created), expires, used, revoked, grace); err != nil {
				return err
			}
		}
		_, err = tx.Exec(`INSERT INTO api_keys(id, workspace_id, name, display_prefix, secret_hash, created_by, created_at)
			VALUES ('live-key', ?, 'live', ?, ?, ?, ?)`, wsID, tokens.DisplayPrefix(live), tokens.Digest(live), createdBy, stamp(start))
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return live
}

// BenchmarkKeysPage serves one page of 50 of a workspace's 10,000 keys.
// Target: p95 under 20 ms.
func BenchmarkKeysPage(b *testing.B) {
	const keys = 10_000
	e := newEnv(b)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	live := seedKeys(b, e, w, o.ID, keys-1)
	for _, off := range []int{0, 5000, 9950} {
		b.Run(fmt.Sprintf("offset=%d", off), func(b *testing.B) {
			timePages(b, func() (int, error) {
				p, err := e.ws.Keys(e.ctx, o.Actor(), w, off, 50)
				if err == nil && p.Total != keys {
					err = fmt.Errorf("total %d", p.Total)
				}
				return len(p.Keys), err
			})
		})
	}
	b.Run("VerifyKey", func(b *testing.B) {
		timePages(b, func() (int, error) {
			_, err := e.ws.VerifyKey(e.ctx, live)
			return 0, err
		})
	})
}

// BenchmarkCandidates is the people picker of a workspace in an organization
// of 10,000 members, per keystroke. Target: p95 under 20 ms.
func BenchmarkCandidates(b *testing.B) {
	e := newEnv(b)
	o := e.signUp("olga@example.com", "Olga", "Owner")
	w := e.defaultWorkspace(o)
	seedMembers(b, e.db, o.OrgID, 9_999, start)
	for _, search := range []string{"", "mar", "Ødegaard", "nobody-matches-this"} {
		b.Run("search="+search, func(b *testing.B) {
			timePages(b, func() (int, error) {
				c, err := e.ws.Candidates(e.ctx, o.Actor(), w, search)
				return len(c), err
			})
		})
	}
}
