package gates

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// goSymbol is a parsed Go symbol: a function, or a method of a type.
type goSymbol struct {
	recv, name string
	// qualifier is what came before the receiver in "pkg.T.m" or the
	// receiver itself in "X.f", which may name the package instead.
	qualifier string
	occ       int
}

// parseGoSymbol reads Func, (*T).m, (T).m, T.m or pkg.Func, with an optional
// "#n" suffix; type parameters are ignored.
func parseGoSymbol(symbol string) (goSymbol, error) {
	s, occ := splitOccurrence(strings.ReplaceAll(strings.TrimSpace(symbol), " ", ""))
	s = stripBrackets(s, '[', ']')
	g := goSymbol{occ: occ}
	switch {
	case strings.HasPrefix(s, "("):
		i := strings.IndexByte(s, ')')
		if i < 0 || !strings.HasPrefix(s[i+1:], ".") {
			return g, fmt.Errorf("%w: %q is not a symbol such as (*T).m", ErrSymbolNotFound, symbol)
		}
		g.recv, g.name = s[1:i], s[i+2:]
	case strings.Contains(s, "."):
		i := strings.LastIndexByte(s, '.')
		g.recv, g.name = s[:i], s[i+1:]
		if j := strings.LastIndexByte(g.recv, '.'); j >= 0 {
			g.qualifier, g.recv = g.recv[:j], g.recv[j+1:]
		}
	default:
		g.name = s
	}
	g.recv = strings.TrimLeft(g.recv, "*")
	if g.qualifier == "" {
		g.qualifier = g.recv
	}
	if g.name == "" || strings.ContainsAny(g.name, ".()*") || (g.recv == "" && strings.HasPrefix(s, "(")) {
		return g, fmt.Errorf("%w: %q is not a symbol such as Func or (*T).m", ErrSymbolNotFound, symbol)
	}
	return g, nil
}

// findGo finds the body of a function or method in a Go source.
func findGo(file string, src []byte, symbol string) (member, error) {
	sym, err := parseGoSymbol(symbol)
	if err != nil {
		return member{}, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		return member{}, fmt.Errorf("parse %s: %w", displayName(file), err)
	}
	fd := lookupFunc(f, sym.recv, sym.name, sym.occ)
	if fd == nil && sym.recv != "" && sym.qualifier == f.Name.Name {
		fd = lookupFunc(f, "", sym.name, sym.occ)
	}
	if fd == nil {
		if sym.recv != "" {
			return member{}, fmt.Errorf("%w: type %s has no method %s in the file", ErrSymbolNotFound, sym.recv, sym.name)
		}
		return member{}, fmt.Errorf("%w: no function %s in the file", ErrSymbolNotFound, sym.name)
	}
	if fd.Body == nil {
		return member{}, fmt.Errorf("%w: function %s is declared without a body", ErrNoBody, sym.name)
	}
	open := fset.Position(fd.Body.Lbrace)
	closing := fset.Position(fd.Body.Rbrace)
	if open.Offset < 0 || closing.Offset > len(src) || closing.Offset <= open.Offset {
		return member{}, fmt.Errorf("find %s in %s: body has no valid braces", symbol, displayName(file))
	}
	return member{
		body:   string(src[open.Offset+1 : closing.Offset]),
		line:   open.Line,
		checks: goChecks(file, fset, f, fd),
	}, nil
}

// lookupFunc returns the occ-th declaration of name, a method of recv or,
// with recv empty, a plain function.
func lookupFunc(f *ast.File, recv, name string, occ int) *ast.FuncDecl {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		if recv == "" && fd.Recv != nil {
			continue
		}
		if recv != "" && (fd.Recv == nil || len(fd.Recv.List) == 0 || receiverName(fd.Recv.List[0].Type) != recv) {
			continue
		}
		if occ == 0 {
			return fd
		}
		occ--
	}
	return nil
}

// receiverName is the name of a receiver's type, without pointer or type
// parameters.
func receiverName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.ParenExpr:
		return receiverName(t.X)
	case *ast.StarExpr:
		return receiverName(t.X)
	case *ast.IndexExpr:
		return receiverName(t.X)
	case *ast.IndexListExpr:
		return receiverName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return ""
}

func displayName(file string) string {
	if file == "" {
		return "source"
	}
	return file
}
