package hooks

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ReceiveLine is one line of what git writes to a pre-receive hook's
// stdin: a ref the push moves.
type ReceiveLine struct {
	Old, New, Ref string
}

// Deletes reports whether the push deletes the ref.
func (l ReceiveLine) Deletes() bool { return isZero(l.New) }

// Creates reports whether the push creates the ref.
func (l ReceiveLine) Creates() bool { return isZero(l.Old) }

// ParseReceiveLine parses "<old sha> <new sha> <ref name>".
func ParseReceiveLine(line string) (ReceiveLine, error) {
	f := strings.Split(line, " ")
	if len(f) != 3 {
		return ReceiveLine{}, fmt.Errorf("pre-receive input %q: want <old sha> <new sha> <ref>", line)
	}
	l := ReceiveLine{Old: f[0], New: f[1], Ref: f[2]}
	for _, s := range []string{l.Old, l.New} {
		if !isObjectName(s) {
			return ReceiveLine{}, fmt.Errorf("pre-receive input %q: %q is not an object name", line, s)
		}
	}
	if !strings.HasPrefix(l.Ref, "refs/") || strings.ContainsFunc(l.Ref, func(c rune) bool { return c <= 0x20 || c == 0x7f }) {
		return ReceiveLine{}, fmt.Errorf("pre-receive input %q: %q is not a ref name", line, l.Ref)
	}
	return l, nil
}

// ReadReceive reads all of git's pre-receive input (a push names at most
// a few thousand refs; longer input is refused).
func ReadReceive(stdin io.Reader) ([]ReceiveLine, error) {
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 4096), 1<<16)
	var out []ReceiveLine
	for sc.Scan() {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		l, err := ParseReceiveLine(text)
		if err != nil {
			return nil, err
		}
		if len(out) == 100000 {
			return nil, fmt.Errorf("pre-receive input: more than %d refs", len(out))
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-receive input: %w", err)
	}
	return out, nil
}

// ServerChecks are what PreReceive asks of the repository.
type ServerChecks struct {
	// LedgerRef is the full name of the ledger branch.
	LedgerRef string
	// IsAncestor reports whether commit a is b or one of its ancestors.
	IsAncestor func(a, b string) (bool, error)
	// VerifyLedger verifies the ledger at commit sha and returns what is
	// wrong with it, one line per finding.
	VerifyLedger func(sha string) ([]string, error)
	// CheckCode returns why the code at commit sha (old: the ref's
	// previous commit, zero when it is created) undoes promoted work, one
	// line per item; ledger is the ledger commit that decides which items
	// are promoted: the one this push brings, or "" for the repository's.
	CheckCode func(old, sha, ledger string) ([]string, error)
}

// PreReceive decides a push: for the ledger branch it refuses a deletion,
// a move that is not a fast-forward, and a new head that fails
// verification; for other branches, a new head whose code re-stubs,
// removes or empties the body of a complete or verified item, as the
// ledger will stand after this push. Tags and other refs pass. It returns
// the refusals, one line each; an error refuses the push as well.
func PreReceive(lines []ReceiveLine, c ServerChecks) ([]string, error) {
	var refusals []string
	ledger := ""
	for _, l := range lines {
		if l.Ref != c.LedgerRef {
			continue
		}
		switch {
		case l.Deletes():
			refusals = append(refusals, fmt.Sprintf("%s: deleting the ledger branch is refused: the ledger is append-only", l.Ref))
			continue
		case !l.Creates():
			ok, err := c.IsAncestor(l.Old, l.New)
			if err != nil {
				return refusals, fmt.Errorf("%s: compare %s with %s: %w", l.Ref, short(l.Old), short(l.New), err)
			}
			if !ok {
				refusals = append(refusals, fmt.Sprintf("%s: %s does not contain %s, the ledger here: a ledger's history is never rewritten (fetch, run porttracker sync, push again)", l.Ref, short(l.New), short(l.Old)))
				continue
			}
		}
		findings, err := c.VerifyLedger(l.New)
		if err != nil {
			return refusals, fmt.Errorf("%s: verify %s: %w", l.Ref, short(l.New), err)
		}
		for _, f := range findings {
			refusals = append(refusals, fmt.Sprintf("%s at %s: %s", l.Ref, short(l.New), f))
		}
		ledger = l.New
	}
	if len(refusals) > 0 {
		return refusals, nil
	}
	for _, l := range lines {
		if l.Ref == c.LedgerRef || l.Deletes() || !strings.HasPrefix(l.Ref, "refs/heads/") {
			continue
		}
		old := l.Old
		if l.Creates() {
			old = ""
		}
		problems, err := c.CheckCode(old, l.New, ledger)
		if err != nil {
			return refusals, fmt.Errorf("%s: check %s: %w", l.Ref, short(l.New), err)
		}
		for _, p := range problems {
			refusals = append(refusals, fmt.Sprintf("%s at %s: %s", l.Ref, short(l.New), p))
		}
	}
	return refusals, nil
}

// String formats the line as git writes it.
func (l ReceiveLine) String() string { return l.Old + " " + l.New + " " + l.Ref }
