package inventory

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"

	"github.com/porttracker/porttracker/gates/golang"
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
	testing := golang.TestingName(f)
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
			if _, ok := golang.TestParam(fd, testing); !ok {
				continue
			}
			kind = ledger.Test
		}
		sym := golang.Symbol(fd)
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
