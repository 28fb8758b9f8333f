package hooks

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// newGitDir makes an empty repository and returns its git directory.
func newGitDir(t *testing.T) string {
	t.Helper()
	needGit(t)
	dir := newRepo(t, nil, false)
	return filepath.Join(dir, ".git")
}

func readHook(t *testing.T, path string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data), true
}

func TestInstallUninstall(t *testing.T) {
	isolate(t)
	const userHook = "#!/bin/sh\necho user hook\n"
	tests := []struct {
		name string
		// before are the hooks present before Install, by file name.
		before map[string]string
		// installs is how many times Install runs.
		installs int
		wantMsgs []string
		// wantChained are the hooks the shims chain after Install.
		wantChained map[string]string
	}{
		{name: "no previous hooks", installs: 1, wantMsgs: []string{"pre-commit: installed", "pre-merge-commit: installed", "pre-push: installed"}},
		{
			name: "a previous pre-commit hook", installs: 1, before: map[string]string{"pre-commit": userHook},
			wantMsgs:    []string{"runs your previous hook first", "pre-merge-commit: installed", "pre-push: installed"},
			wantChained: map[string]string{"pre-commit": userHook},
		},
		{
			name: "installed twice", installs: 2, before: map[string]string{"pre-commit": userHook, "pre-push": userHook + "# push\n"},
			wantMsgs:    []string{"already installed", "already installed", "already installed"},
			wantChained: map[string]string{"pre-commit": userHook, "pre-push": userHook + "# push\n"},
		},
		{
			name: "sample hooks are not hooks", installs: 1, before: map[string]string{"pre-commit.sample": userHook},
			wantMsgs: []string{"pre-commit: installed", "pre-merge-commit: installed", "pre-push: installed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gitDir := newGitDir(t)
			dir := filepath.Join(gitDir, "hooks")
			os.RemoveAll(dir)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, text := range tt.before {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o750); err != nil {
					t.Fatal(err)
				}
			}
			var msgs []string
			for range tt.installs {
				var err error
				if msgs, err = Install(gitDir); err != nil {
					t.Fatalf("Install: %v", err)
				}
			}
			if len(msgs) != len(tt.wantMsgs) {
				t.Fatalf("Install said %q, want %d lines", msgs, len(tt.wantMsgs))
			}
			for i, w := range tt.wantMsgs {
				if !strings.Contains(msgs[i], w) {
					t.Errorf("Install line %d = %q, want it to contain %q", i, msgs[i], w)
				}
			}
			for _, name := range Names() {
				path := filepath.Join(dir, name)
				script, ok := readHook(t, path)
				if !ok || !IsShim([]byte(script)) || script != Shim(name) {
					t.Errorf("%s is not the shim after Install:\n%s", name, script)
				}
				if st, err := os.Stat(path); err != nil || st.Mode().Perm()&0o111 == 0 {
					t.Errorf("%s is not executable: %v", name, err)
				}
				chained, ok := readHook(t, path+ChainedSuffix)
				if want, wantOK := tt.wantChained[name]; ok != wantOK || chained != want {
					t.Errorf("%s%s = %q (present %v), want %q", name, ChainedSuffix, chained, ok, want)
				}
			}
			msgs, err := Uninstall(gitDir)
			if err != nil {
				t.Fatalf("Uninstall: %v", err)
			}
			if len(msgs) != len(Names()) {
				t.Errorf("Uninstall said %q", msgs)
			}
			for _, name := range Names() {
				path := filepath.Join(dir, name)
				got, ok := readHook(t, path)
				want, wantOK := tt.before[name]
				if ok != wantOK || got != want {
					t.Errorf("%s after Uninstall = %q (present %v), want %q", name, got, ok, want)
				}
				if wantOK {
					if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o750 {
						t.Errorf("%s lost its mode: %v %v", name, st.Mode(), err)
					}
				}
				if _, ok := readHook(t, path+ChainedSuffix); ok {
					t.Errorf("%s%s left behind", name, ChainedSuffix)
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != len(tt.before) {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("hooks directory holds %q after Uninstall, want only %d files", names, len(tt.before))
			}
		})
	}
}

func TestInstallConflict(t *testing.T) {
	isolate(t)
	gitDir := newGitDir(t)
	dir := filepath.Join(gitDir, "hooks")
	writeFiles(t, dir, map[string]string{"pre-commit": "#!/bin/sh\n", "pre-commit" + ChainedSuffix: "#!/bin/sh\nexit 0\n"})
	_, err := Install(gitDir)
	if err == nil || !strings.Contains(err.Error(), "is not porttracker's shim") {
		t.Fatalf("Install with both a foreign hook and a chained one: %v", err)
	}
	if got, _ := readHook(t, filepath.Join(dir, "pre-commit")); got != "#!/bin/sh\n" {
		t.Errorf("the foreign hook was changed: %q", got)
	}
	// Uninstall leaves hooks that are not its own alone.
	msgs, err := Uninstall(gitDir)
	if err != nil || !strings.Contains(msgs[0], "left it and") {
		t.Errorf("Uninstall = %q, %v", msgs, err)
	}
	if _, ok := readHook(t, filepath.Join(dir, "pre-commit"+ChainedSuffix)); !ok {
		t.Error("Uninstall moved a chained hook over a foreign one")
	}
}

func TestUninstallRestoresWithoutShim(t *testing.T) {
	isolate(t)
	gitDir := newGitDir(t)
	dir := filepath.Join(gitDir, "hooks")
	writeFiles(t, dir, map[string]string{"pre-push" + ChainedSuffix: "#!/bin/sh\n# mine\n"})
	msgs, err := Uninstall(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msgs[0], "not installed") || !strings.Contains(msgs[2], "restored") {
		t.Errorf("Uninstall = %q", msgs)
	}
	if got, _ := readHook(t, filepath.Join(dir, "pre-push")); got != "#!/bin/sh\n# mine\n" {
		t.Errorf("pre-push = %q", got)
	}
}

func TestInstallHooksPath(t *testing.T) {
	tests := []struct {
		name, hooksPath string
		wantErr         bool
	}{
		{name: "unset"},
		{name: "the hooks directory itself, relative", hooksPath: ".git/hooks"},
		{name: "elsewhere", hooksPath: "githooks", wantErr: true},
		{name: "elsewhere, absolute", hooksPath: "/nonexistent/hooks", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			gitDir := newGitDir(t)
			if tt.hooksPath != "" {
				gitRun(t, filepath.Dir(gitDir), "config", "core.hooksPath", tt.hooksPath)
			}
			_, err := Install(gitDir)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Install: %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "core.hooksPath is "+tt.hooksPath) {
				t.Errorf("the error does not name core.hooksPath: %v", err)
			}
			if _, ok := readHook(t, filepath.Join(gitDir, "hooks", "pre-commit")); ok == tt.wantErr {
				t.Errorf("pre-commit installed: %v", ok)
			}
		})
	}
}

func TestHooksDirWorktree(t *testing.T) {
	isolate(t)
	needGit(t)
	repo := newRepo(t, map[string]string{"a": "a\n"}, true)
	wt := filepath.Join(t.TempDir(), "wt")
	gitRun(t, repo, "worktree", "add", "-q", wt)
	wtGitDir := strings.TrimSpace(gitRun(t, wt, "rev-parse", "--absolute-git-dir"))
	got, err := HooksDir(wtGitDir)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(repo, ".git", "hooks"); !samePath(got, want) {
		t.Errorf("HooksDir of a linked worktree = %s, want %s", got, want)
	}
}

// TestShim runs the shims with sh: they chain the previous hook with the
// same arguments and stdin, stop when it fails, and fail closed when
// porttracker is not on PATH.
func TestShim(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX sh shims")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("sh not found")
	}
	const input = "refs/heads/porting-ledger 1111111111111111111111111111111111111111 refs/heads/porting-ledger 0000000000000000000000000000000000000000\n"
	tests := []struct {
		name, hook string
		// chained is the previous hook's script ("" for none).
		chained     string
		noPorttrack bool
		wantStatus  int
		wantLog     string
		wantStderr  string
	}{
		{name: "pre-commit alone", hook: "pre-commit", wantLog: "porttracker hook pre-commit\n"},
		{
			name: "pre-commit chained", hook: "pre-commit", chained: "echo user \"$@\" >>\"$LOG\"",
			wantLog: "user\nporttracker hook pre-commit\n",
		},
		{
			name: "pre-commit chained hook fails", hook: "pre-commit", chained: "echo user >>\"$LOG\"; exit 3",
			wantStatus: 3, wantLog: "user\n",
		},
		{
			name: "pre-push passes arguments and stdin to both", hook: "pre-push", chained: "echo user \"$@\" >>\"$LOG\"; cat >>\"$LOG\"",
			wantLog: "user origin /tmp/remote\n" + input + "porttracker hook pre-push origin /tmp/remote\n" + input,
		},
		{name: "pre-push alone", hook: "pre-push", wantLog: "porttracker hook pre-push origin /tmp/remote\n" + input},
		{
			name: "pre-push chained hook fails", hook: "pre-push", chained: "cat >/dev/null; exit 4",
			wantStatus: 4,
		},
		{
			name: "porttracker missing fails closed", hook: "pre-commit", chained: "echo user >>\"$LOG\"", noPorttrack: true,
			wantStatus: 1, wantStderr: "the porttracker command is not on PATH",
		},
		{
			name: "porttracker missing fails closed for pre-push", hook: "pre-push", noPorttrack: true,
			wantStatus: 1, wantStderr: "refusing",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmp := t.TempDir()
			hooksDir := filepath.Join(tmp, "hooks")
			bin := filepath.Join(tmp, "bin")
			log := filepath.Join(tmp, "log")
			script := func(path, body string) {
				t.Helper()
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			for _, d := range []string{bin, hooksDir} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if !tt.noPorttrack {
				script(filepath.Join(bin, "porttracker"), `echo porttracker "$@" >>"$LOG"; if [ "$2" = pre-push ]; then cat >>"$LOG"; fi`)
			}
			if tt.chained != "" {
				script(filepath.Join(hooksDir, tt.hook+ChainedSuffix), tt.chained)
			}
			if err := writeScript(filepath.Join(hooksDir, tt.hook), Shim(tt.hook)); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(filepath.Join(hooksDir, tt.hook))
			if tt.hook == "pre-push" {
				cmd.Args = append(cmd.Args, "origin", "/tmp/remote")
				cmd.Stdin = strings.NewReader(input)
			}
			// The shims need only POSIX tools; porttracker comes from bin.
			cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "LOG=" + log, "TMPDIR=" + tmp}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			status := 0
			if ee, ok := err.(*exec.ExitError); ok {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tt.wantStatus, stderr.String())
			}
			got, _ := readHook(t, log)
			if got != tt.wantLog {
				t.Errorf("log:\n%s\nwant:\n%s", got, tt.wantLog)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantStderr)
			}
			// The saved stdin does not outlive the hook.
			left, _ := filepath.Glob(filepath.Join(tmp, "porttracker-*"))
			if len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
		})
	}
}

func TestIsShim(t *testing.T) {
	for _, name := range Names() {
		if !IsShim([]byte(Shim(name))) {
			t.Errorf("Shim(%s) is not recognized", name)
		}
	}
	for _, s := range []string{"", "#!/bin/sh\nexec porttracker hook pre-commit\n", "#!/bin/sh\necho '# porttracker-hook-shim: x'\n"} {
		if IsShim([]byte(s)) {
			t.Errorf("IsShim(%q) = true", s)
		}
	}
}
