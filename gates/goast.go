package gates

import (
	"fmt"
	"go/parser"
	"go/token"

	"github.com/porttracker/porttracker/gates/golang"
	"github.com/porttracker/porttracker/gates/symbol"
)

// findGo finds the body of a function or method in a Go source.
func findGo(file string, src []byte, name string) (member, error) {
	sym, err := symbol.ParseGo(name)
	if err != nil {
		return member{}, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.SkipObjectResolution|parser.ParseComments)
	if err != nil {
		return member{}, fmt.Errorf("parse %s: %w", displayName(file), err)
	}
	fd := golang.Lookup(f, sym)
	if fd == nil {
		if sym.Recv != "" {
			return member{}, fmt.Errorf("%w: type %s has no method %s in the file%s", ErrSymbolNotFound, sym.Recv, sym.Name, symbol.Hint(name))
		}
		return member{}, fmt.Errorf("%w: no function %s in the file%s", ErrSymbolNotFound, sym.Name, symbol.Hint(name))
	}
	if fd.Body == nil {
		return member{}, fmt.Errorf("%w: function %s is declared without a body", ErrNoBody, sym.Name)
	}
	open := fset.Position(fd.Body.Lbrace)
	closing := fset.Position(fd.Body.Rbrace)
	if open.Offset < 0 || closing.Offset > len(src) || closing.Offset <= open.Offset {
		return member{}, fmt.Errorf("find %s in %s: body has no valid braces", name, displayName(file))
	}
	return member{
		body:   string(src[open.Offset+1 : closing.Offset]),
		line:   open.Line,
		checks: goChecks(file, fset, f, fd),
	}, nil
}

func displayName(file string) string {
	if file == "" {
		return "source"
	}
	return file
}
