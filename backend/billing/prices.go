package billing

import (
	_ "embed"
	"fmt"
	"sort"
	"time"

	"github.com/BurntSushi/toml"
)

// Currencies are the currencies an organization may be billed in.
var Currencies = []string{"EUR", "USD"}

// ValidCurrency reports whether c is one of Currencies.
func ValidCurrency(c string) bool { return c == "EUR" || c == "USD" }

//go:embed prices.toml
var priceFile []byte

// SeatPrice is the price of one seat of a chat plan.
type SeatPrice struct {
	Plan      string `toml:"plan"`
	Currency  string `toml:"currency"`
	Monthly   int64  `toml:"monthly"` // per seat per month
	Annual    int64  `toml:"annual"`  // per seat per year
	Effective string `toml:"effective"`
}

// ModelPrice is the price of a model's tokens, per million.
type ModelPrice struct {
	Model     string `toml:"model"`
	Currency  string `toml:"currency"`
	Input     int64  `toml:"input"`
	Output    int64  `toml:"output"`
	Effective string `toml:"effective"`
}

// PriceList is the whole catalog of prices, newest entries first per item.
type PriceList struct {
	Seats  []SeatPrice  `toml:"seat"`
	Models []ModelPrice `toml:"model"`
}

// Prices is the price list shipped with the app.
var Prices = mustLoadPrices(priceFile)

func mustLoadPrices(data []byte) *PriceList {
	var p PriceList
	if err := toml.Unmarshal(data, &p); err != nil {
		panic(fmt.Sprintf("billing: prices.toml: %v", err))
	}
	for _, s := range p.Seats {
		mustDate(s.Effective)
	}
	for _, m := range p.Models {
		mustDate(m.Effective)
	}
	// Newest first, so the first match at or before a date is the one in force.
	sort.SliceStable(p.Seats, func(i, j int) bool { return p.Seats[i].Effective > p.Seats[j].Effective })
	sort.SliceStable(p.Models, func(i, j int) bool { return p.Models[i].Effective > p.Models[j].Effective })
	return &p
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(fmt.Sprintf("billing: price effective date %q: %v", s, err))
	}
	return t
}

// Seat returns the seat price of a plan in a currency in force at t; ok is
// false for plans without a seat price (Free).
func (p *PriceList) Seat(plan, currency string, at time.Time) (SeatPrice, bool) {
	day := at.UTC().Format("2006-01-02")
	for _, s := range p.Seats {
		if s.Plan == plan && s.Currency == currency && s.Effective <= day {
			return s, true
		}
	}
	return SeatPrice{}, false
}

// Model returns a model's token prices in a currency in force at t.
func (p *PriceList) Model(model, currency string, at time.Time) (ModelPrice, bool) {
	day := at.UTC().Format("2006-01-02")
	for _, m := range p.Models {
		if m.Model == model && m.Currency == currency && m.Effective <= day {
			return m, true
		}
	}
	return ModelPrice{}, false
}

// CostMicros prices tokens in micro-minor units (a millionth of a cent):
// exact, since prices are per million tokens. Invoices round once, at the end.
func (m ModelPrice) CostMicros(inputTokens, outputTokens int64) int64 {
	return inputTokens*m.Input + outputTokens*m.Output
}

// RoundMicros turns micro-minor units into minor units, half away from zero.
func RoundMicros(micros int64) int64 {
	if micros < 0 {
		return -RoundMicros(-micros)
	}
	return (micros + 500_000) / 1_000_000
}
