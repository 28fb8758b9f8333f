package gates

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSymbolNotFound is wrapped by the errors of Body and ScanSymbol when the
// mapped class, type, method or function is not in the file; the message
// says which part is missing.
var ErrSymbolNotFound = errors.New("symbol not found")

// ErrNoBody is wrapped when the mapped symbol is declared only without a
// body (abstract, interface or partial declaration).
var ErrNoBody = errors.New("symbol has no body")

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

// splitOccurrence strips a "#n" suffix (n ≥ 2) and returns the 0-based
// occurrence it names.
func splitOccurrence(s string) (string, int) {
	i := strings.LastIndexByte(s, '#')
	if i < 0 {
		return s, 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil || n < 1 {
		return s, 0
	}
	return s[:i], n - 1
}

// stripBrackets removes every bracketed group opened by open and closed by
// close, nested ones included: "Cache<T>.Get" gives "Cache.Get".
func stripBrackets(s string, open, close byte) string {
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

// lineOf returns the 1-based line of byte offset off.
func lineOf(src []byte, off int) int {
	off = max(0, min(off, len(src)))
	return 1 + bytes.Count(src[:off], []byte{'\n'})
}
