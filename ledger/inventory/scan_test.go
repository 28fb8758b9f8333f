package inventory

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/symbol"
	"github.com/porttracker/porttracker/ledger"
)

// scanTree returns a source tree with every case Scan must handle.
func scanTree() map[string]string {
	return map[string]string{
		"a.go": `package p

type T struct{}

// Ptr has a pointer receiver.
func (t *T) Ptr() {}

func (t T) Val() int {
	return 1
}

func (T) Anon() {}

func Plain() {}

func init() {}

func init() {
	_ = 1
}

func _() {}

type Set[K comparable] struct{}

func (s *Set[K]) Add(k K) {}

type Pair[K, V any] struct{}

func (p Pair[K, V]) Key() (k K) { return }

func Map[T any](x T) T { return x }
`,
		"tagged.go":            "//go:build ignore\n\npackage main\n\nfunc main() {}\n",
		"lined.go":             "package p\n\n//line generated.y:100\nfunc lined() {\n}\n",
		"linux.go":             "//go:build linux && !cgo\n\npackage p\n\nfunc onLinux() {}\n",
		"sub/b.go":             "package sub\n\nfunc B() {}\n",
		"sub/deep/c.go":        "package deep\n\nfunc C() {}\n",
		"testdata/skip.go":     "package broken {{{\n",
		"sub/testdata/skip.go": "package skip\n\nfunc Skip() {}\n",
		"vendor/v/v.go":        "package v\n\nfunc V() {}\n",
		".hidden/h.go":         "package h\n\nfunc H() {}\n",
		"sub/.git/x.go":        "package x\n\nfunc X() {}\n",
		".dotfile.go":          "package p\n\nfunc Dot() {}\n",
		"notes.txt":            "func NotGo() {}\n",
		"a_test.go": `package p

import "testing"

func TestA(t *testing.T) {}

func Testxyz(t *testing.T) {}

func Test(t *testing.T) {}

func Test_under(t *testing.T) {}

func TestÜber(t *testing.T) {}

func TestTwoArgs(t *testing.T, n int) {}

func TestResult(t *testing.T) error { return nil }

func TestGeneric[X any](t *testing.T) {}

func TestMain(m *testing.M) {}

func BenchmarkA(b *testing.B) {}

func ExampleA() {}

func FuzzA(f *testing.F) {}

func helper(t *testing.T) {}

type suite struct{}

func (s *suite) TestMethod(t *testing.T) {}
`,
		"alias_test.go": "package p_test\n\nimport tt \"testing\"\n\nfunc TestAlias(t *tt.T) {}\n\nfunc TestWrongPkg(t *testing.T) {}\n",
		"dot_test.go":   "package p\n\nimport . \"testing\"\n\nfunc TestDot(*T) {}\n",
		"none_test.go":  "package p\n\nfunc TestNoImport(t *testing.T) {}\n",
	}
}

func TestScanDecls(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, scanTree())
	res, err := Scan(root, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		kind       ledger.Kind
		file, sym  string
		occ        int
		start, end int
	}
	want := []row{
		{ledger.Feature, "a.go", "(*T).Ptr", 0, 6, 6},
		{ledger.Feature, "a.go", "(T).Val", 0, 8, 10},
		{ledger.Feature, "a.go", "(T).Anon", 0, 12, 12},
		{ledger.Feature, "a.go", "Plain", 0, 14, 14},
		{ledger.Feature, "a.go", "init", 0, 16, 16},
		{ledger.Feature, "a.go", "init", 1, 18, 20},
		{ledger.Feature, "a.go", "(*Set).Add", 0, 26, 26},
		{ledger.Feature, "a.go", "(Pair).Key", 0, 30, 30},
		{ledger.Feature, "a.go", "Map", 0, 32, 32},
		{ledger.Test, "a_test.go", "TestA", 0, 5, 5},
		{ledger.Test, "a_test.go", "Test", 0, 9, 9},
		{ledger.Test, "a_test.go", "Test_under", 0, 11, 11},
		{ledger.Test, "a_test.go", "TestÜber", 0, 13, 13},
		{ledger.Test, "alias_test.go", "TestAlias", 0, 5, 5},
		{ledger.Test, "dot_test.go", "TestDot", 0, 5, 5},
		{ledger.Feature, "lined.go", "lined", 0, 4, 5},
		{ledger.Feature, "linux.go", "onLinux", 0, 5, 5},
		{ledger.Feature, "sub/b.go", "B", 0, 3, 3},
		{ledger.Feature, "sub/deep/c.go", "C", 0, 3, 3},
		{ledger.Feature, "tagged.go", "main", 0, 5, 5},
	}
	var got []row
	for _, d := range res.Decls {
		got = append(got, row{d.Kind, d.File, d.Symbol, d.Occurrence, d.Start, d.End})
		if !strings.HasPrefix(d.Digest, "sha256:") || len(d.Digest) != len("sha256:")+64 {
			t.Errorf("%s %s: digest %q", d.File, d.Symbol, d.Digest)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("decls:\n got %v\nwant %v", got, want)
	}
	if res.Commit != "" || res.RepoPrefix != "" || len(res.Broken) != 0 {
		t.Errorf("commit %q prefix %q broken %v, want none", res.Commit, res.RepoPrefix, res.Broken)
	}
}

func TestLedgerSymbol(t *testing.T) {
	for _, tc := range []struct {
		sym string
		occ int
		led string
	}{
		{"init", 0, "init"},
		{"init", 1, "init#2"},
		{"(*T).m", 2, "(*T).m#3"},
	} {
		d := Decl{Symbol: tc.sym, Occurrence: tc.occ}
		if got := d.LedgerSymbol(); got != tc.led {
			t.Errorf("LedgerSymbol(%q, %d) = %q, want %q", tc.sym, tc.occ, got, tc.led)
		}
		if s, o := symbol.Split(tc.led); s != tc.sym || o != tc.occ {
			t.Errorf("symbol.Split(%q) = %q, %d", tc.led, s, o)
		}
	}
	if s, o := symbol.Split("a#1"); s != "a" || o != 0 {
		t.Errorf("Split(a#1) = %q, %d; want the first a", s, o)
	}
	for _, s := range []string{"a#0", "a#x", "a#02", "a#"} {
		if got, o := symbol.Split(s); got != s || o != 0 {
			t.Errorf("symbol.Split(%q) = %q, %d; want it unchanged", s, got, o)
		}
	}
}

func TestScanDigest(t *testing.T) {
	base := "package p\n\n// Doc.\nfunc F(a int) int {\n\treturn a + 1\n}\n"
	for _, tc := range []struct {
		name, src string
		same      bool
	}{
		{"identical", base, true},
		{"doc comment", "package p\n\n// Other doc,\n// two lines.\nfunc F(a int) int {\n\treturn a + 1\n}\n", true},
		{"layout", "package p\nfunc F(a int) int { return a+1 }\n", true},
		{"inner comment", "package p\nfunc F(a int) int {\n\t// why\n\treturn a + 1 /* sum */\n}\n", true},
		{"renamed", "package p\nfunc G(a int) int {\n\treturn a + 1\n}\n", true},
		{"body", "package p\nfunc F(a int) int {\n\treturn a + 2\n}\n", false},
		{"signature", "package p\nfunc F(a int64) int {\n\treturn a + 1\n}\n", false},
		{"string literal spacing", "package p\nfunc F(a int) int {\n\treturn a + len(\"x  y\")\n}\n", false},
		{"receiver", "package p\nfunc (T) F(a int) int {\n\treturn a + 1\n}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, bad := scanFile("a.go", "a.go", []byte(base))
			b, bad2 := scanFile("b.go", "b.go", []byte(tc.src))
			if bad != nil || bad2 != nil || len(a) != 1 || len(b) != 1 {
				t.Fatalf("scan: %v %v %v %v", a, b, bad, bad2)
			}
			if same := a[0].Digest == b[0].Digest; same != tc.same {
				t.Errorf("same digest = %v, want %v", same, tc.same)
			}
		})
	}
}

func TestScanBroken(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"good.go":     "package p\n\nfunc Good() {}\n",
		"pkg/bad.go":  "package p\n\nfunc Bad( {\n}\n",
		"pkg/bad2.go": "package p\n\nvar = 1\n",
	})
	_, err := Scan(root, ScanOptions{})
	want := filepath.Join(root, "pkg", "bad.go") + ":3:11: "
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "(and 1 more broken file): fix the file or skip broken files") {
		t.Fatalf("error = %v, want it to start with %q and count the other file", err, want)
	}
	res, err := Scan(root, ScanOptions{SkipBroken: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Decls) != 1 || res.Decls[0].Symbol != "Good" {
		t.Errorf("decls = %v, want Good only", res.Decls)
	}
	if len(res.Broken) != 2 {
		t.Fatalf("broken = %v, want 2 files", res.Broken)
	}
	b := res.Broken[0]
	if b.Path != filepath.Join(root, "pkg", "bad.go") || b.Line != 3 || b.Err == "" {
		t.Errorf("broken[0] = %+v", b)
	}
	if res.Broken[1].Line != 3 || !strings.HasSuffix(res.Broken[1].Path, "bad2.go") {
		t.Errorf("broken[1] = %+v", res.Broken[1])
	}
}

func TestScanProgressAndErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "package p\n", "b/b.go": "package b\n", "c.go": "package p\n"})
	var calls []int
	_, err := Scan(root, ScanOptions{Progress: func(done, total int) {
		if total != 3 {
			t.Errorf("total = %d, want 3", total)
		}
		calls = append(calls, done)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(calls, []int{1, 2, 3}) {
		t.Errorf("progress calls = %v", calls)
	}
	if _, err := Scan(filepath.Join(root, "missing"), ScanOptions{}); err == nil {
		t.Error("scan of a missing directory succeeded")
	}
	if _, err := Scan(filepath.Join(root, "a.go"), ScanOptions{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("scan of a file: %v", err)
	}
	empty, err := Scan(t.TempDir(), ScanOptions{})
	if err != nil || len(empty.Decls) != 0 {
		t.Errorf("empty tree: %v, %v", empty, err)
	}
}

func TestScanRepo(t *testing.T) {
	r := newTestRepo(t)
	writeTree(t, r.dir, map[string]string{"server/a.go": "package server\n\nfunc A() {}\n"})
	res, err := Scan(filepath.Join(r.dir, "server"), ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != "" || res.RepoPrefix != "server" {
		t.Errorf("before any commit: commit %q prefix %q", res.Commit, res.RepoPrefix)
	}
	head := r.commitAll("first")
	res, err = Scan(filepath.Join(r.dir, "server"), ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commit != head || res.RepoPrefix != "server" {
		t.Errorf("commit %q prefix %q, want %q server", res.Commit, res.RepoPrefix, head)
	}
	res, err = Scan(r.dir, ScanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.RepoPrefix != "" || len(res.Decls) != 1 || res.Decls[0].File != "server/a.go" {
		t.Errorf("at the top: prefix %q decls %v", res.RepoPrefix, res.Decls)
	}
}
