package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// exitError carries an exit status with an error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usagef is bad usage or input: exit status 2.
func usagef(format string, args ...any) error {
	return &exitError{2, fmt.Errorf(format, args...)}
}

// failf is a failed gate, rule or audit: exit status 1.
func failf(format string, args ...any) error {
	return &exitError{1, fmt.Errorf(format, args...)}
}

// silentFailure is exit status 1 with the reason already printed.
var silentFailure = &exitError{1, errors.New("")}

// classify maps an error to its exit status and one-line message.
func classify(err error) (int, string) {
	msg := oneLine(err.Error())
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code, msg
	case ledger.IsRule(err):
		return 1, msg
	case errors.Is(err, ledger.ErrRemoteAccess):
		// A remote that cannot be reached or refuses the credentials.
		return 2, strings.TrimPrefix(msg, ledger.ErrRemoteAccess.Error()+": ")
	case errors.Is(err, context.Canceled):
		return 1, "interrupted; nothing was written"
	}
	return 1, msg
}

// errorCode names the kind of failure in a --json error document.
func errorCode(err error) string {
	var ee *exitError
	switch {
	case errors.As(err, &ee) && ee.code == 2:
		return "usage"
	case ledger.IsRule(err):
		return "rule"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return "failed"
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
