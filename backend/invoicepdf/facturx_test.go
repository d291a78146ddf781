package invoicepdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carlos7ags/folio/core"
	"github.com/carlos7ags/folio/reader"
)

// cii is a stand-in for backend/facturx's output: this package only embeds
// the bytes, it does not read them.
const cii = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocument><ram:ID>INV-2026-000123</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>
`

func renderWith(t *testing.T, doc Document, att *Attachment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderWith(&buf, doc, labelsFor[doc.Language], att); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// filespec is the one associated file of the catalog's /AF, read back with
// folio's own reader: its dictionary and its (decompressed) content.
func filespec(t *testing.T, pdf []byte) (*core.PdfDictionary, []byte) {
	t.Helper()
	r, err := reader.Parse(pdf)
	if err != nil {
		t.Fatal(err)
	}
	resolve := func(o core.PdfObject) core.PdfObject {
		v, err := r.ResolveObject(o)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	af, ok := resolve(r.Catalog().Get("AF")).(*core.PdfArray)
	if !ok || af.Len() != 1 {
		t.Fatalf("catalog /AF is %v, want one associated file", r.Catalog().Get("AF"))
	}
	fs, ok := resolve(af.At(0)).(*core.PdfDictionary)
	if !ok {
		t.Fatal("the /AF entry is not a file specification")
	}
	ef, ok := resolve(fs.Get("EF")).(*core.PdfDictionary)
	if !ok {
		t.Fatal("no /EF in the file specification")
	}
	stream, ok := resolve(ef.Get("F")).(*core.PdfStream)
	if !ok {
		t.Fatal("no embedded file stream")
	}
	if sub, _ := stream.Dict.Get("Subtype").(*core.PdfName); sub == nil || sub.Value != "text/xml" {
		t.Errorf("embedded file subtype %v, want text/xml", stream.Dict.Get("Subtype"))
	}
	return fs, stream.Data
}

func name(d *core.PdfDictionary, key string) string {
	if n, ok := d.Get(key).(*core.PdfName); ok {
		return n.Value
	}
	return ""
}

func text(d *core.PdfDictionary, key string) string {
	if s, ok := d.Get(key).(*core.PdfString); ok {
		return s.TextString()
	}
	return ""
}

// pages are the decompressed content streams of every page: equal streams
// draw equal pages.
func pages(t *testing.T, pdf []byte) [][]byte {
	t.Helper()
	r, err := reader.Parse(pdf)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i := range r.PageCount() {
		p, err := r.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		c, err := p.ContentStream()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// detach lists a PDF's embedded files with poppler's pdfdetach, a reader
// independent of folio, and saves factur-x.xml when it is there.
func detach(t *testing.T, pdf []byte) (list string, xml []byte) {
	t.Helper()
	bin := requireTool(t, "pdfdetach")
	dir := t.TempDir()
	path := filepath.Join(dir, "invoice.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfdetach -list: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "factur-x.xml") {
		return string(out), nil
	}
	saved := filepath.Join(dir, "factur-x.xml")
	if out, err := exec.Command(bin, "-savefile", "factur-x.xml", "-o", saved, path).CombinedOutput(); err != nil {
		t.Fatalf("pdfdetach -savefile: %v: %s", err, out)
	}
	xml, err = os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), xml
}

func TestFacturXAttachment(t *testing.T) {
	plain := render(t, sample("de"), labelsFor["de"])
	for level, rel := range map[string]string{"EN 16931": "Alternative", "BASIC": "Alternative", "BASIC WL": "Data"} {
		t.Run(level, func(t *testing.T) {
			pdf := renderWith(t, sample("de"), &Attachment{FacturX: []byte(cii), Level: level})
			keepPDF(t, "facturx-"+strings.ReplaceAll(level, " ", "-"), pdf)

			// The XMP declares the fx schema and says what the file is.
			for _, want := range []string{
				"<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>",
				"<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>",
				"<pdfaSchema:prefix>fx</pdfaSchema:prefix>",
				`xmlns:fx="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"`,
				"<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>", "<fx:DocumentType>INVOICE</fx:DocumentType>",
				"<fx:Version>1.0</fx:Version>", "<fx:ConformanceLevel>" + level + "</fx:ConformanceLevel>",
			} {
				if !bytes.Contains(pdf, []byte(want)) {
					t.Errorf("the XMP metadata lacks %s", want)
				}
			}
			fs, data := filespec(t, pdf)
			if got := name(fs, "AFRelationship"); got != rel {
				t.Errorf("AFRelationship %q, want %q", got, rel)
			}
			if text(fs, "F") != "factur-x.xml" || text(fs, "UF") != "factur-x.xml" {
				t.Errorf("file names %q, %q", text(fs, "F"), text(fs, "UF"))
			}
			if !bytes.Equal(data, []byte(cii)) {
				t.Errorf("embedded %q, want the XML as given", data)
			}
			if list, xml := detach(t, pdf); !bytes.Equal(xml, []byte(cii)) {
				t.Errorf("pdfdetach: %s\n%q", list, xml)
			}
			// The attachment changes nothing on the page.
			if a, b := pages(t, pdf), pages(t, plain); len(a) == 0 || len(a) != len(b) || !bytes.Equal(bytes.Join(a, nil), bytes.Join(b, nil)) {
				t.Error("the pages differ from Render's")
			}
		})
	}
}

func TestNoAttachment(t *testing.T) {
	pdf := render(t, sample("fr"), labelsFor["fr"])
	if bytes.Contains(pdf, []byte("factur-x")) {
		t.Error("a plain PDF declares Factur-X")
	}
	r, err := reader.Parse(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if r.Catalog().Get("AF") != nil || r.Catalog().Get("Names") != nil {
		t.Error("a plain PDF has associated or embedded files")
	}
	if list, _ := detach(t, pdf); !strings.HasPrefix(strings.TrimSpace(list), "0 embedded files") {
		t.Errorf("pdfdetach -list: %s", list)
	}
}

func TestAttachmentRejects(t *testing.T) {
	for name, att := range map[string]*Attachment{
		"level":     {FacturX: []byte(cii), Level: "COMFORT"},
		"empty":     {FacturX: []byte(" \n"), Level: "EN 16931"},
		"malformed": {FacturX: []byte("<rsm:CrossIndustryInvoice><ram:ID>1</rsm:CrossIndustryInvoice>"), Level: "EN 16931"},
	} {
		var buf bytes.Buffer
		if err := RenderWith(&buf, sample("en"), labelsFor["en"], att); err == nil {
			t.Errorf("%s: rendered anyway", name)
		} else if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, buf.Len())
		}
	}
}
