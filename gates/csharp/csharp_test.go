package csharp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/symbol"
)

// declSource declares what Find must tell apart: block and file-scoped
// namespaces, nested types, structs, records, interfaces, overloads,
// expression bodies, constructors, generic constraints and bodyless
// declarations.
const declSource = `using System;

namespace Outer.Space
{
    public class Widget<T> where T : class, new()
    {
        public Widget() : this(1) { }
        public Widget(int n) { _n = n; }
        public int Size() { return _n; }
        public int Size(int scale) { return _n * scale; }
        public string Name => "widget";
        public abstract void Later();
        public partial void Partial();
        public class Part
        {
            public int Size() { return 2; }
        }
    }

    public interface IShape
    {
        double Area();
        double Twice() { return 2 * Area(); }
    }

    public struct Point
    {
        public double Length() => Math.Sqrt(X * X + Y * Y);
    }

    public record Pair(int A, int B)
    {
        public int Sum() { return A + B; }
    }
}
`

// TestFind: each symbol is found with its body and the line the body
// starts on; a symbol with no such class or member wraps
// symbol.ErrNotFound, one declared without a body symbol.ErrNoBody.
func TestFind(t *testing.T) {
	for _, tc := range []struct {
		symbol, body string
		line         int
		expr         bool
	}{
		{"Widget.Size", " return _n; ", 9, false},
		{"Widget.Size#2", " return _n * scale; ", 10, false},
		{"Outer.Space.Widget.Size", " return _n; ", 9, false},
		{"Space.Widget.Size(int)", " return _n; ", 9, false},
		{"Widget<T>.Size", " return _n; ", 9, false},
		{"Widget.Widget", " ", 7, false},
		{"Widget.Widget#2", " _n = n; ", 8, false},
		{"Widget.Part.Size", " return 2; ", 16, false},
		{"Part.Size", " return 2; ", 16, false},
		{"Widget.Name", `=> "widget";`, 11, true},
		{"IShape.Twice", " return 2 * Area(); ", 23, false},
		{"Point.Length", "=> Math.Sqrt(X * X + Y * Y);", 28, true},
		{"Pair.Sum", " return A + B; ", 33, false},
	} {
		t.Run(tc.symbol, func(t *testing.T) {
			m, err := Find([]byte(declSource), tc.symbol)
			if err != nil {
				t.Fatal(err)
			}
			if m.Body != tc.body || m.Line != tc.line || m.Expr != tc.expr {
				t.Errorf("found %q at line %d (expression %v); want %q at %d (%v)", m.Body, m.Line, m.Expr, tc.body, tc.line, tc.expr)
			}
			if len(m.Masked) != len(m.Body) {
				t.Errorf("masked body %q is not the body's length", m.Masked)
			}
		})
	}
	for _, tc := range []struct {
		symbol string
		want   error
	}{
		{"Widget.Later", symbol.ErrNoBody},
		{"Widget.Partial", symbol.ErrNoBody},
		{"IShape.Area", symbol.ErrNoBody},
		{"Widget.Size#3", symbol.ErrNotFound},
		{"Gadget.Size", symbol.ErrNotFound},
		{"Inner.Space.Widget.Size", symbol.ErrNotFound},
		{"Widget.Missing", symbol.ErrNotFound},
		{"Widget.Part", symbol.ErrNotFound},
		{"Missing", symbol.ErrNotFound},
		{"Widget.", symbol.ErrNotFound},
	} {
		t.Run(tc.symbol, func(t *testing.T) {
			m, err := Find([]byte(declSource), tc.symbol)
			if !errors.Is(err, tc.want) {
				t.Errorf("Find(%s) = %+v, %v; want %v", tc.symbol, m, err, tc.want)
			}
		})
	}
}

// TestMethodsTests: Methods lists methods and constructors with bodies in
// source order, interfaces aside, each with its enclosing types and
// whether it carries a test attribute of the frameworks the plan's ports
// use.
func TestMethodsTests(t *testing.T) {
	src := `namespace T.Tests;
public class ParserTests
{
    [Fact] public void Plain() { Assert.True(true); }
    [Theory, InlineData(1)] public void Many(int x) { Assert.Equal(x, x); }
    [Xunit.Fact] public void Qualified() { }
    [TestMethod] public void Ms() { }
    [DataTestMethod]
    [DataRow(1)]
    public void MsData(int x) { }
    [Test] public void NUnit() { }
    [TestCase(2)] public void NUnitCase(int x) { }
    [SkippableFact] public void Skippable() { }
    [FactAttribute] public void Spelled() { }
    [Obsolete] public void Helper() { }
    [Factory] public void NotATest() { }
    public ParserTests() { }
    public class Nested { [Fact] public void Deep() { } }
}
interface ISkipped { void M() { } }
`
	type listed struct {
		class, name string
		test        bool
	}
	want := []listed{
		{"ParserTests", "Plain", true}, {"ParserTests", "Many", true}, {"ParserTests", "Qualified", true},
		{"ParserTests", "Ms", true}, {"ParserTests", "MsData", true}, {"ParserTests", "NUnit", true},
		{"ParserTests", "NUnitCase", true}, {"ParserTests", "Skippable", true}, {"ParserTests", "Spelled", true},
		{"ParserTests", "Helper", false}, {"ParserTests", "NotATest", false}, {"ParserTests", "ParserTests", false},
		{"ParserTests.Nested", "Deep", true},
	}
	var got []listed
	for _, m := range Methods([]byte(src)) {
		got = append(got, listed{m.Class, m.Name, m.Test})
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Methods:\n got %v\nwant %v", got, want)
	}
	checkMethodsFound(t, []byte(src), false)
}

// checkMethodsFound holds the listing to the lookup: every method Methods
// lists, numbered among its class's methods of that name, is what Find
// finds, at the same line and with the same test attribute. Lenient (for
// fuzzed text) passes over a name that a member other than a method also
// bears in that class, which C# forbids (CS0102) and which numbers the
// members differently.
func checkMethodsFound(t *testing.T, src []byte, lenient bool) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range Methods(src) {
		key := m.Class + "." + m.Name
		sym := symbol.Join(key, seen[key])
		seen[key]++
		f, err := Find(src, sym)
		if err != nil {
			t.Errorf("listed %s at line %d; Find: %v", sym, m.Line, err)
			continue
		}
		if !f.Method && lenient {
			continue
		}
		if f.Line != m.Line || f.Test != m.Test || f.Name != m.Name {
			t.Errorf("listed %s at line %d (test %v); Find gives line %d (test %v, name %s)", sym, m.Line, m.Test, f.Line, f.Test, f.Name)
		}
	}
}

// corpus is the C# corpus under gates/testdata (written as real libraries
// and their xUnit tests are), read in place.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "csharp", "*", "*.cs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "csharp", "*.cs.txt"))
	out := map[string][]byte{}
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = data
	}
	if len(out) == 0 {
		t.Fatal("no C# corpus under ../testdata/csharp")
	}
	return out
}

// TestCorpus: on the corpus, every listed method is found again, the
// corpus's truth names members Find finds, and the tests file's methods
// are tests.
func TestCorpus(t *testing.T) {
	files := corpus(t)
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			if len(Methods(src)) == 0 {
				t.Fatal("no methods listed")
			}
			checkMethodsFound(t, src, false)
			checkMask(t, src)
		})
	}
	truth, err := os.ReadFile(filepath.Join("..", "testdata", "csharp", "corpus", "truth.txt"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(truth), "\n") {
		f := strings.Fields(line)
		if len(f) != 3 || strings.HasPrefix(line, "#") {
			continue
		}
		src, ok := files[f[0]]
		if !ok {
			t.Errorf("truth names %s, not in the corpus", f[0])
			continue
		}
		if _, err := Find(src, f[1]); err != nil {
			t.Errorf("%s %s: %v", f[0], f[1], err)
		}
		n++
	}
	if n == 0 {
		t.Error("the corpus's truth names no member")
	}
	tests := 0
	for _, m := range Methods(files["PoolTests.cs.txt"]) {
		if m.Test {
			tests++
		}
	}
	if tests == 0 {
		t.Error("PoolTests.cs.txt lists no test")
	}
}

func FuzzFind(f *testing.F) {
	f.Add(declSource, "Widget.Size#2")
	f.Add("class A { void M() { } }", "A.M")
	f.Add("namespace N; record R(int X) { int P() => X; }", "N.R.P")
	f.Add("class A { class B { void M() { var s = \"}\"; } } }", "A.B.M")
	f.Add("class A { void M(", "A.M")
	f.Fuzz(func(t *testing.T, src, sym string) {
		m, err := Find([]byte(src), sym)
		if err != nil {
			if !errors.Is(err, symbol.ErrNotFound) && !errors.Is(err, symbol.ErrNoBody) {
				t.Fatalf("Find(%q): %v is neither not found nor no body", sym, err)
			}
			return
		}
		if !strings.Contains(src, m.Body) || len(m.Masked) != len(m.Body) || m.Line < 1 || m.Line > strings.Count(src, "\n")+1 {
			t.Fatalf("Find(%q) = %+v: the body is not the source's", sym, m)
		}
	})
}

func FuzzMethods(f *testing.F) {
	f.Add(declSource)
	f.Add("class A { [Fact] void T() { } A() : base() { } }")
	f.Add("class A { void M() { } void M(int x) { } }")
	f.Fuzz(func(t *testing.T, src string) {
		checkMethodsFound(t, []byte(src), true)
	})
}
