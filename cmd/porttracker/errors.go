package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/remote"
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

// kind is how the command line reports a class of error: its code in a
// --json error document and its exit status.
type kind struct {
	code   string
	status int
}

var (
	kindUsage       = kind{"usage", 2}       // bad usage or input
	kindRule        = kind{"rule", 1}        // a rule of the status model refused it
	kindInterrupted = kind{"interrupted", 1} // Ctrl-C or SIGTERM
	kindFailed      = kind{"failed", 1}      // a gate, an audit or anything else
)

// kindOf classifies err by its type, never by its message: an exitError
// keeps the status its maker chose, a ledger.RuleError is a refused rule,
// ledger.ErrRemoteAccess (a remote that cannot be reached or refuses the
// credentials) bad input, and a cancelled context an interruption.
func kindOf(err error) kind {
	var ee *exitError
	isExit := errors.As(err, &ee)
	switch {
	case isExit && ee.code == 2:
		return kindUsage
	case ledger.IsRule(err):
		return kindRule
	case !isExit && errors.Is(err, remote.ErrRemoteAccess):
		return kindUsage
	case errors.Is(err, context.Canceled):
		return kindInterrupted
	}
	return kindFailed
}

// classify maps an error to its exit status and one-line message.
// A refused rule's message ends with its mend (mend.go).
func classify(err error) (int, string) {
	msg := oneLine(err.Error()) + mendOf(err)
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return ee.code, msg
	case ledger.IsRule(err):
		return kindRule.status, msg
	case errors.Is(err, remote.ErrRemoteAccess):
		return kindUsage.status, strings.TrimPrefix(msg, remote.ErrRemoteAccess.Error()+": ")
	case errors.Is(err, context.Canceled):
		return kindInterrupted.status, "interrupted; nothing was written"
	}
	return kindFailed.status, msg
}

// errorCode names the kind of failure in a --json error document.
func errorCode(err error) string {
	return kindOf(err).code
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
