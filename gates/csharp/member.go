package csharp

import (
	"bytes"
	"regexp"
	"strings"
)

// Member is a member with a body found in a C# type, with what the gates'
// checks of a body need.
type Member struct {
	// Body is the text between the braces of a block body, or the text of
	// an expression body from "=>" through ";"; Line the 1-based line on
	// which it starts.
	Body string
	Line int
	// Masked is the body with comments and literals masked (see Mask).
	Masked string
	// Expr marks an expression body; Test a member with a test attribute.
	Expr, Test bool
	// DeclLine is the line of the member's name; Name the name.
	DeclLine int
	Name     string
	// Method says it has a parameter list (a method or constructor);
	// Params that it declares at least one parameter; Chained that it is a
	// constructor with a ": this(…)" or ": base(…)" initializer.
	Method, Params, Chained bool
}

// csMembers finds the members called name declared directly in type t,
// in order, and reports whether a bodyless declaration was seen; with
// name empty it finds every member.
func csMembers(src, m []byte, t csType, name string) (found []Member, bodyless bool) {
	for i := t.open + 1; i < t.close; {
		if m[i] == '{' {
			j := matchBrace(m, i)
			if j < 0 {
				break
			}
			i = j + 1
			continue
		}
		w, end := wordAt(m, i)
		if w == "" {
			i++
			continue
		}
		if open, ok := extensionBlock(m, w, end, t.close); ok {
			// A C# 14 extension block: its members belong to the type.
			inner := t
			inner.open, inner.close = open, matchBrace(m, open)
			f, nb := csMembers(src, m, inner, name)
			found, bodyless = append(found, f...), bodyless || nb
			i = inner.close + 1
			continue
		}
		if typeKeyword(prevWord(m, i)) {
			i = end
			continue
		}
		if (name == "" || strings.TrimPrefix(w, "@") == name) && isDeclContext(m, i) && !csKeyword(w) && !csModifier(w) {
			f, kind := memberAt(src, m, end, t.close)
			switch kind {
			case memberBody:
				f.Name = strings.TrimPrefix(w, "@")
				f.DeclLine = lineOf(src, i)
				f.Test = hasTestAttribute(m, i, t.open)
				found = append(found, f)
			case memberBodyless:
				bodyless = true
			}
		}
		i = end
	}
	return found, bodyless
}

// extensionBlock reports a C# 14 "extension(Receiver r) { … }" block
// whose keyword w ends at end, and the offset of its opening brace.
func extensionBlock(m []byte, w string, end, limit int) (int, bool) {
	if w != "extension" {
		return 0, false
	}
	j := skipSpace(m, end)
	if j < limit && m[j] == '<' {
		if k := matchAngle(m, j); k > 0 {
			j = skipSpace(m, k+1)
		}
	}
	if j >= limit || m[j] != '(' {
		return 0, false
	}
	p := matchParen(m, j)
	if p < 0 {
		return 0, false
	}
	b := bodyStart(m, p+1, limit)
	if b < 0 || m[b] != '{' || matchBrace(m, b) < 0 || matchBrace(m, b) > limit {
		return 0, false
	}
	return b, true
}

// prevWord is the identifier that ends before offset i, if any.
func prevWord(m []byte, i int) string {
	j := prevNonSpace(m, i-1)
	k := j
	for k >= 0 && isIdentByte(m[k]) {
		k--
	}
	if k == j {
		return ""
	}
	return string(m[k+1 : j+1])
}

// typeKeyword reports the keywords that declare a type (whose name is not
// a member).
func typeKeyword(w string) bool {
	switch w {
	case "class", "struct", "interface", "record", "enum", "delegate":
		return true
	}
	return false
}

// The outcomes of memberAt.
const (
	memberNone = iota
	memberBody
	memberBodyless
)

// memberAt reads what follows a member's name ending at i: type parameters
// and a parameter list, then a block, an expression body or a semicolon; or,
// for a property, its accessor block or expression body.
func memberAt(src, m []byte, i, limit int) (Member, int) {
	j := skipSpace(m, i)
	if j < limit && m[j] == '<' {
		j = skipSpace(m, matchAngle(m, j)+1)
	}
	if j >= limit {
		return Member{}, memberNone
	}
	var head Member
	if m[j] == '(' {
		head.Method = true
		p := matchParen(m, j)
		if p < 0 {
			return Member{}, memberNone
		}
		head.Params = strings.TrimSpace(string(m[j+1:p])) != ""
		b := bodyStart(m, p+1, limit)
		if b < 0 {
			return Member{}, memberNone
		}
		head.Chained = ctorInitializer(m[p+1 : b])
		if j = b; m[j] == ';' {
			return Member{}, memberBodyless
		}
	}
	switch {
	case m[j] == '{':
		c := matchBrace(m, j)
		if c < 0 || c > limit {
			return Member{}, memberNone
		}
		head.Body, head.Line = string(src[j+1:c]), lineOf(src, j)
		head.Masked = string(m[j+1 : c])
		return head, memberBody
	case hasAt(m, j, "=>"):
		e := exprEnd(m, j+2, limit)
		head.Body, head.Line = string(src[j:e]), lineOf(src, j)
		head.Masked = string(m[j:e])
		head.Expr = true
		return head, memberBody
	}
	return Member{}, memberNone
}

// ctorInitializer reports whether the text between a parameter list and
// its body is a constructor initializer, ": this(…)" or ": base(…)".
func ctorInitializer(between []byte) bool {
	t := strings.TrimSpace(string(between))
	if !strings.HasPrefix(t, ":") {
		return false
	}
	t = strings.TrimSpace(t[1:])
	return strings.HasPrefix(t, "this") || strings.HasPrefix(t, "base")
}

// bodyStart finds, after a parameter list, the "{", "=>" or ";" that
// starts the body, past constraints and constructor initializers; -1 when
// something else comes first.
func bodyStart(m []byte, i, limit int) int {
	constraints := false
	for i < limit {
		switch {
		case m[i] == '(':
			p := matchParen(m, i)
			if p < 0 {
				return -1
			}
			i = p + 1
		case m[i] == '{' || m[i] == ';' || hasAt(m, i, "=>"):
			return i
		case m[i] == ',' && constraints:
			i++ // where T : class, IComparable<T>
		case m[i] == '}' || m[i] == '=' || m[i] == ',' || m[i] == ')':
			return -1
		case isIdentByte(m[i]) && (i == 0 || !isIdentByte(m[i-1])):
			w, end := wordAt(m, i)
			constraints = constraints || w == "where"
			i = max(end, i+1)
		default:
			i++
		}
	}
	return -1
}

// exprEnd returns the offset after the ";" that ends an expression body
// starting at i.
func exprEnd(m []byte, i, limit int) int {
	depth := 0
	for ; i < limit; i++ {
		switch m[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ';':
			if depth <= 0 {
				return i + 1
			}
		}
	}
	return limit
}

// isDeclContext reports whether the name at i, at the member level of a
// type, is being declared rather than called: it follows a type, a
// modifier, an interface name and a dot, or starts the member.
func isDeclContext(m []byte, i int) bool {
	j := prevNonSpace(m, i-1)
	for j >= 0 && m[j] == '.' {
		j = prevNonSpace(m, j-1)
		if j >= 0 && m[j] == '>' {
			// IBufferWriter<byte>.GetMemory: an explicit implementation
			// of a generic interface.
			if o := openingAngle(m, j); o > 0 {
				j = prevNonSpace(m, o-1)
			}
		}
		k := j
		for k >= 0 && isIdentByte(m[k]) {
			k--
		}
		if k == j {
			return false
		}
		j = prevNonSpace(m, k)
	}
	if j < 0 {
		return false
	}
	switch c := m[j]; {
	case isIdentByte(c):
		k := j
		for k >= 0 && isIdentByte(m[k]) {
			k--
		}
		return !callKeyword(string(m[k+1 : j+1]))
	case c == '>':
		return j == 0 || m[j-1] != '='
	case c == ']' || c == '?' || c == '*':
		return true
	case c == ')':
		return tupleType(m, j)
	case c == '{' || c == '}' || c == ';':
		return true // a constructor without modifiers
	}
	return false
}

// openingAngle finds the "<" that the ">" at j closes, or -1.
func openingAngle(m []byte, j int) int {
	depth := 0
	for k := j; k >= 0; k-- {
		switch m[k] {
		case '>':
			depth++
		case '<':
			depth--
			if depth == 0 {
				return k
			}
		case ';', '{', '}', '(', ')', '=':
			return -1
		}
	}
	return -1
}

// tupleType reports whether the ")" at j closes a tuple type, such as the
// return type of "(int Count, string Name) Describe(…)": its parentheses
// hold a comma at their own level and follow a modifier, an attribute or
// the start of the member, not a name being called.
func tupleType(m []byte, j int) bool {
	depth, comma, k := 0, false, j
	for ; k >= 0; k-- {
		switch m[k] {
		case ')':
			depth++
		case '(':
			depth--
		case ',':
			comma = comma || depth == 1
		case ';', '{', '}':
			return false
		}
		if depth == 0 {
			break
		}
	}
	if k < 0 || !comma {
		return false
	}
	p := prevNonSpace(m, k-1)
	if p < 0 {
		return true
	}
	if isIdentByte(m[p]) {
		w := prevWord(m, k)
		return csModifier(w)
	}
	return m[p] == ']' || m[p] == '{' || m[p] == '}' || m[p] == ';'
}

// csModifier reports the modifiers that may stand before a member's type.
func csModifier(w string) bool {
	switch w {
	case "public", "private", "protected", "internal", "static", "virtual", "override", "abstract", "sealed",
		"async", "extern", "unsafe", "new", "readonly", "partial", "file", "required":
		return true
	}
	return false
}

// callKeyword reports words after which a name is used, not declared.
func callKeyword(w string) bool {
	switch w {
	case "new", "return", "await", "throw", "nameof", "typeof", "sizeof", "default", "is", "as",
		"in", "out", "ref", "else", "case", "when", "yield", "and", "or", "not", "with",
		"checked", "unchecked", "goto", "operator", "using":
		return true
	}
	return false
}

// hasTestAttribute reports whether the member whose name is at i carries a
// test attribute such as [Fact], [Theory], [Test] or [TestMethod].
func hasTestAttribute(m []byte, i, open int) bool {
	j := i - 1
	for j > open && m[j] != ';' && m[j] != '}' && m[j] != '{' {
		j--
	}
	re := regexp.MustCompile(`[\[,]\s*(?:\w+\s*\.\s*)*(?:Fact|Theory|Test|TestMethod|TestCase|TestCaseSource|DataTestMethod|SkippableFact|SkippableTheory)(?:Attribute)?\s*[\](,]`)
	return re.Match(m[j+1 : i])
}

func wordAt(m []byte, i int) (string, int) {
	if i >= len(m) || !isIdentByte(m[i]) || (i > 0 && isIdentByte(m[i-1])) {
		return "", i
	}
	j := i
	for j < len(m) && isIdentByte(m[j]) {
		j++
	}
	return string(m[i:j]), j
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '@' || c >= 0x80 || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func skipSpace(m []byte, i int) int {
	for i < len(m) && isSpace(m[i]) {
		i++
	}
	return i
}

func prevNonSpace(m []byte, j int) int {
	for j >= 0 && isSpace(m[j]) {
		j--
	}
	return j
}

// matchBrace returns the offset of the brace that closes the one at open,
// or -1.
func matchBrace(m []byte, open int) int { return matchPair(m, open, '{', '}') }

// matchParen returns the offset of the parenthesis that closes the one at
// open, or -1.
func matchParen(m []byte, open int) int { return matchPair(m, open, '(', ')') }

func matchPair(m []byte, open int, o, c byte) int {
	depth := 0
	for i := open; i < len(m); i++ {
		switch m[i] {
		case o:
			depth++
		case c:
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// matchAngle returns the offset of the ">" that closes the type parameter
// list opened at open, or open when it is not closed before a brace, a
// parenthesis or a semicolon.
func matchAngle(m []byte, open int) int {
	depth := 0
	for i := open; i < len(m); i++ {
		switch m[i] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				return i
			}
		case '{', '}', '(', ';':
			return open
		}
	}
	return open
}

// lineOf returns the 1-based line of byte offset off.
func lineOf(src []byte, off int) int {
	off = max(0, min(off, len(src)))
	return 1 + bytes.Count(src[:off], []byte{'\n'})
}
