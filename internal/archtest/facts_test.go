package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ruleMakers are ledger's constructors of a RuleError.
var ruleMakers = map[string]bool{"rulef": true, "refuse": true}

// mendsInRules lists the string literals passed to a rule constructor in
// the source file src that name a command or a flag, as "file:line text".
func mendsInRules(fset *token.FileSet, name string, src any) ([]string, error) {
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || !ruleMakers[id.Name] {
			return true
		}
		for _, arg := range call.Args {
			lit, ok := arg.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				continue
			}
			if strings.Contains(s, "porttracker ") || strings.Contains(s, "--") {
				out = append(out, fset.Position(lit.Pos()).String()+" "+s)
			}
		}
		return true
	})
	return out, nil
}

// TestRulesStateFacts fails when a rule of the ledger words a mend: a rule
// states the fact, true of an entry being written and of one in history;
// the command line words what to run next from the rule's code and facts
// (cmd/porttracker/mend.go), and audit words the fact alone.
func TestRulesStateFacts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(moduleDir(t), "ledger", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, p := range files {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		found, err := mendsInRules(fset, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range found {
			t.Errorf("%s: a rule names a command or a flag; state the fact, give the RuleError a code and word the mend in cmd/porttracker/mend.go", m)
		}
	}
}

// TestMendsInRules finds a mend in either constructor, and nothing in a
// fact or in other calls.
func TestMendsInRules(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"rulef with a command", "package p\nvar _ = rulef(\"batch %d is not defined (see porttracker batch list)\", 1)\n", 1},
		{"refuse with a flag", "package p\nvar _ = refuse(RuleError{}, \"needs a reason (--override)\")\n", 1},
		{"a fact", "package p\nvar _ = refuse(RuleError{Code: \"x\"}, \"batch %d is not defined\", 1)\n", 0},
		{"another call", "package p\nvar _ = fmt.Errorf(\"run porttracker init\")\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := mendsInRules(token.NewFileSet(), "p.go", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != tc.want {
				t.Errorf("found %v, want %d", found, tc.want)
			}
		})
	}
}
