package ledger

import (
	"fmt"
	"path"
	"strings"
)

// filterPunct is the punctuation a test filter may hold besides letters,
// digits and spaces: what dotnet test --filter expressions and go test -run
// patterns need, and nothing a shell gives meaning to inside double quotes
// or that ends a quoted string.
const filterPunct = "_.~=!|&(),:*/<>-"

// MaxFilterLen bounds a test filter's length.
const MaxFilterLen = 1024

// CheckFilter checks a value that reaches a gate command (a test filter, a
// target symbol used as one) against the alphabet a test filter needs:
// letters, digits, space and _ . ~ = ! | & ( ) , : * / < > -. A
// dollar sign, a backtick, a quote, a semicolon, a backslash or a line
// break is refused, so the value cannot become shell code however a gate
// command nests its shells.
func CheckFilter(v string) error {
	if len(v) > MaxFilterLen {
		return fmt.Errorf("filter is %d bytes long (at most %d)", len(v), MaxFilterLen)
	}
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == ' ' || strings.ContainsRune(filterPunct, r)
		if !ok {
			return fmt.Errorf("filter %q holds %q, which a test filter never needs (allowed: letters, digits, space and %s)", v, r, allowedPunct())
		}
	}
	return nil
}

func allowedPunct() string { return strings.Join(strings.Split(filterPunct, ""), " ") }

// MaxPathLen bounds a repository-relative path's length.
const MaxPathLen = 4096

// CheckRelPath checks a path taken from the inventory, the ledger or the
// configuration: a relative, slash-separated path that stays inside the
// repository (no "..", not absolute, no backslash, no NUL). An empty path
// passes: callers decide whether one is required.
func CheckRelPath(p string) error {
	switch {
	case p == "":
		return nil
	case len(p) > MaxPathLen:
		return fmt.Errorf("path is %d bytes long (at most %d)", len(p), MaxPathLen)
	case strings.ContainsAny(p, "\x00\\\n\r"):
		return fmt.Errorf("path %q holds a NUL, a backslash or a line break", p)
	case path.IsAbs(p) || (len(p) > 1 && p[1] == ':'):
		return fmt.Errorf("path %q is absolute; paths are relative to the repository root", p)
	}
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return fmt.Errorf("path %q leaves the repository (..); paths are relative to the repository root", p)
		}
	}
	return nil
}

// DefaultBranch is the ledger branch unless porttracker.toml names another.
const DefaultBranch = "porting-ledger"

// CheckBranchName checks that name is a branch name git accepts: by git's
// check-ref-format rules for refs/heads/NAME, and neither empty, nor
// beginning with "-" or "refs/", nor ending with ".".
func CheckBranchName(name string) error {
	if name == "" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "refs/") || strings.HasSuffix(name, ".") {
		return fmt.Errorf("%q is not a valid branch name", name)
	}
	for _, part := range strings.Split(name, "/") {
		if !refPartOK(part) {
			return fmt.Errorf("%q is not a valid branch name", name)
		}
	}
	return nil
}

// refPartOK reports whether one slash-separated part of a ref name follows
// git's rules: not empty and not "@", no leading dot, no ".lock" at its
// end, no ".." or "@{" in it, and no control character, space or any of
// ~ ^ : ? * [ \.
func refPartOK(part string) bool {
	if part == "" || part == "@" || part[0] == '.' || strings.HasSuffix(part, ".lock") ||
		strings.Contains(part, "..") || strings.Contains(part, "@{") {
		return false
	}
	for i := 0; i < len(part); i++ {
		if c := part[i]; c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	return true
}

// CheckMapping checks the paths and the filter of an item's mapping.
func CheckMapping(m Mapping) error {
	for _, f := range []struct{ name, val string }{{"source_file", m.SourceFile}, {"target_file", m.TargetFile}} {
		if err := CheckRelPath(f.val); err != nil {
			return fmt.Errorf("%s: %v", f.name, err)
		}
	}
	for _, f := range []struct{ name, val string }{{"test_filter", m.TestFilter}, {"target_symbol", m.TargetSymbol}} {
		if err := CheckFilter(f.val); err != nil {
			return fmt.Errorf("%s: %v", f.name, err)
		}
	}
	return nil
}
