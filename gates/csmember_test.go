package gates

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/csharp"
)

// csModernSource has the declarations a line-oriented finder misses.
const csModernSource = `namespace N;
public static class E
{
    public (int Count, string Name) Describe(int x) { return (x, "a"); }
    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint) { return _m; }
    public T Max<T>(T a, T b) where T : class, IComparable<T> { return a.CompareTo(b) > 0 ? a : b; }
    extension(string s)
    {
        public bool IsBlank() { return s.Trim().Length == 0; }
    }
    public class Inner { public int V() { return 1; } }
    public (bool Ok, int N) Over(int a) { return (true, a); }
    public int Over(string a) { return a.Length; }
    public int Cast() => (int) Over(1).N;
}`

func TestCSharpModernMembers(t *testing.T) {
	tests := []struct {
		symbol, body string
		line         int
	}{
		{"E.Describe", ` return (x, "a"); `, 4},
		{"E.GetMemory", ` return _m; `, 5},
		{"E.Max", ` return a.CompareTo(b) > 0 ? a : b; `, 6},
		{"E.IsBlank", ` return s.Trim().Length == 0; `, 9},
		{"E.Inner.V", ` return 1; `, 11},
		{"E.Over", ` return (true, a); `, 12},
		{"E.Over#2", ` return a.Length; `, 13},
		{"E.Cast", `=> (int) Over(1).N;`, 14},
	}
	for _, tt := range tests {
		body, line, err := Body(CSharp, []byte(csModernSource), tt.symbol)
		if err != nil || body != tt.body || line != tt.line {
			t.Errorf("Body(%s) = %q at %d, %v; want %q at %d", tt.symbol, body, line, err, tt.body, tt.line)
		}
	}
	for _, sym := range []string{"E.Inner", "E.Over#3"} {
		if b, _, err := Body(CSharp, []byte(csModernSource), sym); !errors.Is(err, ErrSymbolNotFound) {
			t.Errorf("Body(%s) = %q, %v; want symbol not found (a nested type is no member; no third overload)", sym, b, err)
		}
	}
}

// TestCSharpMethodsResolve holds the listing the inventory suggests from to
// the lookup the gates use: every listed method, numbered by its place
// among its class's methods of that name, is found again at its line.
func TestCSharpMethodsResolve(t *testing.T) {
	for _, name := range []string{"corpus/RingBuffer.cs.txt", "corpus/PoolTests.cs.txt", "Sample.cs.txt"} {
		src := readTestdata(t, "csharp/"+name)
		checkMethodsResolve(t, name, src)
	}
	checkMethodsResolve(t, "modern", []byte(csModernSource))
}

func checkMethodsResolve(t *testing.T, name string, src []byte) {
	t.Helper()
	seen := map[string]int{}
	ms := csharp.Methods(src)
	if len(ms) == 0 && name != "modern" {
		t.Fatalf("%s: no methods listed", name)
	}
	for _, m := range ms {
		key := m.Class + "." + m.Name
		seen[key]++
		sym := fmt.Sprintf("%s#%d", key, seen[key])
		_, line, err := Body(CSharp, src, sym)
		if err != nil || line != m.Line {
			t.Errorf("%s: listed %s at line %d; Body finds line %d, %v", name, sym, m.Line, line, err)
		}
	}
}

func FuzzCSharpMethods(f *testing.F) {
	f.Add(csModernSource)
	f.Add("class A { A() : this(1) { } int M<T>(T x) where T : class, I<T> => 1; extension(int i) { void N() { } } }")
	f.Add("record R(int X) { (int, int) P() { return (1, 2); } }")
	f.Fuzz(func(t *testing.T, src string) {
		for _, m := range csharp.Methods([]byte(src)) {
			if m.Name == "" || m.Class == "" || m.Line < 1 || m.Line > strings.Count(src, "\n")+1 {
				t.Fatalf("bad method %+v", m)
			}
		}
	})
}
