package billmgrtest

import (
	"math/rand/v2"
	"time"
)

// Default administrator credentials of a fake server. WithAdmin replaces them.
const (
	DefaultAdminUser     = "admin"
	DefaultAdminPassword = "admin-secret"
)

// DefaultPageSize is the page size (p_cnt) of a list when the request sends none.
const DefaultPageSize = 1000

// Option configures a Handler or a Server.
type Option func(*config)

type config struct {
	adminUser     string
	adminPassword string
	now           func() time.Time
	loc           *time.Location
	seed          Seed
	pageSize      int
	listLimit     int
	commitLag     time.Duration
	commitDelay   func(lag time.Duration) time.Duration // one create's wait, up to lag: random unless a test sets it
	passwords     PasswordPolicy
}

func newConfig(opts []Option) *config {
	cfg := &config{
		adminUser:     DefaultAdminUser,
		adminPassword: DefaultAdminPassword,
		now:           time.Now,
		loc:           time.UTC,
		pageSize:      DefaultPageSize,
		commitDelay:   rand.N[time.Duration],
		passwords:     PasswordPolicy{MinLength: DefaultPasswordMinLength},
	}
	for _, opt := range opts {
		opt(cfg)
	}
	return cfg
}

// WithAdmin sets the administrator's user name and password
// (default DefaultAdminUser / DefaultAdminPassword).
func WithAdmin(user, password string) Option {
	return func(c *config) { c.adminUser, c.adminPassword = user, password }
}

// WithClock sets the clock the server reads for create dates, pay dates,
// history entries and session and login-key expiry (default time.Now).
// SetDelay is not affected: it always waits in real time.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now != nil {
			c.now = now
		}
	}
}

// WithLocation sets the server-local time zone in which the server writes and
// reads dates (default UTC).
func WithLocation(loc *time.Location) Option {
	return func(c *config) {
		if loc != nil {
			c.loc = loc
		}
	}
}

// WithSeed loads initial data. NewHandler and NewServer panic if the seed is
// invalid; call Seed.Validate first to get an error instead.
func WithSeed(seed Seed) Option {
	return func(c *config) { c.seed = seed }
}

// WithPageSize sets the page size of lists whose request sends no p_cnt
// (default DefaultPageSize). n <= 0 keeps the default.
func WithPageSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.pageSize = n
		}
	}
}

// WithListLimit makes every list stop at n rows, as the real server's SQL does for the
// client's payment list (LIMIT 5001, so WithListLimit(5000)); n <= 0, the default, serves
// whole lists. What the real server then reports is not recorded: the fake's choice is
// that a cut list says so in its total, p_elems = n+1 (the rows a LIMIT n+1 query finds),
// while no page reaches past row n. A client that walks the list sees fewer rows than the
// total and can report the cut.
func WithListLimit(n int) Option {
	return func(c *config) { c.listLimit = max(n, 0) }
}

// WithCommitLag makes a payment.edit that creates a payment take its id (and its create
// date) when it arrives and commit (become visible, and answer) a random time of up to d
// later, as a database sequence hands out ids before the transaction commits: concurrent
// creates then commit out of id order, and a payment with a lower id can appear after one
// with a higher id was seen. Whether BILLmanager does so is not recorded (docs/wire.md);
// it is the case a client that decides by the lowest id must survive. 0, the default,
// commits at once.
func WithCommitLag(d time.Duration) Option {
	return func(c *config) { c.commitLag = max(d, 0) }
}

// WithPasswordPolicy sets what the fake requires of the passwords register and
// account.edit give clients (default: DefaultPasswordMinLength characters). The zero
// PasswordPolicy accepts any non-empty password; a negative MinLength counts as 0.
func WithPasswordPolicy(p PasswordPolicy) Option {
	return func(c *config) {
		p.MinLength = max(p.MinLength, 0)
		c.passwords = p
	}
}
