package invoicepdf

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/carlos7ags/folio/document"
)

// Attachment is machine-readable data the PDF carries beside what it shows.
type Attachment struct {
	// FacturX is the invoice's factur-x.xml (UN/CEFACT CII), written by
	// backend/facturx from the same figures the page shows.
	FacturX []byte
	// Level is the Factur-X profile of FacturX as the XMP names it:
	// "MINIMUM", "BASIC WL", "BASIC", "EN 16931", "EXTENDED" or "XRECHNUNG".
	Level string
}

// facturXNamespace is the XMP extension schema of Factur-X 1.0 (and
// ZUGFeRD 2.x), declared under the prefix "fx".
const facturXNamespace = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

// relationships: how the XML relates to the PDF at each level. MINIMUM and
// BASIC WL hold no lines, so they are not the invoice itself but data
// about it; the fuller levels are an equivalent of the page (Factur-X 1.0,
// §6.2.2).
var relationships = map[string]string{
	"MINIMUM":   "Data",
	"BASIC WL":  "Data",
	"BASIC":     "Alternative",
	"EN 16931":  "Alternative",
	"EXTENDED":  "Alternative",
	"XRECHNUNG": "Alternative",
}

// check fails on an unknown level or XML that is not well formed, before
// anything is written. A nil Attachment is no attachment.
func (a *Attachment) check() error {
	if a == nil {
		return nil
	}
	if _, ok := relationships[a.Level]; !ok {
		return fmt.Errorf("invoicepdf: unknown Factur-X level %q", a.Level)
	}
	if len(bytes.TrimSpace(a.FacturX)) == 0 {
		return errors.New("invoicepdf: the Factur-X XML is empty")
	}
	dec := xml.NewDecoder(bytes.NewReader(a.FacturX))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("invoicepdf: the Factur-X XML: %w", err)
		}
	}
}

// pdfA is the PDF/A-3b configuration, with the Factur-X XMP extension
// schema and its values when there is an attachment: validators read the
// file name and level there, not in the file itself.
func (a *Attachment) pdfA() document.PdfAConfig {
	cfg := document.PdfAConfig{Level: document.PdfA3B}
	if a == nil {
		return cfg
	}
	prop := func(name, desc string) document.XMPSchemaProperty {
		return document.XMPSchemaProperty{Name: name, ValueType: "Text", Category: "external", Description: desc}
	}
	cfg.XMPSchemas = []document.XMPSchema{{
		Schema: "Factur-X PDFA Extension Schema", NamespaceURI: facturXNamespace, Prefix: "fx",
		Properties: []document.XMPSchemaProperty{
			prop("DocumentFileName", "The name of the embedded XML document"),
			prop("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
			prop("Version", "The actual version of the standard applying to the embedded XML document"),
			prop("ConformanceLevel", "The conformance level of the embedded XML document"),
		},
	}}
	cfg.XMPProperties = []document.XMPPropertyBlock{{
		Namespace: facturXNamespace, Prefix: "fx",
		Properties: []document.XMPProperty{
			{Name: "DocumentFileName", Value: "factur-x.xml"},
			{Name: "DocumentType", Value: "INVOICE"},
			{Name: "Version", Value: "1.0"},
			{Name: "ConformanceLevel", Value: a.Level},
		},
	}}
	return cfg
}

// attach embeds the XML as the document's associated file. Its dates are
// the document's (Info.CreationDate, the issue date), so the bytes stay
// deterministic.
func (a *Attachment) attach(d *document.Document) {
	if a == nil {
		return
	}
	d.AttachFile(document.FileAttachment{
		FileName:       "factur-x.xml",
		MIMEType:       "text/xml",
		Description:    "Factur-X invoice (" + a.Level + ")",
		AFRelationship: relationships[a.Level],
		Data:           a.FacturX,
	})
}
