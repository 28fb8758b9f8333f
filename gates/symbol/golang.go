package symbol

import (
	"fmt"
	"strings"
)

// Go is a parsed Go symbol: a function, or a method of a type.
type Go struct {
	// Recv is the receiver's type name without pointer or type
	// parameters, "" for a function; Name the function's name.
	Recv, Name string
	// Qualifier is what came before the receiver in "pkg.T.m", or the
	// receiver itself in "X.f", which may name the package instead.
	Qualifier string
	// Spelled is the receiver as written in the parenthesized form, "*T"
	// or "T" ("" in the others): the form the inventory records, which
	// tells a method of *T from one of T.
	Spelled string
	// Occurrence is the 0-based occurrence (see Split).
	Occurrence int
}

// ParseGo reads Func, (*T).m, (T).m, T.m or pkg.Func, with an optional
// "#n" suffix; type parameters and blanks are ignored.
func ParseGo(s string) (Go, error) {
	t, occ := Split(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	t = StripBrackets(t, '[', ']')
	g := Go{Occurrence: occ}
	switch {
	case strings.HasPrefix(t, "("):
		i := strings.IndexByte(t, ')')
		if i < 0 || !strings.HasPrefix(t[i+1:], ".") {
			return g, fmt.Errorf("%w: %q is not a symbol such as (*T).m", ErrNotFound, s)
		}
		g.Recv, g.Name = t[1:i], t[i+2:]
		g.Spelled = g.Recv
	case strings.Contains(t, "."):
		i := strings.LastIndexByte(t, '.')
		g.Recv, g.Name = t[:i], t[i+1:]
		if j := strings.LastIndexByte(g.Recv, '.'); j >= 0 {
			g.Qualifier, g.Recv = g.Recv[:j], g.Recv[j+1:]
		}
	default:
		g.Name = t
	}
	g.Recv = strings.TrimLeft(g.Recv, "*")
	if g.Qualifier == "" {
		g.Qualifier = g.Recv
	}
	if g.Name == "" || strings.ContainsAny(g.Name, ".()*") || (g.Recv == "" && strings.HasPrefix(t, "(")) {
		return g, fmt.Errorf("%w: %q is not a symbol such as Func or (*T).m", ErrNotFound, s)
	}
	return g, nil
}
