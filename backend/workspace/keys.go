package workspace

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/org"
	"admin-console/backend/tokens"
)

// Key states, derived from the row and the clock.
const (
	KeyActive   = "active"
	KeyRotating = "rotating" // replaced, valid until its grace period ends
	KeyExpired  = "expired"
	KeyRevoked  = "revoked"
)

// MaxRotationGrace is the longest an old key may keep working after rotation.
const MaxRotationGrace = 24 * time.Hour

// MaxKeyLifetime bounds an expiry date.
const MaxKeyLifetime = 5 * 365 * 24 * time.Hour

var modelPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$`)

// MaxAllowedModels bounds a key's model list.
const MaxAllowedModels = 50

// Key is an API key as the list shows it; the secret is never here.
type Key struct {
	ID            string
	Name          string
	DisplayPrefix string
	AllowedModels []string
	CreatedBy     string // the creator's name
	CreatedAt     time.Time
	ExpiresAt     *time.Time
	LastUsedAt    *time.Time
	GraceUntil    *time.Time
	Status        string
}

// NewKey is a key just made, with its secret, shown once.
type NewKey struct {
	Key
	Secret string
}

// KeyInput describes a key to create.
type KeyInput struct {
	Name          string
	ExpiresAt     *time.Time
	AllowedModels []string
}

func (s *Service) validateKey(in KeyInput) (KeyInput, error) {
	name, err := org.NormalizeName("name", in.Name)
	if err != nil {
		return KeyInput{}, err
	}
	in.Name = name
	if in.ExpiresAt != nil {
		switch d := in.ExpiresAt.Sub(s.now()); {
		case d <= 0:
			return KeyInput{}, apperr.Field("expiresAt", "key.expiry_past")
		case d > MaxKeyLifetime:
			return KeyInput{}, apperr.Field("expiresAt", "key.expiry_too_far")
		}
	}
	models, err := ValidModels("allowedModels", in.AllowedModels)
	in.AllowedModels = models
	return in, err
}

// ValidModels checks and de-duplicates a list of model names.
func ValidModels(field string, models []string) ([]string, error) {
	if len(models) > MaxAllowedModels {
		return nil, apperr.Field(field, "model.too_many").With("Count", MaxAllowedModels)
	}
	seen := map[string]bool{}
	out := []string{}
	for _, m := range models {
		if !modelPattern.MatchString(m) {
			return nil, apperr.Field(field, "model.invalid").With("Model", m)
		}
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	return out, nil
}

// CreateKey issues a key in a workspace. It asks for a recent password proof.
func (s *Service) CreateKey(ctx context.Context, a org.Actor, wsID string, in KeyInput) (NewKey, error) {
	in, err := s.validateKey(in)
	if err != nil {
		return NewKey{}, err
	}
	var out NewKey
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.keyAccess(ctx, tx, a, wsID, true); err != nil {
			return err
		}
		out, err = s.insertKey(ctx, tx, a, wsID, in, "")
		if err != nil {
			return err
		}
		return s.record(ctx, tx, a, "api_key.created", "api_key", out.ID, wsID, map[string]any{
			"name": in.Name, "prefix": out.DisplayPrefix, "allowedModels": in.AllowedModels, "expiresAt": out.ExpiresAt})
	})
	return out, err
}

// keyAccess checks the actor may manage keys in a live workspace, and, for
// issuing secrets, that they proved their password recently.
func (s *Service) keyAccess(ctx context.Context, tx *sql.Tx, a org.Actor, wsID string, issuing bool) error {
	w, x, err := s.open(ctx, tx, a, wsID)
	if err != nil {
		return err
	}
	if !x.keys() {
		return org.ErrForbidden()
	}
	if err := live(w); err != nil {
		return err
	}
	if issuing {
		return s.recentAuth(ctx, tx, a)
	}
	return nil
}

func (s *Service) insertKey(ctx context.Context, tx *sql.Tx, a org.Actor, wsID string, in KeyInput, rotatedFrom string) (NewKey, error) {
	secret, err := tokens.New(tokens.APIKey)
	if err != nil {
		return NewKey{}, err
	}
	now := s.now()
	k := NewKey{Secret: secret, Key: Key{ID: newID(), Name: in.Name, DisplayPrefix: tokens.DisplayPrefix(secret),
		AllowedModels: in.AllowedModels, CreatedAt: now, ExpiresAt: in.ExpiresAt, Status: KeyActive}}
	var expires any
	if in.ExpiresAt != nil {
		expires = ts(*in.ExpiresAt)
	}
	models, _ := json.Marshal(in.AllowedModels)
	var from any
	if rotatedFrom != "" {
		from = rotatedFrom
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO api_keys(id, workspace_id, name, display_prefix, secret_hash, allowed_models,
		created_by, created_at, expires_at, rotated_from) VALUES (?,?,?,?,?,?,?,?,?,?)`, k.ID, wsID, k.Name, k.DisplayPrefix,
		tokens.Digest(secret), string(models), a.UserID, ts(now), expires, from)
	return k, err
}

const keyCols = `k.id, k.name, k.display_prefix, k.allowed_models,
	COALESCE((SELECT first_name || ' ' || last_name FROM users WHERE id = k.created_by), ''),
	k.created_at, k.expires_at, k.last_used_at, k.grace_until, k.revoked_at`

func scanKey(r rowScanner, now time.Time) (Key, error) {
	var k Key
	var models, created string
	var expires, used, grace, revoked sql.NullString
	if err := r.Scan(&k.ID, &k.Name, &k.DisplayPrefix, &models, &k.CreatedBy, &created, &expires, &used, &grace, &revoked); err != nil {
		return Key{}, err
	}
	_ = json.Unmarshal([]byte(models), &k.AllowedModels)
	k.CreatedAt, k.ExpiresAt, k.LastUsedAt, k.GraceUntil = parseTS(created), parseTSPtr(expires), parseTSPtr(used), parseTSPtr(grace)
	k.Status = status(now, revoked.Valid, k.ExpiresAt, k.GraceUntil)
	return k, nil
}

func status(now time.Time, revoked bool, expires, grace *time.Time) string {
	switch {
	case revoked:
		return KeyRevoked
	case grace != nil && !now.Before(*grace):
		return KeyRevoked // its rotation's grace period is over
	case expires != nil && !now.Before(*expires):
		return KeyExpired
	case grace != nil:
		return KeyRotating
	}
	return KeyActive
}

// KeyPage is one page of keys and how many there are in all.
type KeyPage struct {
	Keys  []Key
	Total int
}

// Keys lists a workspace's keys, newest first.
func (s *Service) Keys(ctx context.Context, a org.Actor, wsID string, offset, limit int) (KeyPage, error) {
	if _, _, err := s.open(ctx, s.DB, a, wsID); err != nil {
		return KeyPage{}, err
	}
	limit, offset = page(limit, offset)
	var out KeyPage
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_keys WHERE workspace_id = ?`, wsID).Scan(&out.Total); err != nil {
		return KeyPage{}, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.workspace_id = ?
		ORDER BY k.created_at DESC, k.id DESC LIMIT ? OFFSET ?`, wsID, limit, offset)
	if err != nil {
		return KeyPage{}, err
	}
	defer rows.Close()
	now := s.now()
	out.Keys = []Key{}
	for rows.Next() {
		k, err := scanKey(rows, now)
		if err != nil {
			return KeyPage{}, err
		}
		out.Keys = append(out.Keys, k)
	}
	return out, rows.Err()
}

func (s *Service) loadKey(ctx context.Context, q org.Querier, wsID, keyID string) (Key, error) {
	k, err := scanKey(q.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys k WHERE k.id = ? AND k.workspace_id = ?`, keyID, wsID), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return Key{}, apperr.New("key.not_found")
	}
	return k, err
}

// RevokeKey ends a key at once.
func (s *Service) RevokeKey(ctx context.Context, a org.Actor, wsID, keyID string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.keyAccess(ctx, tx, a, wsID, false); err != nil && apperr.Code(err) != "workspace.archived" {
			return err
		}
		k, err := s.loadKey(ctx, tx, wsID, keyID)
		if err != nil {
			return err
		}
		if k.Status == KeyRevoked {
			return apperr.New("key.already_revoked")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = ? WHERE id = ?`, ts(s.now()), keyID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "api_key.revoked", "api_key", keyID, wsID, map[string]any{"name": k.Name, "prefix": k.DisplayPrefix})
	})
}

// RotateKey issues a new secret for a key (same name, models and expiry);
// the old one keeps working for grace (at most 24 hours; 0 ends it at once).
func (s *Service) RotateKey(ctx context.Context, a org.Actor, wsID, keyID string, grace time.Duration) (NewKey, error) {
	if grace < 0 || grace > MaxRotationGrace {
		return NewKey{}, apperr.Field("grace", "key.grace_too_long").With("Count", int(MaxRotationGrace.Hours()))
	}
	var out NewKey
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.keyAccess(ctx, tx, a, wsID, true); err != nil {
			return err
		}
		old, err := s.loadKey(ctx, tx, wsID, keyID)
		if err != nil {
			return err
		}
		if old.Status != KeyActive {
			return apperr.New("key.not_active")
		}
		out, err = s.insertKey(ctx, tx, a, wsID, KeyInput{Name: old.Name, ExpiresAt: old.ExpiresAt, AllowedModels: old.AllowedModels}, old.ID)
		if err != nil {
			return err
		}
		until := s.now().Add(grace)
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET grace_until = ? WHERE id = ?`, ts(until), keyID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "api_key.rotated", "api_key", keyID, wsID, map[string]any{
			"name": old.Name, "oldPrefix": old.DisplayPrefix, "newKey": out.ID, "newPrefix": out.DisplayPrefix,
			"graceSeconds": int(grace.Seconds())})
	})
	return out, err
}

// KeyUse is what a gateway learns from a valid key.
type KeyUse struct {
	KeyID         string
	WorkspaceID   string
	OrgID         string
	AllowedModels []string
}

// VerifyKey checks a presented secret: well-formed (without the database),
// known, not revoked, expired or past its rotation grace, in a live
// workspace. It records the key's last use.
func (s *Service) VerifyKey(ctx context.Context, secret string) (KeyUse, error) {
	secret, err := tokens.Parse(tokens.APIKey, secret)
	if err != nil {
		return KeyUse{}, apperr.New("key.invalid")
	}
	var u KeyUse
	var models string
	var archived, expires, grace, revoked sql.NullString
	err = s.DB.QueryRowContext(ctx, `SELECT k.id, k.workspace_id, w.org_id, k.allowed_models, w.archived_at, k.expires_at,
		k.grace_until, k.revoked_at FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id WHERE k.secret_hash = ?`,
		tokens.Digest(secret)).Scan(&u.KeyID, &u.WorkspaceID, &u.OrgID, &models, &archived, &expires, &grace, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return KeyUse{}, apperr.New("key.invalid")
	}
	if err != nil {
		return KeyUse{}, err
	}
	now := s.now()
	if st := status(now, revoked.Valid, parseTSPtr(expires), parseTSPtr(grace)); archived.Valid || (st != KeyActive && st != KeyRotating) {
		return KeyUse{}, apperr.New("key.invalid")
	}
	_ = json.Unmarshal([]byte(models), &u.AllowedModels)
	// Last use to the minute is what the list shows; writing it on every
	// request would make each verification a write.
	_, err = s.DB.ExecContext(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		ts(now), u.KeyID, ts(now.Add(-time.Minute)))
	return u, err
}
