package invoicepdf

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

// labelsFor are the static texts a caller would take from locales/.
var labelsFor = map[string]Labels{
	"en": {Invoice: "Invoice", CreditNote: "Credit note", BillTo: "Bill to", TaxID: "VAT ID",
		IssueDate: "Issue date", DueDate: "Due date", Period: "Period",
		Description: "Description", Quantity: "Quantity", UnitPrice: "Unit price", VATRate: "VAT", Amount: "Amount",
		Subtotal: "Subtotal", VAT: "VAT", Total: "Total", Payment: "Payment", Paid: "PAID", Void: "VOID",
		Page: "Page {{.Page}} of {{.Pages}}"},
	"fr": {Invoice: "Facture", CreditNote: "Avoir", BillTo: "Facturé à", TaxID: "N° TVA",
		IssueDate: "Date d’émission", DueDate: "Date d’échéance", Period: "Période",
		Description: "Désignation", Quantity: "Quantité", UnitPrice: "Prix unitaire", VATRate: "TVA", Amount: "Montant HT",
		Subtotal: "Total HT", VAT: "TVA", Total: "Total TTC", Payment: "Règlement", Paid: "PAYÉE", Void: "ANNULÉE",
		Page: "Page {{.Page}} sur {{.Pages}}"},
	"de": {Invoice: "Rechnung", CreditNote: "Gutschrift", BillTo: "Rechnung an", TaxID: "USt-IdNr.",
		IssueDate: "Rechnungsdatum", DueDate: "Fällig am", Period: "Leistungszeitraum",
		Description: "Beschreibung", Quantity: "Menge", UnitPrice: "Einzelpreis", VATRate: "USt.", Amount: "Betrag",
		Subtotal: "Zwischensumme", VAT: "USt.", Total: "Gesamtbetrag", Payment: "Zahlung", Paid: "BEZAHLT", Void: "STORNIERT",
		Page: "Seite {{.Page}} von {{.Pages}}"},
	"es": {Invoice: "Factura", CreditNote: "Factura rectificativa", BillTo: "Facturar a", TaxID: "NIF-IVA",
		IssueDate: "Fecha de emisión", DueDate: "Fecha de vencimiento", Period: "Periodo",
		Description: "Descripción", Quantity: "Cantidad", UnitPrice: "Precio unitario", VATRate: "IVA", Amount: "Importe",
		Subtotal: "Base imponible", VAT: "IVA", Total: "Total", Payment: "Pago", Paid: "PAGADA", Void: "ANULADA",
		Page: "Página {{.Page}} de {{.Pages}}"},
	"pl": {Invoice: "Faktura", CreditNote: "Faktura korygująca", BillTo: "Nabywca", TaxID: "NIP UE",
		IssueDate: "Data wystawienia", DueDate: "Termin płatności", Period: "Okres rozliczeniowy",
		Description: "Opis", Quantity: "Ilość", UnitPrice: "Cena jednostkowa", VATRate: "VAT", Amount: "Wartość netto",
		Subtotal: "Razem netto", VAT: "VAT", Total: "Do zapłaty", Payment: "Płatność", Paid: "ZAPŁACONO", Void: "ANULOWANA",
		Page: "Strona {{.Page}} z {{.Pages}}"},
	"it": {Invoice: "Fattura", CreditNote: "Nota di credito", BillTo: "Intestata a", TaxID: "Partita IVA",
		IssueDate: "Data di emissione", DueDate: "Data di scadenza", Period: "Periodo",
		Description: "Descrizione", Quantity: "Quantità", UnitPrice: "Prezzo unitario", VATRate: "IVA", Amount: "Importo",
		Subtotal: "Imponibile", VAT: "IVA", Total: "Totale", Payment: "Pagamento", Paid: "PAGATA", Void: "ANNULLATA",
		Page: "Pagina {{.Page}} di {{.Pages}}"},
	"pt-BR": {Invoice: "Fatura", CreditNote: "Nota de crédito", BillTo: "Cobrar de", TaxID: "ID fiscal",
		IssueDate: "Data de emissão", DueDate: "Vencimento", Period: "Período",
		Description: "Descrição", Quantity: "Quantidade", UnitPrice: "Preço unitário", VATRate: "Imposto", Amount: "Valor",
		Subtotal: "Subtotal", VAT: "Imposto", Total: "Total", Payment: "Pagamento", Paid: "PAGA", Void: "CANCELADA",
		Page: "Página {{.Page}} de {{.Pages}}"},
	"ar": {Invoice: "فاتورة", CreditNote: "إشعار دائن", BillTo: "فاتورة إلى", TaxID: "الرقم الضريبي",
		IssueDate: "تاريخ الإصدار", DueDate: "تاريخ الاستحقاق", Period: "الفترة",
		Description: "الوصف", Quantity: "الكمية", UnitPrice: "سعر الوحدة", VATRate: "الضريبة", Amount: "المبلغ",
		Subtotal: "المجموع الفرعي", VAT: "ضريبة القيمة المضافة", Total: "الإجمالي", Payment: "الدفع", Paid: "مدفوعة", Void: "ملغاة",
		Page: "صفحة {{.Page}} من {{.Pages}}"},
}

// localized is the caller-side text of the sample invoice in each language.
type localized struct {
	currency            string
	buyer               Party
	seats, tokens, unit string // line descriptions; unit of the token price
	seatUnit, tokUnit   string
	vatNote, payment    string
	total               string // the expected total, as the language writes it
	// extracted is the total as pdftotext gives it back when that differs:
	// it keeps Arabic digits and a Latin symbol in visual order, inside an
	// LRE embedding it adds ("€ ١٬٦١٣٫٧٠", which displays as the PDF shows
	// it).
	extracted string
}

var samples = map[string]localized{
	"en": {currency: "EUR", buyer: Party{Name: "Zoë Brontë Analytics Ltd", AddressLines: []string{"221B Baker Street", "London NW1 6XE"}, Country: "GB", TaxID: "GB123456789", Email: "accounts@bronte.example"},
		seats: "Team plan — seats", tokens: "Large-2 model, input tokens", unit: "1M tokens", seatUnit: "seats", tokUnit: "tokens",
		vatNote: "VAT charged at the French standard rate.", payment: "Bank transfer, due in 30 days\nIBAN FR76 3000 6000 0112 3456 7890 189 · BIC AGRIFRPP",
		total: "€1,613.70"},
	"fr": {currency: "EUR", buyer: Party{Name: "Société d’Études Économiques Hélène Lefèvre", AddressLines: []string{"12 rue de l’Église", "69002 Lyon"}, Country: "FR", TaxID: "FR40303265045", Email: "compta@etudes.example"},
		seats: "Offre Team — sièges", tokens: "Modèle Large-2, jetons d’entrée", unit: "1 M jetons", seatUnit: "sièges", tokUnit: "jetons",
		vatNote: "TVA au taux normal de 20 %.", payment: "Virement bancaire, à 30 jours\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "1\u00a0613,70\u00a0€"},
	"de": {currency: "EUR", buyer: Party{Name: "Müller & Söhne Großhandel GmbH", AddressLines: []string{"Königstraße 12", "70173 Stuttgart"}, Country: "DE", TaxID: "DE811569869", Email: "buchhaltung@mueller.example"},
		seats: "Team-Tarif – Plätze", tokens: "Modell Large-2, Eingabe-Tokens", unit: "1 Mio. Tokens", seatUnit: "Plätze", tokUnit: "Tokens",
		vatNote: "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge).", payment: "Überweisung, zahlbar innerhalb von 30 Tagen\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "1.613,70\u00a0€"},
	"es": {currency: "EUR", buyer: Party{Name: "Peña y Muñoz Ingeniería S.L.", AddressLines: []string{"Calle de Alcalá 48", "28014 Madrid"}, Country: "ES", TaxID: "ESB12345674", Email: "facturas@pena.example"},
		seats: "Plan Team — puestos", tokens: "Modelo Large-2, tokens de entrada", unit: "1 M tokens", seatUnit: "puestos", tokUnit: "tokens",
		vatNote: "Inversión del sujeto pasivo.", payment: "Transferencia bancaria a 30 días\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "1613,70\u00a0€"},
	"pl": {currency: "PLN", buyer: Party{Name: "Zakład Usług Informatycznych „Żółć” Sp. z o.o.", AddressLines: []string{"ul. Piękna 15", "00-549 Łódź"}, Country: "PL", TaxID: "PL5260250274", Email: "księgowość@zolc.example"},
		seats: "Plan Team — stanowiska", tokens: "Model Large-2, tokeny wejściowe", unit: "1 mln tokenów", seatUnit: "stanowisk", tokUnit: "tokenów",
		vatNote: "Odwrotne obciążenie.", payment: "Przelew bankowy, termin płatności 30 dni\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "1613,70\u00a0zł"},
	"it": {currency: "EUR", buyer: Party{Name: "Caffè Fiorentino di Niccolò Bà S.r.l.", AddressLines: []string{"Via dell’Università 3", "50121 Firenze"}, Country: "IT", TaxID: "IT12345678901", Email: "amministrazione@caffe.example"},
		seats: "Piano Team — postazioni", tokens: "Modello Large-2, token di input", unit: "1 Mln token", seatUnit: "postazioni", tokUnit: "token",
		vatNote: "Inversione contabile.", payment: "Bonifico bancario a 30 giorni\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "1.613,70\u00a0€"},
	"pt-BR": {currency: "BRL", buyer: Party{Name: "Ação & Educação Tecnológica Ltda.", AddressLines: []string{"Av. Paulista, 1578 — Bela Vista", "São Paulo – SP, 01310-200"}, Country: "BR", TaxID: "12.345.678/0001-95", Email: "financeiro@acao.example"},
		seats: "Plano Team — assentos", tokens: "Modelo Large-2, tokens de entrada", unit: "1 mi tokens", seatUnit: "assentos", tokUnit: "tokens",
		vatNote: "", payment: "Transferência bancária em 30 dias\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "R$\u00a01.613,70"},
	"ar": {currency: "EUR", buyer: Party{Name: "شركة الأفق للحلول التقنية", AddressLines: []string{"طريق الملك فهد ١٢", "الرياض ١٢٢١١"}, Country: "SA", TaxID: "300123456700003", Email: "finance@alofoq.example"},
		seats: "خطة Team — مقاعد", tokens: "استخدام واجهة API للنموذج Large-2 (رموز الإدخال)", unit: "مليون رمز", seatUnit: "مقعدًا", tokUnit: "رمز",
		vatNote: "ضريبة القيمة المضافة بالنسبة الأساسية في فرنسا.", payment: "تحويل بنكي خلال ٣٠ يومًا\nIBAN FR76 3000 6000 0112 3456 7890 189",
		total: "١٬٦١٣٫٧٠ €", extracted: "€ ١٬٦١٣٫٧٠"},
}

func sample(lang string) Document {
	s := samples[lang]
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	seats := Line{Description: s.seats, Quantity: 48, Unit: s.seatUnit, UnitPrice: 2500, Amount: 120000, VATRate: 2000}
	tokens := Line{Description: s.tokens, Quantity: 48_250_000, Unit: s.tokUnit, UnitPrice: 300, PriceUnit: s.unit, Amount: 14475, VATRate: 2000}
	return Document{
		Language: lang, Kind: "invoice", Number: "INV-2026-000123",
		IssueDate: day(2026, 2, 1), DueDate: day(2026, 3, 3),
		PeriodStart: day(2026, 1, 1), PeriodEnd: day(2026, 2, 1),
		Seller: Party{Name: "Nimbus Intelligence SAS", AddressLines: []string{"8 rue de la Paix", "75002 Paris"},
			Country: "FR", TaxID: "FR12345678901", Email: "billing@nimbus.example"},
		Buyer:    s.buyer,
		Currency: s.currency,
		Lines:    []Line{seats, tokens},
		Subtotal: 134475, VAT: 26895, Total: 161370,
		VATNote: s.vatNote, PaymentTerms: s.payment, Status: "open",
	}
}

// requireTool finds a poppler tool or skips, unless ADMIN_CONSOLE_REQUIRE_TOOLS=1.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("ADMIN_CONSOLE_REQUIRE_TOOLS") == "1" {
			t.Fatalf("%s is required (ADMIN_CONSOLE_REQUIRE_TOOLS=1): install poppler-utils", name)
		}
		t.Skipf("%s not found: install poppler-utils to check the PDFs' text (set ADMIN_CONSOLE_REQUIRE_TOOLS=1 to fail instead)", name)
	}
	return p
}

// pdfText extracts the text of a PDF with pdftotext, NFKC-normalized (so
// Arabic presentation forms, if any, compare as the letters they show) and
// with every kind of space folded to a plain one.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin := requireTool(t, "pdftotext")
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, stderr.String())
	}
	return fold(string(out))
}

var spaces = regexp.MustCompile(`[\s\x{00a0}\x{202f}]+`)

// fold NFKC-normalizes s, drops bidi marks and collapses spaces.
func fold(s string) string {
	s = norm.NFKC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200e', '\u200f', '\u061c', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069':
			return -1
		}
		return r
	}, s)
	return spaces.ReplaceAllString(s, " ")
}

// keepPDF saves the PDF and its pages as PNG (pdftoppm -png -r 60) in
// test-output/invoices/ when ADMIN_CONSOLE_KEEP_INVOICES=1, for a person to look at.
func keepPDF(t *testing.T, name string, pdf []byte) {
	t.Helper()
	if os.Getenv("ADMIN_CONSOLE_KEEP_INVOICES") != "1" {
		return
	}
	dir := filepath.Join("..", "..", "test-output", "invoices")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(dir, name)
	if err := os.WriteFile(base+".pdf", pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	ppm := requireTool(t, "pdftoppm")
	if out, err := exec.Command(ppm, "-png", "-r", "60", base+".pdf", base).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
}

func render(t testing.TB, doc Document, labels Labels) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, doc, labels); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRenderAllLanguages(t *testing.T) {
	for _, lang := range Languages {
		t.Run(lang, func(t *testing.T) {
			doc, labels := sample(lang), labelsFor[lang]
			pdf := render(t, doc, labels)
			if !bytes.HasPrefix(pdf, []byte("%PDF-1.7")) {
				t.Fatalf("not a PDF 1.7 file: %q", pdf[:min(16, len(pdf))])
			}
			if !bytes.Contains(pdf, []byte("<pdfaid:part>3</pdfaid:part>")) {
				t.Error("no PDF/A-3 identification in the XMP metadata")
			}
			keepPDF(t, "invoice-"+lang, pdf)

			text := pdfText(t, pdf)
			total := samples[lang].total
			if e := samples[lang].extracted; e != "" {
				total = e
			}
			for what, want := range map[string]string{
				"number": doc.Number,
				"total":  total,
				"title":  labels.Invoice,
				"buyer":  doc.Buyer.Name,
			} {
				if !strings.Contains(text, fold(want)) {
					t.Errorf("%s %q not in the extracted text:\n%s", what, want, text)
				}
			}
			// The total as the renderer formats it is the one asserted above.
			loc, _ := localeFor(lang)
			cur, _ := loc.currency(doc.Currency)
			if got := loc.Money(cur, doc.Total); got != samples[lang].total {
				t.Errorf("total formats as %q, want %q", got, samples[lang].total)
			}
			if lang == "ar" {
				// Arabic words come out in logical order, joined letters
				// mapped back to their letters.
				for _, w := range []string{"الرياض", "الأفق", "للحلول", "واجهة", "الإجمالي", "يناير"} {
					if !strings.Contains(text, w) {
						t.Errorf("Arabic word %q not in the extracted text:\n%s", w, text)
					}
				}
				// Latin inside the mixed Arabic description survives too.
				for _, w := range []string{"API", "Large-2"} {
					if !strings.Contains(text, w) {
						t.Errorf("Latin word %q of the mixed line not in the extracted text:\n%s", w, text)
					}
				}
			}
		})
	}
}

func TestCreditNoteVoid(t *testing.T) {
	doc := sample("en")
	doc.Kind, doc.Number, doc.Status = "credit_note", "CN-2026-000004", "void"
	for i := range doc.Lines {
		doc.Lines[i].Quantity, doc.Lines[i].Amount = -doc.Lines[i].Quantity, -doc.Lines[i].Amount
	}
	doc.Subtotal, doc.VAT, doc.Total = -doc.Subtotal, -doc.VAT, -doc.Total
	pdf := render(t, doc, labelsFor["en"])
	keepPDF(t, "credit-note-en", pdf)
	text := pdfText(t, pdf)
	for _, want := range []string{"Credit note", "CN-2026-000004", "VOID", "-€1,613.70", "-48 seats", "-€1,200.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in the extracted text:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Due date") || strings.Contains(text, "Invoice ") {
		t.Errorf("a credit note shows no due date and no invoice title:\n%s", text)
	}
}

func TestPaidStamp(t *testing.T) {
	for _, lang := range []string{"de", "ar"} {
		doc := sample(lang)
		doc.Status = "paid"
		pdf := render(t, doc, labelsFor[lang])
		keepPDF(t, "paid-"+lang, pdf)
		if text := pdfText(t, pdf); !strings.Contains(text, labelsFor[lang].Paid) {
			t.Errorf("%s: stamp %q not in the extracted text:\n%s", lang, labelsFor[lang].Paid, text)
		}
	}
}

// TestManyPages: a long invoice breaks across pages, repeats the table
// header and numbers the pages.
func TestManyPages(t *testing.T) {
	for _, lang := range []string{"en", "ar"} {
		doc := sample(lang)
		base := doc.Lines
		doc.Lines = nil
		for i := range 40 {
			doc.Lines = append(doc.Lines, base[i%2])
		}
		pdf := render(t, doc, labelsFor[lang])
		keepPDF(t, "long-"+lang, pdf)
		bin := requireTool(t, "pdftotext")
		cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
		if len(pages) < 2 {
			t.Fatalf("%s: %d page(s), want a page break", lang, len(pages))
		}
		loc, _ := localeFor(lang)
		headers := 0
		for i, p := range pages {
			p = fold(p)
			want := fold(strings.NewReplacer("{{.Page}}", loc.Number(int64(i+1)), "{{.Pages}}", loc.Number(int64(len(pages)))).Replace(labelsFor[lang].Page))
			// pdftotext drops the space between Arabic-Indic digits and a
			// neighbouring Arabic word ("٣من"), so spaces are not compared.
			if squash := strings.NewReplacer(" ", ""); !strings.Contains(squash.Replace(p), squash.Replace(want)) {
				t.Errorf("%s page %d: footer %q missing:\n%s", lang, i+1, want, p)
			}
			if strings.Contains(p, fold(labelsFor[lang].Description)) {
				headers++
			}
		}
		if headers < 2 {
			t.Errorf("%s: the table header is on %d page(s), want it repeated", lang, headers)
		}
	}
}

func TestDeterministicAndConcurrent(t *testing.T) {
	first := render(t, sample("ar"), labelsFor["ar"])
	done := make(chan []byte)
	for range 4 {
		go func() {
			var buf bytes.Buffer
			if err := Render(&buf, sample("ar"), labelsFor["ar"]); err != nil {
				t.Error(err)
			}
			done <- buf.Bytes()
		}()
	}
	for range 4 {
		if got := <-done; !bytes.Equal(got, first) {
			t.Error("the same document rendered to different bytes")
		}
	}
}

func TestRenderRejects(t *testing.T) {
	for name, mutate := range map[string]func(*Document, *Labels){
		"language": func(d *Document, _ *Labels) { d.Language = "ru" },
		"kind":     func(d *Document, _ *Labels) { d.Kind = "quote" },
		"status":   func(d *Document, _ *Labels) { d.Status = "overdue" },
		"currency": func(d *Document, _ *Labels) { d.Currency = "EURO" },
		"number":   func(d *Document, _ *Labels) { d.Number = "" },
		"page":     func(_ *Document, l *Labels) { l.Page = "Page {{.Page" },
		"page key": func(_ *Document, l *Labels) { l.Page = "Page {{.Nope}}" },
	} {
		doc, labels := sample("en"), labelsFor["en"]
		mutate(&doc, &labels)
		var buf bytes.Buffer
		if err := Render(&buf, doc, labels); err == nil {
			t.Errorf("%s: rendered anyway", name)
		} else if buf.Len() != 0 {
			t.Errorf("%s: wrote %d bytes before failing", name, buf.Len())
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for _, lang := range []string{"en", "ar"} {
		b.Run(lang, func(b *testing.B) {
			doc, labels := sample(lang), labelsFor[lang]
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := Render(&buf, doc, labels); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/pdf")
		})
	}
}
