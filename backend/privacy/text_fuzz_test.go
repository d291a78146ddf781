package privacy

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzCleanText: whatever a reason or a note holds, what is accepted is
// valid UTF-8, trimmed, free of control characters other than line breaks
// and tabs and of bidirectional overrides, and cleaning it again keeps it.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", " ok ", "line\r\nnext", "a\x00b", "\u202eevil", "\xff", "tab\there", "é\u2066x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, ok := cleanText(raw)
		if !ok {
			if s != "" {
				t.Fatalf("refused %q but returned %q", raw, s)
			}
			return
		}
		if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.Contains(s, "\r\n") {
			t.Fatalf("accepted %q as %q", raw, s)
		}
		for _, r := range s {
			if (unicode.IsControl(r) && r != '\n' && r != '\t') || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
				t.Fatalf("accepted %q with %U", raw, r)
			}
		}
		if again, ok := cleanText(s); !ok || again != s {
			t.Fatalf("not stable: %q -> %q (%v)", s, again, ok)
		}
	})
}
