package gates

import (
	"fmt"

	"github.com/porttracker/porttracker/gates/symbol"
)

// ErrSymbolNotFound is wrapped by the errors of Body and ScanSymbol when the
// mapped class, type, method or function is not in the file; the message
// says which part is missing. It is the front ends' symbol.ErrNotFound.
var ErrSymbolNotFound = symbol.ErrNotFound

// ErrNoBody is wrapped when the mapped symbol is declared only without a
// body (abstract, interface or partial declaration): symbol.ErrNoBody.
var ErrNoBody = symbol.ErrNoBody

// member is a mapped body found in a source file.
type member struct {
	// body is the text between the braces of a block body, or the text of
	// an expression body from "=>" through ";".
	body string
	// line is the 1-based line on which body starts.
	line int
	// checks are the findings of the language's body checks.
	checks []Match
}

// Body returns the text of the body of symbol in the source src of the given
// language, and the line on which that text starts.
//
// For csharp, symbol is Class.Method, Namespace.Class.Method or
// Outer.Inner.Method; the body of an expression-bodied member is its text
// from "=>" through ";". For go, symbol is Func, (*T).m, (T).m or T.m. In
// both, a suffix "#n" picks the n-th declaration of that name.
func Body(lang string, src []byte, symbol string) (body string, startLine int, err error) {
	m, err := findMember(lang, "", src, symbol)
	if err != nil {
		return "", 0, err
	}
	return m.body, m.line, nil
}

// ScanSymbol is the line-level scan of the body of symbol ([stubs] strict
// = true): every line that matches a pattern, and the whole-body findings
// of JudgeSymbol. A stub outside that body does not count.
func ScanSymbol(lang string, file string, src []byte, symbol string, pats []Pattern) ([]Match, error) {
	j, err := JudgeSymbol(lang, file, src, symbol, pats, true)
	return j.Refusals, err
}

func findMember(lang, file string, src []byte, symbol string) (member, error) {
	switch lang {
	case CSharp:
		return findCSharp(file, src, symbol)
	case Go:
		return findGo(file, src, symbol)
	}
	return member{}, fmt.Errorf("find %s: no body finder for language %q (use %s or %s)", symbol, lang, CSharp, Go)
}
