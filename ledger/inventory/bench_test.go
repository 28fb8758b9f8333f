package inventory

import (
	"fmt"
	"strings"
	"testing"
)

// benchTree writes a tree of 100 packages' files with 40 functions each and
// 70 test files with 50 tests each: 4,000 functions and 3,500 tests.
func benchTree(b *testing.B) string {
	root := b.TempDir()
	files := map[string]string{}
	for f := range 100 {
		var sb strings.Builder
		fmt.Fprintf(&sb, "package p%d\n\ntype server%d struct{ n int }\n\n", f%10, f)
		for i := range 40 {
			if i%2 == 0 {
				fmt.Fprintf(&sb, "// fn%d_%d does things.\nfunc (s *server%d) fn%d(a, b int) (int, error) {\n\tif a > b {\n\t\treturn a - b, nil\n\t}\n\tfor i := 0; i < b; i++ {\n\t\ts.n += i * %d\n\t}\n\treturn s.n, fmt.Errorf(\"x %%d\", a)\n}\n\n", f, i, f, i, i)
			} else {
				fmt.Fprintf(&sb, "func helper%d(xs []string) map[string]int {\n\tm := map[string]int{}\n\tfor i, x := range xs {\n\t\tm[x] = i + %d\n\t}\n\treturn m\n}\n\n", i, i)
			}
		}
		files[fmt.Sprintf("pkg%d/file%d.go", f%10, f)] = sb.String()
	}
	for f := range 70 {
		var sb strings.Builder
		fmt.Fprintf(&sb, "package p%d\n\nimport \"testing\"\n\n", f%10)
		for i := range 50 {
			fmt.Fprintf(&sb, "func TestCase%d_%d(t *testing.T) {\n\tif got := helper1(nil); len(got) != %d {\n\t\tt.Fatalf(\"got %%v\", got)\n\t}\n}\n\n", f, i, i)
		}
		files[fmt.Sprintf("pkg%d/file%d_test.go", f%10, f)] = sb.String()
	}
	writeTree(b, root, files)
	return root
}

func BenchmarkScan(b *testing.B) {
	root := benchTree(b)
	var n int
	for b.Loop() {
		res, err := Scan(root, ScanOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n = len(res.Decls)
	}
	if n != 7500 {
		b.Fatalf("scanned %d declarations, want 7500", n)
	}
	b.ReportMetric(float64(n), "decls")
}

func BenchmarkReconcile(b *testing.B) {
	res, err := Scan(benchTree(b), ScanOptions{})
	if err != nil {
		b.Fatal(err)
	}
	known := Apply(nil, Reconcile(nil, res.Decls, res.Commit, 1, 1))
	for b.Loop() {
		if changes := Reconcile(known, res.Decls, res.Commit, 1, 1); len(changes) != 0 {
			b.Fatalf("%d changes on a rescan", len(changes))
		}
	}
}
