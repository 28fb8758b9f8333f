package hooks

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// PushLine is one line of what git writes to a pre-push hook's stdin: a
// ref being pushed.
type PushLine struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// Deletes reports whether the line deletes the remote ref.
func (l PushLine) Deletes() bool { return isZero(l.LocalSHA) }

// ParsePushLine parses "<local ref> <local sha> <remote ref> <remote sha>".
func ParsePushLine(line string) (PushLine, error) {
	f := strings.Split(line, " ")
	if len(f) != 4 {
		return PushLine{}, fmt.Errorf("pre-push input %q: want <local ref> <local sha> <remote ref> <remote sha>", line)
	}
	l := PushLine{LocalRef: f[0], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[3]}
	for _, r := range []string{l.LocalRef, l.RemoteRef} {
		if r == "" || strings.ContainsFunc(r, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			return PushLine{}, fmt.Errorf("pre-push input %q: %q is not a ref name", line, r)
		}
	}
	for _, s := range []string{l.LocalSHA, l.RemoteSHA} {
		if !isObjectName(s) {
			return PushLine{}, fmt.Errorf("pre-push input %q: %q is not an object name", line, s)
		}
	}
	return l, nil
}

// String formats the line as git writes it.
func (l PushLine) String() string {
	return l.LocalRef + " " + l.LocalSHA + " " + l.RemoteRef + " " + l.RemoteSHA
}

// VerifyFunc verifies the ledger at commit sha and returns what is wrong
// with it, one line per finding.
type VerifyFunc func(sha, remoteSHA string) ([]string, error)

// CodeFunc returns why the code at commit sha undoes promoted work, one
// line per item; remoteSHA is the remote ref's commit (zero when the push
// creates it).
type CodeFunc func(sha, remoteSHA string) ([]string, error)

// PrePush reads git's pre-push input and verifies each ledger commit being
// pushed: lines whose local or remote ref is ledgerRef (such as
// refs/heads/porting-ledger) and that do not delete it. Every other ref
// pushed (code, however its commits were made: git cherry-pick runs no
// hook) goes to code, when it is set. It returns the findings, each
// prefixed with the ref (for code, the remote's: what it would move) and
// commit. Input it cannot parse, and a failing
// verify or code, are errors, so that the push is refused.
func PrePush(stdin io.Reader, ledgerRef string, verify VerifyFunc, code CodeFunc) ([]string, error) {
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	done := map[string]bool{}
	var problems []string
	for sc.Scan() {
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		l, err := ParsePushLine(text)
		if err != nil {
			return problems, err
		}
		if l.RemoteRef == ledgerRef && l.Deletes() {
			problems = append(problems, fmt.Sprintf("%s: this push deletes the ledger branch on the remote (pushing an older ledger after it would rewind it); the ledger is append-only", l.RemoteRef))
			continue
		}
		if l.Deletes() {
			continue
		}
		if l.LocalRef != ledgerRef && l.RemoteRef != ledgerRef {
			if code == nil || done["code "+l.LocalSHA] {
				continue
			}
			done["code "+l.LocalSHA] = true
			findings, err := code(l.LocalSHA, l.RemoteSHA)
			if err != nil {
				return problems, fmt.Errorf("check the code of %s at %s: %w", l.LocalRef, l.LocalSHA, err)
			}
			for _, f := range findings {
				problems = append(problems, fmt.Sprintf("%s at %s: %s", l.RemoteRef, short(l.LocalSHA), f))
			}
			continue
		}
		if done[l.LocalSHA] {
			continue
		}
		done[l.LocalSHA] = true
		findings, err := verify(l.LocalSHA, l.RemoteSHA)
		if err != nil {
			return problems, fmt.Errorf("verify %s at %s: %w", l.LocalRef, l.LocalSHA, err)
		}
		for _, f := range findings {
			problems = append(problems, fmt.Sprintf("%s at %s: %s", l.LocalRef, short(l.LocalSHA), f))
		}
	}
	if err := sc.Err(); err != nil {
		return problems, fmt.Errorf("read pre-push input: %w", err)
	}
	return problems, nil
}

// isObjectName reports whether s is a full SHA-1 or SHA-256 object name.
func isObjectName(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func isZero(s string) bool { return strings.Trim(s, "0") == "" }

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
