package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// errorMakers are the calls whose string arguments become an error's
// message: the standard library's and ledger's constructors.
var errorMakers = map[string]bool{"errors.New": true, "fmt.Errorf": true, "rulef": true, "refuse": true}

// mendWords match a command of porttracker's or a flag named in a message.
var mendWords = regexp.MustCompile(`\bporttracker (init|inventory|batch|feature|test|stub-scan|checkpoint|audit|report|log|signer|hooks?|sync|plan|task|policy|completion)\b|(^|[\s("'])--[a-z]`)

// mendsInErrors lists the string literals that become an error's message
// in the source file src (an argument of an errorMakers call, or the Msg
// of a composite literal) and name a command or a flag, as
// "file:line text".
func mendsInErrors(fset *token.FileSet, name string, src any) ([]string, error) {
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	check := func(e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err == nil && mendWords.MatchString(s) {
			out = append(out, fset.Position(lit.Pos()).String()+" "+s)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if errorMakers[callName(n.Fun)] {
				for _, a := range n.Args {
					check(a)
				}
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && k.Name == "Msg" {
				check(n.Value)
			}
		}
		return true
	})
	return out, nil
}

// callName is "pkg.Func" or "Func" for a call's function expression.
func callName(fun ast.Expr) string {
	switch f := fun.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			return x.Name + "." + f.Sel.Name
		}
	}
	return ""
}

// TestErrorsStateFacts fails when an error made in ledger or a package
// under it (the branch storage, signing keys, the remote, the inventory,
// plans) names a command or a flag: those packages state the fact, with a
// type or a code, and the command line words the mend
// (cmd/porttracker/mend.go, mend_facts.go).
func TestErrorsStateFacts(t *testing.T) {
	for _, pkg := range []string{"ledger", "audit", "gates", "hooks"} {
		errorsStateFacts(t, filepath.Join(moduleDir(t), pkg))
	}
}

// errorsStateFacts is TestErrorsStateFacts for the packages under root.
func errorsStateFacts(t *testing.T, root string) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		found, err := mendsInErrors(fset, p, nil)
		if err != nil {
			return err
		}
		for _, m := range found {
			t.Errorf("%s: an error names a command or a flag; state the fact with an error type or code and word the mend in cmd/porttracker", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMendsInErrors finds a command or a flag in each way a message is
// made, and nothing in a fact, in a message that only mentions the
// program, or in a string that is no error's.
func TestMendsInErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"errors.New with a command", "package p\nvar E = errors.New(\"no ledger branch (run porttracker init)\")\n", 1},
		{"fmt.Errorf with a flag", "package p\nvar _ = fmt.Errorf(\"open %s: %w (or pass --repo)\", d, err)\n", 1},
		{"a flag at the start", "package p\nvar _ = fmt.Errorf(\"--key FILE is missing\")\n", 1},
		{"rulef with a command", "package p\nvar _ = rulef(\"batch %d (porttracker batch start 2)\", 1)\n", 1},
		{"a Msg field", "package p\nvar _ = &RuleError{Msg: \"run porttracker signer request\"}\n", 1},
		{"a fact", "package p\nvar _ = fmt.Errorf(\"open git repository at %s: %w\", d, err)\n", 0},
		{"the program named", "package p\nvar _ = fmt.Errorf(\"format version %d (this porttracker reads %d)\", 2, 1)\n", 0},
		{"a dash in a fact", "package p\nvar _ = errors.New(\"a well-formed x--y name\")\n", 0},
		{"no error", "package p\nvar _ = fmt.Sprintf(\"porttracker sync: %d entries joined\", 1)\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := mendsInErrors(token.NewFileSet(), "p.go", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != tc.want {
				t.Errorf("found %v, want %d", found, tc.want)
			}
		})
	}
}
