package audit

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates"
	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// TestCodeAtHead: the check reads the code committed at HEAD, whatever the
// working tree holds: a real body is found with no stub, a stub body is
// found with its stub, and a missing file, symbol or body is a problem
// naming it; nothing of this is an error.
func TestCodeAtHead(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=A", "-c", "user.email=a@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write("a.go", "package a\n\nfunc Real() int {\n\treturn 1\n}\n\nfunc Stubbed() int {\n\tpanic(\"not "+"implemented\")\n}\n\ntype I interface{ M() }\n")
	git("add", "a.go")
	git("commit", "-q", "-m", "code")
	// The working tree stubs Real and adds b.go: neither is at HEAD.
	write("a.go", "package a\n\nfunc Real() int {\n\tpanic(\"not "+"implemented\")\n}\n")
	write("b.go", "package a\n\nfunc B() int {\n\treturn 2\n}\n")
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := config.DefaultFor("go")
	pats, err := gates.Patterns(cfg.Target.Language, cfg.Stubs.Patterns, cfg.Stubs.Replace)
	if err != nil {
		t.Fatal(err)
	}
	check, err := CodeAtHead(store, cfg, pats)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, symbol string
		found        bool
		problem      string
		stubs        bool
	}{
		{"a.go", "Real", true, "", false},
		{"a.go", "Stubbed", true, "", true},
		{"a.go", "Missing", false, "Missing", false},
		{"b.go", "B", false, "its target file b.go is missing at HEAD", false},
	} {
		t.Run(tc.file+" "+tc.symbol, func(t *testing.T) {
			found, problem, stubs, err := check(tc.file, tc.symbol)
			if err != nil {
				t.Fatal(err)
			}
			if found != tc.found || (tc.problem == "") != (problem == "") || !strings.Contains(problem, tc.problem) || (len(stubs) > 0) != tc.stubs {
				t.Errorf("check = %v, %q, %q; want found %v, a problem with %q, stubs %v", found, problem, stubs, tc.found, tc.problem, tc.stubs)
			}
		})
	}
}
