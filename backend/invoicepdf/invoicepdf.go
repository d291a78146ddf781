// Package invoicepdf renders invoices and credit notes as A4 PDF/A-3b files
// in the eight interface languages, Arabic right to left.
//
// Billing computes everything (amounts in integer minor units, VAT, numbers);
// the caller localizes the static texts (Labels) and free texts (VATNote,
// PaymentTerms, line descriptions and units) from the go-i18n catalog. This
// package formats money, quantities, rates and dates for the document
// language itself (golang.org/x/text plus CLDR patterns and month names it
// lacks) and lays the page out with github.com/carlos7ags/folio, using the
// bundled Noto Sans and Noto Sans Arabic fonts so every machine renders the
// same file. RenderWith can also embed the invoice's Factur-X XML (written
// by backend/facturx), which makes the PDF a Factur-X e-invoice.
package invoicepdf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/template"
	"time"

	"github.com/carlos7ags/folio/document"
	"github.com/carlos7ags/folio/layout"
)

// Document is everything an invoice PDF shows, already computed by billing
// (amounts in integer minor units with an ISO 4217 currency; never floats).
type Document struct {
	// Language is one of Languages: en, fr, de, es, pl, it, pt-BR, ar (right to left).
	Language string
	// Kind is "invoice" or "credit_note".
	Kind string
	// Number is the gapless document number, e.g. INV-2026-000123 or CN-2026-000004.
	Number string
	// IssueDate and DueDate are shown as calendar dates in their own location;
	// a zero DueDate (credit notes) is left out.
	IssueDate, DueDate time.Time
	// PeriodStart and PeriodEnd are the billed period as billing stores it,
	// half-open [start, end): an end at midnight shows as the previous day.
	// A zero PeriodStart leaves the period out.
	PeriodStart, PeriodEnd time.Time
	Seller, Buyer          Party
	// Currency is the ISO 4217 code of every amount, e.g. "EUR".
	Currency string
	Lines    []Line
	// Subtotal, VAT and Total in minor units of Currency.
	Subtotal, VAT, Total int64
	// VATNote is e.g. the reverse-charge mention, localized by the caller; may be "".
	VATNote string
	// PaymentTerms is localized by the caller, e.g. "Bank transfer, due in 30
	// days" and the IBAN; a newline starts a new line.
	PaymentTerms string
	// Status is "open", "paid" or "void"; paid and void show as a stamp.
	Status string
}

// Party is the seller or the buyer.
type Party struct {
	Name string
	// AddressLines are printed as given, one per line.
	AddressLines []string
	// Country is an ISO 3166 region code, printed as the country's name in
	// the document language.
	Country string
	TaxID   string // VAT identification number; may be ""
	Email   string // may be ""
}

// Line is one invoice line.
type Line struct {
	// Description is localized by the caller; a newline starts a new line.
	Description string
	// Quantity is counted in Unit (negative on credit notes).
	Quantity int64
	// Unit is the localized unit of Quantity, already in the right plural
	// form ("seats", "tokens", "month"); may be "".
	Unit string
	// UnitPrice is in minor units per PriceUnit (or per Unit when PriceUnit is "").
	UnitPrice int64
	// PriceUnit is what UnitPrice buys when that is not one Unit, localized,
	// e.g. "1M tokens": the price then reads "€2.00 / 1M tokens". May be "".
	PriceUnit string
	// Amount is the line's net amount in minor units.
	Amount int64
	// VATRate in basis points: 2000 = 20 %.
	VATRate int64
}

// Labels are the localized static texts of the layout. The caller fills
// them from the app's go-i18n catalog.
type Labels struct {
	Invoice    string // title of an invoice: "Invoice"
	CreditNote string // title of a credit note: "Credit note"
	BillTo     string // "Bill to"
	TaxID      string // before a party's tax ID: "VAT ID"
	IssueDate  string // "Issue date"
	DueDate    string // "Due date"
	Period     string // "Period"

	Description string // line table headers
	Quantity    string
	UnitPrice   string
	VATRate     string // "VAT" (the per-line rate column)
	Amount      string

	Subtotal string
	VAT      string // the VAT total: "VAT"
	Total    string
	Payment  string // heading of the payment terms: "Payment"

	Paid string // stamp for status paid: "PAID"
	Void string // stamp for status void: "VOID"

	// Page is a text/template over .Page and .Pages (numbers already
	// formatted for the language), e.g. "Page {{.Page}} of {{.Pages}}": the
	// go-i18n message's template itself, which the caller obtains by
	// localizing with TemplateData {"Page": "{{.Page}}", "Pages": "{{.Pages}}"}.
	Page string
}

// Colors of the layout.
var (
	colorText   = layout.Hex("#1f2937")
	colorMuted  = layout.Hex("#6b7280")
	colorRule   = layout.Hex("#e5e7eb")
	colorAccent = layout.Hex("#1e3a8a")
	colorHead   = layout.Hex("#f3f4f6")
	colorPaid   = layout.Hex("#15803d")
	colorVoid   = layout.Hex("#b91c1c")
)

// Sizes in points.
const (
	sizeBody  = 9
	sizeSmall = 8
	sizeTitle = 22
	marginX   = 50
	marginY   = 46
	// The footer is drawn below the content area: its rule, then two lines.
	marginBottom = 66
	footerRule   = 50
	sizeFooter   = 7.5
)

// Render writes doc as a PDF/A-3b file to w, with labels as the layout's
// static texts. It fails on an unsupported language, kind, status or
// currency, and on a malformed Labels.Page template.
func Render(w io.Writer, doc Document, labels Labels) error {
	return RenderWith(w, doc, labels, nil)
}

// RenderWith is Render with an attachment: a non-nil att embeds its
// Factur-X XML as factur-x.xml and declares it in the XMP metadata, which
// makes the file a Factur-X invoice. The pages are the same as Render's.
// It also fails on an unknown level or XML that is not well formed.
func RenderWith(w io.Writer, doc Document, labels Labels, att *Attachment) error {
	r, err := newRenderer(doc, labels)
	if err != nil {
		return err
	}
	if err := att.check(); err != nil {
		return err
	}
	pdf := r.build(att)
	var buf bytes.Buffer
	if _, err := pdf.WriteToWithOptions(&buf, document.WriteOptions{Deterministic: true}); err != nil {
		return fmt.Errorf("invoicepdf: write %s: %w", doc.Number, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type renderer struct {
	doc    Document
	labels Labels
	loc    *locale
	cur    money
	page   *template.Template

	regular, bold fontPair
	dir           layout.Direction
	start, end    layout.Align // text alignment at the inline start / end
}

func newRenderer(doc Document, labels Labels) (*renderer, error) {
	loc, err := localeFor(doc.Language)
	if err != nil {
		return nil, err
	}
	if doc.Kind != "invoice" && doc.Kind != "credit_note" {
		return nil, fmt.Errorf("invoicepdf: unknown kind %q", doc.Kind)
	}
	switch doc.Status {
	case "", "open", "paid", "void":
	default:
		return nil, fmt.Errorf("invoicepdf: unknown status %q", doc.Status)
	}
	if doc.Number == "" {
		return nil, errors.New("invoicepdf: the document has no number")
	}
	cur, err := loc.currency(doc.Currency)
	if err != nil {
		return nil, err
	}
	page, err := template.New("page").Option("missingkey=error").Parse(labels.Page)
	if err != nil {
		return nil, fmt.Errorf("invoicepdf: Labels.Page: %w", err)
	}
	fs, err := faces()
	if err != nil {
		return nil, err
	}
	r := &renderer{doc: doc, labels: labels, loc: loc, cur: cur, page: page,
		dir: layout.DirectionLTR, start: layout.AlignLeft, end: layout.AlignRight}
	if loc.rtl {
		r.dir, r.start, r.end = layout.DirectionRTL, layout.AlignRight, layout.AlignLeft
	}
	r.regular, r.bold = newFontPairs(fs)
	// Fail now rather than on the last page.
	if _, err := r.pageText(1, 1); err != nil {
		return nil, fmt.Errorf("invoicepdf: Labels.Page: %w", err)
	}
	return r, nil
}

func (r *renderer) title() string {
	if r.doc.Kind == "credit_note" {
		return r.labels.CreditNote
	}
	return r.labels.Invoice
}

func (r *renderer) build(att *Attachment) *document.Document {
	d := document.NewDocument(document.PageSizeA4)
	d.SetMargins(layout.Margins{Top: marginY, Right: marginX, Bottom: marginBottom, Left: marginX})
	d.Info.Title = strings.TrimSpace(r.title() + " " + r.doc.Number)
	d.Info.Author = r.doc.Seller.Name
	d.Info.Subject = r.doc.Buyer.Name
	d.Info.Language = r.doc.Language
	d.Info.Creator = "Admin Console"
	// The file's dates are the document's: rendering the same invoice twice
	// gives the same bytes.
	d.Info.CreationDate = r.doc.IssueDate
	d.Info.ModDate = r.doc.IssueDate
	// PDF/A-3b: every font embedded, XMP identification, sRGB output
	// intent; part 3 also allows the Factur-X XML attachment.
	d.SetPdfA(att.pdfA())
	att.attach(d)
	// No /ActualText spans around shaped Arabic words: poppler (pdftotext,
	// Evince, Okular) lays an ActualText string out left to right and then
	// reverses it, extracting "ةروتاف" for "فاتورة". Without them the
	// ToUnicode map of the shaped glyphs (Arabic Presentation Forms, which
	// NFKC folds back to letters) gives the words in reading order.
	d.SetActualText(false)

	d.Add(r.header())
	d.Add(r.parties())
	d.Add(r.lineTable())
	d.Add(r.totals())
	if r.doc.VATNote != "" {
		d.Add(r.paragraph(r.doc.VATNote, r.regular, sizeSmall, colorMuted, r.start).SetSpaceBefore(4))
	}
	if r.doc.PaymentTerms != "" {
		d.Add(r.payment())
	}
	d.SetFooter(r.footer)
	return d
}

// paragraph sets text in the document's direction with the given alignment.
func (r *renderer) paragraph(text string, fp fontPair, size float64, color layout.Color, align layout.Align) *layout.Paragraph {
	runs := fp.runs(text, size, color)
	if len(runs) == 0 {
		runs = []layout.TextRun{layout.NewRunEmbedded("", fp.latin, size)}
	}
	p := layout.NewStyledParagraph(runs...)
	p.SetDirection(r.dir)
	p.SetAlign(align)
	p.SetLeading(1.3)
	return p
}

// lines is a block of paragraphs, one per non-empty line of texts.
func (r *renderer) lines(fp fontPair, size float64, color layout.Color, align layout.Align, texts ...string) *layout.Div {
	div := layout.NewDiv()
	for _, t := range texts {
		for _, l := range strings.Split(t, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				div.Add(r.paragraph(l, fp, size, color, align))
			}
		}
	}
	return div
}

// table is a borderless table in the document's direction: column 0 sits at
// the inline start (the right, in Arabic).
func (r *renderer) table(widths ...float64) *layout.Table {
	t := layout.NewTable()
	units := make([]layout.UnitValue, len(widths))
	for i, w := range widths {
		units[i] = layout.Pct(w)
	}
	t.SetColumnUnitWidths(units)
	t.SetDirection(r.dir)
	return t
}

// cell adds a cell with no border and the given padding (top, inline end,
// bottom, inline start).
func (r *renderer) cell(row *layout.Row, e layout.Element, top, endPad, bottom, startPad float64) *layout.Cell {
	c := row.AddCellElement(e)
	c.SetBorders(layout.NoBorders())
	p := layout.Padding{Top: top, Bottom: bottom, Left: startPad, Right: endPad}
	if r.dir == layout.DirectionRTL {
		p.Left, p.Right = endPad, startPad
	}
	c.SetPaddingSides(p)
	return c
}

// header: the seller at the inline start, the title, number and stamp at the end.
func (r *renderer) header() layout.Element {
	s := r.doc.Seller
	seller := layout.NewDiv()
	seller.Add(r.paragraph(s.Name, r.bold, 13, colorText, r.start).SetSpaceAfter(2))
	seller.Add(r.lines(r.regular, sizeBody, colorMuted, r.start, r.partyLines(s)...))

	right := layout.NewDiv()
	right.Add(r.paragraph(r.title(), r.bold, sizeTitle, colorAccent, r.end))
	right.Add(r.paragraph(r.doc.Number, r.bold, 11, colorText, r.end).SetSpaceBefore(2))
	if stamp := r.stamp(); stamp != nil {
		right.Add(stamp)
	}

	t := r.table(55, 45)
	row := t.AddRow()
	r.cell(row, seller, 0, 8, 0, 0)
	r.cell(row, right, 0, 0, 0, 8)
	div := layout.NewDiv().Add(t)
	div.SetSpaceAfter(22)
	return div
}

// partyLines is a party's address, country, tax ID and email.
func (r *renderer) partyLines(p Party) []string {
	out := append([]string{}, p.AddressLines...)
	if c := r.loc.Country(p.Country); c != "" {
		out = append(out, c)
	}
	if p.TaxID != "" {
		out = append(out, r.labels.TaxID+": "+p.TaxID)
	}
	if p.Email != "" {
		out = append(out, p.Email)
	}
	return out
}

// stamp is the PAID or VOID mark, or nil for an open document.
func (r *renderer) stamp() layout.Element {
	var text string
	var color layout.Color
	switch r.doc.Status {
	case "paid":
		text, color = r.labels.Paid, colorPaid
	case "void":
		text, color = r.labels.Void, colorVoid
	default:
		return nil
	}
	if text == "" {
		return nil
	}
	box := layout.NewDiv()
	box.Add(r.paragraph(text, r.bold, 12, color, layout.AlignCenter))
	box.SetBorder(layout.SolidBorder(1.5, color))
	box.SetBorderRadius(3)
	box.SetPaddingAll(layout.Padding{Top: 2, Bottom: 3, Left: 10, Right: 10})
	box.SetShrinkToFit(true)
	box.SetSpaceBefore(8)
	if r.dir == layout.DirectionLTR {
		box.SetHRight(true)
	}
	return box
}

// parties: the buyer at the inline start, the dates at the end.
func (r *renderer) parties() layout.Element {
	b := r.doc.Buyer
	buyer := layout.NewDiv()
	buyer.Add(r.paragraph(r.labels.BillTo, r.bold, sizeSmall, colorMuted, r.start).SetSpaceAfter(3))
	buyer.Add(r.paragraph(b.Name, r.bold, 10.5, colorText, r.start).SetSpaceAfter(1))
	buyer.Add(r.lines(r.regular, sizeBody, colorText, r.start, r.partyLines(b)...))

	meta := r.table(38, 62)
	add := func(label, value string) {
		row := meta.AddRow()
		r.cell(row, r.paragraph(label, r.regular, sizeBody, colorMuted, r.start), 1.5, 6, 1.5, 0)
		r.cell(row, r.paragraph(value, r.regular, sizeBody, colorText, r.end), 1.5, 0, 1.5, 0)
	}
	if !r.doc.IssueDate.IsZero() {
		add(r.labels.IssueDate, r.loc.Date(r.doc.IssueDate))
	}
	if !r.doc.DueDate.IsZero() && r.doc.Kind == "invoice" {
		add(r.labels.DueDate, r.loc.Date(r.doc.DueDate))
	}
	if !r.doc.PeriodStart.IsZero() {
		add(r.labels.Period, r.loc.Period(r.doc.PeriodStart, r.doc.PeriodEnd))
	}

	t := r.table(42, 58)
	row := t.AddRow()
	r.cell(row, buyer, 0, 8, 0, 0)
	metaCell := layout.Element(layout.NewDiv())
	if len(meta.Rows()) > 0 {
		metaCell = meta
	}
	r.cell(row, metaCell, 14, 0, 0, 8)
	div := layout.NewDiv().Add(t)
	div.SetSpaceAfter(20)
	return div
}

// lineTable: description at the start, the figures aligned at the end.
func (r *renderer) lineTable() layout.Element {
	t := r.table(33, 19, 20, 10, 18)
	rule := layout.SolidBorder(0.6, colorRule)
	head := t.AddHeaderRow()
	for i, h := range []string{r.labels.Description, r.labels.Quantity, r.labels.UnitPrice, r.labels.VATRate, r.labels.Amount} {
		align := r.end
		if i == 0 {
			align = r.start
		}
		c := r.cell(head, r.paragraph(h, r.bold, sizeSmall, colorMuted, align), 5, 5, 5, 5)
		c.SetBackground(colorHead)
	}
	for _, l := range r.doc.Lines {
		row := t.AddRow()
		figures := []string{r.quantity(l), r.unitPrice(l), r.loc.Percent(l.VATRate), r.loc.Money(r.cur, l.Amount)}
		cells := []*layout.Cell{r.cell(row, r.lines(r.regular, sizeBody, colorText, r.start, l.Description), 6, 5, 6, 5)}
		for i, f := range figures {
			fp := r.regular
			if i == len(figures)-1 {
				fp = r.bold
			}
			cells = append(cells, r.cell(row, r.paragraph(f, fp, sizeBody, colorText, r.end), 6, 5, 6, 5))
		}
		for _, c := range cells {
			c.SetBorders(layout.CellBorders{Bottom: rule})
		}
	}
	return t
}

func (r *renderer) quantity(l Line) string {
	q := r.loc.Number(l.Quantity)
	if l.Unit != "" {
		q += " " + l.Unit
	}
	return q
}

func (r *renderer) unitPrice(l Line) string {
	p := r.loc.Money(r.cur, l.UnitPrice)
	if l.PriceUnit != "" {
		p += " / " + l.PriceUnit
	}
	return p
}

// totals: subtotal, VAT and total in a block at the inline end.
func (r *renderer) totals() layout.Element {
	t := r.table(50, 50)
	add := func(label, value string, strong bool) {
		row := t.AddRow()
		fp, size, color, pad := r.regular, float64(sizeBody), colorMuted, 3.0
		if strong {
			fp, size, color, pad = r.bold, 11, colorText, 6
		}
		lc := r.cell(row, r.paragraph(label, fp, size, color, r.start), pad, 5, pad, 5)
		vc := r.cell(row, r.paragraph(value, fp, size, colorText, r.end), pad, 5, pad, 5)
		if strong {
			top := layout.CellBorders{Top: layout.SolidBorder(1.2, colorAccent)}
			lc.SetBorders(top)
			vc.SetBorders(top)
		}
	}
	add(r.labels.Subtotal, r.loc.Money(r.cur, r.doc.Subtotal), false)
	vat := r.labels.VAT
	if rate, ok := r.singleRate(); ok {
		vat += " " + r.loc.Percent(rate)
	}
	add(vat, r.loc.Money(r.cur, r.doc.VAT), false)
	add(r.labels.Total, r.loc.Money(r.cur, r.doc.Total), true)

	// The block takes the inline-end half: an empty cell at the start.
	outer := r.table(52, 48)
	row := outer.AddRow()
	r.cell(row, layout.NewDiv(), 0, 0, 0, 0)
	r.cell(row, t, 0, 0, 0, 0)
	box := layout.NewDiv().Add(outer)
	box.SetSpaceBefore(10)
	box.SetSpaceAfter(14)
	box.SetKeepTogether(true)
	return box
}

// singleRate is the VAT rate shared by every line, if there is one.
func (r *renderer) singleRate() (int64, bool) {
	if len(r.doc.Lines) == 0 {
		return 0, false
	}
	rate := r.doc.Lines[0].VATRate
	for _, l := range r.doc.Lines[1:] {
		if l.VATRate != rate {
			return 0, false
		}
	}
	return rate, true
}

func (r *renderer) payment() layout.Element {
	div := layout.NewDiv()
	div.Add(r.paragraph(r.labels.Payment, r.bold, sizeSmall, colorMuted, r.start).SetSpaceAfter(2))
	div.Add(r.lines(r.regular, sizeBody, colorText, r.start, r.doc.PaymentTerms))
	div.SetBorders(layout.CellBorders{Top: layout.SolidBorder(0.6, colorRule)})
	div.SetPaddingAll(layout.Padding{Top: 8})
	div.SetSpaceBefore(6)
	div.SetKeepTogether(true)
	return div
}

func (r *renderer) pageText(page, pages int) (string, error) {
	var b strings.Builder
	err := r.page.Execute(&b, struct{ Page, Pages string }{
		r.loc.Number(int64(page)), r.loc.Number(int64(pages)),
	})
	return b.String(), err
}

// footer draws, under a rule at the foot of every page, "Page n of m" and
// the seller and number, centered.
//
// It draws the words of laid-out paragraphs itself rather than using
// Document.SetFooterElement: folio v0.11.0 renders element footers with
// /ActualText spans even after SetActualText(false), and poppler reverses
// Arabic words that carry /ActualText (pdftotext gave "ةحفص" for "صفحة").
func (r *renderer) footer(ctx document.PageContext, p *document.Page) {
	page, _ := r.pageText(ctx.PageIndex+1, ctx.TotalPages) // checked in newRenderer
	var ids []string
	for _, s := range []string{r.doc.Seller.Name, r.doc.Number} {
		if s != "" {
			ids = append(ids, s)
		}
	}
	width := document.PageSizeA4.Width - 2*marginX
	p.AddLine(marginX, footerRule, marginX+width, footerRule, 0.6, rgb(colorRule))
	r.drawCentered(p, page, footerRule-11, width)
	r.drawCentered(p, strings.Join(ids, "  ·  "), footerRule-21, width)
}

// drawCentered sets text on one line at baseline y, centered in the content
// width, words in visual order as folio's layout shaped and ordered them.
func (r *renderer) drawCentered(p *document.Page, text string, y, width float64) {
	para := r.paragraph(text, r.regular, sizeFooter, colorMuted, layout.AlignCenter)
	lines := para.Layout(width)
	if len(lines) == 0 {
		return
	}
	words := lines[0].Words
	total := 0.0
	for i, w := range words {
		total += w.Width
		if i < len(words)-1 {
			total += w.SpaceAfter
		}
	}
	s := p.ContentStream()
	s.SaveState()
	c := rgb(colorMuted)
	s.SetFillColorRGB(c[0], c[1], c[2])
	x := marginX + (width-total)/2
	for _, w := range words {
		if w.Embedded != nil && w.Text != "" {
			p.AddTextEmbedded(w.Text, w.Embedded, w.FontSize, x, y)
		}
		x += w.Width + w.SpaceAfter
	}
	s.RestoreState()
}

func rgb(c layout.Color) [3]float64 { return [3]float64{c.R, c.G, c.B} }
