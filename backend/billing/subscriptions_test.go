package billing_test

import (
	"testing"
	"time"

	"admin-console/backend/apperr"
	"admin-console/backend/billing"
	"admin-console/backend/org"
	"admin-console/backend/plans"
)

func (e *env) plans(t *testing.T) (string, string) {
	t.Helper()
	ent, err := org.Entitlements(e.ctx, e.db, e.owner.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return ent.ChatPlan, ent.APIPlan
}

func TestUpgradeNowWithProrationDowngradeAtPeriodEnd(t *testing.T) {
	e := newEnv(t)
	team := billing.Change{Product: plans.Chat, Plan: "team", Interval: billing.Monthly, Seats: 1}

	// A first paid plan: a full first period, at once.
	q, err := e.bill.QuoteChange(e.ctx, e.owner, team)
	if err != nil || !q.Immediate || q.DueNow != 2800 || q.NewPrice != 2800 || q.Currency != "EUR" {
		t.Fatalf("quote %+v %v", q, err)
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, team); err != nil {
		t.Fatal(err)
	}
	if chat, _ := e.plans(t); chat != "team" {
		t.Fatalf("entitlements follow the plan: %s", chat)
	}
	subs, _ := e.bill.Subscriptions(e.ctx, e.owner)
	start, end := subs[0].PeriodStart, subs[0].PeriodEnd
	if !start.Equal(e.now) || !end.Equal(e.now.AddDate(0, 1, 0)) {
		t.Fatalf("period %v–%v", start, end)
	}

	// Halfway through, two more seats: the difference for what is left.
	e.now = start.Add(end.Sub(start) / 2)
	more := team
	more.Seats = 3
	q, err = e.bill.QuoteChange(e.ctx, e.owner, more)
	if err != nil || !q.Immediate || q.DueNow != 2800 { // (3×28.00 − 1×28.00) ÷ 2
		t.Fatalf("seats quote %+v %v", q, err)
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, more); err != nil {
		t.Fatal(err)
	}

	// Fewer seats: at the end of the period, no refund.
	fewer := team
	fewer.Seats = 2
	q, err = e.bill.ChangeSubscription(e.ctx, e.owner, fewer)
	if err != nil || q.Immediate || !q.EffectiveAt.Equal(end) || q.DueNow != 0 {
		t.Fatalf("downgrade %+v %v", q, err)
	}
	subs, _ = e.bill.Subscriptions(e.ctx, e.owner)
	if subs[0].Seats != 3 || subs[0].Scheduled == nil || subs[0].Scheduled.Seats != 2 {
		t.Fatalf("scheduled %+v", subs[0])
	}

	// The next invoice bills the seats and both prorated charges, once.
	e.profile(t, "FR", "")
	inv, err := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, start, end)
	if err != nil {
		t.Fatal(err)
	}
	var proration int64
	for _, l := range inv.Lines {
		if l.Kind == "proration" {
			proration += l.Amount
		}
	}
	if proration != 2800+2800 || inv.Subtotal != 3*2800+proration {
		t.Fatalf("invoice lines %+v", inv.Lines)
	}
	next, _ := e.bill.IssueInvoice(e.ctx, e.owner.OrgID, end, end.AddDate(0, 1, 0))
	for _, l := range next.Lines {
		if l.Kind == "proration" {
			t.Fatal("a prorated charge was billed twice")
		}
	}

	// At the end of the period the scheduled change applies.
	e.now = end.Add(time.Minute)
	if n, err := e.bill.RenewDue(e.ctx); err != nil || n != 1 {
		t.Fatalf("renewed %d %v", n, err)
	}
	subs, _ = e.bill.Subscriptions(e.ctx, e.owner)
	if subs[0].Seats != 2 || subs[0].Scheduled != nil || !subs[0].PeriodStart.Equal(end) {
		t.Fatalf("after renewal %+v", subs[0])
	}
}

func TestAnnualSwitchCreditsTheUnusedMonth(t *testing.T) {
	e := newEnv(t)
	monthly := billing.Change{Product: plans.Chat, Plan: "pro", Interval: billing.Monthly}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, monthly); err != nil {
		t.Fatal(err)
	}
	subs, _ := e.bill.Subscriptions(e.ctx, e.owner)
	e.now = subs[0].PeriodStart.Add(subs[0].PeriodEnd.Sub(subs[0].PeriodStart) / 4)
	q, err := e.bill.QuoteChange(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "pro", Interval: billing.Annual})
	if err != nil || !q.Immediate || q.DueNow != 18000-1350 { // a year less ¾ of 18.00
		t.Fatalf("annual quote %+v %v", q, err)
	}
}

func TestDowngradeBelowUseIsRefused(t *testing.T) {
	e := newEnv(t)
	if _, err := e.db.Exec(`INSERT INTO users(id, email, email_key, first_name, last_name, password_hash, language, created_at, updated_at)
		VALUES ('u2', 'b@example.com', 'b@example.com', 'B', 'C', 'x', 'en', '', '')`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "team", Interval: billing.Monthly, Seats: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(`INSERT INTO org_members(org_id, user_id, role, joined_at) VALUES (?, 'u2', 'member', '')`, e.owner.OrgID); err != nil {
		t.Fatal(err)
	}
	_, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "free", Interval: billing.Monthly})
	if apperr.Code(err) != "plan.too_many_members" {
		t.Fatalf("downgrade below members: %v", err)
	}
	_, err = e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.Chat, Plan: "team", Interval: billing.Monthly, Seats: 1})
	if apperr.Code(err) != "subscription.seats_below_members" {
		t.Fatalf("fewer seats than members: %v", err)
	}
	if chat, _ := e.plans(t); chat != "team" {
		t.Fatal("a refused change moved the plan")
	}
}

func TestAPIPlanUpAtOnceDownAtPeriodEnd(t *testing.T) {
	e := newEnv(t)
	scale := billing.Change{Product: plans.API, Plan: "scale", Interval: billing.Monthly}
	if q, err := e.bill.ChangeSubscription(e.ctx, e.owner, scale); err != nil || !q.Immediate || q.DueNow != 0 {
		t.Fatalf("to scale %+v %v", q, err)
	}
	if _, api := e.plans(t); api != "scale" {
		t.Fatal("not on scale")
	}
	q, err := e.bill.ChangeSubscription(e.ctx, e.owner, billing.Change{Product: plans.API, Plan: "experiment", Interval: billing.Monthly})
	if err != nil || q.Immediate {
		t.Fatalf("to experiment %+v %v", q, err)
	}
	if _, api := e.plans(t); api != "scale" {
		t.Fatal("a downgrade applied before the period ended")
	}
}
