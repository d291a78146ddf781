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

// goMessageRE finds message IDs Go code translates: c.T("id", …),
// Bundle.T(lang, "id", …) and b.N(lang, "id", …).
// (An ID built by concatenation, "plan."+id, is left to the catalog tests.)
var goMessageRE = regexp.MustCompile(`\.(?:T\(\s*"([a-z0-9_.]+)"|T\(\s*[a-zA-Z.]+,\s*"([a-z0-9_.]+)"|N\(\s*[a-zA-Z.]+,\s*"([a-z0-9_.]+)")\s*[,)]`)

// TestEveryGoMessageExists: a message ID Go asks for (dialog titles, file
// headers, menus) must be in English, or the person reads the bare ID.
func TestEveryGoMessageExists(t *testing.T) {
	var en map[string]any
	if _, err := toml.DecodeFile(filepath.Join("..", "..", "locales", "en.toml"), &en); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, root := range []string{"..", filepath.Join("..", "..")} {
		entries, err := os.ReadDir(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range entries {
			path := filepath.Join(root, d.Name())
			if d.IsDir() {
				if root != ".." {
					continue // the repository root: only its own .go files; backend/ is walked below
				}
				err = filepath.WalkDir(path, func(p string, e fs.DirEntry, err error) error {
					if err != nil || e.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
						return err
					}
					found += checkMessages(t, p, en)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				continue
			}
			if strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
				found += checkMessages(t, path, en)
			}
		}
	}
	if found < 20 {
		t.Fatalf("found only %d translated IDs in Go: the scan reads the wrong files", found)
	}
}

func checkMessages(t *testing.T, path string, en map[string]any) int {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range goMessageRE.FindAllStringSubmatch(string(src), -1) {
		id := m[1] + m[2] + m[3]
		n++
		if _, ok := en[id]; !ok {
			t.Errorf("%s: message %q is not in locales/en.toml", path, id)
		}
	}
	return n
}
