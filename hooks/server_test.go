package hooks

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallUninstallServer installs the server hook over a site's own
// pre-receive hook in a bare repository made by stock git, uninstalls it,
// and pushes with stock git: the site's hook is back, byte for byte and
// executable, and runs (its refusal reaches the pusher).
func TestInstallUninstallServer(t *testing.T) {
	isolate(t)
	needGit(t)
	bare := t.TempDir()
	gitRun(t, bare, "init", "-q", "--bare")
	const site = "#!/bin/sh\necho 'site rule: pushes are closed today' >&2\nexit 1\n"
	hook := filepath.Join(bare, "hooks", PreReceiveHook)
	if err := os.WriteFile(hook, []byte(site), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := InstallServer(bare, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := readHook(t, hook); !IsShim([]byte(got)) {
		t.Fatalf("after install, pre-receive is not the shim:\n%s", got)
	}
	if got, ok := readHook(t, hook+ChainedSuffix); !ok || got != site {
		t.Fatalf("the site's hook was not kept as %s: %q", PreReceiveHook+ChainedSuffix, got)
	}

	msgs, err := UninstallServer(bare)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || !strings.Contains(msgs[0], "restored") {
		t.Errorf("uninstall said %q, want one line saying the previous hook was restored", msgs)
	}
	got, ok := readHook(t, hook)
	if !ok || got != site {
		t.Fatalf("after uninstall, pre-receive = %q, want the site's hook", got)
	}
	if fi, err := os.Stat(hook); err != nil || fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("the restored hook is not executable: %v %v", fi, err)
	}
	if _, ok := readHook(t, hook+ChainedSuffix); ok {
		t.Errorf("%s is left behind", PreReceiveHook+ChainedSuffix)
	}
	// A second uninstall leaves the site's hook alone.
	if _, err := UninstallServer(bare); err != nil {
		t.Fatal(err)
	}
	if got, _ := readHook(t, hook); got != site {
		t.Fatalf("a second uninstall changed the site's hook: %q", got)
	}

	// Stock git runs the restored hook on a push (no porttracker on PATH).
	clone := newRepo(t, map[string]string{"a.txt": "x\n"}, true)
	cmd := exec.Command("git", "push", bare, "main")
	cmd.Dir = clone
	cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "remote: site rule: pushes are closed today") || strings.Contains(string(out), "porttracker") {
		t.Fatalf("push after uninstall: %v\n%s", err, out)
	}
}

// TestUninstallServerRestoresWithoutShim puts back the chained hook when
// the shim itself is already gone, and leaves a pre-receive hook that is
// not porttracker's alone.
func TestUninstallServerRestoresWithoutShim(t *testing.T) {
	isolate(t)
	bare := t.TempDir()
	dir := filepath.Join(bare, "hooks")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const site = "#!/bin/sh\nexit 0\n"
	chained := filepath.Join(dir, PreReceiveHook+ChainedSuffix)
	if err := os.WriteFile(chained, []byte(site), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := UninstallServer(bare); err != nil {
		t.Fatal(err)
	}
	if got, ok := readHook(t, filepath.Join(dir, PreReceiveHook)); !ok || got != site {
		t.Fatalf("pre-receive = %q, want the chained hook put back", got)
	}
	msgs, err := UninstallServer(bare)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := readHook(t, filepath.Join(dir, PreReceiveHook)); got != site || len(msgs) != 1 || !strings.Contains(msgs[0], "not porttracker's shim") {
		t.Errorf("a foreign pre-receive: %q, messages %q", got, msgs)
	}
}
