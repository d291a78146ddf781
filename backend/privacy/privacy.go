// Package privacy holds an organization's privacy settings: the opt-out of
// anonymized improvement data and Zero Data Retention requests, which the
// platform operator approves or declines.
package privacy

import (
	"time"

	"admin-console/backend/audit"
	"admin-console/backend/store"
)

// Service is the privacy domain.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
