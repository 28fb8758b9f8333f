package gitstore

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// commitOn commits files (path to content) on parent without moving the
// branch: the other side of a merge, as a fetch would bring it in.
func (l *testLedger) commitOn(t *testing.T, parent plumbing.Hash, files map[string]string) plumbing.Hash {
	t.Helper()
	data := map[string][]byte{}
	for p, c := range files {
		data[p] = []byte(c)
	}
	h, err := l.s.CommitFiles(parent, data, "side\n", l.who, l.key)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestMerge covers each way Merge can go: no local ledger yet, up to date,
// a fast-forward, and diverged histories joined by a signed merge commit
// that stock git checks.
func TestMerge(t *testing.T) {
	t.Run("no local ledger", func(t *testing.T) {
		l := newTestLedger(t)
		remote := l.head(t)
		// A second branch of the same repository that has no ledger yet.
		other, err := Open(l.dir, "other-ledger")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		m, err := other.Merge(remote, l.who, l.key)
		if err != nil || !m.FastForward || m.Head != remote {
			t.Fatalf("Merge = %+v, %v; want a fast-forward to %s", m, err, remote)
		}
		if h, err := other.Head(); err != nil || h != remote {
			t.Fatalf("branch at %s, %v; want %s", h, err, remote)
		}
	})
	t.Run("up to date", func(t *testing.T) {
		l := newTestLedger(t)
		old := l.head(t)
		now := l.add(t)
		m, err := l.s.Merge(old, l.who, l.key)
		if err != nil || !m.UpToDate || m.Head != now {
			t.Fatalf("Merge = %+v, %v; want up to date at %s", m, err, now)
		}
		if l.head(t) != now {
			t.Fatal("merging an ancestor moved the branch")
		}
	})
	t.Run("fast-forward", func(t *testing.T) {
		l := newTestLedger(t)
		ahead := l.commitOn(t, l.head(t), map[string]string{EntryPath(entryID(1)): "one\n"})
		m, err := l.s.Merge(ahead, l.who, l.key)
		if err != nil || !m.FastForward || m.Head != ahead || l.head(t) != ahead {
			t.Fatalf("Merge = %+v, %v; want a fast-forward to %s", m, err, ahead)
		}
	})
	t.Run("diverged", func(t *testing.T) {
		l := newTestLedger(t)
		base := l.head(t)
		local := l.add(t)
		remote := l.commitOn(t, base, map[string]string{EntryPath(entryID(50)): "fifty\n", EntryPath(entryID(51)): "fifty-one\n", "notes.txt": "not an entry\n"})
		m, err := l.s.Merge(remote, l.who, l.key)
		if err != nil {
			t.Fatal(err)
		}
		if m.FastForward || m.UpToDate || m.Added != 2 || l.head(t) != m.Head {
			t.Fatalf("Merge = %+v; want a merge commit adding 2 entries at the branch head", m)
		}
		c, err := l.s.Commit(m.Head)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.ParentHashes) != 2 || c.ParentHashes[0] != local || c.ParentHashes[1] != remote {
			t.Fatalf("merge parents %v, want [%s %s]", c.ParentHashes, local, remote)
		}
		for _, p := range []string{EntryPath(entryID(1)), EntryPath(entryID(50)), EntryPath(entryID(51))} {
			if _, err := l.s.FileAt(m.Head, p); err != nil {
				t.Errorf("the merge lacks %s: %v", p, err)
			}
		}
		if _, err := l.s.FileAt(m.Head, "notes.txt"); !errors.Is(err, ErrNotInTree) {
			t.Errorf("the merge took a file that is not an entry: %v", err)
		}
		// Stock git accepts the merge commit's signature with the list the
		// merge wrote.
		signers := filepath.Join(t.TempDir(), "allowed_signers")
		data, err := l.s.FileAt(m.Head, AllowedSignersFile)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(signers, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("git", "-C", l.dir, "-c", "gpg.ssh.allowedSignersFile="+signers, "verify-commit", m.Head.String()).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Good") {
			t.Fatalf("git verify-commit: %v\n%s", err, out)
		}
		if out, err := exec.Command("git", "-C", l.dir, "fsck", "--strict").CombinedOutput(); err != nil {
			t.Fatalf("git fsck: %v\n%s", err, out)
		}
	})
}

// TestMergeSigners is the three-way line merge of allowed_signers: a line
// stays if either side has it, unless one side removed it since the base.
func TestMergeSigners(t *testing.T) {
	keys := []string{newKey(t).AuthorizedKey(), newKey(t).AuthorizedKey(), newKey(t).AuthorizedKey(), newKey(t).AuthorizedKey()}
	line := func(i int) sshkey.AllowedSigner {
		return sshkey.AllowedSigner{Identity: string(rune('a'+i)) + "@example.com", Key: keys[i]}
	}
	list := func(ids ...int) string {
		var l []sshkey.AllowedSigner
		for _, i := range ids {
			l = append(l, line(i))
		}
		return string(sshkey.FormatAllowedSigners(l))
	}
	for _, tc := range []struct {
		name       string
		base, a, b []int
		unrelated  bool
		want       []int
	}{
		{name: "same", base: []int{0}, a: []int{0}, b: []int{0}, want: []int{0}},
		{name: "each adds one", base: []int{0}, a: []int{0, 1}, b: []int{0, 2}, want: []int{0, 1, 2}},
		{name: "one side revokes", base: []int{0, 1}, a: []int{0}, b: []int{0, 1}, want: []int{0}},
		{name: "other side revokes", base: []int{0, 1}, a: []int{0, 1}, b: []int{1}, want: []int{1}},
		{name: "revoke and add", base: []int{0, 1}, a: []int{0, 3}, b: []int{0, 1, 2}, want: []int{0, 2, 3}},
		{name: "both revoke", base: []int{0, 1, 2}, a: []int{0}, b: []int{0}, want: []int{0}},
		{name: "no merge base: the union", unrelated: true, a: []int{0, 1}, b: []int{2}, want: []int{0, 1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newTestLedger(t)
			base := l.commitOn(t, l.head(t), map[string]string{AllowedSignersFile: list(tc.base...)})
			bBase := base
			if tc.unrelated {
				h, err := l.s.CommitFiles(plumbing.ZeroHash, map[string][]byte{AllowedSignersFile: []byte(list(tc.b...))}, "root\n", l.who, l.key)
				if err != nil {
					t.Fatal(err)
				}
				bBase = h
			}
			a := l.commitOn(t, base, map[string]string{AllowedSignersFile: list(tc.a...)})
			b := l.commitOn(t, bBase, map[string]string{AllowedSignersFile: list(tc.b...)})
			ca, err := l.s.Commit(a)
			if err != nil {
				t.Fatal(err)
			}
			cb, err := l.s.Commit(b)
			if err != nil {
				t.Fatal(err)
			}
			got, err := l.s.mergeSigners(ca, cb)
			if err != nil {
				t.Fatal(err)
			}
			parsed, err := sshkey.ParseAllowedSigners(got)
			if err != nil {
				t.Fatalf("the merged list does not parse: %v\n%s", err, got)
			}
			want, _ := sshkey.ParseAllowedSigners([]byte(list(tc.want...)))
			if len(parsed) != len(want) {
				t.Fatalf("merged list\n%s\nwant\n%s", got, list(tc.want...))
			}
			seen := map[string]bool{}
			for _, s := range parsed {
				seen[s.Identity+" "+s.Key] = true
			}
			for _, s := range want {
				if !seen[s.Identity+" "+s.Key] {
					t.Errorf("merged list lacks %s\n%s", s.Identity, got)
				}
			}
		})
	}
}
