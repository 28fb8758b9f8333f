package ledger

import (
	"strings"
	"testing"
)

func TestCheckFilter(t *testing.T) {
	ok := []string{"", "TestPushPop", "FullyQualifiedName~A.B|FullyQualifiedName~C", "(*T).m", "Name=X & Category!=Slow", "a/b-c:d,e*<f>"}
	bad := []string{"X$(touch pwned)", "X`id`", `a"b`, "a'b", "a;b", `a\b`, "a\nb", "a\tb", "ü", strings.Repeat("a", MaxFilterLen+1)}
	for _, v := range ok {
		if err := CheckFilter(v); err != nil {
			t.Errorf("CheckFilter(%q) = %v, want ok", v, err)
		}
	}
	for _, v := range bad {
		if err := CheckFilter(v); err == nil {
			t.Errorf("CheckFilter(%q) passed, want refused", v)
		}
	}
}

func TestCheckRelPath(t *testing.T) {
	ok := []string{"", "a.go", "dotnet/src/A.cs", "./a", "a/./b", "a..b/c"}
	bad := []string{"/etc/passwd", "../x", "a/../../b", "..", `a\b`, "a\x00b", "C:/x", "a\nb"}
	for _, p := range ok {
		if err := CheckRelPath(p); err != nil {
			t.Errorf("CheckRelPath(%q) = %v, want ok", p, err)
		}
	}
	for _, p := range bad {
		if err := CheckRelPath(p); err == nil {
			t.Errorf("CheckRelPath(%q) passed, want refused", p)
		}
	}
}

func TestCheckBranchName(t *testing.T) {
	for _, b := range []string{"porting-ledger", "team/ledger", "ledger.v2"} {
		if err := CheckBranchName(b); err != nil {
			t.Errorf("CheckBranchName(%q) = %v", b, err)
		}
	}
	for _, b := range []string{"", "../../evil", "a..b", "-x", "a b", "a~b", "a:b", "refs/heads/x", "x.lock", "a//b", "x/"} {
		if err := CheckBranchName(b); err == nil {
			t.Errorf("CheckBranchName(%q) passed", b)
		}
	}
}

// FuzzCheckRelPath: whatever passes never climbs out or starts at the root.
func FuzzCheckRelPath(f *testing.F) {
	for _, s := range []string{"a/b", "../a", "/x", "a/../b", "a\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if CheckRelPath(p) != nil {
			return
		}
		if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") {
			t.Fatalf("%q passed", p)
		}
		for _, part := range strings.Split(p, "/") {
			if part == ".." {
				t.Fatalf("%q passed", p)
			}
		}
	})
}

// FuzzCheckFilter: whatever passes holds no shell-active character.
func FuzzCheckFilter(f *testing.F) {
	for _, s := range []string{"A.B", "X$(y)", "a|b", "`x`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if CheckFilter(v) == nil && strings.ContainsAny(v, "$`'\";\\\n\r\t") {
			t.Fatalf("%q passed", v)
		}
	})
}
