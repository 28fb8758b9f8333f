package gates

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusEntry is one line of testdata/csharp/corpus/truth.txt.
type corpusEntry struct {
	file, symbol string
	stub         bool
}

func readCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "csharp", "corpus", "truth.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 3 || (f[2] != "real" && f[2] != "stub") {
			t.Fatalf("truth.txt: bad line %q", sc.Text())
		}
		out = append(out, corpusEntry{file: f[0], symbol: f[1], stub: f[2] == "stub"})
	}
	return out
}

// corpusFigures judges every corpus member and counts the real members
// refused and the stubs let through.
func corpusFigures(t testing.TB, strict bool) (reals, realsRefused, stubs, stubsRefused int, wrong []string) {
	t.Helper()
	pats, err := Patterns(CSharp, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range readCorpus(t) {
		src, err := os.ReadFile(filepath.Join("testdata", "csharp", "corpus", e.file))
		if err != nil {
			t.Fatal(err)
		}
		j, err := JudgeSymbol(CSharp, e.file, src, e.symbol, pats, strict)
		if err != nil {
			t.Fatalf("%s %s: %v", e.file, e.symbol, err)
		}
		refused := len(j.Refusals) > 0
		if e.stub {
			stubs++
		} else {
			reals++
		}
		switch {
		case e.stub && refused:
			stubsRefused++
		case !e.stub && refused:
			realsRefused++
			wrong = append(wrong, fmt.Sprintf("real %s refused: %v", e.symbol, Strings(j.Refusals)))
		case e.stub:
			wrong = append(wrong, fmt.Sprintf("stub %s let through (warnings %v)", e.symbol, Strings(j.Warnings)))
		}
	}
	return reals, realsRefused, stubs, stubsRefused, wrong
}

// TestJudgeCorpus holds the whole-body judge to the corpus's truth: no
// real member refused, every stub form refused. Line-level (strict)
// scanning refuses real members over one line, which is why it is not the
// default.
func TestJudgeCorpus(t *testing.T) {
	reals, realsRefused, stubs, stubsRefused, wrong := corpusFigures(t, false)
	for _, w := range wrong {
		t.Error(w)
	}
	t.Logf("whole body: %d real members, %d refused; %d stubs, %d refused", reals, realsRefused, stubs, stubsRefused)
	if reals < 25 || stubs < 15 {
		t.Fatalf("corpus too small: %d real, %d stubs", reals, stubs)
	}
	sReals, sRealsRefused, _, sStubsRefused, _ := corpusFigures(t, true)
	t.Logf("strict (line level): %d real members, %d refused; %d stubs, %d refused", sReals, sRealsRefused, stubs, sStubsRefused)
	if sRealsRefused == 0 || sStubsRefused != stubs {
		t.Errorf("strict mode refused %d real members and %d of %d stubs; want some real ones refused over one line, and every stub", sRealsRefused, sStubsRefused, stubs)
	}
}

func TestJudgeSymbolForms(t *testing.T) {
	tests := []struct {
		name, src, symbol string
		refused           []string
		warnings          []string
	}{
		{"guard clause among real code", "class A { bool M(int x) {\n if (x < 0) return false;\n return x % 2 == 0;\n} }", "A.M", nil, []string{"S:2: return false;"}},
		{"single constant return ignoring a parameter", "class A { int M(int x) { return 0; } }", "A.M", []string{"S:1: constant return"}, []string{"S:1: return 0;"}},
		{"constant property without parameters is real", "class A { bool CanSeek => false; }", "A.CanSeek", nil, nil},
		{"=> default always", "class A { T Get() => default; }", "A.Get", []string{"S:1: constant return"}, []string{"S:1: => default;"}},
		{"default(T) return", "class A { T Get(int i) { return default(T); } }", "A.Get", []string{"S:1: constant return"}, nil},
		{"string literal ignoring input", "class A { string Name(int i) { return \"x\"; } }", "A.Name", []string{"S:1: constant return"}, nil},
		{"interpolated string is not constant", "class A { string Name(int i) { return $\"{i}\"; } }", "A.Name", nil, nil},
		{"only NotSupported throw, qualified", "class A { void M() { throw new System.NotSupportedException(\"no\"); } }", "A.M", []string{"S:1: " + OnlyThrow}, nil},
		{"throw among real code", "class A { void M(int x) {\n if (x == 0) throw new NotImplementedException();\n Run(x);\n} }", "A.M", nil, []string{"S:2: NotImplementedException"}},
		{"bare return", "class A { void M(int x) { return; } }", "A.M", []string{"S:1: empty body"}, nil},
		{"comment-only body", "class A { void M() { /* nothing yet */ } }", "A.M", []string{"S:1: empty body"}, nil},
		{"this initializer", "class A { A() : this(1) { } A(int x) { X = x; } int X; }", "A.A", nil, nil},
		{"marked forwarding call", "class A { int M(int x) {\n // TO\x44O: port the cache\n return Inner(x);\n} }", "A.M", []string{"S:1: " + MarkedStub}, []string{"S:2: TODO marker"}},
		{"Assert.Null(null) alone", "class T { [Fact] void M() { Assert.Null(null); } }", "T.M", []string{"S:1: " + TautologyOnly}, nil},
		{"real assertion beside a tautology", "class T { [Fact] void M() { Assert.True(true); Assert.Equal(2, Add(1, 1)); } }", "T.M", nil, []string{"S:1: Assert.True(true)"}},
	}
	pats, err := Patterns(CSharp, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, err := JudgeSymbol(CSharp, "S", []byte(tt.src), tt.symbol, pats, false)
			if err != nil {
				t.Fatal(err)
			}
			if got := Strings(j.Refusals); !equalStrings(got, tt.refused) {
				t.Errorf("refused %q, want %q", got, tt.refused)
			}
			if got := Strings(j.Warnings); !equalStrings(got, tt.warnings) {
				t.Errorf("warnings %q, want %q", got, tt.warnings)
			}
		})
	}
}

func TestJudgeGoForms(t *testing.T) {
	// The markers are written TO\x44O so that this file passes the scan.
	src := strings.ReplaceAll(`package p

import "errors"

func Unported(x int) int {
	panic("unported: needs raft")
}

func Real(x int) (int, error) {
	if x < 0 {
		return 0, errors.New("negative")
	}
	// TO\x44O: cache this
	return x * 2, nil
}

func Marked(x int) int {
	// TO\x44O: port
	return helper(x)
}

func helper(x int) int { return x }
`, `TO\x44O`, "TO"+"DO")
	pats, err := Patterns(Go, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		symbol            string
		refused, warnings []string
	}{
		{"Unported", []string{"S:6: " + OnlyPanic}, nil},
		{"Real", nil, []string{"S:13: TODO marker"}},
		{"Marked", []string{"S:19: " + MarkedStub}, []string{"S:18: TODO marker"}},
		{"helper", nil, nil},
	}
	for _, tt := range tests {
		j, err := JudgeSymbol(Go, "S", []byte(src), tt.symbol, pats, false)
		if err != nil {
			t.Fatal(err)
		}
		if got := Strings(j.Refusals); !equalStrings(got, tt.refused) {
			t.Errorf("%s: refused %q, want %q", tt.symbol, got, tt.refused)
		}
		if got := Strings(j.Warnings); !equalStrings(got, tt.warnings) {
			t.Errorf("%s: warnings %q, want %q", tt.symbol, got, tt.warnings)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

func FuzzJudgeCSharp(f *testing.F) {
	f.Add("class A { int M(int x) { return 0; } }", "A.M")
	f.Add("class A { A() : base(\"x\") { } }", "A.A")
	f.Add("class T { [Fact] void M() { true.ShouldBe(true); } }", "T.M")
	f.Add("class A { T Get() => default", "A.Get")
	pats, err := Patterns(CSharp, nil, false)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src, symbol string) {
		for _, strict := range []bool{false, true} {
			j, err := JudgeSymbol(CSharp, "S", []byte(src), symbol, pats, strict)
			if err != nil {
				continue
			}
			for _, m := range append(j.Refusals, j.Warnings...) {
				if m.Line < 1 || m.Pattern == "" {
					t.Fatalf("finding %+v has no line or pattern", m)
				}
			}
			if strict && len(j.Warnings) > 0 {
				t.Fatalf("strict mode left warnings %v", j.Warnings)
			}
		}
	})
}
