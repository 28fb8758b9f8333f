package csharp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/porttracker/porttracker/gates/symbol"
)

// csType is a class, struct, record or interface declaration with a body.
type csType struct {
	name        string
	kind        string // class, struct, interface or record
	open, close int    // offsets of the body's braces
	// chain is the names of the enclosing types, outermost first, ending
	// with the type's own name.
	chain []string
	// namespace is the parts of the enclosing namespaces' names.
	namespace []string
}

// csNamespace is a namespace declaration and the span it covers.
type csNamespace struct {
	parts      []string
	start, end int
}

// Find finds the member a symbol names (Class.Method, Namespace.Class.Method
// or Outer.Inner.Method, with "#n" for the n-th of that name; see package
// symbol) in a C# source, and its body. The error wraps symbol.ErrNotFound
// when the class or member is not there, symbol.ErrNoBody when the member
// is declared only without a body; its message says which.
func Find(src []byte, name string) (Member, error) {
	parsed, err := symbol.ParseCSharp(name)
	if err != nil {
		return Member{}, err
	}
	classes, occ := parsed.Classes, parsed.Occurrence
	sym := strings.Join(append(slices.Clone(classes), parsed.Name), ".")
	hint := symbol.Hint(name)
	name = parsed.Name
	masked := Mask(src)
	types := csTypes(masked)
	cands := candidates(types, classes)
	className := strings.Join(classes, ".")
	if len(cands) == 0 {
		if len(classes) == 0 {
			return Member{}, fmt.Errorf("%w: no class in the file declares %s%s", symbol.ErrNotFound, name, hint)
		}
		return Member{}, fmt.Errorf("%w: no class %s in the file%s", symbol.ErrNotFound, className, hint)
	}
	bodyless := false
	for _, t := range cands {
		found, nb := csMembers(src, masked, t, name)
		bodyless = bodyless || nb
		if occ < len(found) {
			return found[occ], nil
		}
		occ -= len(found)
	}
	switch {
	case bodyless:
		return Member{}, fmt.Errorf("%w: method %s is declared without a body", symbol.ErrNoBody, sym)
	case className == "":
		return Member{}, fmt.Errorf("%w: no class declares a method %s%s", symbol.ErrNotFound, name, hint)
	}
	return Member{}, fmt.Errorf("%w: class %s has no method %s%s", symbol.ErrNotFound, className, name, hint)
}

// candidates returns the types that the class path names, best first.
// Aligned from the end, the path must agree with the type's qualified name
// (its namespace, enclosing types and name) as far as both go, and may not
// be longer; it may leave out leading parts. Among several, a less nested
// type comes first, then the earlier one. With no class path, every type is
// a candidate, outermost first.
func candidates(types []csType, classes []string) []csType {
	if len(classes) == 0 {
		return types
	}
	var out []csType
	for _, t := range types {
		full := append(append([]string(nil), t.namespace...), t.chain...)
		if len(classes) > len(full) {
			continue
		}
		ok := true
		for i := 1; i <= len(classes) && ok; i++ {
			ok = classes[len(classes)-i] == full[len(full)-i]
		}
		if ok {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, func(a, b csType) int { return len(a.chain) - len(b.chain) })
	return out
}

// csTypes lists the type declarations with bodies in masked source, in
// order of their position.
func csTypes(m []byte) []csType {
	var types []csType
	var spaces []csNamespace
	for i := 0; i < len(m); {
		w, end := wordAt(m, i)
		if w == "" {
			i++
			continue
		}
		if t, ok := typeDecl(m, w, end); ok {
			types = append(types, t)
		}
		if ns, ok := namespaceDecl(m, w, end); ok {
			spaces = append(spaces, ns)
		}
		i = end
	}
	for i := range types {
		for _, ns := range spaces {
			if ns.start < types[i].open && types[i].close <= ns.end {
				types[i].namespace = append(types[i].namespace, ns.parts...)
			}
		}
		for _, outer := range types[:i] {
			if outer.open < types[i].open && types[i].close < outer.close {
				types[i].chain = append(types[i].chain, outer.name)
			}
		}
		types[i].chain = append(types[i].chain, types[i].name)
	}
	return types
}

// typeDecl reads a type declaration whose keyword w ends at end.
func typeDecl(m []byte, w string, end int) (csType, bool) {
	switch w {
	case "class", "struct", "interface", "record":
	default:
		return csType{}, false
	}
	name, nend := wordAt(m, skipSpace(m, end))
	if w == "record" && (name == "class" || name == "struct") {
		name, nend = wordAt(m, skipSpace(m, nend))
	}
	name = strings.TrimPrefix(name, "@")
	if name == "" || isDigit(name[0]) || csKeyword(name) {
		return csType{}, false
	}
	open := typeBodyStart(m, nend)
	if open < 0 {
		return csType{}, false
	}
	closing := matchBrace(m, open)
	if closing < 0 {
		return csType{}, false
	}
	return csType{name: name, kind: w, open: open, close: closing}, true
}

// namespaceDecl reads a namespace declaration whose keyword w ends at end:
// a block namespace covers its braces, a file-scoped one the rest of the
// file.
func namespaceDecl(m []byte, w string, end int) (csNamespace, bool) {
	if w != "namespace" {
		return csNamespace{}, false
	}
	var parts []string
	i := end
	for {
		name, nend := wordAt(m, skipSpace(m, i))
		if name == "" {
			return csNamespace{}, false
		}
		parts = append(parts, strings.TrimPrefix(name, "@"))
		i = skipSpace(m, nend)
		if i >= len(m) || m[i] != '.' {
			break
		}
		i++
	}
	switch {
	case i < len(m) && m[i] == '{':
		if c := matchBrace(m, i); c >= 0 {
			return csNamespace{parts: parts, start: i, end: c}, true
		}
	case i < len(m) && m[i] == ';':
		return csNamespace{parts: parts, start: i, end: len(m)}, true
	}
	return csNamespace{}, false
}

// typeBodyStart finds the brace that opens a type's body after its name,
// past type parameters, a primary constructor, base types and constraints;
// -1 when the declaration ends without a body.
func typeBodyStart(m []byte, i int) int {
	depth := 0
	for ; i < len(m); i++ {
		switch m[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '{':
			if depth <= 0 {
				return i
			}
		case ';', '}':
			if depth <= 0 {
				return -1
			}
		}
	}
	return -1
}

// csKeyword reports words that follow class or struct in constraints and
// expressions but never name a type.
func csKeyword(w string) bool {
	switch w {
	case "where", "in", "is", "as", "new", "out", "ref", "class", "struct", "interface", "record", "enum", "unmanaged", "notnull", "default":
		return true
	}
	return false
}

// Method is a method (or constructor) declared with a body in a C# type.
type Method struct {
	// Class is the type that declares it, with its enclosing types
	// (Outer.Inner); Name its name.
	Class, Name string
	// Line is the line of its body; Test says it carries a test attribute.
	Line int
	Test bool
}

// Methods lists the methods and constructors with bodies that the types of
// a C# source declare, interfaces aside, in source order. Find finds each
// of them by its Class.Name (and "#n"), so that what the inventory suggests
// is what the gates can find.
func Methods(src []byte) []Method {
	masked := Mask(src)
	var out []Method
	for _, t := range csTypes(masked) {
		if t.kind == "interface" {
			continue
		}
		found, _ := csMembers(src, masked, t, "")
		for _, f := range found {
			if f.Method {
				out = append(out, Method{Class: strings.Join(t.chain, "."), Name: f.Name, Line: f.Line, Test: f.Test})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Method) int { return a.Line - b.Line })
	return out
}
