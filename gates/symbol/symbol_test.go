package symbol

import (
	"reflect"
	"strings"
	"testing"
)

func TestSplitJoin(t *testing.T) {
	for _, tc := range []struct {
		in   string
		name string
		occ  int
	}{
		{"init", "init", 0},
		{"init#1", "init", 0},
		{"init#2", "init", 1},
		{"(*T).m#3", "(*T).m", 2},
		{"Calc.Add#12", "Calc.Add", 11},
		{"init#0", "init#0", 0},
		{"init#02", "init#02", 0},
		{"init#x", "init#x", 0},
		{"init#", "init#", 0},
		{"init#-2", "init#-2", 0},
		{"a#2#3", "a#2", 2},
	} {
		name, occ := Split(tc.in)
		if name != tc.name || occ != tc.occ {
			t.Errorf("Split(%q) = %q, %d; want %q, %d", tc.in, name, occ, tc.name, tc.occ)
		}
	}
	for _, tc := range []struct {
		name string
		occ  int
		want string
	}{{"init", 0, "init"}, {"init", 1, "init#2"}, {"(*T).m", 2, "(*T).m#3"}} {
		if got := Join(tc.name, tc.occ); got != tc.want {
			t.Errorf("Join(%q, %d) = %q, want %q", tc.name, tc.occ, got, tc.want)
		}
	}
	if Hint("init#0") == "" || Hint("init#2") != "" || Hint("init") != "" {
		t.Error("Hint: a hint only for a # that is no occurrence")
	}
}

func TestParseGo(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Go
		bad  bool
	}{
		{in: "Func", want: Go{Name: "Func"}},
		{in: "(*T).m", want: Go{Recv: "T", Name: "m", Qualifier: "T", Spelled: "*T"}},
		{in: "(T).m#2", want: Go{Recv: "T", Name: "m", Qualifier: "T", Spelled: "T", Occurrence: 1}},
		{in: "T.m", want: Go{Recv: "T", Name: "m", Qualifier: "T"}},
		{in: "pkg.T.m", want: Go{Recv: "T", Name: "m", Qualifier: "pkg"}},
		{in: "(*Set[K]).Add", want: Go{Recv: "Set", Name: "Add", Qualifier: "Set", Spelled: "*Set"}},
		{in: " ( *T ) . m ", want: Go{Recv: "T", Name: "m", Qualifier: "T", Spelled: "*T"}},
		{in: "(*T)m", bad: true},
		{in: "().m", bad: true},
		{in: "", bad: true},
		{in: "T.", bad: true},
	} {
		got, err := ParseGo(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseGo(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseGo(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func TestParseCSharp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want CSharp
		bad  bool
	}{
		{in: "Calc.Add", want: CSharp{Classes: []string{"Calc"}, Name: "Add"}},
		{in: "Ns.Outer.Inner.Add#2", want: CSharp{Classes: []string{"Ns", "Outer", "Inner"}, Name: "Add", Occurrence: 1}},
		{in: "Cache<T>.Get(int, string)", want: CSharp{Classes: []string{"Cache"}, Name: "Get"}},
		{in: "Add", want: CSharp{Classes: []string{}, Name: "Add"}},
		{in: "Calc.", bad: true},
		{in: "Calc..Add", bad: true},
		{in: "", bad: true},
	} {
		got, err := ParseCSharp(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("ParseCSharp(%q) = %+v, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseCSharp(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"init", "init#2", "init#1", "init#02", "a#2#3", "#"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name, occ := Split(s)
		if occ < 0 {
			t.Fatalf("Split(%q): occurrence %d", s, occ)
		}
		// What Join writes, Split reads back.
		if n, o := Split(Join(name, occ)); occ > 0 && (n != name || o != occ) {
			t.Fatalf("Split(Join(%q, %d)) = %q, %d", name, occ, n, o)
		}
		if occ == 0 && name != s && !strings.HasSuffix(s, "#1") {
			t.Fatalf("Split(%q) = %q with no occurrence", s, name)
		}
	})
}

func FuzzParseGo(f *testing.F) {
	for _, s := range []string{"Func", "(*T).m#2", "pkg.T.m", "(*Set[K]).Add", "(T)m", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGo(s)
		if err != nil {
			return
		}
		if g.Name == "" || strings.ContainsAny(g.Name, ".()*") || g.Occurrence < 0 {
			t.Fatalf("ParseGo(%q) = %+v", s, g)
		}
	})
}

func FuzzParseCSharp(f *testing.F) {
	for _, s := range []string{"Calc.Add", "Ns.C.Add#3", "Cache<T>.Get(int)", "", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCSharp(s)
		if err != nil {
			return
		}
		if c.Name == "" || c.Occurrence < 0 {
			t.Fatalf("ParseCSharp(%q) = %+v", s, c)
		}
		for _, p := range c.Classes {
			if p == "" {
				t.Fatalf("ParseCSharp(%q): an empty class in %+v", s, c)
			}
		}
	})
}
