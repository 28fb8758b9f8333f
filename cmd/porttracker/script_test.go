package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"porttracker": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the command-line scripts in testdata/script against
// real git repositories, real SSH keys and the stock git, ssh-keygen and
// sqlite3 tools.
func TestScripts(t *testing.T) {
	// One sshd serves every script of this run (transport.txtar).
	sshd := &sshServer{}
	t.Cleanup(sshd.stop)
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("..", "..", "testdata", "script"),
		Setup: setupScript,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"verify-entries": cmdVerifyEntries, "newrepo": cmdNewRepo, "status": cmdStatus,
			"sshd": sshd.cmdSSHD, "httpd": cmdHTTPD, "jsondoc": cmdJSONDoc},
		RequireExplicitExec: true,
		Condition:           scriptCondition,
	})
}

// scriptCondition knows [seedplan]: shared/reference/seed-plan.md was found;
// and [sshd], [http-backend] (see serverCondition).
func scriptCondition(cond string) (bool, error) {
	if cond == "sshd" || cond == "http-backend" {
		return serverCondition(cond)
	}
	if cond != "seedplan" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	ref, err := sharedReference()
	return ref != "", err
}

// setupScript gives each script a home with an SSH key and a git
// configuration that signs with it, and the Go caches of the host so that
// gates running go build and go test work offline.
func setupScript(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, "home")
	if err := os.MkdirAll(filepath.Join(home, ".ssh"), 0o700); err != nil {
		return err
	}
	key := filepath.Join(home, ".ssh", "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key).CombinedOutput(); err != nil {
		return fmt.Errorf("ssh-keygen: %v: %s", err, out)
	}
	gitconfig := fmt.Sprintf("[user]\n\tname = Alice\n\temail = alice@example.com\n\tsigningkey = %s\n[gpg]\n\tformat = ssh\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n", key)
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("SSH_AUTH_SOCK", "")
	for _, v := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "PATH"} {
		if val := goEnv(v); val != "" {
			env.Setenv(v, val)
		}
	}
	// The shared sample data of testdata/ is available as $WORK/plan etc.
	for _, dir := range []string{"plan", "sample"} {
		src, err := filepath.Abs(filepath.Join("..", "..", "testdata", dir))
		if err != nil {
			return err
		}
		if _, err := os.Stat(src); err == nil {
			if err := os.Symlink(src, filepath.Join(env.WorkDir, dir)); err != nil {
				return err
			}
		}
	}
	// The seed plan is read in place, as $WORK/reference/seed-plan.md.
	if ref, err := sharedReference(); err != nil {
		return err
	} else if ref != "" {
		if err := os.Symlink(ref, filepath.Join(env.WorkDir, "reference")); err != nil {
			return err
		}
	}
	env.Setenv("GOFLAGS", "-mod=mod")
	env.Setenv("GOPROXY", "off")
	env.Setenv("GOTOOLCHAIN", "local")
	return nil
}

// sharedReference finds shared/reference (the seed plan) by walking up
// from the module root; "" when it is missing, an error when CI is set.
func sharedReference() (string, error) {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return "", err
	}
	for {
		ref := filepath.Join(dir, "shared", "reference")
		if _, err := os.Stat(filepath.Join(ref, "seed-plan.md")); err == nil {
			return ref, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		return "", errors.New("shared/reference/seed-plan.md not found above the module root (CI clones main with shared/ beside it)")
	}
	return "", nil
}

func goEnv(name string) string {
	if name == "PATH" {
		return os.Getenv("PATH")
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// cmdNewRepo makes a git repository with one commit: newrepo DIR.
func cmdNewRepo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: newrepo DIR")
	}
	dir := ts.MkAbs(args[0])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		ts.Fatalf("%v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); err != nil {
		ts.Check(os.WriteFile(filepath.Join(dir, "README.md"), []byte("a port\n"), 0o644))
	}
	for _, a := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "--no-gpg-sign", "-m", "start"}} {
		cmd := exec.Command("git", a...)
		cmd.Dir = dir
		cmd.Env = scriptEnv(ts)
		if out, err := cmd.CombinedOutput(); err != nil {
			ts.Fatalf("git %v: %v\n%s", a, err, out)
		}
	}
}

// cmdVerifyEntries checks every entry file of the ledger branch in DIR
// with stock ssh-keygen -Y verify against the branch's allowed_signers, and
// every ledger commit with git verify-commit: verify-entries DIR.
func cmdVerifyEntries(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: verify-entries DIR")
	}
	dir := ts.MkAbs(args[0])
	git := func(a ...string) string {
		cmd := exec.Command("git", a...)
		cmd.Dir = dir
		cmd.Env = scriptEnv(ts)
		out, err := cmd.Output()
		if err != nil {
			ts.Fatalf("git %v: %v", a, err)
		}
		return string(out)
	}
	tmp := ts.MkAbs("verify-tmp")
	ts.Check(os.MkdirAll(tmp, 0o755))
	signers := filepath.Join(tmp, "allowed_signers")
	ts.Check(os.WriteFile(signers, []byte(git("show", "porting-ledger:allowed_signers")), 0o644))
	failed := 0
	for _, path := range strings.Fields(git("ls-tree", "-r", "--name-only", "porting-ledger", "entries")) {
		file := git("show", "porting-ledger:"+path)
		i := strings.LastIndex(file, "\n[signature]\n")
		if i < 0 {
			ts.Fatalf("%s has no [signature] table", path)
		}
		payload := file[:i+1]
		sig := file[strings.Index(file, "-----BEGIN SSH SIGNATURE-----"):]
		sig = sig[:strings.Index(sig, "-----END SSH SIGNATURE-----")+len("-----END SSH SIGNATURE-----")] + "\n"
		signer := ""
		for _, line := range strings.Split(payload, "\n") {
			if v, ok := strings.CutPrefix(line, "signer = "); ok {
				signer = strings.Trim(v, `"`)
			}
		}
		sigFile := filepath.Join(tmp, "entry.sig")
		ts.Check(os.WriteFile(sigFile, []byte(sig), 0o644))
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers, "-I", signer, "-n", "porting-ledger", "-s", sigFile)
		cmd.Stdin = bytes.NewReader([]byte(payload))
		if out, err := cmd.CombinedOutput(); err != nil {
			failed++
			ts.Logf("ssh-keygen -Y verify %s: %v\n%s", path, err, out)
		}
	}
	for _, c := range strings.Fields(git("rev-list", "--no-merges", "porting-ledger")) {
		cmd := exec.Command("git", "-c", "gpg.ssh.allowedSignersFile="+signers, "verify-commit", c)
		cmd.Dir = dir
		cmd.Env = scriptEnv(ts)
		if out, err := cmd.CombinedOutput(); err != nil {
			failed++
			ts.Logf("git verify-commit %s: %v\n%s", c, err, out)
		}
	}
	if neg && failed == 0 {
		ts.Fatalf("every entry and commit verified")
	}
	if !neg && failed > 0 {
		ts.Fatalf("%d entries or commits failed stock verification", failed)
	}
}

// scriptEnv is the environment a helper command runs git and ssh-keygen in.
func scriptEnv(ts *testscript.TestScript) []string {
	var env []string
	for _, k := range []string{"HOME", "PATH", "GIT_CONFIG_NOSYSTEM"} {
		env = append(env, k+"="+ts.Getenv(k))
	}
	return env
}

// cmdStatus runs a command and checks its exit status, keeping its output
// for stdout and stderr: status N PROG [ARGS...].
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status N PROG [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: %q is not a number", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("%s: %v", args[1], err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}
