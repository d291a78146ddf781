// Package capture is Data Capture: per-workspace capture of API calls
// (Team and Enterprise), their retention and purge, browsing and export jobs.
package capture

import (
	"time"

	"admin-console/backend/audit"
	"admin-console/backend/store"
)

// Service is the Data Capture domain.
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
