package gates

import (
	"regexp"
	"strings"

	"github.com/porttracker/porttracker/gates/csharp"
)

// The names of the whole-body findings that refuse a mapped body.
const (
	EmptyBody      = "empty body"
	ConstantReturn = "constant return"
	AssertsNothing = "test asserts nothing"
	OnlyThrow      = "only throws NotImplementedException or NotSupportedException"
	OnlyPanic      = "only panics or fails as not implemented"
	MarkedStub     = "its only statement is marked TODO or PLACEHOLDER"
	TautologyOnly  = "its only assertions are tautologies"
)

// Judgement is the stub scan's verdict on one mapped body: the findings
// that refuse it, and the pattern lines that stand among real code, which
// are only recorded.
type Judgement struct {
	Refusals []Match
	Warnings []Match
}

// JudgeSymbol judges the body of symbol as a whole: it is refused when,
// comments aside, it is empty; only throws NotImplementedException or
// NotSupportedException (for Go, only panics "not implemented", "unported",
// "TODO" and the like); is a single return of a constant, default or null
// that ignores the member's parameters (=> default and => null always);
// is a single statement marked TODO or PLACEHOLDER; or is a test that
// asserts nothing or only tautologies. A constructor whose work is its
// ": this(…)" or ": base(…)" initializer is accepted. Lines that match the
// patterns in a body that is otherwise real are warnings; with strict set
// they refuse it too, as a line-level scan does.
func JudgeSymbol(lang, file string, src []byte, symbol string, pats []Pattern, strict bool) (Judgement, error) {
	m, err := findMember(lang, file, src, symbol)
	if err != nil {
		return Judgement{}, err
	}
	lines := ScanText(file, m.line, m.body, pats)
	if strict {
		return Judgement{Refusals: append(lines, m.checks...)}, nil
	}
	return Judgement{Refusals: m.checks, Warnings: lines}, nil
}

// csSyntax holds the expressions of the C# whole-body checks.
type csSyntax struct {
	throw, constant, marker, assertion, tautology *regexp.Regexp
}

func newCSSyntax() csSyntax {
	lit := `(?:-\s*)?(?:\d[\w.]*|true|false|null|default(?:\s*\([^()]*\))?|@?"\s*"|'\s*'|(?:string|String)\s*\.\s*Empty)`
	return csSyntax{
		throw:     regexp.MustCompile(`^throw new (?:global::)?(?:System\s*\.\s*)?(?:NotImplementedException|NotSupportedException)\s*\(.*\)$`),
		constant:  regexp.MustCompile(`^` + lit + `$`),
		marker:    regexp.MustCompile(`(?://|/\*)\s*(?:TODO|PLACEHOLDER)\b`),
		assertion: regexp.MustCompile(`\bAssert\s*\.\s*\w+\s*\(|\.\s*Should\w*\s*\(|\bShould\s*\.\s*\w+\s*\(|\bVerify\w*\s*\(|\bExpect\s*\(`),
		tautology: regexp.MustCompile(`\bAssert\s*\.\s*(?:True\s*\(\s*true\s*\)|False\s*\(\s*false\s*\)|Pass\s*\(\s*\)|Null\s*\(\s*null\s*\))` +
			`|(?:^|[^\w.])(?:true|false|null|\d+|"\s*")\s*\.\s*Should\w*\s*\(\s*(?:true|false|null|\d+|"\s*")?\s*\)`),
	}
}

// csChecks judges a C# member's body as a whole (see JudgeSymbol).
func csChecks(file string, f csharp.Member) []Match {
	sx := newCSSyntax()
	at := func(pattern string) Match {
		return Match{File: file, Line: f.Line, Pattern: pattern, Text: firstCodeLine(f.Body)}
	}
	code := strings.Join(strings.Fields(f.Masked), " ")
	single := ""
	if f.Expr {
		single = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(code, "=>"), ";"))
	} else if strings.Count(code, ";") == 1 && strings.HasSuffix(code, ";") && !strings.ContainsAny(code, "{}") {
		single = strings.TrimSpace(strings.TrimSuffix(code, ";"))
	}
	var out []Match
	switch {
	case !f.Expr && (code == "" || code == "return ;" || code == "return;"):
		if !f.Chained {
			out = append(out, at(EmptyBody))
		}
	case single != "" && sx.throw.MatchString(single):
		out = append(out, at(OnlyThrow))
	case single != "" && csConstantReturn(sx, f, single):
		out = append(out, at(ConstantReturn))
	case single != "" && sx.marker.MatchString(f.Body):
		out = append(out, at(MarkedStub))
	}
	if f.Test && len(out) == 0 {
		switch asserts := len(sx.assertion.FindAllString(code, -1)); {
		case !csCallsAnything(f.Masked):
			out = append(out, Match{File: file, Line: f.DeclLine, Pattern: AssertsNothing})
		case asserts > 0 && len(sx.tautology.FindAllString(code, -1)) >= asserts:
			out = append(out, Match{File: file, Line: f.DeclLine, Pattern: TautologyOnly})
		}
	}
	return out
}

// csConstantReturn reports a single statement that returns a constant:
// default or null whatever the member takes, another literal when the
// member has parameters it thereby ignores.
func csConstantReturn(sx csSyntax, f csharp.Member, single string) bool {
	v := single
	if !f.Expr {
		if !strings.HasPrefix(v, "return ") {
			return false
		}
		v = strings.TrimSpace(strings.TrimPrefix(v, "return "))
	}
	if !sx.constant.MatchString(v) {
		return false
	}
	return f.Params || v == "null" || strings.HasPrefix(v, "default")
}

// firstCodeLine is a body's first non-blank line, trimmed, for a finding.
func firstCodeLine(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if t := strings.TrimSpace(l); t != "" && t != "{" {
			return t
		}
	}
	return "{ }"
}

// csCallsAnything reports whether masked C# code contains an invocation.
func csCallsAnything(masked string) bool {
	re := regexp.MustCompile(`([A-Za-z_@][\w@]*)\s*(?:<[^<>(){};]*>)?\s*\(`)
	for _, sm := range re.FindAllStringSubmatch(masked, -1) {
		switch sm[1] {
		case "if", "for", "foreach", "while", "switch", "catch", "using", "lock", "return", "fixed",
			"typeof", "sizeof", "nameof", "default", "checked", "unchecked", "when", "in", "is", "and", "or", "not":
			continue
		}
		return true
	}
	return false
}
