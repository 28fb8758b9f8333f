// Package golang is porttracker's Go front end: which functions and
// methods a file declares, how each is named in the symbol notation (see
// package symbol), which of them go test runs as tests, and which
// declaration a symbol names. The inventory's scan and suggestions and the
// gates' body checks (through them the hooks and audit) use it, so that a
// symbol the inventory records is one the gates find, and a test to one is
// a test to the other. It imports no porttracker package but symbol.
package golang

import (
	"go/ast"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/porttracker/porttracker/gates/symbol"
)

// Symbol is the declaration's name in the symbol notation: the function's
// name, or "(T).m" / "(*T).m" for a method (a generic receiver loses its
// type parameters; a receiver that is no type name is spelled "?").
func Symbol(fd *ast.FuncDecl) string {
	if fd.Recv == nil {
		return fd.Name.Name
	}
	recv := "?"
	if len(fd.Recv.List) > 0 {
		recv = receiverType(fd.Recv.List[0].Type)
	}
	return "(" + recv + ")." + fd.Name.Name
}

// receiverType spells a receiver type as "T" or "*T", without type
// parameters.
func receiverType(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.ParenExpr:
		return receiverType(t.X)
	case *ast.StarExpr:
		return "*" + receiverType(t.X)
	case *ast.IndexExpr:
		return receiverType(t.X)
	case *ast.IndexListExpr:
		return receiverType(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return receiverType(t.X) + "." + t.Sel.Name
	}
	return "?"
}

// receiverName is the name of a receiver's type, without pointer or type
// parameters.
func receiverName(e ast.Expr) string {
	return strings.TrimLeft(receiverType(e), "*")
}

// TestingName is the name by which the file refers to package testing: ""
// when it does not import it, "." for a dot import.
func TestingName(f *ast.File) string {
	for _, imp := range f.Imports {
		path, err := strconv.Unquote(imp.Path.Value)
		if err != nil || path != "testing" {
			continue
		}
		if imp.Name == nil {
			return "testing"
		}
		if imp.Name.Name != "_" {
			return imp.Name.Name
		}
	}
	return ""
}

// TestParam reports whether fd is a test that go test runs, in a file that
// refers to package testing as testing (see TestingName): a function named
// TestXxx (Xxx not starting with a lower-case letter) without type
// parameters whose only parameter is a *testing.T and which returns
// nothing. It returns the parameter's name ("_" when it has none).
func TestParam(fd *ast.FuncDecl, testing string) (string, bool) {
	if fd.Recv != nil || testing == "" || !IsTestName(fd.Name.Name) {
		return "", false
	}
	ft := fd.Type
	if ft.TypeParams != nil && len(ft.TypeParams.List) > 0 {
		return "", false
	}
	if ft.Results != nil && len(ft.Results.List) > 0 {
		return "", false
	}
	if ft.Params == nil || len(ft.Params.List) != 1 || len(ft.Params.List[0].Names) > 1 {
		return "", false
	}
	p := ft.Params.List[0]
	star, ok := p.Type.(*ast.StarExpr)
	if !ok || !isTestingT(star.X, testing) {
		return "", false
	}
	if len(p.Names) == 0 {
		return "_", true
	}
	return p.Names[0].Name, true
}

// isTestingT reports whether e is testing.T (T for a dot import).
func isTestingT(e ast.Expr, testing string) bool {
	if testing == "." {
		id, ok := e.(*ast.Ident)
		return ok && id.Name == "T"
	}
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == testing
}

// IsTestName applies go test's rule to a name: "Test" alone, or "Test"
// followed by a character that is not a lower-case letter.
func IsTestName(name string) bool {
	rest, ok := strings.CutPrefix(name, "Test")
	if !ok {
		return false
	}
	if rest == "" {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return !unicode.IsLower(r)
}

// Lookup returns the declaration sym names in f: the sym.Occurrence-th
// method of sym.Recv called sym.Name, or with no receiver the plain
// function; a "pkg.Func" whose qualifier is f's package names the
// function. A receiver spelled "(*T)" or "(T)" counts, as the inventory
// does, the methods with that receiver; when there is none it stands for
// either. nil when there is none.
func Lookup(f *ast.File, sym symbol.Go) *ast.FuncDecl {
	if sym.Spelled != "" {
		if fd := lookup(f, sym.Spelled, sym.Name, sym.Occurrence, receiverType); fd != nil {
			return fd
		}
	}
	fd := lookup(f, sym.Recv, sym.Name, sym.Occurrence, receiverName)
	if fd == nil && sym.Recv != "" && sym.Qualifier == f.Name.Name {
		fd = lookup(f, "", sym.Name, sym.Occurrence, receiverName)
	}
	return fd
}

// lookup returns the occ-th declaration of name, a method of recv (as
// spell spells receivers) or, with recv empty, a plain function.
func lookup(f *ast.File, recv, name string, occ int, spell func(ast.Expr) string) *ast.FuncDecl {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		if recv == "" && fd.Recv != nil {
			continue
		}
		if recv != "" && (fd.Recv == nil || len(fd.Recv.List) == 0 || spell(fd.Recv.List[0].Type) != recv) {
			continue
		}
		if occ == 0 {
			return fd
		}
		occ--
	}
	return nil
}
