package billing

import (
	_ "embed"
	"fmt"

	"github.com/BurntSushi/toml"
)

//go:embed vat.toml
var vatFile []byte

// Party is a seller or buyer as an invoice shows them.
type Party struct {
	Name    string   `json:"name" toml:"name"`
	Address []string `json:"address" toml:"address"`
	// PostalCode and City repeat what the last Address line shows, for the
	// Factur-X XML, which has fields for them. Invoices issued before they
	// were recorded have them empty.
	PostalCode string `json:"postalCode,omitempty" toml:"postal_code"`
	City       string `json:"city,omitempty" toml:"city"`
	Country    string `json:"country" toml:"country"`
	TaxID      string `json:"taxId" toml:"tax_id"`
	Email      string `json:"email" toml:"email"`
	IBAN       string `json:"iban,omitempty" toml:"iban"`
}

type vatData struct {
	Rates  map[string]int64 `toml:"rates"`
	Seller Party            `toml:"seller"`
}

var vat = func() vatData {
	var d vatData
	if err := toml.Unmarshal(vatFile, &d); err != nil {
		panic(fmt.Sprintf("billing: vat.toml: %v", err))
	}
	if _, ok := d.Rates[d.Seller.Country]; !ok {
		panic("billing: vat.toml: no rate for the seller's country")
	}
	return d
}()

// Seller is the company that issues the invoices.
func Seller() Party { return vat.Seller }

// VAT regimes an invoice can fall under.
const (
	// Domestic: the seller's VAT (same country, or a buyer without a VAT
	// number elsewhere in the EU).
	Domestic = "domestic"
	// ReverseCharge: a business with a VAT number in another EU country
	// accounts for the VAT itself (Article 196 of Directive 2006/112/EC).
	ReverseCharge = "reverse_charge"
	// OutsideEU: services to a buyer outside the EU are outside the scope of
	// EU VAT.
	OutsideEU = "outside_eu"
)

// InEU reports whether an ISO country code is an EU member state.
func InEU(country string) bool {
	_, ok := vat.Rates[country]
	return ok
}

// DecideVAT picks the regime and rate (basis points) for a buyer. buyerTaxID
// must already be validated for buyerCountry.
func DecideVAT(buyerCountry, buyerTaxID string) (regime string, rateBP int64) {
	seller := vat.Seller.Country
	switch {
	case !InEU(buyerCountry):
		return OutsideEU, 0
	case buyerCountry != seller && buyerTaxID != "":
		return ReverseCharge, 0
	default:
		return Domestic, vat.Rates[seller]
	}
}

// VATOf computes the VAT on a subtotal at rate basis points, rounded half
// away from zero to the minor unit.
func VATOf(subtotal, rateBP int64) int64 {
	p := subtotal * rateBP
	if p < 0 {
		return -((-p + 5000) / 10000)
	}
	return (p + 5000) / 10000
}
