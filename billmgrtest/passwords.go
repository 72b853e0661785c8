package billmgrtest

import "unicode/utf8"

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
