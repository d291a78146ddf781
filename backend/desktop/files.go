package desktop

import (
	"io"
	"os"
	"path/filepath"

	"admin-console/backend/apperr"
)

// saveStream asks where to save first, then lets write fill the file: the
// work (and its audit event) happens only once the person has chosen, and a
// large file is streamed, never held in memory. It writes a temporary file
// next to the target and renames it, so a failure never leaves half a file
// under the chosen name. It returns the path, or "" when cancelled.
func (c *Core) saveStream(title, name string, filter FileFilter, write func(w io.Writer) error) (string, error) {
	d := c.dialogsOrNil()
	if d == nil {
		return "", apperr.New(apperr.Internal)
	}
	path, err := d.SaveFile(title, name, []FileFilter{filter})
	if err != nil || path == "" {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.part")
	if err != nil {
		return "", apperr.New("file.write_failed").With("Path", path)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return "", apperr.New("file.write_failed").With("Path", path)
	}
	if err := tmp.Close(); err != nil {
		return "", apperr.New("file.write_failed").With("Path", path)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", apperr.New("file.write_failed").With("Path", path)
	}
	return path, nil
}
