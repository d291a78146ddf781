package billing

import "time"

// PaymentProvider is how an organization pays its invoices. Providers plug
// in here; whatever they are, card numbers are never stored by this app.
type PaymentProvider interface {
	// ID names the provider in the billing details ("bank_transfer").
	ID() string
	// DueIn is how long an invoice may stay open.
	DueIn() time.Duration
}

// BankTransfer is the provider built here: the buyer pays by transfer to
// the seller's IBAN printed on the invoice, within 30 days.
type BankTransfer struct{}

func (BankTransfer) ID() string           { return "bank_transfer" }
func (BankTransfer) DueIn() time.Duration { return PaymentTerm }

func (s *Service) payment() PaymentProvider {
	if s.Payment != nil {
		return s.Payment
	}
	return BankTransfer{}
}
