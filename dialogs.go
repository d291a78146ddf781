package main

import (
	"context"
	"os"
	"path/filepath"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"admin-console/backend/desktop"
)

// nativeDialogs are the system's file dialogs. End-to-end tests, which
// cannot click in a native dialog, set ADMIN_CONSOLE_TEST_SAVE_DIR (saving
// then writes the proposed file name there) and ADMIN_CONSOLE_TEST_OPEN_FILE
// (opening then picks that file).
type nativeDialogs struct{ ctx context.Context }

func filters(fs []desktop.FileFilter) []runtime.FileFilter {
	out := make([]runtime.FileFilter, 0, len(fs))
	for _, f := range fs {
		out = append(out, runtime.FileFilter{DisplayName: f.Name, Pattern: f.Pattern})
	}
	return out
}

func (d nativeDialogs) SaveFile(title, defaultName string, fs []desktop.FileFilter) (string, error) {
	if dir := os.Getenv("ADMIN_CONSOLE_TEST_SAVE_DIR"); dir != "" {
		return filepath.Join(dir, filepath.Base(defaultName)), nil
	}
	return runtime.SaveFileDialog(d.ctx, runtime.SaveDialogOptions{Title: title, DefaultFilename: defaultName, Filters: filters(fs)})
}

func (d nativeDialogs) OpenFile(title string, fs []desktop.FileFilter) (string, error) {
	if file := os.Getenv("ADMIN_CONSOLE_TEST_OPEN_FILE"); file != "" {
		return file, nil
	}
	return runtime.OpenFileDialog(d.ctx, runtime.OpenDialogOptions{Title: title, Filters: filters(fs)})
}
