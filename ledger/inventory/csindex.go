package inventory

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// targetMethod is a method declared in the target tree.
type targetMethod struct {
	// Class is the C# class (struct, record, interface) that declares the
	// method; empty for a Go target.
	Class string
	// Name is the method's name as declared; for a Go target, the symbol.
	Name string
	// File is the file's slash path relative to the target root.
	File string
	// Test marks a C# method with a test attribute ([Fact], [Theory],
	// [Test], [TestMethod], ...) or a Go TestXxx.
	Test bool
}

// csFiles lists the C# files under root as sorted slash paths relative to
// root, skipping bin, obj and dot-directories.
func csFiles(root string) ([]string, error) {
	files, err := listFiles(root, ".cs", "bin", "obj")
	if err != nil {
		return nil, fmt.Errorf("list C# files under %s: %w", root, err)
	}
	return files, nil
}

// csMethods reads every C# file under root once, in parallel, and returns
// the methods it declares in file order.
func csMethods(root string) ([]targetMethod, error) {
	files, err := csFiles(root)
	if err != nil {
		return nil, err
	}
	pat := newCSPatterns()
	found := make([][]targetMethod, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int) {
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(files[i])))
		if err != nil {
			errs[i] = fmt.Errorf("index the target tree: %w", err)
			return
		}
		found[i] = csFileMethods(pat, files[i], src)
	}, func(int) {})
	var all []targetMethod
	for i := range files {
		if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, found[i]...)
	}
	return all, nil
}

// csPatterns are the regular expressions of C# declarations. They are
// compiled once per index and shared by its goroutines.
type csPatterns struct {
	class, attr, method *regexp.Regexp
}

// newCSPatterns compiles the patterns.
func newCSPatterns() *csPatterns {
	return &csPatterns{
		class:  regexp.MustCompile(`(?:^|[\s;])(class|struct|interface|record(?:\s+class|\s+struct)?)\s+([A-Za-z_]\w*)`),
		attr:   regexp.MustCompile(`\b(?:Fact|Theory|Test|TestMethod|TestCase|TestCaseSource|SkippableFact|SkippableTheory)\b`),
		method: regexp.MustCompile(`([A-Za-z_]\w*)\s*(?:<(?:[\w<>\[\]?.]|,\s*)*>)?\s*\(`),
	}
}

// csKeyword reports whether s is a C# keyword that cannot name a method;
// one seen before "(" means the parenthesis belongs to something else (a
// tuple type after a modifier, a constructor initializer).
func csKeyword(s string) bool {
	switch s {
	case "public", "private", "protected", "internal", "static", "virtual", "override",
		"abstract", "sealed", "async", "extern", "unsafe", "new", "partial", "readonly",
		"if", "for", "foreach", "while", "switch", "using", "lock", "return", "await",
		"throw", "catch", "when", "nameof", "typeof", "sizeof", "default", "base", "this",
		"operator", "implicit", "explicit", "delegate", "event", "fixed", "checked", "unchecked":
		return true
	}
	return false
}

// frame is a class whose body is open.
type frame struct {
	name        string
	isInterface bool // an interface's members are not implementations
	depth       int  // brace depth outside the class's braces
}

// csFileMethods finds the methods declared in one C# file. It follows brace
// depth (outside strings and comments) so that a method is attributed to
// the innermost class whose body it is directly in.
func csFileMethods(pat *csPatterns, file string, src []byte) []targetMethod {
	var (
		out      []targetMethod
		lx       csLexer
		stack    []frame
		depth    int
		pending  *frame
		testAttr bool
	)
	for line := range strings.Lines(string(src)) {
		code := strings.TrimSpace(lx.code(strings.TrimRight(line, "\r\n")))
		if code == "" {
			continue
		}
		inBody := len(stack) > 0 && depth == stack[len(stack)-1].depth+1
		rest := code
		for strings.HasPrefix(rest, "[") {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				end = len(rest) - 1
			}
			if inBody && pat.attr.MatchString(rest[:end+1]) {
				testAttr = true
			}
			rest = strings.TrimSpace(rest[end+1:])
		}
		if m := pat.class.FindStringSubmatch(rest); m != nil && m[2] != "where" {
			pending = &frame{name: m[2], isInterface: m[1] == "interface"}
		} else if inBody && rest != "" {
			top := stack[len(stack)-1]
			if name := csMethodName(pat.method, rest); name != "" && !top.isInterface {
				out = append(out, targetMethod{Class: top.name, Name: name, File: file, Test: testAttr})
				testAttr = false
			}
		}
		for _, c := range code {
			switch c {
			case '{':
				if pending != nil {
					pending.depth = depth
					stack = append(stack, *pending)
					pending = nil
				}
				depth++
			case '}':
				depth--
				if len(stack) > 0 && depth <= stack[len(stack)-1].depth {
					stack = stack[:len(stack)-1]
				}
			case ';':
				if depth == 0 || len(stack) == 0 || depth <= stack[len(stack)-1].depth+1 {
					pending = nil
				}
			}
		}
	}
	return out
}

// csMethodName returns the name of the method that a line at class-body
// depth declares, or "" if it declares none (a field, a property, an
// initializer).
func csMethodName(method *regexp.Regexp, line string) string {
	for _, m := range method.FindAllStringSubmatchIndex(line, -1) {
		name := line[m[2]:m[3]]
		if csKeyword(name) {
			continue
		}
		before := line[:m[0]]
		if strings.Contains(before, "=") || strings.TrimSpace(before) == "" {
			return ""
		}
		return name
	}
	return ""
}

// csLexer strips comments and the contents of string and character
// literals from C# lines, carrying block comments and verbatim or raw
// strings from one line to the next.
type csLexer struct {
	inComment bool
	inString  string // the closing delimiter of an open multi-line string
}

// code returns the line with comments removed and every literal emptied.
func (lx *csLexer) code(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		switch {
		case lx.inComment:
			end := strings.Index(line[i:], "*/")
			if end < 0 {
				return b.String()
			}
			lx.inComment = false
			i += end + 2
		case lx.inString != "":
			i = lx.skipMultiline(line, i)
		case strings.HasPrefix(line[i:], "//"):
			return b.String()
		case strings.HasPrefix(line[i:], "/*"):
			lx.inComment = true
			i += 2
		case strings.HasPrefix(line[i:], `"""`):
			b.WriteString(`""`)
			lx.inString = `"""`
			i = lx.skipMultiline(line, i+3)
		case strings.HasPrefix(line[i:], `@"`) || strings.HasPrefix(line[i:], `$@"`) || strings.HasPrefix(line[i:], `@$"`):
			b.WriteString(`""`)
			lx.inString = `"`
			i = lx.skipMultiline(line, i+strings.IndexByte(line[i:], '"')+1)
		case line[i] == '"' || line[i] == '\'':
			b.WriteString(`""`)
			i = skipQuoted(line, i)
		default:
			b.WriteByte(line[i])
			i++
		}
	}
	return b.String()
}

// skipMultiline skips the inside of a verbatim ("" escapes a quote) or raw
// string from i and returns the index after it, or len(line) if it goes on.
func (lx *csLexer) skipMultiline(line string, i int) int {
	for i < len(line) {
		if lx.inString == `"` && strings.HasPrefix(line[i:], `""`) {
			i += 2
			continue
		}
		if strings.HasPrefix(line[i:], lx.inString) {
			i += len(lx.inString)
			lx.inString = ""
			return i
		}
		i++
	}
	return i
}

// skipQuoted skips a regular string or character literal that starts at i
// and returns the index after it.
func skipQuoted(line string, i int) int {
	q := line[i]
	for i++; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case q:
			return i + 1
		}
	}
	return i
}
