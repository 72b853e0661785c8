package billmgr

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestErrorShapesOfBILLmanager6 reads the error documents as BILLmanager 6 writes them:
// code="1" on every one, a value error without <detail> (the recorded user.edit error),
// an expired session as type auth without an object.
func TestErrorShapesOfBILLmanager6(t *testing.T) {
	t.Parallel()
	value := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<doc><error type="value" object="elid" lang="ru" code="1">
<param name="object" type="msg" msg="Идентификатор элемента">elid</param>
<param name="value">abc</param>
<param name="desc" type="msg">desk_empty</param>
<stack><action level="30" user="root">user.edit</action></stack>
<group>Поле '__object__' имеет недопустимое значение. __desc__</group>
<msg>Поле 'Идентификатор элемента' имеет недопустимое значение. </msg>
</error></doc>`)
	session := []byte(`<doc lang="en" func="account"><error type="auth" lang="en" code="1"><msg>Authorization required</msg></error></doc>`)

	c, _ := newStub(t, []stubReply{xmlReply(value)})
	_, err := c.Call(context.Background(), "user.edit", nil)
	require.ErrorIs(t, err, ErrInvalid)
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "elid", e.Object)
	assert.Equal(t, "abc", e.Value)
	assert.Empty(t, e.Detail, "no detail")
	assert.Equal(t, "Поле 'Идентификатор элемента' имеет недопустимое значение.", e.Msg)
	assert.Equal(t, "desk_empty", e.Params["desc"], "the reason's key")
	assert.Equal(t, map[string]string{"type": "value", "object": "elid", "lang": "ru", "code": "1"}, e.Attrs)
	assert.Equal(t, "billmgr: user.edit: value(elid): Поле 'Идентификатор элемента' имеет недопустимое значение.", err.Error())

	c, _ = newStub(t, []stubReply{xmlReply(session)})
	_, err = c.Call(context.Background(), "account", nil)
	require.ErrorIs(t, err, ErrAuth)
	require.ErrorAs(t, err, &e)
	assert.Empty(t, e.Object)
	assert.Equal(t, "1", e.Attrs["code"])
	assert.Equal(t, "billmgr: account: auth: Authorization required", err.Error())
}

// TestSessionRenewedOnAuthErrorWithoutObject: an expired session names no object (as
// recorded); a WithSession client logs in again all the same.
func TestSessionRenewedOnAuthErrorWithoutObject(t *testing.T) {
	t.Parallel()
	login := xmlReply([]byte(`<doc><auth id="s1" level="29">s1</auth></doc>`))
	expired := xmlReply([]byte(`<doc><error type="auth" lang="en" code="1"><msg>Authorization required</msg></error></doc>`))
	relogin := xmlReply([]byte(`<doc><auth id="s2" level="29">s2</auth></doc>`))
	done := xmlReply([]byte(`<doc><ok/></doc>`))
	c, s := newStub(t, []stubReply{login, expired, relogin, done}, WithSession("admin", "pw"))
	_, err := c.Call(context.Background(), "payment.setpaid", nil)
	require.NoError(t, err)
	reqs := s.requests()
	require.Len(t, reqs, 4)
	assert.Equal(t, "s2", reqs[3].Form.Get("auth"), "sent again with the new session")
}

// TestSentinelsCarryNoPrefix: a sentinel reads as plain words, alone and inside the error
// of a call, which says "billmgr:" once, at its start.
func TestSentinelsCarryNoPrefix(t *testing.T) {
	t.Parallel()
	for _, s := range []error{ErrAuth, ErrAccess, ErrNotFound, ErrExists, ErrInvalid, ErrInvalidArgument,
		ErrUnexpectedResponse, ErrOutcomeUnknown, ErrUntrustedCertificate, ErrDryRun, ErrCreditConflict} {
		assert.NotContains(t, s.Error(), "billmgr", s.Error())
	}
	err := argError("payment.refund", "the refund amount must be set and positive")
	assert.Equal(t, "billmgr: payment.refund: invalid argument: the refund amount must be set and positive", err.Error())
	unknown := fmt.Errorf("billmgr: payment.setpaid: EOF (%w)", ErrOutcomeUnknown)
	chained := &chainError{msg: "billmgr: credit: " + unprefixed(unknown), errs: []error{unknown}}
	assert.Equal(t, "billmgr: credit: payment.setpaid: EOF (outcome unknown: the server may have applied the call; look it up before sending it again)", chained.Error())
	assert.ErrorIs(t, chained, ErrOutcomeUnknown)
}

// TestFieldErrorIsTheErrorItWraps: a FieldError reads as its error and unwraps to it, and
// FieldErrors finds every FieldError of a tree, in order.
func TestFieldErrorIsTheErrorItWraps(t *testing.T) {
	t.Parallel()
	apiErr := &Error{Func: "register", Type: "exists", Object: "email", Msg: "The e-mail is taken"}
	fe := &FieldError{Field: "Email", Param: "email", Err: apiErr}
	assert.Equal(t, apiErr.Error(), fe.Error())
	assert.ErrorIs(t, fe, ErrExists)
	var got *Error
	require.ErrorAs(t, fe, &got)
	assert.Same(t, apiErr, got)

	other := &FieldError{Field: "Password", Param: "passwd", Err: argError("register", "Password is required")}
	tree := errors.Join(fmt.Errorf("billmgr: register: %w", fe), errors.New("unrelated"), &chainError{msg: "x", errs: []error{other}})
	assert.Equal(t, []*FieldError{fe, other}, FieldErrors(tree))
	assert.Equal(t, []*FieldError{fe}, FieldErrors(fe))
	assert.Nil(t, FieldErrors(apiErr))
	assert.Nil(t, FieldErrors(nil))
}
