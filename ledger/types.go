package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// Status is where a feature or test stands in the port.
type Status string

// The statuses of the model, in the order of normal progress.
const (
	NotStarted Status = "not_started"
	Stub       Status = "stub"
	Complete   Status = "complete"
	Verified   Status = "verified"
	Deferred   Status = "deferred"
)

// statuses lists every valid status, in the model's order.
var statuses = []Status{NotStarted, Stub, Complete, Verified, Deferred}

// Statuses lists every valid status in the model's order (not_started,
// stub, complete, verified, deferred), the order listings show them in.
func Statuses() []Status { return slices.Clone(statuses) }

// ParseStatus checks that s names a status.
func ParseStatus(s string) (Status, error) {
	for _, st := range statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("unknown status %q (want one of %s)", s, statusList())
}

func statusList() string {
	names := make([]string, len(statuses))
	for i, s := range statuses {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// rank orders the progress statuses; deferred is outside the ladder.
func (s Status) rank() int {
	switch s {
	case NotStarted:
		return 0
	case Stub:
		return 1
	case Complete:
		return 2
	case Verified:
		return 3
	}
	return -1
}

// Kind is the kind of a ported item: a source function or a source test.
type Kind string

// The two kinds of item. They have separate ID spaces.
const (
	Feature Kind = "feature"
	Test    Kind = "test"
)

// ParseKind checks that s names an item kind.
func ParseKind(s string) (Kind, error) {
	switch Kind(s) {
	case Feature, Test:
		return Kind(s), nil
	}
	return "", fmt.Errorf("unknown item kind %q (want feature or test)", s)
}

// Plural is the kind's plural, as used for table names.
func (k Kind) Plural() string { return string(k) + "s" }

// ItemKey names one item.
type ItemKey struct {
	Kind Kind `json:"kind"`
	ID   int  `json:"id"`
}

func (k ItemKey) String() string { return fmt.Sprintf("%s %d", k.Kind, k.ID) }

// Mapping is where an item lives in the source and where it goes in the target.
type Mapping struct {
	SourceFile   string `toml:"source_file,omitempty" json:"source_file,omitempty"`
	SourceSymbol string `toml:"source_symbol,omitempty" json:"source_symbol,omitempty"`
	SourceStart  int    `toml:"source_start,omitzero" json:"source_start,omitempty"`
	SourceEnd    int    `toml:"source_end,omitzero" json:"source_end,omitempty"`
	SourceCommit string `toml:"source_commit,omitempty" json:"source_commit,omitempty"`
	// SourceDigest is a digest of the source declaration's text; a rescan
	// that finds a different digest marks the item as changed upstream.
	SourceDigest string `toml:"source_digest,omitempty" json:"source_digest,omitempty"`
	TargetFile   string `toml:"target_file,omitempty" json:"target_file,omitempty"`
	TargetSymbol string `toml:"target_symbol,omitempty" json:"target_symbol,omitempty"`
	// TestFilter names the focused tests of a feature ({filter} in the test gate).
	TestFilter string `toml:"test_filter,omitempty" json:"test_filter,omitempty"`
}

// Evidence is what the gates showed when an item was promoted or a
// checkpoint was recorded.
type Evidence struct {
	// CodeCommit is the commit of the code (HEAD of the working tree) the
	// gates ran on.
	CodeCommit string `toml:"code_commit" json:"code_commit"`
	// Dirty says the working tree had uncommitted changes; DiffDigest is then
	// a digest of those changes.
	Dirty      bool   `toml:"dirty" json:"dirty"`
	DiffDigest string `toml:"diff_digest,omitempty" json:"diff_digest,omitempty"`
	// AllowedDirty says the promotion was made with --allow-dirty while
	// paths the gates read had uncommitted changes.
	AllowedDirty bool         `toml:"allowed_dirty,omitempty" json:"allowed_dirty,omitempty"`
	Gates        []GateResult `toml:"gate" json:"gates"`
}

// GateResult is the evidence of one gate run.
type GateResult struct {
	// Name is stub, build, test or full_test.
	Name    string `toml:"name" json:"name"`
	Command string `toml:"command,omitempty" json:"command,omitempty"`
	// Filter is the value substituted for {filter} in a test command.
	Filter string `toml:"filter,omitempty" json:"filter,omitempty"`
	// Combined is, when several items' focused tests ran in one
	// invocation, the {filter} of that run; Filter, the counts and Tests
	// are then this item's share of it.
	Combined string `toml:"combined_filter,omitempty" json:"combined_filter,omitempty"`
	// Tests are the per-test outcomes the runner reported for this gate
	// ("passed Name", "failed Name: first line of the failure"), at most
	// MaxGateTests of them.
	Tests    []string `toml:"tests,omitempty" json:"tests,omitempty"`
	ExitCode int      `toml:"exit_code" json:"exit_code"`
	// Passed, Failed and Skipped are parsed from the runner's output;
	// Parsed says that a summary was found.
	Parsed     bool  `toml:"parsed" json:"parsed"`
	Passed     int   `toml:"passed" json:"passed"`
	Failed     int   `toml:"failed" json:"failed"`
	Skipped    int   `toml:"skipped" json:"skipped"`
	DurationMS int64 `toml:"duration_ms" json:"duration_ms"`
	// OutputDigest is "sha256:<hex>" of the combined output.
	OutputDigest string `toml:"output_digest,omitempty" json:"output_digest,omitempty"`
	// Matches are stub-scan findings, "file:line: pattern".
	Matches []string `toml:"matches,omitempty" json:"matches,omitempty"`
	// Warnings are stub-pattern lines the stub gate found among real code
	// and let through (the body as a whole is not a stub).
	Warnings []string `toml:"warnings,omitempty" json:"warnings,omitempty"`
	// OK is the gate's verdict.
	OK bool `toml:"ok" json:"ok"`
}

// MaxGateTests bounds GateResult.Tests.
const MaxGateTests = 200

// Passed reports whether every gate in the evidence passed.
func (e *Evidence) Passed() bool {
	if e == nil || len(e.Gates) == 0 {
		return false
	}
	for _, g := range e.Gates {
		if !g.OK {
			return false
		}
	}
	return true
}

// Gate returns the named gate's result, or nil.
func (e *Evidence) Gate(name string) *GateResult {
	if e == nil {
		return nil
	}
	for i := range e.Gates {
		if e.Gates[i].Name == name {
			return &e.Gates[i]
		}
	}
	return nil
}
