package gates

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
)

// BenchmarkCheckout checks out a commit of 2,000 files in 100 directories,
// as audit --rerun does, with go-git (Checkout) and side by side with
// stock git doing the same work (git archive piped into tar -x).
func BenchmarkCheckout(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("needs the git command")
	}
	files := map[string]string{}
	for d := 0; d < 100; d++ {
		for f := 0; f < 20; f++ {
			files[fmt.Sprintf("src/d%02d/f%02d.go", d, f)] = fmt.Sprintf("package d%02d\n\nfunc F%02d() int {\n\treturn %d\n}\n%s", d, f, d*f, strings.Repeat("// filler\n", 40))
		}
	}
	dir := newRepo(b, files)
	repo, err := git.PlainOpen(dir)
	if err != nil {
		b.Fatal(err)
	}
	ref, err := repo.Head()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("porttracker", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out := filepath.Join(b.TempDir(), "co")
			if err := os.Mkdir(out, 0o755); err != nil {
				b.Fatal(err)
			}
			if err := Checkout(repo.Storer, ref.Hash(), out); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stock-git-archive", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			out := filepath.Join(b.TempDir(), "co")
			if err := os.Mkdir(out, 0o755); err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command("sh", "-c", `git -C "$1" archive "$2" | tar -x -C "$3"`, "sh", dir, ref.Hash().String(), out)
			if o, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, o)
			}
		}
	})
}
