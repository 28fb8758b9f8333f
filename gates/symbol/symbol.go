// Package symbol is the notation in which porttracker names a declaration
// of source or target code: Func, (*T).m, (T).m, T.m or pkg.Func for Go;
// Class.Method, Namespace.Class.Method or Outer.Inner.Method for C#; and in
// both a suffix "#n" for the n-th declaration of that name in a file, as
// the second func init is "init#2" (the first is written without one). It is the one parser of that
// notation: the inventory records symbols in it, and the gates, hooks and
// audit find bodies by it. It imports no porttracker package.
package symbol

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrNotFound is wrapped by the front ends' errors when a symbol is
// malformed or names a class, type, method or function the file does not
// declare; the message says which part is missing.
var ErrNotFound = errors.New("symbol not found")

// ErrNoBody is wrapped when the symbol is declared only without a body
// (abstract, interface or partial declaration).
var ErrNoBody = errors.New("symbol has no body")

// Split reads a symbol's occurrence suffix: "init#2" is name "init" and
// occurrence 1 (0-based); "init#1" is the first, which Join writes without
// a suffix. Only "#n" with n ≥ 1, in decimal without a leading zero, is a
// suffix. Anything else ("init#0", "init#02", "init#x") is returned whole,
// with occurrence 0, and so names no declaration of Go or C#, whose names
// hold no "#".
func Split(s string) (name string, occurrence int) {
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 1 || strconv.Itoa(n) != s[i+1:] {
		return s, 0
	}
	return s[:i], n - 1
}

// Join is the inverse of Split: name itself for occurrence 0, "name#n" for
// the n-th (n = occurrence + 1).
func Join(name string, occurrence int) string {
	if occurrence <= 0 {
		return name
	}
	return fmt.Sprintf("%s#%d", name, occurrence+1)
}

// Hint is what to add to a "not found" message for a symbol that has a
// "#" Split does not read as an occurrence, "" for any other.
func Hint(s string) string {
	if name, occ := Split(s); occ == 0 && strings.Contains(name, "#") {
		return " (the n-th declaration of a name is written name#n, n = 1, 2, …)"
	}
	return ""
}

// StripBrackets removes every bracketed group opened by open and closed by
// close, nested ones included: "Cache<T>.Get" gives "Cache.Get".
func StripBrackets(s string, open, close byte) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == open:
			depth++
		case s[i] == close && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
