package gates

import (
	"go/ast"
	"go/token"
	"regexp"
	"strings"
)

// The names of the body checks' findings.
const (
	EmptyBody      = "empty body"
	ConstantReturn = "constant return"
	AssertsNothing = "test asserts nothing"
)

// csChecks runs the C# body checks: an empty block body, and a test method
// whose body calls nothing.
func csChecks(file string, f csFound) []Match {
	var out []Match
	if !f.expr && strings.TrimSpace(f.masked) == "" {
		out = append(out, Match{File: file, Line: f.line, Pattern: EmptyBody, Text: "{ }"})
	}
	if f.test && !csCallsAnything(f.masked) {
		out = append(out, Match{File: file, Line: f.declLine, Pattern: AssertsNothing})
	}
	return out
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

// goChecks runs the Go body checks on a function declaration.
func goChecks(file string, fset *token.FileSet, fd *ast.FuncDecl) []Match {
	var out []Match
	line := func(p token.Pos) int { return fset.Position(p).Line }
	if len(fd.Body.List) == 0 {
		out = append(out, Match{File: file, Line: line(fd.Body.Lbrace), Pattern: EmptyBody, Text: "{ }"})
	}
	if ret, ok := constantReturn(fd); ok {
		out = append(out, Match{File: file, Line: line(ret.Pos()), Pattern: ConstantReturn})
	}
	if t, ok := goTestParam(fd); ok && !goTestAsserts(fd.Body, t) {
		out = append(out, Match{File: file, Line: line(fd.Pos()), Pattern: AssertsNothing})
	}
	return out
}

// constantReturn reports a body that is a single return of constants in a
// function that has named inputs (parameters or receiver) it thereby
// ignores.
func constantReturn(fd *ast.FuncDecl) (*ast.ReturnStmt, bool) {
	if len(fd.Body.List) != 1 {
		return nil, false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) == 0 {
		return nil, false
	}
	for _, r := range ret.Results {
		if !isConstant(r) {
			return nil, false
		}
	}
	return ret, hasNamedInput(fd.Recv) || hasNamedInput(fd.Type.Params)
}

func hasNamedInput(fl *ast.FieldList) bool {
	if fl == nil {
		return false
	}
	for _, f := range fl.List {
		for _, n := range f.Names {
			if n.Name != "_" {
				return true
			}
		}
	}
	return false
}

// isConstant reports literal expressions: numbers, strings, nil, true,
// false, their negations and empty composite literals (or their address).
func isConstant(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.BasicLit:
		return true
	case *ast.Ident:
		return x.Name == "nil" || x.Name == "true" || x.Name == "false"
	case *ast.ParenExpr:
		return isConstant(x.X)
	case *ast.UnaryExpr:
		return isConstant(x.X)
	case *ast.CompositeLit:
		return len(x.Elts) == 0
	}
	return false
}

// goTestParam returns the name of the *testing.T parameter of a test
// function.
func goTestParam(fd *ast.FuncDecl) (string, bool) {
	if fd.Recv != nil || !strings.HasPrefix(fd.Name.Name, "Test") || fd.Type.Params == nil || len(fd.Type.Params.List) != 1 {
		return "", false
	}
	p := fd.Type.Params.List[0]
	star, ok := p.Type.(*ast.StarExpr)
	if !ok {
		return "", false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return "", false
	}
	if len(p.Names) == 0 {
		return "_", true
	}
	return p.Names[0].Name, true
}

// goTestAsserts reports whether a test body can fail: a call of a method of
// t other than logging and setup, a call that is given t, or a call of an
// assertion package.
func goTestAsserts(body *ast.BlockStmt, t string) bool {
	asserts := false
	ast.Inspect(body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || asserts {
			return !asserts
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok {
				if (x.Name == t && !passiveTMethod(sel.Sel.Name)) || assertPackage(x.Name) {
					asserts = true
				}
			}
		}
		for _, a := range call.Args {
			if id, ok := a.(*ast.Ident); ok && id.Name == t && t != "_" {
				asserts = true
			}
		}
		return true
	})
	return asserts
}

// passiveTMethod reports methods of testing.T that cannot fail a test.
func passiveTMethod(name string) bool {
	switch name {
	case "Log", "Logf", "Helper", "Parallel", "Name", "Cleanup", "TempDir", "Setenv", "Chdir",
		"Context", "Deadline", "Attr", "Output", "ArtifactDir", "Skipped", "Failed":
		return true
	}
	return false
}

// assertPackage reports the usual names of assertion packages.
func assertPackage(name string) bool {
	switch name {
	case "assert", "require", "is", "qt", "check", "expect", "gomega", "Expect", "Ω":
		return true
	}
	return false
}
