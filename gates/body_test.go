package gates

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// squash collapses whitespace, so that expectations need not spell out
// indentation.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestBodyCSharp(t *testing.T) {
	src := readTestdata(t, "csharp/Sample.cs.txt")
	tests := []struct {
		symbol string
		body   string
		line   int
	}{
		{"Calc.Add", `var s = $"{a} + {b} = {(a + b)} {{literal}}"; var r = $$"""raw {{a}} "quoted" }"""; return a + b; // sum }`, 21},
		{"Demo.Server.Calc.Add", `var s = $"{a} + {b} = {(a + b)} {{literal}}"; var r = $$"""raw {{a}} "quoted" }"""; return a + b; // sum }`, 21},
		{"Calc<T>.Add(int, int)", `var s = $"{a} + {b} = {(a + b)} {{literal}}"; var r = $$"""raw {{a}} "quoted" }"""; return a + b; // sum }`, 21},
		{"Calc.Add#2", `return a + b + c;`, 27},
		{"Calc.Describe", `=> $"n = {n} }}";`, 29},
		{"Calc.Twice", `=> x * 2;`, 31},
		{"Calc.Value", `get { return _field; } set { _field = value; }`, 33},
		{"Calc.Make", `return new T();`, 36},
		{"Calc.Dispose", `Console.WriteLine("bye");`, 41},
		{"Calc.Calc", `_field = 0;`, 16},
		{"Calc.Inner.Add", `return a - b;`, 59},
		{"Inner.Add", `return 42 + a + b;`, 83},
		{"Demo.Server.Inner.Add", `return 42 + a + b;`, 83},
		{"Server.Calc.Inner.Add", `return a - b;`, 59},
		{"Calc.Inner.Deep.Add", `return a * 10;`, 65},
		{"Deep.Add", `return a * 10;`, 65},
		{"Point.Sum", `=> X + Y;`, 71},
		{"IShape.Twice", `return Area() * 2;`, 78},
		{"CalcTests.Adds", `Assert.Equal(3, Calc<object>.Add(1, 2));`, 93},
		{"Adds", `Assert.Equal(3, Calc<object>.Add(1, 2));`, 93},
	}
	for _, tt := range tests {
		t.Run(tt.symbol, func(t *testing.T) {
			body, line, err := Body(CSharp, src, tt.symbol)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if squash(body) != tt.body || line != tt.line {
				t.Errorf("Body = %q at line %d, want %q at line %d", squash(body), line, tt.body, tt.line)
			}
		})
	}
}

func TestBodyCSharpErrors(t *testing.T) {
	src := readTestdata(t, "csharp/Sample.cs.txt")
	tests := []struct {
		symbol string
		target error
		says   string
	}{
		{"Nope.Add", ErrSymbolNotFound, "no class Nope"},
		{"Calc.Nope", ErrSymbolNotFound, "class Calc has no method Nope"},
		{"Calc.Open", ErrSymbolNotFound, "has no method Open"},
		{"Calc.Inner.Twice", ErrSymbolNotFound, "has no method Twice"},
		{"Other.Inner.Add", ErrSymbolNotFound, "no class Other.Inner"},
		{"Demo.Tests.Calc.Add", ErrSymbolNotFound, "no class Demo.Tests.Calc"},
		{"Calc.Later", ErrNoBody, "without a body"},
		{"IShape.Area", ErrNoBody, "without a body"},
		{"Calc.", ErrSymbolNotFound, "not a symbol"},
	}
	for _, tt := range tests {
		_, _, err := Body(CSharp, src, tt.symbol)
		if !errors.Is(err, tt.target) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("Body(%s) error = %v, want %v saying %q", tt.symbol, err, tt.target, tt.says)
		}
	}
}

func TestBodyCSharpTricky(t *testing.T) {
	tests := []struct {
		name, src, symbol, body string
	}{
		{"verbatim string with quotes and braces", "class A { string s = @\"}\"\"{\"; int M() { return 1; } }", "A.M", "return 1;"},
		{"char literals", "class A { char a = '{', b = '\\'', c = '}'; int M() { return 2; } }", "A.M", "return 2;"},
		{"interpolation with nested string", "class A { string s = $\"{(x ? \"}\" : \"{\")}\"; int M() { return 3; } }", "A.M", "return 3;"},
		{"verbatim interpolated", "class A { string s = $@\"{x}\"\"}\"; int M() { return 4; } }", "A.M", "return 4;"},
		{"raw string", "class A { string s = \"\"\"\n  } \"\" {\n  \"\"\"; int M() { return 5; } }", "A.M", "return 5;"},
		{"comment braces", "class A { /* } */ // }\n int M() { return 6; } }", "A.M", "return 6;"},
		{"record struct", "record struct R(int X) { int M() => X; }", "R.M", "=> X;"},
		{"partial struct", "public partial struct S { public void M() { Go(); } }", "S.M", "Go();"},
		{"generic method with constraint", "class A { T M<T>(T x) where T : class { return x; } }", "A.M", "return x;"},
		{"call in initializer is not a declaration", "class A { int f = M(); int M() { return 7; } }", "A.M", "return 7;"},
		{"constructor initializer", "class A : B { A(int x) : base(x) { Init(); } }", "A.A", "Init();"},
		{"class constraint is not a class", "class A<T> where T : class { void M() { Run(); } }", "A.M", "Run();"},
		{"expression body with lambda", "class A { int M() => Sum(xs, x => { return x; }); }", "A.M", "=> Sum(xs, x => { return x; });"},
		{"file-scoped namespace", "namespace N;\nclass A { void M() { Run(); } }", "N.A.M", "Run();"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _, err := Body(CSharp, []byte(tt.src), tt.symbol)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if squash(body) != tt.body {
				t.Errorf("Body = %q, want %q", squash(body), tt.body)
			}
		})
	}
}

func TestBodyGo(t *testing.T) {
	src := readTestdata(t, "sample.go.txt")
	tests := []struct {
		symbol, body string
		line         int
	}{
		{"(*Set).Add", "s.m[k] = true", 11},
		{"(*Set[K]).Add", "s.m[k] = true", 11},
		{"Set.Len", "return len(s.m)", 15},
		{"(Set).Len", "return len(s.m)", 15},
		{"(*server).Name", "return s.name", 19},
		{"server.Name", "return s.name", 19},
		{"Version", `return "1.0"`, 29},
		{"sample.Version", `return "1.0"`, 29},
		{"init", `register("a")`, 47},
		{"init#2", `register("b")`, 49},
	}
	for _, tt := range tests {
		t.Run(tt.symbol, func(t *testing.T) {
			body, line, err := Body(Go, src, tt.symbol)
			if err != nil {
				t.Fatalf("Body: %v", err)
			}
			if squash(body) != tt.body || line != tt.line {
				t.Errorf("Body = %q at line %d, want %q at line %d", squash(body), line, tt.body, tt.line)
			}
		})
	}
	for _, bad := range []struct{ symbol, says string }{
		{"Missing", "no function Missing"},
		{"(*server).Missing", "type server has no method Missing"},
		{"(*nope).Name", "type nope has no method Name"},
		{"init#3", "no function init"},
		{"().x", "not a symbol"},
	} {
		_, _, err := Body(Go, src, bad.symbol)
		if !errors.Is(err, ErrSymbolNotFound) || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("Body(%s) error = %v, want ErrSymbolNotFound saying %q", bad.symbol, err, bad.says)
		}
	}
	if _, _, err := Body(Go, []byte("package x\nfunc F( {"), "F"); err == nil || errors.Is(err, ErrSymbolNotFound) {
		t.Errorf("Body of a broken file: error %v, want a parse error", err)
	}
	if _, _, err := Body("cobol", src, "F"); err == nil {
		t.Error("Body accepted an unknown language")
	}
}

func TestScanSymbol(t *testing.T) {
	cs := readTestdata(t, "csharp/Sample.cs.txt")
	gosrc := readTestdata(t, "sample.go.txt")
	tests := []struct {
		lang   string
		src    []byte
		symbol string
		want   []string
	}{
		{CSharp, cs, "Calc.Add", nil},
		{CSharp, cs, "Calc.Nothing", []string{"S:46: empty body"}},
		{CSharp, cs, "CalcTests.Adds", nil},
		{CSharp, cs, "CalcTests.DoesNothing", []string{"S:98: test asserts nothing"}},
		{CSharp, cs, "CalcTests.Fake", []string{"S:107: Assert.True(true)", "S:105: its only assertions are tautologies"}},
		{CSharp, cs, "CalcTests.NotATest", nil},
		{Go, gosrc, "(*Set).Add", nil},
		{Go, gosrc, "(*server).Enabled", []string{"S:24: constant return"}},
		{Go, gosrc, "Parse", []string{"S:32: constant return"}},
		{Go, gosrc, "server.Kind", nil},
		{Go, gosrc, "Version", nil},
		{Go, gosrc, "Stubbed", []string{"S:36: panic(not implemented)", "S:36: only panics or fails as not implemented"}},
		{Go, gosrc, "Fails", []string{"S:40: not implemented error", "S:40: only panics or fails as not implemented"}},
		{Go, gosrc, "Empty", []string{"S:43: empty body"}},
		{Go, gosrc, "TestAdd", nil},
		{Go, gosrc, "TestLogsOnly", []string{"S:61: test asserts nothing"}},
		{Go, gosrc, "TestHelper", nil},
		{Go, gosrc, "TestSubtests", nil},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.symbol, func(t *testing.T) {
			pats, err := Patterns(tt.lang, nil, false)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := ScanSymbol(tt.lang, "S", tt.src, tt.symbol, pats)
			if err != nil {
				t.Fatalf("ScanSymbol: %v", err)
			}
			if got := Strings(ms); !slices.Equal(got, tt.want) {
				t.Errorf("ScanSymbol = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScanSymbolNotFound(t *testing.T) {
	_, err := ScanSymbol(Go, "S", readTestdata(t, "sample.go.txt"), "Gone", nil)
	if !errors.Is(err, ErrSymbolNotFound) {
		t.Errorf("error = %v, want ErrSymbolNotFound", err)
	}
}

func FuzzBodyCSharp(f *testing.F) {
	f.Add(string(readTestdata(f, "csharp/Sample.cs.txt")), "Calc.Add")
	f.Add("class A { void M() { } }", "A.M")
	f.Add("class A { string s = $\"{$\"{\"}\"}\"; }", "A.M")
	f.Add("record R(int X); class B<T> where T : class { int M<", "B.M")
	f.Add("class A { int M() => ", "A.M#2")
	f.Add("@\"\"\" $$\"\"\"{{ '\\", "")
	f.Fuzz(func(t *testing.T, src, symbol string) {
		body, line, err := Body(CSharp, []byte(src), symbol)
		if err != nil {
			return
		}
		if !strings.Contains(src, body) || line < 1 {
			t.Fatalf("Body = %q at line %d, not a part of the source", body, line)
		}
	})
}
