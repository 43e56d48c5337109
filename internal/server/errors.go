package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"newsdex/internal/query"
	"newsdex/internal/store"
)

// Error is an error answer of the API: its status, the parameter at fault
// and a message for the client. Msg never holds a path or a raw error: the
// cause goes in Err, which is logged and never sent. Every error answer is
// written by fail, which maps any error to an *Error (asError).
type Error struct {
	Status int
	Param  string // the request parameter at fault, when one is
	Msg    string // what the client reads
	Err    error  // the cause, for the log
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%d %s: %v", e.Status, e.Msg, e.Err)
	}
	return fmt.Sprintf("%d %s", e.Status, e.Msg)
}

func (e *Error) Unwrap() error { return e.Err }

// badParam is a 400 naming param.
func badParam(param, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Param: param, Msg: msg}
}

// asError maps err to the answer it calls for:
//
//	*Error                        itself
//	*query.ParamError             400 naming the parameter
//	query.ErrNotFound             404
//	ErrNoIndex, store.ErrNoIndex  503: no index is open (yet)
//	store.ErrVersion              503: the index needs a rebuild
//	context.DeadlineExceeded      503: the search took too long
//	context.Canceled              503: the request was cancelled
//	anything else                 500 "internal error"
func asError(err error) *Error {
	var e *Error
	var pe *query.ParamError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &pe):
		msg := pe.Msg
		if pe.Param != "" {
			msg = pe.Param + ": " + pe.Msg
		}
		return &Error{Status: http.StatusBadRequest, Param: pe.Param, Msg: msg}
	case errors.Is(err, query.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Msg: "not found"}
	case errors.Is(err, store.ErrVersion):
		return &Error{Status: http.StatusServiceUnavailable, Err: err,
			Msg: "the index has another mapping version than this server: rebuild it with index build"}
	case errors.Is(err, ErrNoIndex), errors.Is(err, store.ErrNoIndex):
		return &Error{Status: http.StatusServiceUnavailable, Err: err, Msg: "no index is open yet"}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Err: err, Msg: "the search took too long; narrow it down"}
	case errors.Is(err, context.Canceled):
		return &Error{Status: http.StatusServiceUnavailable, Err: err, Msg: "request cancelled"}
	default:
		return &Error{Status: http.StatusInternalServerError, Err: err, Msg: "internal error"}
	}
}

// fail writes the answer err calls for; a 5xx with a cause is logged with
// the request.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := asError(err)
	if e.Status >= 500 && e.Err != nil {
		level := slog.LevelWarn
		if e.Status == http.StatusInternalServerError {
			level = slog.LevelError
		}
		s.log.Log(r.Context(), level, "request failed", "status", e.Status, "path", r.URL.Path, "err", e.Err)
	}
	writeError(w, e.Status, e.Msg, e.Param)
}
