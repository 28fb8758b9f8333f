package inventory

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/porttracker/porttracker/ledger"
)

// scanFile parses one Go file and returns its items. path names the file in
// errors; rel is its slash path relative to the scanned root. A file that
// does not parse gives a BrokenFile instead.
func scanFile(path, rel string, src []byte) ([]Decl, *BrokenFile) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, brokenFile(path, err)
	}
	tf := fset.File(f.Pos())
	isTestFile := strings.HasSuffix(rel, "_test.go")
	testing := testingName(f)
	var decls []Decl
	var spans []span
	seen := map[string]int{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name == nil || fd.Name.Name == "_" {
			continue
		}
		kind := ledger.Feature
		if isTestFile {
			if !isTestFunc(fd, testing) {
				continue
			}
			kind = ledger.Test
		}
		sym := symbol(fd)
		decls = append(decls, Decl{
			Kind:       kind,
			File:       rel,
			Symbol:     sym,
			Occurrence: seen[sym],
			Start:      tf.PositionFor(fd.Pos(), false).Line,
			End:        tf.PositionFor(fd.End(), false).Line,
		})
		seen[sym]++
		spans = append(spans, span{
			start: tf.Offset(fd.Pos()),
			end:   tf.Offset(fd.End()),
			name:  tf.Offset(fd.Name.Pos()),
		})
	}
	for i, dg := range digests(src, spans) {
		decls[i].Digest = dg
	}
	return decls, nil
}

// brokenFile describes a parse error by the position of its first error.
func brokenFile(path string, err error) *BrokenFile {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		return &BrokenFile{Path: path, Line: e.Pos.Line, Column: e.Pos.Column, Err: e.Msg}
	}
	return &BrokenFile{Path: path, Err: err.Error()}
}

// symbol is the declaration's name, qualified by its receiver for a method.
func symbol(fd *ast.FuncDecl) string {
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

// testingName is the name by which the file refers to package testing: ""
// when it does not import it, "." for a dot import.
func testingName(f *ast.File) string {
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

// isTestFunc reports whether fd is a test that go test runs: a function
// named TestXxx (Xxx not starting with a lower-case letter) whose only
// parameter is *testing.T and which returns nothing.
func isTestFunc(fd *ast.FuncDecl, testing string) bool {
	if fd.Recv != nil || testing == "" || !isTestName(fd.Name.Name) {
		return false
	}
	ft := fd.Type
	if ft.TypeParams != nil && len(ft.TypeParams.List) > 0 {
		return false
	}
	if ft.Results != nil && len(ft.Results.List) > 0 {
		return false
	}
	if ft.Params == nil || len(ft.Params.List) != 1 || len(ft.Params.List[0].Names) > 1 {
		return false
	}
	star, ok := ft.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	if testing == "." {
		id, ok := star.X.(*ast.Ident)
		return ok && id.Name == "T"
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == testing
}

// isTestName applies go test's rule: "Test" alone, or "Test" followed by a
// character that is not a lower-case letter.
func isTestName(name string) bool {
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
