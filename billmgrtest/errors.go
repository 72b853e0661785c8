package billmgrtest

// apiError is an error the fake answers with an <error> document (HTTP 200).
// typ and object are what clients match on; value is the offending value; reason, its
// text formatted with args, explains a value error. msg and detail are the texts of a
// Refusal, where it sets them.
type apiError struct {
	typ, object, value string
	reason             reason
	args               []any
	msg, detail        text
}

func (e *apiError) Error() string { return e.typ + "(" + e.object + ")" }

// headline is the localized <group> template of the error. A type the fake does not
// write itself (a Refusal's) takes the value error's.
func (e *apiError) headline() text {
	switch {
	case e.typ == "missed" && e.object == "func":
		return headNoFunc
	case e.typ == "missed":
		return headMissed
	case e.typ == "exists":
		return headExists
	case e.typ == "access":
		return headAccess
	case e.typ == "auth" && e.object == "badpassword":
		return headBadPass
	case e.typ == "auth":
		return headSession
	default:
		return headValue
	}
}

// invalid is a value(object) error: a field has a bad value.
func invalid(object, value string, why reason, args ...any) *apiError {
	return &apiError{typ: "value", object: object, value: value, reason: why, args: args}
}

// notFound is a missed(object) error: no object has that id, or no function that name.
func notFound(object, value string) *apiError {
	return &apiError{typ: "missed", object: object, value: value}
}

// clash is an exists(object) error: another object already has that value.
func clash(object, value string) *apiError {
	return &apiError{typ: "exists", object: object, value: value}
}

// forbidden is an access(object) error: the user may not call the function.
func forbidden(object string) *apiError {
	return &apiError{typ: "access", object: object}
}

// badPassword is the auth(badpassword) error of wrong credentials.
func badPassword(c *call) *apiError {
	return &apiError{typ: "auth", object: "badpassword", value: "remote_addr: [" + c.ip + "]"}
}

// noSession is the auth error, without an object, of an unknown or expired session or
// of a call without credentials.
var noSession = &apiError{typ: "auth"}
