package billmgrtest

import (
	"cmp"
	"net/url"
)

// Refusal is an <error> the fake answers a call with instead of serving it (Refuse,
// RefuseNext): an error the fake's own rules would not give, such as a refusal by a
// module or a setting of a real panel, so that a client's error path can be tested. It
// is written as the fake writes its own errors: HTTP 200, a bare <doc> with the
// <error type object lang code="1"> and its params object and value, the stack,
// <group> (the fake's headline of the type), <msg>, in the format and language the
// request asks for.
type Refusal struct {
	// Type is the error's type: auth, access, missed, exists, value, or any other.
	Type string
	// Object is the field or object refused (email, passwd, elid); "" for none.
	Object string
	// Value is the value refused, as <param name="value">.
	Value string
	// Msg and MsgRU are the <msg> in English and in Russian (lang=ru). An empty Msg is
	// the fake's own message of the Type, with the Object's label and the Value
	// ("Object 'E-mail' with value 'ann@example.com' already exists"); an empty MsgRU
	// is Msg.
	Msg, MsgRU string
	// Detail and DetailRU, when set, are a <detail> before <msg> (an auth error without
	// an Object has its message alone, as the fake's own); an empty DetailRU is Detail.
	Detail, DetailRU string
	// When, if set, picks the calls to refuse: those whose parameters (a copy) it
	// reports true for; the others are served, and do not count against RefuseNext's n.
	// It runs while the fake holds its lock, so it must not call the Handler's methods.
	When func(params url.Values) bool
}

// refusal is a Refusal set on a function: for every call, or for the next left.
type refusal struct {
	Refusal
	fn    string
	every bool
	left  int
}

// Refuse makes every call of the function fn that r.When picks (every call, without
// When) answer the error r, until ClearRefusals. The refusal comes where the function
// would run: after authentication (a call with wrong or no credentials still gets the
// auth error), the format, and the check that the function exists and the user may call
// it. A refused call changes nothing. When several refusals pick a call, the one set
// last answers it. It panics if r has no Type.
func (h *Handler) Refuse(fn string, r Refusal) {
	h.addRefusal(&refusal{Refusal: r, fn: fn, every: true})
}

// RefuseNext makes the next n calls of fn that r.When picks answer the error r, as
// Refuse does; then fn is served again. n <= 0 refuses nothing.
func (h *Handler) RefuseNext(fn string, n int, r Refusal) {
	if n > 0 {
		h.addRefusal(&refusal{Refusal: r, fn: fn, left: n})
	}
}

func (h *Handler) addRefusal(r *refusal) {
	if r.Type == "" {
		panic("billmgrtest: a Refusal needs a Type (value, exists, missed, access, auth, ...)")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st.refusals = append(h.st.refusals, r)
}

// ClearRefusals drops every refusal of Refuse and RefuseNext: every function is served
// again.
func (h *Handler) ClearRefusals() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.st.refusals = nil
}

// refused returns the error of the last refusal set that picks the call, nil if none
// does, and spends one call of a RefuseNext.
func (c *call) refused() *apiError {
	refusals := c.st.refusals
	for i := len(refusals) - 1; i >= 0; i-- {
		r := refusals[i]
		if r.fn != c.fn || r.When != nil && !r.When(cloneValues(c.params)) {
			continue
		}
		if !r.every {
			if r.left--; r.left == 0 {
				c.st.refusals = append(refusals[:i:i], refusals[i+1:]...)
			}
		}
		return &apiError{typ: r.Type, object: r.Object, value: r.Value,
			msg: text{r.Msg, cmp.Or(r.MsgRU, r.Msg)}, detail: text{r.Detail, cmp.Or(r.DetailRU, r.Detail)}}
	}
	return nil
}

// cloneValues copies v, its slices included.
func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for name, values := range v {
		out[name] = append([]string(nil), values...)
	}
	return out
}
