package desktop

import (
	"context"
	"fmt"
	"io"
	"time"

	"admin-console/backend/org"
)

// ExportMyData saves everything the app holds about the signed-in user as a
// ZIP of JSON files, where they choose; it returns the path ("" if cancelled).
func (s *AccountService) ExportMyData() (string, error) {
	return call(s.c, "export my data", func(ctx context.Context, a org.Actor) (string, error) {
		return s.c.saveStream(s.c.T("export.dialog.personal", nil), fmt.Sprintf("my-data-%s.zip", time.Now().Format("2006-01-02")),
			FileFilter{Name: "ZIP", Pattern: "*.zip"}, func(w io.Writer) error { return s.c.Export.Personal(ctx, a, w) })
	})
}

// ExportOrganizationData saves the organization's settings, members and
// workspaces as a ZIP of JSON files (Owners only).
func (s *OrganizationService) ExportOrganizationData() (string, error) {
	return call(s.c, "export organization", func(ctx context.Context, a org.Actor) (string, error) {
		return s.c.saveStream(s.c.T("export.dialog.organization", nil), fmt.Sprintf("organization-data-%s.zip", time.Now().Format("2006-01-02")),
			FileFilter{Name: "ZIP", Pattern: "*.zip"}, func(w io.Writer) error { return s.c.Export.Organization(ctx, a, w) })
	})
}
