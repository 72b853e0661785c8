package billmgrtest

import (
	"math/rand/v2"
	"time"
	"unicode/utf8"
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

// DefaultPasswordMinLength is the shortest password a fake without WithPasswordPolicy
// accepts. BILLmanager's own default is not recorded: 6 is the fake's choice
// (docs/wire.md).
const DefaultPasswordMinLength = 6

// PasswordPolicy is what the fake requires of a password a client is given: by register,
// and by account.edit with passwd (creating a client or changing its password). A panel's
// administrator sets such a rule in the panel; set the one your installation has, so that
// your tests meet the refusals your users will. A password the policy refuses is a
// value(passwd) error naming the rule, in the request's language, and the call changes
// nothing. The seed's passwords are not checked: they were set before the policy.
type PasswordPolicy struct {
	// MinLength is the fewest characters (Unicode code points) a password has; 0 accepts
	// any non-empty password.
	MinLength int
}

// check returns the value(passwd) error of a password the policy refuses, nil if it
// accepts it. The error never shows the password.
func (p PasswordPolicy) check(password string) *apiError {
	if utf8.RuneCountInString(password) < p.MinLength {
		return invalid("passwd", "", whyPasswordShort, p.MinLength)
	}
	return nil
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
