package auditlog

import (
	"strconv"
	"strings"
	"testing"

	"admin-console/backend/apperr"
)

// FuzzParseRetention: whatever is typed, the days are a whole number from 1
// to 3650 exactly as typed (spaces around allowed), or a field error.
func FuzzParseRetention(f *testing.F) {
	for _, s := range []string{"365", "1", "3650", "0", "3651", "-1", "", " 30 ", "12.5", "1e3", "٣٠", "+30", "0030", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		days, err := ParseRetention(raw)
		n, convErr := strconv.Atoi(strings.TrimSpace(raw))
		valid := convErr == nil && n >= MinRetentionDays && n <= MaxRetentionDays
		if valid != (err == nil) {
			t.Fatalf("ParseRetention(%q) = %d, %v", raw, days, err)
		}
		if err != nil {
			ae := apperr.As(err)
			if ae.Code != "audit.retention_invalid" || ae.Field != "retentionDays" {
				t.Fatalf("ParseRetention(%q) error %+v", raw, ae)
			}
			return
		}
		if days != n {
			t.Fatalf("ParseRetention(%q) = %d, want %d", raw, days, n)
		}
	})
}
