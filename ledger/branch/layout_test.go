package branch

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestEntryLayoutsAgree holds the entry layout of the format (ledger) and
// of the storage (gitstore) to one another: the path ledger names is the
// one gitstore reads back as the entry's, and what is not an entry path is
// no entry's.
func TestEntryLayoutsAgree(t *testing.T) {
	id := ledger.EntryID([]byte("x"))
	if got, want := ledger.EntryPath(id), gitstore.EntryPath(id); got != want {
		t.Fatalf("ledger keeps entry %s at %s, gitstore at %s", id, got, want)
	}
	if got := gitstore.EntryIDFromPath(ledger.EntryPath(id)); got != id {
		t.Fatalf("EntryIDFromPath(EntryPath(%s)) = %q", id, got)
	}
	for _, p := range []string{"entries/ab/cd.toml", "allowed_signers", "entries/" + id[:2] + "/" + id + ".txt", "entries/zz/" + id + ".toml", "x/" + id[:2] + "/" + id + ".toml"} {
		if gitstore.EntryIDFromPath(p) != "" {
			t.Errorf("EntryIDFromPath(%q) accepted", p)
		}
	}
}

// goGitBranchRule is how ledger.CheckBranchName decided before the core
// had a rule of its own: go-git's check of refs/heads/NAME, beside the
// prefixes and parts porttracker refuses anyway.
func goGitBranchRule(name string) bool {
	if name == "" || strings.HasPrefix(name, "-") || strings.HasPrefix(name, "refs/") {
		return false
	}
	if plumbing.ReferenceName("refs/heads/"+name).Validate() != nil {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "." || part == ".." || part == "" {
			return false
		}
	}
	return true
}

var branchNames = []string{
	"porting-ledger", "team/ledger", "ledger.v2", "a-b_c", "ünï", "x@y", "@",
	"", "../../evil", "a..b", "-x", "a b", "a\tb", "a\x7fb", "a~b", "a^b", "a:b", "a?b", "a*b", "a[b",
	"a\\b", "refs/heads/x", "x.lock", "x.lock/y", "a//b", "x/", "/x", "x.", ".x", "a/.b", "a@{b", "a/@/b",
}

// TestCheckBranchNameIsGits: the core's branch-name rule decides as the
// go-git check it replaces did, and a name it accepts stock git accepts
// (git check-ref-format --branch), and the other way round but for a part
// "@", which porttracker refuses as go-git did.
func TestCheckBranchNameIsGits(t *testing.T) {
	for _, name := range branchNames {
		got := ledger.CheckBranchName(name) == nil
		if want := goGitBranchRule(name); got != want {
			t.Errorf("CheckBranchName(%q) accepts: %v, go-git's rule: %v", name, got, want)
		}
		if name == "" || strings.HasPrefix(name, "refs/") || slices.Contains(strings.Split(name, "/"), "@") {
			// git reads these otherwise than as a branch name, or refuses
			// only the whole name "@" where porttracker refuses a part "@"
			// as go-git did: stricter, never looser.
			continue
		}
		err := exec.Command("git", "check-ref-format", "--branch", name).Run()
		if _, exit := err.(*exec.ExitError); err != nil && !exit {
			t.Fatal(err)
		}
		if stock := err == nil; got != stock {
			t.Errorf("CheckBranchName(%q) accepts: %v, git check-ref-format --branch: %v", name, got, stock)
		}
	}
}

func FuzzCheckBranchName(f *testing.F) {
	for _, name := range branchNames {
		f.Add(name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := ledger.CheckBranchName(name) == nil
		if want := goGitBranchRule(name); got != want {
			t.Fatalf("CheckBranchName(%q) accepts: %v, go-git's rule: %v", name, got, want)
		}
		if err := ledger.CheckBranchName(name); err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", name)) {
			t.Fatalf("the refusal %q does not name %q", err, name)
		}
	})
}
