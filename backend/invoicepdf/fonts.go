package invoicepdf

import (
	"embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/carlos7ags/folio/font"
	"github.com/carlos7ags/folio/layout"
)

// The bundled fonts (SIL OFL 1.1, see fonts/LICENSE): Noto Sans covers Latin
// (Polish and every other European letter), digits, punctuation and currency
// symbols; Noto Sans Arabic covers the Arabic script but has no Latin letters.
//
//go:embed fonts/*.ttf
var fontFiles embed.FS

// faces are parsed once per process: a folio font.Face is immutable and safe
// to share between goroutines. What is per document is the EmbeddedFont that
// records the glyphs used, for subsetting.
var faces = sync.OnceValues(func() (*faceSet, error) {
	load := func(name string) (font.Face, error) {
		data, err := fontFiles.ReadFile("fonts/" + name)
		if err != nil {
			return nil, err
		}
		f, err := font.ParseTTF(data)
		if err != nil {
			return nil, fmt.Errorf("invoicepdf: font %s: %w", name, err)
		}
		return f, nil
	}
	var fs faceSet
	var err error
	for _, f := range []struct {
		dst  *font.Face
		name string
	}{
		{&fs.latin, "NotoSans-Regular.ttf"},
		{&fs.latinBold, "NotoSans-Bold.ttf"},
		{&fs.arabic, "NotoSansArabic-Regular.ttf"},
		{&fs.arabicBold, "NotoSansArabic-Bold.ttf"},
	} {
		if *f.dst, err = load(f.name); err != nil {
			return nil, err
		}
	}
	return &fs, nil
})

type faceSet struct {
	latin, latinBold, arabic, arabicBold font.Face
}

// fontPair is one weight of the document's type: a Latin and an Arabic face,
// chosen per run of text.
type fontPair struct {
	latin, arabic *font.EmbeddedFont
}

func newFontPairs(fs *faceSet) (regular, bold fontPair) {
	return fontPair{font.NewEmbeddedFont(fs.latin), font.NewEmbeddedFont(fs.arabic)},
		fontPair{font.NewEmbeddedFont(fs.latinBold), font.NewEmbeddedFont(fs.arabicBold)}
}

// runs splits text into text runs, each set in the face that covers it.
//
// folio's own fallback (layout.NewParagraphFallback) locks a whole script run
// to one face, and UAX #24 folds neighbouring digits, spaces and symbols into
// the Arabic run, so "١٬٢٣٤٫٥٦ €" would ask Noto Sans Arabic for "€" (tofu).
// Its HTML converter only falls back from the PDF base-14 fonts (not
// PDF/A-safe, no Polish letters) and reads the first family of a CSS
// font-family list only. So the choice is made here, per character:
//   - Arabic-script letters, digits and signs go to the Arabic face;
//   - combining marks and joiners (ZWJ, ZWNJ) stay with the preceding character
//     so shaping sees whole words;
//   - neutrals (spaces, punctuation, digits) stay in the current face when it
//     has the glyph, which keeps Arabic phrases in one run;
//   - everything else goes to the Latin face, or to whichever face has the glyph.
//
// Bidi reordering and Arabic shaping happen later in folio's layout, across
// runs at the line level (bidi) and within each run's words (shaping).
func (fp fontPair) runs(text string, size float64, color layout.Color) []layout.TextRun {
	var out []layout.TextRun
	var cur *font.EmbeddedFont
	start := 0
	text = strings.Map(func(r rune) rune {
		if dropped(r) {
			return -1
		}
		return r
	}, text)
	for i, r := range text {
		f := fp.pick(r, cur)
		if f != cur {
			if cur != nil && i > start {
				out = append(out, layout.NewRunEmbedded(text[start:i], cur, size).WithColor(color))
			}
			cur, start = f, i
		}
	}
	if cur != nil && len(text) > start {
		out = append(out, layout.NewRunEmbedded(text[start:], cur, size).WithColor(color))
	}
	return out
}

// dropped reports the characters runs leaves out, to work around folio
// v0.11.0:
//   - Arabic combining marks (harakat such as the tanween in "يومًا", shadda,
//     kasra; Quranic annotation signs): folio misplaces them and overlaps the
//     neighbouring letters. Modern Arabic is written without them, so "يوما"
//     reads the same.
//   - Bidi marks (LRM, RLM, ALM): each paragraph's direction is set
//     explicitly, and folio draws RLM as a visible glyph (CLDR's Arabic
//     currency symbols carry one, e.g. "ر.س.\u200f").
func dropped(r rune) bool {
	switch {
	case r >= 0x0610 && r <= 0x061A, r >= 0x064B && r <= 0x065F, r == 0x0670,
		r >= 0x06D6 && r <= 0x06DC, r >= 0x06DF && r <= 0x06E4, r >= 0x06E7 && r <= 0x06E8,
		r >= 0x06EA && r <= 0x06ED, r >= 0x08D3 && r <= 0x08FF && r != 0x08E2:
		return true
	case r == 0x200E, r == 0x200F, r == 0x061C:
		return true
	}
	return false
}

func (fp fontPair) pick(r rune, cur *font.EmbeddedFont) *font.EmbeddedFont {
	has := func(f *font.EmbeddedFont) bool { return f.Face().GlyphIndex(r) != 0 }
	switch {
	case cur != nil && (unicode.In(r, unicode.Mn, unicode.Me) || r == 0x200C || r == 0x200D):
		return cur
	case unicode.Is(unicode.Arabic, r) || r == 0x0640: // U+0640 tatweel is script Common
		return fp.arabic
	case unicode.IsLetter(r):
		if has(fp.latin) || !has(fp.arabic) {
			return fp.latin
		}
		return fp.arabic
	case cur != nil && has(cur):
		return cur
	case has(fp.latin) || !has(fp.arabic):
		return fp.latin
	default:
		return fp.arabic
	}
}
