package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isKindType reports whether a field's type is ledger's Kind, spelled
// ledger.Kind or, within ledger, Kind.
func isKindType(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name == "Kind"
	case *ast.SelectorExpr:
		return t.Sel.Name == "Kind"
	}
	return false
}

// itemKeyCopies lists the struct types in the source file src, other than
// ledger's ItemKey, that declare a Kind and an ID field of their own: a
// copy of ItemKey, field by field, as "file:line Name".
func itemKeyCopies(fset *token.FileSet, name string, src any) ([]string, error) {
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := ts.Type.(*ast.StructType)
		if !ok || (ts.Name.Name == "ItemKey" && f.Name.Name == "ledger") {
			return true
		}
		var kind, id bool
		for _, fl := range st.Fields.List {
			for _, nm := range fl.Names {
				kind = kind || (nm.Name == "Kind" && isKindType(fl.Type))
				id = id || nm.Name == "ID"
			}
		}
		if kind && id {
			out = append(out, fset.Position(ts.Pos()).String()+" "+ts.Name.Name)
		}
		return true
	})
	return out, nil
}

// TestOneItemKey fails when a package declares its own struct with an
// item's Kind and ID beside ledger.ItemKey: one type stands for "which
// item", and the others embed it (hooks.Item, gates.Target,
// inventory.Known and inventory.Change do).
func TestOneItemKey(t *testing.T) {
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleDir(t), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		found, err := itemKeyCopies(fset, p, nil)
		if err != nil {
			return err
		}
		for _, m := range found {
			t.Errorf("%s declares an item's Kind and ID of its own: embed ledger.ItemKey", m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestItemKeyCopies finds a copy whichever way Kind is spelled, and
// leaves ItemKey itself, an embedding, and a Kind of another type alone.
func TestItemKeyCopies(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      int
	}{
		{"a copy", "package hooks\ntype Item struct {\n\tKind ledger.Kind\n\tID int\n\tFile string\n}\n", 1},
		{"a copy within ledger", "package ledger\ntype Row struct{ Kind Kind; ID int }\n", 1},
		{"ItemKey itself", "package ledger\ntype ItemKey struct{ Kind Kind; ID int }\n", 0},
		{"an embedding", "package hooks\ntype Item struct {\n\tledger.ItemKey\n\tFile string\n}\n", 0},
		{"another kind", "package p\ntype Entry struct{ Kind string; ID int }\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := itemKeyCopies(token.NewFileSet(), "p.go", tc.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != tc.want {
				t.Errorf("found %v, want %d", found, tc.want)
			}
		})
	}
}
