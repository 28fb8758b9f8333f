package inventory

import "testing"

func FuzzScanFile(f *testing.F) {
	for _, src := range scanTree() {
		f.Add([]byte(src))
	}
	f.Add([]byte("package p\nfunc (a, b T) m() {}\nfunc () n() {}\nfunc (x pkg.T) o() {}\n"))
	f.Add([]byte("package p\nfunc F()\nfunc init() {}\nfunc init() {}\n//line x.go:100\nfunc G() {}"))
	f.Add([]byte("\ufeffpackage p\nfunc F() { _ = `raw\nstring` }\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		sameDigests(t, "src", src)
		for _, name := range []string{"f.go", "f_test.go"} {
			decls, broken := scanFile(name, name, src)
			if broken != nil {
				if len(decls) != 0 {
					t.Fatalf("%s: broken file with decls", name)
				}
				continue
			}
			prev := 0
			for _, d := range decls {
				if d.Start < prev || d.End < d.Start || d.Digest == "" || d.Symbol == "" {
					t.Fatalf("%s: bad decl %+v", name, d)
				}
				prev = d.Start
			}
		}
	})
}
