package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goGit is the import path of go-git.
const goGit = "github.com/go-git/go-git/v5"

// opener is the one package that opens repositories with go-git.
const opener = "internal/gitrepo"

// moduleDir is the module's root directory, as the go command sees it.
func moduleDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// plainOpens lists the calls of go-git's PlainOpen functions in the
// source file src, as "file:line name".
func plainOpens(fset *token.FileSet, name string, src any) ([]string, error) {
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	local := ""
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || p != goGit {
			continue
		}
		local = "git" // go-git's package name
		if imp.Name != nil {
			local = imp.Name.Name
		}
	}
	if local == "" {
		return nil, nil
	}
	var calls []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "PlainOpen") {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == local {
			calls = append(calls, fset.Position(sel.Pos()).String()+" "+sel.Sel.Name)
		}
		return true
	})
	return calls, nil
}

// TestOneOpen fails when code outside internal/gitrepo (tests aside, which
// make repositories of their own) opens a repository with go-git itself.
func TestOneOpen(t *testing.T) {
	root := moduleDir(t)
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if rel == filepath.FromSlash(opener) || (rel != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		calls, err := plainOpens(fset, p, nil)
		if err != nil {
			return err
		}
		for _, c := range calls {
			t.Errorf("%s: open repositories with gitrepo.Open (one way everywhere, linked worktrees and bare repositories included)", c)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPlainOpens finds the calls whatever the import's local name.
func TestPlainOpens(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"default name", "package p\nimport \"github.com/go-git/go-git/v5\"\nvar _, _ = git.PlainOpen(\".\")\n", 1},
		{"renamed", "package p\nimport gg \"github.com/go-git/go-git/v5\"\nvar _, _ = gg.PlainOpenWithOptions(\".\", nil)\nvar _ = gg.ErrRepositoryNotExists\n", 1},
		{"another package's PlainOpen", "package p\nimport \"example.com/git\"\nvar _, _ = git.PlainOpen(\".\")\n", 0},
		{"other go-git calls", "package p\nimport \"github.com/go-git/go-git/v5\"\nvar _, _ = git.PlainInit(\".\", false)\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls, err := plainOpens(token.NewFileSet(), "p.go", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(calls) != tc.want {
				t.Errorf("found %v, want %d calls", calls, tc.want)
			}
		})
	}
}
