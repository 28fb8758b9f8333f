package gates

import (
	"go/ast"
	"go/token"
	"regexp"
	"strings"

	"github.com/porttracker/porttracker/gates/golang"
)

// goChecks judges a Go function's body as a whole (see JudgeSymbol):
// empty, only a panic of "not implemented" and the like, a single return
// of constants that ignores named inputs, a single statement marked TODO,
// a test that cannot fail.
func goChecks(file string, fset *token.FileSet, f *ast.File, fd *ast.FuncDecl) []Match {
	var out []Match
	line := func(p token.Pos) int { return fset.Position(p).Line }
	single := len(fd.Body.List) == 1
	switch {
	case len(fd.Body.List) == 0:
		out = append(out, Match{File: file, Line: line(fd.Body.Lbrace), Pattern: EmptyBody, Text: "{ }"})
	case single && notImplementedPanic(fd.Body.List[0]):
		out = append(out, Match{File: file, Line: line(fd.Body.List[0].Pos()), Pattern: OnlyPanic})
	}
	if ret, ok := constantReturn(fd); ok {
		out = append(out, Match{File: file, Line: line(ret.Pos()), Pattern: ConstantReturn})
	}
	if single && len(out) == 0 && markedBody(f, fd) {
		out = append(out, Match{File: file, Line: line(fd.Body.List[0].Pos()), Pattern: MarkedStub})
	}
	if t, ok := golang.TestParam(fd, golang.TestingName(f)); ok && !goTestAsserts(fd.Body, t) {
		out = append(out, Match{File: file, Line: line(fd.Pos()), Pattern: AssertsNothing})
	}
	return out
}

// notImplementedPanic reports a panic, or a return of errors.New or
// fmt.Errorf, whose message says the function is not ported yet.
func notImplementedPanic(st ast.Stmt) bool {
	var call *ast.CallExpr
	switch s := st.(type) {
	case *ast.ExprStmt:
		c, ok := s.X.(*ast.CallExpr)
		if !ok {
			return false
		}
		if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "panic" {
			return false
		}
		call = c
	case *ast.ReturnStmt:
		for _, r := range s.Results {
			c, ok := r.(*ast.CallExpr)
			if !ok {
				continue
			}
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "New" || sel.Sel.Name == "Errorf") {
				call = c
			}
		}
	}
	if call == nil || len(call.Args) == 0 {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return false
	}
	re := regexp.MustCompile(`(?i)^\W*(?:not (?:yet )?(?:implemented|ported)|unimplemented|unported|todo|stub)\b`)
	return re.MatchString(strings.Trim(lit.Value, "\"`"))
}

// markedBody reports a TODO or PLACEHOLDER comment inside the body.
func markedBody(f *ast.File, fd *ast.FuncDecl) bool {
	re := regexp.MustCompile(`^(?://|/\*)\s*(?:TODO|PLACEHOLDER)\b`)
	for _, cg := range f.Comments {
		if cg.Pos() < fd.Body.Lbrace || cg.End() > fd.Body.Rbrace {
			continue
		}
		for _, c := range cg.List {
			if re.MatchString(c.Text) {
				return true
			}
		}
	}
	return false
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
