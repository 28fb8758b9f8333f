package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/remote"
)

// TestClassify: the exit status, the --json code and the message follow the
// error's type, whatever the message says.
func TestClassify(t *testing.T) {
	rule := &ledger.RuleError{Msg: "feature 1 is not defined"}
	remote := fmt.Errorf("%w: remote origin: connection refused", remote.ErrRemoteAccess)
	for _, tc := range []struct {
		name   string
		err    error
		status int
		code   string
		msg    string
	}{
		{"usage", usagef("bad flag"), 2, "usage", "bad flag"},
		{"failure", failf("gate failed"), 1, "failed", "gate failed"},
		{"rule", rule, 1, "rule", "feature 1 is not defined"},
		{"wrapped rule", fmt.Errorf("write: %w", rule), 1, "rule", "write: feature 1 is not defined"},
		{"rule a command fails with", failf("%w", rule), 1, "rule", "feature 1 is not defined"},
		{"rule worded as bad input", usagef("plan.toml: %v", rule), 2, "usage", "plan.toml: feature 1 is not defined"},
		{"remote access", remote, 2, "usage", "remote origin: connection refused"},
		{"wrapped remote access", fmt.Errorf("sync: %w", remote), 2, "usage", "sync: cannot use the remote: remote origin: connection refused"},
		{"interrupted", fmt.Errorf("gates: %w", context.Canceled), 1, "interrupted", "interrupted; nothing was written"},
		{"other", errors.New("disk full\nmore"), 1, "failed", "disk full"},
		{"message that looks like usage is not", errors.New("gates.test is not set in porttracker.toml"), 1, "failed", "gates.test is not set in porttracker.toml"},
		{"message that looks like a rule is not", errors.New("rule: is not defined"), 1, "failed", "rule: is not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, msg := classify(tc.err)
			if status != tc.status || msg != tc.msg {
				t.Errorf("classify: %d %q, want %d %q", status, msg, tc.status, tc.msg)
			}
			if code := errorCode(tc.err); code != tc.code {
				t.Errorf("errorCode: %q, want %q", code, tc.code)
			}
			if k := kindOf(tc.err); k.status != status {
				t.Errorf("kind %q has status %d, but classify says %d", k.code, k.status, status)
			}
		})
	}
}

// TestGateError: a gate refused for missing input is bad input (exit 2)
// by its type; a dirty tree a failure; anything else a failure that says
// nothing was written.
func TestGateError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		status int
	}{
		{"bad input", fmt.Errorf("%w: path escapes", gates.ErrBadInput), 2},
		{"other", errors.New("needs a focused test"), 1},
		{"dirty", &gates.DirtyError{Paths: []string{"a.go"}}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if status, _ := classify(gateError(tc.err)); status != tc.status {
				t.Errorf("exit status %d, want %d", status, tc.status)
			}
		})
	}
}
