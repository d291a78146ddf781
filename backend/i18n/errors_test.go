package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// internalCodes never reach a person: they end a step early inside Go.
var internalCodes = map[string]bool{
	"unchanged": true, // a profile change that changes nothing writes nothing
}

var codeRE = regexp.MustCompile(`apperr\.(?:New\(\s*"([a-z0-9_.]+)"|Field\(\s*[^,()]+,\s*"([a-z0-9_.]+)")`)

// TestEveryErrorCodeHasAMessage reads the Go sources for the coded errors
// they return and checks that English has error.<code> for each, so a new
// error never shows up as its bare ID. (The locale tests then make every
// other language carry the same ID.)
func TestEveryErrorCodeHasAMessage(t *testing.T) {
	var en map[string]any
	if _, err := toml.DecodeFile(filepath.Join("..", "..", "locales", "en.toml"), &en); err != nil {
		t.Fatal(err)
	}
	found := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range codeRE.FindAllStringSubmatch(string(src), -1) {
			code := m[1] + m[2]
			found++
			if _, ok := en["error."+code]; !ok && !internalCodes[code] {
				t.Errorf("%s: error code %q has no message error.%s in locales/en.toml", path, code, code)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 50 {
		t.Fatalf("found only %d error codes in backend/: the scan reads the wrong files", found)
	}
}
