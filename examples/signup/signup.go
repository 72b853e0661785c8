package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-billmgr/billmgr"
)

// maxBodyBytes bounds a signup request: three short fields need far less.
const maxBodyBytes = 16 << 10

// registerTimeout bounds the call to BILLmanager behind one signup.
const registerTimeout = 30 * time.Second

// SignupHandler serves POST /signup: it registers a client in BILLmanager with the e-mail,
// password and name of the request, sent as a form or as JSON.
//
// Replies are JSON:
//
//	201 {"account_id": "42"}                                   the client is registered
//	400 {"error": "…"}                                         the body does not parse
//	405 {"error": "…"}                                         not a POST
//	409 {"error": "…", "field": "email"}                       the e-mail is taken (ErrExists)
//	413 {"error": "…"}                                         the body is too large
//	415 {"error": "…"}                                         neither a form nor JSON
//	422 {"error": "…", "field": "email"}                       a field is missing or refused (ErrInvalid)
//	502 {"error": "…"}                                         BILLmanager failed or is unreachable
//
// The field of a 409 or 422 is the request's field name (email, password, name), from the
// SDK's *billmgr.FieldError, which names the field of RegisterParams that an error concerns,
// whether the SDK refused it before sending (a required field left empty) or the server did;
// a parameter the form does not have comes as the API names it. Error texts are the
// handler's own: the server's localized messages can quote the refused value, so they are
// never passed on. The password is never written to a reply or a log record: the SDK
// redacts it from its errors.
type SignupHandler struct {
	client *billmgr.Client
	log    *slog.Logger
}

// NewSignupHandler returns a handler that registers clients through c (an administrator's
// client) and logs each signup to log.
func NewSignupHandler(c *billmgr.Client, log *slog.Logger) *SignupHandler {
	return &SignupHandler{client: c, log: log}
}

// signup is the body of a request.
type signup struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
}

// formFields are the request's names of the fields of billmgr.RegisterParams.
var formFields = map[string]string{"Email": "email", "Password": "password", "RealName": "name"}

// ServeHTTP handles one signup.
func (h *SignupHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, errorReply{Error: "use POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	s, status, err := readSignup(r)
	if err != nil {
		h.log.Info("signup refused", "status", status, "reason", err.Error())
		writeJSON(w, status, errorReply{Error: err.Error()})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), registerTimeout)
	defer cancel()
	reg, err := h.client.Accounts.Register(ctx, &billmgr.RegisterParams{Email: s.Email, Password: s.Password, RealName: s.Name})
	if err != nil {
		status, body := failure(err)
		h.log.Warn("register failed", "email", s.Email, "error", err.Error())
		h.reply(w, s, status, body)
		return
	}
	h.log.Info("signup", "email", s.Email, "status", http.StatusCreated, "account_id", reg.AccountID)
	writeJSON(w, http.StatusCreated, struct {
		AccountID string `json:"account_id"`
	}{strconv.FormatInt(reg.AccountID, 10)})
}

// reply logs a refused signup and writes body.
func (h *SignupHandler) reply(w http.ResponseWriter, s *signup, status int, body errorReply) {
	h.log.Info("signup refused", "email", s.Email, "status", status, "field", body.Field)
	writeJSON(w, status, body)
}

// readSignup decodes the body as JSON or as a form. On failure it returns the status to
// answer with and an error whose text is safe to show.
func readSignup(r *http.Request) (*signup, int, error) {
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return nil, http.StatusUnsupportedMediaType, errors.New("send application/json or a form")
	}
	s := &signup{}
	switch mediaType {
	case "application/json":
		dec := json.NewDecoder(r.Body)
		if err := dec.Decode(s); err != nil {
			return nil, bodyStatus(err), bodyError(err, "malformed JSON")
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, bodyStatus(err), bodyError(err, "malformed JSON: one object expected")
		}
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(maxBodyBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, bodyStatus(err), bodyError(err, "malformed form")
		}
		s.Email, s.Password, s.Name = r.PostFormValue("email"), r.PostFormValue("password"), r.PostFormValue("name")
	default:
		return nil, http.StatusUnsupportedMediaType, errors.New("send application/json or a form")
	}
	s.Email, s.Name = strings.TrimSpace(s.Email), strings.TrimSpace(s.Name)
	return s, 0, nil
}

// bodyStatus is 413 for a body over the limit and 400 otherwise.
func bodyStatus(err error) int {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// bodyError describes a body that could not be read, without quoting it.
func bodyError(err error, what string) error {
	if bodyStatus(err) == http.StatusRequestEntityTooLarge {
		return fmt.Errorf("the body is larger than %d bytes", maxBodyBytes)
	}
	return errors.New(what)
}

// failure maps a failed registration to a status and a reply.
func failure(err error) (int, errorReply) {
	var fe *billmgr.FieldError
	switch {
	case errors.As(err, &fe):
		field := cmp.Or(formFields[fe.Field], fe.Param)
		switch {
		case errors.Is(err, billmgr.ErrInvalidArgument):
			return http.StatusUnprocessableEntity, errorReply{Error: field + " is missing or not valid", Field: field}
		case errors.Is(err, billmgr.ErrExists):
			return http.StatusConflict, errorReply{Error: field + " is already registered", Field: field}
		case errors.Is(err, billmgr.ErrInvalid):
			return http.StatusUnprocessableEntity, errorReply{Error: field + " is not valid", Field: field}
		}
	case errors.Is(err, billmgr.ErrAuth), errors.Is(err, billmgr.ErrAccess):
	case errors.As(err, new(*billmgr.Error)):
		return http.StatusBadGateway, errorReply{Error: "the billing system refused the registration"}
	}
	return http.StatusBadGateway, errorReply{Error: "the billing system is unavailable, try again later"}
}

// errorReply is the body of every refusal.
type errorReply struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body) // the client went away if this fails
}
