package billmgrtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// maxFormBytes bounds a request body, as net/http's ParseForm does.
const maxFormBytes = 10 << 20

// incoming is what a request carries: its parameters, their names in the order they came
// (the query's first), and, when the fake cannot read its body as a form, why.
type incoming struct {
	params  url.Values
	order   []string
	refusal *apiError
}

// errTooLarge is a body past maxFormBytes.
var errTooLarge = errors.New("the request body is larger than 10 MiB")

// readRequest reads the parameters of r: the query string (GET and POST alike), then the
// body of a POST in the forms the panel reads, application/x-www-form-urlencoded and
// multipart/form-data (its files are skipped). A body value takes precedence over a query
// value of the same name. A body of any other type (a JSON object, as one client sends)
// is refused with value(body): the real server is documented to take GET and POST forms,
// and what it makes of a JSON body is not recorded. The refusal names the format out asks
// for, in the query or in the JSON object, so that it comes in that format. An error is
// a body that cannot be read at all.
func readRequest(r *http.Request) (incoming, error) {
	query := newIncoming()
	refuse := func(value string, why reason, args ...any) {
		if query.refusal == nil {
			query.refusal = invalid("body", value, why, args...)
		}
	}
	if err := query.parseQuery(r.URL.RawQuery); err != nil {
		refuse("", whyBadForm, err) // not the query itself: it may hold the password
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return query, nil
	}
	if r.PostForm != nil {
		return query.merge(parsedForm(r.PostForm)), nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxFormBytes+1))
	if err != nil {
		return incoming{}, err
	}
	if len(body) > maxFormBytes {
		return incoming{}, errTooLarge
	}
	if len(body) == 0 {
		return query, nil
	}
	form := newIncoming()
	ct, ctParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		err = form.parseQuery(string(body))
	case "multipart/form-data":
		err = form.parseMultipart(body, ctParams["boundary"])
	default:
		if ct == "application/json" && query.params.Get("out") == "" {
			var fields map[string]any
			if json.Unmarshal(body, &fields) == nil {
				if out, ok := fields["out"].(string); ok {
					query.add("out", out)
				}
			}
		}
		refuse(r.Header.Get("Content-Type"), whyBodyType)
		return query, nil
	}
	if err != nil {
		refuse(ct, whyBadForm, err)
		return query, nil
	}
	return query.merge(form), nil
}

func newIncoming() incoming { return incoming{params: url.Values{}} }

// parsedForm is the body of a request that a handler in front of the fake has parsed
// already (ParseForm, ParseMultipartForm): the body is spent, and the order of its
// parameters lost, so they come in the order of their names.
func parsedForm(values url.Values) incoming {
	form := newIncoming()
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, v := range values[name] {
			form.add(name, v)
		}
	}
	return form
}

// add appends a value of the parameter name.
func (q *incoming) add(name, value string) {
	if name == "" {
		return
	}
	if _, seen := q.params[name]; !seen {
		q.order = append(q.order, name)
	}
	q.params[name] = append(q.params[name], value)
}

// parseQuery adds the parameters of a URL-encoded string (a query or a form body).
func (q *incoming) parseQuery(s string) error {
	for _, pair := range strings.Split(s, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return err
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return err
		}
		q.add(name, value)
	}
	return nil
}

// parseMultipart adds the fields of a multipart/form-data body; file parts are skipped.
func (q *incoming) parseMultipart(body []byte, boundary string) error {
	if boundary == "" {
		return errors.New("no boundary in the Content-Type")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return err
		}
		if part.FileName() == "" {
			q.add(part.FormName(), string(value))
		}
	}
}

// merge returns the parameters of q and then those of the body form: a name's body values
// come before its query values, and the names keep the order they first came in.
func (q incoming) merge(form incoming) incoming {
	out := newIncoming()
	for _, name := range append(q.order, form.order...) {
		if _, done := out.params[name]; done {
			continue
		}
		out.order = append(out.order, name)
		out.params[name] = append(append([]string(nil), form.params[name]...), q.params[name]...)
	}
	out.refusal = q.refusal
	return out
}
