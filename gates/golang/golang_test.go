package golang

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/porttracker/porttracker/gates/symbol"
)

// parse parses src and returns it and its functions by Symbol.
func parse(t *testing.T, src string) (*ast.File, map[string]*ast.FuncDecl) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	fns := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			fns[Symbol(fd)] = fd
		}
	}
	return f, fns
}

func TestTestParam(t *testing.T) {
	f, fns := parse(t, `package p
import tt "testing"
import "check"
func TestA(t *tt.T) {}
func Test(x *tt.T) {}
func Test_b(*tt.T) {}
func Testify(t *tt.T) {}
func TestR(t *tt.T) int { return 0 }
func TestG[X any](t *tt.T) {}
func TestTwo(a, b *tt.T) {}
func TestOther(t *check.T) {}
func TestB(b *tt.B) {}
func (s) TestM(t *tt.T) {}
`)
	testing := TestingName(f)
	if testing != "tt" {
		t.Fatalf("TestingName = %q, want tt", testing)
	}
	for sym, want := range map[string]string{
		"TestA": "t", "Test": "x", "Test_b": "_",
		"Testify": "", "TestR": "", "TestG": "", "TestTwo": "", "TestOther": "", "TestB": "", "(s).TestM": "",
	} {
		fd := fns[sym]
		if fd == nil {
			t.Fatalf("no %s in the source", sym)
		}
		got, ok := TestParam(fd, testing)
		if ok != (want != "") || got != want {
			t.Errorf("TestParam(%s) = %q, %v; want %q", sym, got, ok, want)
		}
	}
	_, dot := parse(t, "package p\nimport . \"testing\"\nfunc TestD(t *T) {}\n")
	if _, ok := TestParam(dot["TestD"], "."); !ok {
		t.Error("a dot import's *T is a test's parameter")
	}
	if _, ok := TestParam(dot["TestD"], ""); ok {
		t.Error("without package testing nothing is a test")
	}
}

func TestSymbolAndLookup(t *testing.T) {
	f, fns := parse(t, `package p
func F() {}
func (T) m() {}
func (*T) m() {}
func (s *Set[K]) Add() {}
func init() {}
func init() {}
`)
	for _, want := range []string{"F", "(T).m", "(*T).m", "(*Set).Add", "init"} {
		if fns[want] == nil {
			t.Errorf("no declaration spelled %s", want)
		}
	}
	for _, tc := range []struct {
		sym  string
		line int
	}{
		{"F", 2}, {"(T).m", 3}, {"(*T).m", 4}, {"T.m", 3}, {"T.m#2", 4}, {"(*Set).Add", 5}, {"Set.Add", 5},
		{"init", 6}, {"init#2", 7}, {"init#3", 0}, {"p.F", 2}, {"q.F", 0}, {"(*U).m", 0},
	} {
		s, err := symbol.ParseGo(tc.sym)
		if err != nil {
			t.Fatal(err)
		}
		line := 0
		if fd := Lookup(f, s); fd != nil {
			line = lineOf(f, fd)
		}
		if line != tc.line {
			t.Errorf("Lookup(%s) on line %d, want %d", tc.sym, line, tc.line)
		}
	}
}

// lineOf is the 1-based line of fd in its single-file source, counted by
// declaration order (each declaration of the test sources is on a line of
// its own after the package clause).
func lineOf(f *ast.File, fd *ast.FuncDecl) int {
	for i, d := range f.Decls {
		if d == fd {
			return i + 2
		}
	}
	return 0
}
