package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/signingkey"
)

// TestMend: a refused rule's message is its fact followed by the mend the
// command line words from its code and facts; a rule without a code has
// none, and so has an error that is no rule.
func TestMend(t *testing.T) {
	item := ledger.ItemKey{Kind: ledger.Feature, ID: 1636}
	for _, tc := range []struct {
		re   ledger.RuleError
		want string
	}{
		{ledger.RuleError{Code: ledger.CodeItemUndefined, Item: ledger.ItemKey{Kind: ledger.Test, ID: 9}}, " (see porttracker test list)"},
		{ledger.RuleError{Code: ledger.CodeItemConflict, Item: item}, `; settle it with --override "resolve: why"`},
		{ledger.RuleError{Code: ledger.CodeReasonNeeded, Item: item}, ` (--override "...")`},
		{ledger.RuleError{Code: ledger.CodeBatchUndefined, Batch: 99}, " (see porttracker batch list)"},
		{ledger.RuleError{Code: ledger.CodeBatchNotStarted, Item: item, Batch: 34}, " (porttracker batch start 34)"},
		{ledger.RuleError{Code: ledger.CodeBatchDependsOpen, Batch: 34}, " (see porttracker batch ready)"},
		{ledger.RuleError{Code: ledger.CodeTaskOpen, Batch: 2, Task: "B"}, " (porttracker task complete 2 B)"},
		{ledger.RuleError{Code: ledger.CodeTaskUndefined, Batch: 2, Task: "Z"}, " (see porttracker task list 2)"},
		{ledger.RuleError{Code: ledger.CodeNoActiveTask, Batch: 2}, "; start one first (porttracker task start 2 NAME)"},
		{ledger.RuleError{Code: ledger.CodeEvidenceMissing, Item: item}, " (porttracker runs the gates itself: use feature/test update --status complete)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointMissing, Item: item}, " (run porttracker checkpoint)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointIsBaseline, Item: item}, " (porttracker checkpoint)"},
		{ledger.RuleError{Code: ledger.CodeCheckpointStale, Item: item}, " (run porttracker checkpoint again)"},
		{ledger.RuleError{Code: ledger.CodeBaselineMissing, Item: item, Batch: 2}, " (porttracker checkpoint --baseline)"},
		{ledger.RuleError{Code: ledger.CodeBaselineStale, Item: item, Batch: 2}, "; record one since (porttracker checkpoint --baseline)"},
		{ledger.RuleError{Code: ledger.CodeRedMissing, Item: item}, ` (porttracker feature red 1636), or --override "why"`},
		{ledger.RuleError{Code: ledger.CodeRedUnclaimed, Item: item}, " (claim it: feature update 1636 --status stub)"},
		{ledger.RuleError{Code: ledger.CodeSignerUnknown}, " (see porttracker signer list)"},
		{ledger.RuleError{Code: ledger.CodeSignerConflict, Entry: "0123456789abcdef0123456789abcdef01234567"}, " (porttracker signer resolve --accept or --reject 0123456789ab)"},
		{ledger.RuleError{Code: ledger.CodePolicyTaskLimit, Batch: 2}, " (a signer records the new limit first: porttracker policy record)"},
		{ledger.RuleError{}, ""},
	} {
		t.Run(string(tc.re.Code), func(t *testing.T) {
			re := tc.re
			re.Msg = "the fact"
			if got := mend(&re); got != tc.want {
				t.Errorf("mend %q, want %q", got, tc.want)
			}
			_, msg := classify(fmt.Errorf("write: %w", &re))
			if want := "write: the fact" + tc.want; msg != want {
				t.Errorf("classify says %q, want %q", msg, want)
			}
			if got := ruleText(&re); got != "the fact"+tc.want {
				t.Errorf("ruleText %q", got)
			}
		})
	}
	if got := mendOf(fmt.Errorf("not a rule")); got != "" {
		t.Errorf("an error that is no rule has the mend %q", got)
	}
}

// TestFactMend: an error of the storage, the configuration or the signing
// key states its fact; the command line words the mend from the error's
// type, however it is wrapped, and from nothing else.
func TestFactMend(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"no ledger", fmt.Errorf("read head: %w", gitstore.ErrNoLedger), "read head: no ledger branch (run porttracker init)"},
		{"no config", fmt.Errorf("/r/porttracker.toml: %w", config.ErrNoConfig), "/r/porttracker.toml: no porttracker.toml (run porttracker init)"},
		{"no repository", &gitstore.OpenError{Dir: "/r", Err: errors.New("repository does not exist")}, "open git repository at /r: repository does not exist (run porttracker inside a git repository, or pass --repo)"},
		{"no key", signingkey.ErrNoKey, "no signing key: pass --key FILE, or set git config gpg.format ssh and user.signingkey"},
		{"no agent", fmt.Errorf("--key k.pub names a public key but %w", signingkey.ErrNoAgent), "--key k.pub names a public key but SSH_AUTH_SOCK is not set: start ssh-agent and ssh-add the key, or pass --key PRIVATE_KEY"},
		{"gpg format", &signingkey.FormatError{Format: "openpgp"}, `git config user.signingkey is set but gpg.format is "openpgp": porttracker signs with SSH keys (git config gpg.format ssh), or pass --key FILE`},
		{"same words, no type", errors.New("no ledger branch"), "no ledger branch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, msg := classify(usagef("%w", tc.err)); msg != tc.want {
				t.Errorf("classify says %q, want %q", msg, tc.want)
			}
		})
	}
}

// TestNotSignerMend: the refusal of a key that is no signer ends with what
// to send a signer and what each runs, from the refusal's facts.
func TestNotSignerMend(t *testing.T) {
	for _, tc := range []struct{ identity, who string }{{"bob@example.com", "bob@example.com"}, {"", "IDENTITY"}} {
		ns := &ledger.NotSignerError{
			RuleError: ledger.RuleError{Msg: "key SHA256:abc (test key) is not a signer of this ledger", Code: ledger.CodeNotSigner},
			Identity:  tc.identity, Fingerprint: "SHA256:abc", KeySource: "test key", AuthorizedKey: "ssh-ed25519 AAAA",
		}
		code, msg := classify(fmt.Errorf("write: %w", ns))
		want := "write: key SHA256:abc (test key) is not a signer of this ledger: send a signer your identity " + tc.who +
			` and public key "ssh-ed25519 AAAA", they run porttracker signer add ` + tc.who + " KEYFILE and sync; then run porttracker sync (porttracker signer request prints this)"
		if code != 1 || msg != want {
			t.Errorf("classify: %d %q\nwant 1 %q", code, msg, want)
		}
		if got := ruleCode(ns); got != ledger.CodeNotSigner {
			t.Errorf("rule code %q", got)
		}
	}
}
