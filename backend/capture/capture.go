// Package capture is Data Capture: per-workspace capture of API calls
// (Team and Enterprise), their retention and purge, browsing and export jobs.
//
// Every call a person makes takes an explicit org.Actor and is authorized
// here: org.DataManage (Owners and Admins) and the plan's DataCapture
// entitlement, for settings, browsing and exports alike. Captured calls enter
// with their usage records (billing.Service.Capture calls StoreCalls inside
// the import's transaction); Zero Data Retention (package privacy) keeps a
// workspace's calls out entirely. PurgeExpired and the export runner act on
// their own, audited with the actor ID System.
package capture

import (
	"context"
	"sync"
	"time"

	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/store"
)

// System is the actor ID of what the application does on its own: purging
// expired calls and running export jobs.
const System = "system"

// Retention bounds, in days.
const (
	MinRetentionDays     = 1
	MaxRetentionDays     = 365
	DefaultRetentionDays = 30
)

// Service is the Data Capture domain.
type Service struct {
	DB    *store.DB
	Audit *audit.Log
	Now   func() time.Time
	// ExportDir is where export jobs write their JSONL results (the data
	// directory's "exports" folder); saving copies a result from there.
	ExportDir string
	// OnJob, when set, hears of every change of an export job: its state
	// and its progress. The desktop forwards it to the window.
	OnJob func(Job)
	// BatchSize is how many rows an export batch reads and a purge
	// transaction deletes; 0 means DefaultBatchSize.
	BatchSize int

	runMu sync.Mutex // one export runner at a time
	// afterBatch runs after each export batch's progress is stored (tests
	// cancel or inspect a job mid-way with it).
	afterBatch func(jobID string, done int)
}

// DefaultBatchSize is the rows per export batch and per purge transaction.
const DefaultBatchSize = 5000

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) batch() int {
	if s.BatchSize > 0 {
		return s.BatchSize
	}
	return DefaultBatchSize
}

// authorize checks the actor's role (org.DataManage) and the plan.
func authorize(ctx context.Context, q org.Querier, a org.Actor) error {
	return org.AuthorizeFeature(ctx, q, a, org.DataManage,
		func(e plans.Entitlements) bool { return e.DataCapture }, "plan.data_capture_unavailable")
}
