package billing

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"admin-console/backend/apperr"
	"admin-console/backend/audit"
	"admin-console/backend/org"
	"admin-console/backend/plans"
	"admin-console/backend/store"
)

// Billing intervals.
const (
	Monthly = "month"
	Annual  = "year"
)

// Subscription is one product's plan for an organization.
type Subscription struct {
	Product     plans.Product
	Plan        string
	Interval    string
	Seats       int64
	PeriodStart time.Time
	PeriodEnd   time.Time
	// Scheduled is the change that takes effect when the period ends.
	Scheduled *Change
}

// Change is a subscription someone asks for.
type Change struct {
	Product  plans.Product
	Plan     string
	Interval string
	Seats    int64 // chat plans priced per seat; ignored for API plans
}

// Quote is what a change costs, shown before it is confirmed.
type Quote struct {
	Change Change
	// Immediate changes apply now with DueNow charged (prorated); the others
	// apply at EffectiveAt, the end of the period.
	Immediate   bool
	EffectiveAt time.Time
	DueNow      int64 // minor units, charged on the next invoice
	// CurrentPrice and NewPrice are the recurring prices per period.
	CurrentPrice int64
	NewPrice     int64
	Currency     string
}

func addInterval(t time.Time, interval string) time.Time {
	if interval == Annual {
		return t.AddDate(1, 0, 0)
	}
	return t.AddDate(0, 1, 0)
}

// price is the recurring price of a subscription for one period.
func (s *Service) price(plan, interval, currency string, seats int64, at time.Time) int64 {
	p, ok := s.prices().Seat(plan, currency, at)
	if !ok {
		return 0 // Free, and API plans, have no fixed price
	}
	if interval == Annual {
		return seats * p.Annual
	}
	return seats * p.Monthly
}

// Subscriptions returns the organization's two subscriptions.
func (s *Service) Subscriptions(ctx context.Context, a org.Actor) ([]Subscription, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.OrgRead); err != nil {
		return nil, err
	}
	var out []Subscription
	for _, p := range []plans.Product{plans.Chat, plans.API} {
		sub, err := s.subscription(ctx, s.DB, a.OrgID, p)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, nil
}

// subscription loads one, or describes the plan an organization is on
// without one (a new organization: Free and Experiment, nothing to pay).
func (s *Service) subscription(ctx context.Context, q org.Querier, orgID string, product plans.Product) (Subscription, error) {
	sub := Subscription{Product: product}
	var start, end string
	var schedPlan, schedInterval sql.NullString
	var schedSeats sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT plan, interval, seats, period_start, period_end, scheduled_plan, scheduled_interval,
		scheduled_seats FROM subscriptions WHERE org_id = ? AND product = ?`, orgID, string(product)).
		Scan(&sub.Plan, &sub.Interval, &sub.Seats, &start, &end, &schedPlan, &schedInterval, &schedSeats)
	if errors.Is(err, sql.ErrNoRows) {
		ent, err := org.Entitlements(ctx, q, orgID)
		if err != nil {
			return Subscription{}, err
		}
		sub.Plan, sub.Interval = ent.APIPlan, Monthly
		if product == plans.Chat {
			sub.Plan = ent.ChatPlan
		}
		return sub, nil
	}
	if err != nil {
		return Subscription{}, err
	}
	sub.PeriodStart, sub.PeriodEnd = store.ParseTime(start), store.ParseTime(end)
	if schedPlan.Valid {
		sub.Scheduled = &Change{Product: product, Plan: schedPlan.String, Interval: schedInterval.String, Seats: schedSeats.Int64}
	}
	return sub, nil
}

func (s *Service) validChange(ctx context.Context, q org.Querier, orgID string, c Change) (Change, error) {
	if _, err := plans.Get(c.Product, c.Plan); err != nil {
		return Change{}, apperr.Field("plan", "plan.unknown")
	}
	if c.Interval != Monthly && c.Interval != Annual {
		return Change{}, apperr.Field("interval", "subscription.bad_interval")
	}
	switch {
	case c.Product == plans.API || c.Plan == plans.Free:
		c.Seats = 0
	case c.Plan == plans.Pro:
		c.Seats = 1
	default:
		var members int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM org_members WHERE org_id = ?`, orgID).Scan(&members); err != nil {
			return Change{}, err
		}
		if c.Seats < members {
			return Change{}, apperr.Field("seats", "subscription.seats_below_members").With("Count", members)
		}
		if c.Seats > 100_000 {
			return Change{}, apperr.Field("seats", "input.invalid")
		}
	}
	return c, nil
}

// rank orders plans of a product: a move up is an upgrade.
func rank(product plans.Product, plan string) int {
	list := plans.ChatPlans
	if product == plans.API {
		list = plans.APIPlans
	}
	for i, p := range list {
		if p == plan {
			return i
		}
	}
	return -1
}

// QuoteChange prices a change before it is confirmed: an upgrade (a better
// plan, more seats, or monthly to annual) applies now with a prorated
// charge; a downgrade or cancellation at the end of the period.
func (s *Service) QuoteChange(ctx context.Context, a org.Actor, c Change) (Quote, error) {
	if _, err := org.Authorize(ctx, s.DB, a, org.SubscriptionsEdit); err != nil {
		return Quote{}, err
	}
	return s.quote(ctx, s.DB, a.OrgID, c)
}

func (s *Service) quote(ctx context.Context, q org.Querier, orgID string, c Change) (Quote, error) {
	c, err := s.validChange(ctx, q, orgID, c)
	if err != nil {
		return Quote{}, err
	}
	cur, err := s.subscription(ctx, q, orgID, c.Product)
	if err != nil {
		return Quote{}, err
	}
	var currency string
	if err := q.QueryRowContext(ctx, `SELECT currency FROM organizations WHERE id = ?`, orgID).Scan(&currency); err != nil {
		return Quote{}, err
	}
	now := s.now()
	out := Quote{Change: c, Currency: currency, NewPrice: s.price(c.Plan, c.Interval, currency, c.Seats, now)}
	started := !cur.PeriodEnd.IsZero()
	if started {
		out.CurrentPrice = s.price(cur.Plan, cur.Interval, currency, cur.Seats, cur.PeriodStart)
	}
	switch {
	case !started: // a first paid plan, or a change before any: a full first period now
		out.Immediate, out.EffectiveAt, out.DueNow = true, now, out.NewPrice
	case isUpgrade(cur, c):
		out.Immediate, out.EffectiveAt = true, now
		out.DueNow = s.prorate(cur, c, out, now)
	default: // downgrades and cancellations wait for the end of the period
		out.EffectiveAt = cur.PeriodEnd
	}
	return out, nil
}

// isUpgrade: a better plan, or the same plan with more seats or moving from
// monthly to annual billing.
func isUpgrade(cur Subscription, c Change) bool {
	if r, was := rank(c.Product, c.Plan), rank(c.Product, cur.Plan); r != was {
		return r > was
	}
	return c.Seats > cur.Seats || (c.Interval == Annual && cur.Interval == Monthly && c.Seats >= cur.Seats)
}

// prorate is what an immediate upgrade costs now. Within the same interval:
// the price difference for the rest of the period. Starting a new interval
// (or a first paid plan): the new period's price less what is left of the
// old one.
func (s *Service) prorate(cur Subscription, c Change, q Quote, now time.Time) int64 {
	if cur.PeriodEnd.IsZero() || !now.Before(cur.PeriodEnd) {
		return q.NewPrice
	}
	remaining := cur.PeriodEnd.Sub(now)
	length := cur.PeriodEnd.Sub(cur.PeriodStart)
	unused := share(q.CurrentPrice, remaining, length)
	if c.Interval == cur.Interval {
		return share(q.NewPrice, remaining, length) - unused
	}
	if due := q.NewPrice - unused; due > 0 {
		return due
	}
	return 0
}

// share is amount × part / whole in minor units, rounded half up, computed
// on whole seconds in integers.
func share(amount int64, part, whole time.Duration) int64 {
	p, w := int64(part/time.Second), int64(whole/time.Second)
	if w <= 0 {
		return 0
	}
	return (amount*p + w/2) / w
}

// ChangeSubscription applies a quoted change: at once for an upgrade (the
// prorated amount is billed on the next invoice), at the end of the period
// otherwise. Entitlements follow the plan; a plan below what is in use is
// refused with the reason.
func (s *Service) ChangeSubscription(ctx context.Context, a org.Actor, c Change) (Quote, error) {
	var q Quote
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := org.Authorize(ctx, tx, a, org.SubscriptionsEdit); err != nil {
			return err
		}
		var err error
		if q, err = s.quote(ctx, tx, a.OrgID, c); err != nil {
			return err
		}
		if q.Immediate {
			err = s.applyNow(ctx, tx, a.OrgID, q)
		} else {
			err = s.schedule(ctx, tx, a.OrgID, q.Change)
		}
		if err != nil {
			return err
		}
		action := "subscription.changed"
		if !q.Immediate {
			action = "subscription.scheduled"
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: a.UserID, Action: action, TargetType: "organization",
			TargetID: a.OrgID, OrgID: a.OrgID, Details: map[string]any{"product": q.Change.Product, "plan": q.Change.Plan,
				"interval": q.Change.Interval, "seats": q.Change.Seats, "dueNow": q.DueNow, "currency": q.Currency,
				"effectiveAt": store.Timestamp(q.EffectiveAt)}})
	})
	return q, err
}

func (s *Service) applyNow(ctx context.Context, tx *sql.Tx, orgID string, q Quote) error {
	c := q.Change
	if err := s.setEntitlement(ctx, tx, orgID, c.Product, c.Plan); err != nil {
		return err
	}
	cur, err := s.subscription(ctx, tx, orgID, c.Product)
	if err != nil {
		return err
	}
	start, end := cur.PeriodStart, cur.PeriodEnd
	if end.IsZero() || c.Interval != cur.Interval || !s.now().Before(end) {
		start = s.now()
		end = addInterval(start, c.Interval)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions(org_id, product, plan, interval, seats, period_start, period_end)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT(org_id, product) DO UPDATE SET plan = excluded.plan, interval = excluded.interval,
		seats = excluded.seats, period_start = excluded.period_start, period_end = excluded.period_end,
		scheduled_plan = NULL, scheduled_interval = NULL, scheduled_seats = NULL`,
		orgID, string(c.Product), c.Plan, c.Interval, c.Seats, store.Timestamp(start), store.Timestamp(end)); err != nil {
		return err
	}
	if q.DueNow <= 0 {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO pending_charges(id, org_id, created_at, item, quantity, amount, currency)
		VALUES (?,?,?,?,?,?,?)`, uuid.Must(uuid.NewV7()).String(), orgID, store.Timestamp(s.now()),
		"proration:"+string(c.Product)+":"+c.Plan+":"+c.Interval, c.Seats, q.DueNow, q.Currency)
	return err
}

// setEntitlement moves the organization's plan of one product.
func (s *Service) setEntitlement(ctx context.Context, tx *sql.Tx, orgID string, product plans.Product, plan string) error {
	ent, err := org.Entitlements(ctx, tx, orgID)
	if err != nil {
		return err
	}
	chat, api := ent.ChatPlan, ent.APIPlan
	if product == plans.Chat {
		chat = plan
	} else {
		api = plan
	}
	return org.ApplyPlans(ctx, tx, orgID, chat, api)
}

func (s *Service) schedule(ctx context.Context, tx *sql.Tx, orgID string, c Change) error {
	// Checked now so that nobody learns at renewal that the plan cannot hold
	// what is in use.
	ent, err := org.Entitlements(ctx, tx, orgID)
	if err != nil {
		return err
	}
	probeChat, probeAPI := ent.ChatPlan, ent.APIPlan
	if c.Product == plans.Chat {
		probeChat = c.Plan
	} else {
		probeAPI = c.Plan
	}
	if err := org.ApplyPlans(ctx, tx, orgID, probeChat, probeAPI); err != nil {
		return err
	}
	if err := org.ApplyPlans(ctx, tx, orgID, ent.ChatPlan, ent.APIPlan); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE subscriptions SET scheduled_plan = ?, scheduled_interval = ?, scheduled_seats = ?
		WHERE org_id = ? AND product = ?`, c.Plan, c.Interval, c.Seats, orgID, string(c.Product))
	return err
}

// RenewDue starts the next period of every subscription whose period has
// ended, applying scheduled changes: the billing run calls it.
func (s *Service) RenewDue(ctx context.Context) (int, error) {
	now := s.now()
	rows, err := s.DB.QueryContext(ctx, `SELECT org_id, product FROM subscriptions WHERE period_end <= ?`, store.Timestamp(now))
	if err != nil {
		return 0, err
	}
	type due struct{ org, product string }
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.org, &d.product); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	for _, d := range list {
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.renew(ctx, tx, d.org, plans.Product(d.product)) }); err != nil {
			return 0, err
		}
	}
	return len(list), nil
}

func (s *Service) renew(ctx context.Context, tx *sql.Tx, orgID string, product plans.Product) error {
	sub, err := s.subscription(ctx, tx, orgID, product)
	if err != nil {
		return err
	}
	plan, interval, seats := sub.Plan, sub.Interval, sub.Seats
	if sc := sub.Scheduled; sc != nil {
		plan, interval, seats = sc.Plan, sc.Interval, sc.Seats
		if err := s.setEntitlement(ctx, tx, orgID, product, plan); err != nil {
			return err
		}
	}
	start := sub.PeriodEnd
	for end := addInterval(start, interval); !end.After(s.now()); end = addInterval(start, interval) {
		start = end // catch up on periods missed while the app was closed
	}
	if _, err := tx.ExecContext(ctx, `UPDATE subscriptions SET plan = ?, interval = ?, seats = ?, period_start = ?, period_end = ?,
		scheduled_plan = NULL, scheduled_interval = NULL, scheduled_seats = NULL WHERE org_id = ? AND product = ?`,
		plan, interval, seats, store.Timestamp(start), store.Timestamp(addInterval(start, interval)), orgID, string(product)); err != nil {
		return err
	}
	return s.Audit.Record(ctx, tx, audit.Event{ActorID: "billing", Action: "subscription.renewed", TargetType: "organization",
		TargetID: orgID, OrgID: orgID, Details: map[string]any{"product": product, "plan": plan, "interval": interval, "seats": seats}})
}
