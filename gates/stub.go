package gates

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The target languages that have a stub preset.
const (
	CSharp = "csharp"
	Go     = "go"
)

// Pattern is one stub pattern: a regular expression applied to each line.
type Pattern struct {
	// Name is what a match reports; for extra patterns it is the expression.
	Name string
	Re   *regexp.Regexp
}

// patternSource is a preset pattern before compilation.
type patternSource struct{ name, expr string }

// preset returns the pattern sources of a language's preset. It builds a new
// slice on every call, so that nothing package-level can be modified.
func preset(lang string) ([]patternSource, error) {
	switch lang {
	case CSharp:
		return []patternSource{
			{"NotImplementedException", `\bNotImplementedException\b`},
			{"TODO marker", `//\s*TODO\b`},
			{"PLACEHOLDER marker", `//\s*PLACEHOLDER\b`},
			{"Assert.True(true)", `\bAssert\s*\.\s*True\s*\(\s*true\s*\)`},
			{"Assert.Pass", `\bAssert\s*\.\s*Pass\b`},
			{"tautological ShouldBe", csharpTautology},
			{"=> default;", `=>\s*default\s*;`},
			{"=> null;", `=>\s*null\s*;`},
			{"return null;", `\breturn\s+null\s*;\s*$`},
			{"return 0;", `\breturn\s+0\s*;\s*$`},
			{"return false;", `\breturn\s+false\s*;\s*$`},
			{"return string.Empty;", `\breturn\s+(?:string\s*\.\s*Empty|"")\s*;\s*$`},
			{"empty catch", `\bcatch\b[^{]*\{\s*\}`},
		}, nil
	case Go:
		return []patternSource{
			{"panic(not implemented)", `\bpanic\(\s*"(?i:not (?:yet )?implemented|unimplemented|todo)[^"]*"\s*\)`},
			{"not implemented error", `\b(?:errors\.New|fmt\.Errorf)\(\s*"(?i:not (?:yet )?implemented|unimplemented)`},
			{"TODO marker", `//\s*TODO\b`},
			{"PLACEHOLDER marker", `//\s*PLACEHOLDER\b`},
			{"t.Skip without reason", `\bt\.Skip(?:Now)?\(\s*\)`},
			{"tautological assertion", `\b(?:assert|require)\.(?:True\(\s*t\s*,\s*true|False\(\s*t\s*,\s*false)\s*\)`},
		}, nil
	}
	return nil, fmt.Errorf("no stub preset for language %q (use %s or %s)", lang, CSharp, Go)
}

// csharpTautology matches an assertion on a literal, such as
// true.ShouldBe(true) or true.ShouldBeTrue(), but not x.ShouldBe(true).
const csharpTautology = `(?:^|[^\w.])(?:true|false|null|\d+|"[^"]*")\s*\.\s*(?:ShouldBe\s*\(\s*(?:true|false|null|\d+|"[^"]*")\s*\)|ShouldBeTrue\s*\(\s*\)|ShouldBeFalse\s*\(\s*\)|ShouldBeNull\s*\(\s*\))` +
	`|\bAssert\s*\.\s*False\s*\(\s*false\s*\)`

// Patterns returns the stub patterns of a target language: its preset
// extended by the extra expressions, or the extra expressions alone when
// replace is set. An expression that does not compile is an error naming it.
func Patterns(lang string, extra []string, replace bool) ([]Pattern, error) {
	srcs, err := preset(lang)
	if err != nil {
		return nil, err
	}
	if replace {
		srcs = nil
	}
	for _, e := range extra {
		srcs = append(srcs, patternSource{name: e, expr: e})
	}
	pats := make([]Pattern, 0, len(srcs))
	for _, s := range srcs {
		re, err := regexp.Compile(s.expr)
		if err != nil {
			return nil, fmt.Errorf("stub pattern %q: %w", s.expr, err)
		}
		pats = append(pats, Pattern{Name: s.name, Re: re})
	}
	return pats, nil
}

// Exts returns the file extensions of a target language's sources.
func Exts(lang string) []string {
	switch lang {
	case CSharp:
		return []string{".cs"}
	case Go:
		return []string{".go"}
	}
	return nil
}

// Match is one stub finding.
type Match struct {
	File string
	// Line is 1-based; 0 when the finding concerns the whole file.
	Line    int
	Pattern string
	// Text is the matching line, trimmed.
	Text string
}

// String formats the match as "file:line: pattern".
func (m Match) String() string {
	if m.Line <= 0 {
		return m.File + ": " + m.Pattern
	}
	return m.File + ":" + strconv.Itoa(m.Line) + ": " + m.Pattern
}

// ScanText applies the patterns to each line of text, whose first line is
// line firstLine of file. Each pattern reports a line at most once.
func ScanText(file string, firstLine int, text string, pats []Pattern) []Match {
	var out []Match
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		for _, p := range pats {
			if p.Re != nil && p.Re.MatchString(line) {
				out = append(out, Match{File: file, Line: firstLine + i, Pattern: p.Name, Text: strings.TrimSpace(line)})
			}
		}
	}
	return out
}

// Strings formats matches for ledger.GateResult.Matches.
func Strings(ms []Match) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.String()
	}
	return out
}
