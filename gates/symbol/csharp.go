package symbol

import (
	"fmt"
	"slices"
	"strings"
)

// CSharp is a parsed C# symbol: a member and the types (and namespaces)
// that qualify it.
type CSharp struct {
	// Classes is the qualifying path, outermost first (Namespace, Outer,
	// Inner); Name the member's name.
	Classes []string
	Name    string
	// Occurrence is the 0-based occurrence (see Split).
	Occurrence int
}

// ParseCSharp reads Class.Method, Namespace.Class.Method or
// Outer.Inner.Method, with an optional "#n" suffix; a parameter list, type
// arguments and blanks are ignored.
func ParseCSharp(s string) (CSharp, error) {
	t, occ := Split(strings.TrimSpace(s))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	t = strings.ReplaceAll(StripBrackets(t, '<', '>'), " ", "")
	parts := strings.Split(t, ".")
	c := CSharp{Classes: parts[:len(parts)-1], Name: parts[len(parts)-1], Occurrence: occ}
	if c.Name == "" || slices.Contains(c.Classes, "") {
		return c, fmt.Errorf("%w: %q is not a symbol such as Class.Method", ErrNotFound, s)
	}
	return c, nil
}
