package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// digestsWhole is digests as a scan of the whole file computes them, in
// one pass of the scanner (how digests worked first): what digests must
// give, since the digests are recorded in the ledger.
func digestsWhole(src []byte, spans []span) []string {
	out := make([]string, len(spans))
	if len(spans) == 0 {
		return out
	}
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, src, nil, 0)
	var buf []byte
	i := 0
	finish := func() {
		sum := sha256.Sum256(buf)
		out[i] = "sha256:" + hex.EncodeToString(sum[:])
		buf = buf[:0]
		i++
	}
	for i < len(spans) {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := file.Offset(pos)
		for i < len(spans) && off >= spans[i].end {
			finish()
		}
		if i >= len(spans) || off < spans[i].start || off == spans[i].name || (tok == token.SEMICOLON && lit == "\n") {
			continue
		}
		if lit == "" {
			lit = tok.String()
		}
		buf = append(buf, lit...)
		buf = append(buf, '\n')
	}
	for i < len(spans) {
		finish()
	}
	return out
}

// spansOf parses src as scanFile does and returns the spans it digests.
func spansOf(src []byte) ([]span, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "f.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, false
	}
	tf := fset.File(f.Pos())
	var spans []span
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name == nil {
			continue
		}
		spans = append(spans, span{start: tf.Offset(fd.Pos()), end: tf.Offset(fd.End()), name: tf.Offset(fd.Name.Pos())})
	}
	return spans, true
}

// sameDigests fails unless digests and digestsWhole agree on src.
func sameDigests(t *testing.T, name string, src []byte) {
	t.Helper()
	spans, ok := spansOf(src)
	if !ok {
		return
	}
	got, want := digests(src, spans), digestsWhole(src, spans)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: span %d (%d-%d): digest %s, a scan of the whole file gives %s", name, i, spans[i].start, spans[i].end, got[i], want[i])
		}
	}
}

// TestDigestsStdlib: on the Go files of the Go tree's testdata
// directories (the parser's and type checker's odd cases among them) and
// of go/ that parse, the digests are those of a scan of the whole file.
func TestDigestsStdlib(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	root := filepath.Join(runtime.GOROOT(), "src")
	n := 0
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, root))
		if !strings.Contains(rel, "/testdata/") && !strings.HasPrefix(rel, "/go/") {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sameDigests(t, p, src)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 1000 {
		t.Fatalf("only %d files under %s", n, root)
	}
}
