package gitstore

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// stockGit runs git in dir with stdin and returns its trimmed output.
func stockGit(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// rawTree writes a tree object whose entries are exactly ents, in the
// order given (stock git hash-object --literally does not sort or check
// them, as a forger's tool would not): each is "mode name hash".
func rawTree(t *testing.T, dir string, ents ...string) plumbing.Hash {
	t.Helper()
	var buf bytes.Buffer
	for _, e := range ents {
		f := strings.Fields(e)
		id, err := hex.DecodeString(f[2])
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&buf, "%s %s\x00", f[0], f[1])
		buf.Write(id)
	}
	return plumbing.NewHash(stockGit(t, dir, buf.Bytes(), "hash-object", "-t", "tree", "-w", "--literally", "--stdin"))
}

// gitDiff lists what stock git diff-tree -r says differs between trees a
// and b, as "path old new" lines (a zero hash for an absent side).
func gitDiff(t *testing.T, dir string, a, b plumbing.Hash) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(stockGit(t, dir, nil, "diff-tree", "-r", "--no-renames", a.String(), b.String()), "\n") {
		if line == "" {
			continue
		}
		meta, path, _ := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		out = append(out, fmt.Sprintf("%s %s %s", path, f[2], f[3]))
	}
	slices.Sort(out)
	return out
}

func ourDiff(t *testing.T, s *Store, a, b plumbing.Hash) []string {
	t.Helper()
	ch, err := s.DiffTrees(a, b)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range ch {
		out = append(out, fmt.Sprintf("%s %s %s", c.Path, c.Old, c.New))
	}
	slices.Sort(out)
	return out
}

// TestDiffTrees holds DiffTrees, which every walk of the ledger uses to
// find what a commit changed, to stock git diff-tree on trees git writes,
// names that sort differently as files and as directories included; and
// shows that a forged tree whose entries are out of git's order, or name a
// path twice, still has each changed path reported once.
func TestDiffTrees(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	dir := t.TempDir()
	stockGit(t, dir, nil, "init", "-q")
	blob := func(s string) string {
		return stockGit(t, dir, []byte(s), "hash-object", "-w", "--stdin")
	}
	b1, b2, b3 := blob("one\n"), blob("two\n"), blob("three\n")
	sub := func(ents ...string) string {
		var in strings.Builder
		for _, e := range ents {
			f := strings.Fields(e)
			kind := "blob"
			if f[0] == "040000" {
				kind = "tree"
			}
			fmt.Fprintf(&in, "%s %s %s\t%s\n", f[0], kind, f[2], f[1])
		}
		return stockGit(t, dir, []byte(in.String()), "mktree")
	}
	d1 := sub("100644 x.toml "+b1, "100644 y.toml "+b2)
	d2 := sub("100644 x.toml "+b1, "100644 y.toml "+b3, "100644 z.toml "+b2)
	d3 := sub("100644 w "+b3, "040000 in "+d1)
	trees := map[string]string{
		"empty": sub(),
		"flat":  sub("100644 a "+b1, "100644 a.b "+b2, "100644 b "+b3),
		// "foo" as a file and "foo" as a directory sort apart from
		// "foo.c" in opposite ways.
		"fooFile": sub("100644 foo "+b1, "100644 foo.c "+b2, "100644 foo0 "+b3),
		"fooDir":  sub("040000 foo "+d1, "100644 foo.c "+b2, "100644 foo0 "+b3),
		"fooDir2": sub("040000 foo "+d2, "100644 foo.c "+b1),
		"deep":    sub("040000 entries "+d3, "100644 foo.c "+b2, "100755 run "+b1),
		"deep2":   sub("040000 entries "+d1, "120000 run "+b1, "100644 zz "+b3),
	}
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{repo: repo, objs: repo.Storer}
	names := make([]string, 0, len(trees))
	for n := range trees {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, na := range names {
		for _, nb := range names {
			a, b := plumbing.NewHash(trees[na]), plumbing.NewHash(trees[nb])
			if got, want := ourDiff(t, s, a, b), gitDiff(t, dir, a, b); !slices.Equal(got, want) {
				t.Errorf("%s → %s: DiffTrees says\n%s\ngit diff-tree says\n%s", na, nb, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}

	zero := plumbing.ZeroHash.String()
	old := plumbing.NewHash(sub("100644 a.toml "+b1, "100644 m.toml "+b2))
	for _, tc := range []struct {
		name string
		ents []string
		want []string
	}{
		{"out of order", []string{"100644 z.toml " + b3, "100644 m.toml " + b2, "100644 a.toml " + b1},
			[]string{"z.toml " + zero + " " + b3}},
		{"a name twice", []string{"100644 a.toml " + b1, "100644 m.toml " + b2, "100644 m.toml " + b3},
			[]string{"m.toml " + b2 + " " + b3}},
	} {
		forged := rawTree(t, dir, tc.ents...)
		if got := ourDiff(t, s, old, forged); !slices.Equal(got, tc.want) {
			t.Errorf("%s: DiffTrees says\n%s\nwant\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}
