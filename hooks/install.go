package hooks

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/porttracker/porttracker/internal/gitrepo"
)

// PreCommitHook, PreMergeCommitHook and PrePushHook name the hooks that
// Install writes. pre-merge-commit runs pre-commit's check on the result of
// a merge that git commits by itself.
const (
	PreCommitHook      = "pre-commit"
	PreMergeCommitHook = "pre-merge-commit"
	PrePushHook        = "pre-push"
)

// ChainedSuffix is appended to the name of a hook that the user had before
// Install: the shim runs it first, and Uninstall puts it back.
const ChainedSuffix = ".porttracker-chained"

// shimMarker is the comment line by which a hook is recognized as a shim
// that Install wrote.
const shimMarker = "# porttracker-hook-shim:"

// Names returns the hooks that Install writes, in order.
func Names() []string { return []string{PreCommitHook, PreMergeCommitHook, PrePushHook} }

// Shim returns the script that Install writes for the hook name.
func Shim(name string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n%s %s\n", shimMarker, name)
	b.WriteString(`# Written by "porttracker hooks install"; "porttracker hooks uninstall"
# removes it and puts back the hook it chains, if there was one. It runs
# that hook first, then "porttracker hook ` + name + `", and refuses when
# either fails or when porttracker cannot be found.
hook=` + name + `
chained="$(dirname -- "$0")/$hook` + ChainedSuffix + `"
if ! command -v porttracker >/dev/null 2>&1; then
	echo "porttracker: $hook hook: the porttracker command is not on PATH, so its checks cannot run; refusing." >&2
	echo "porttracker: put porttracker on PATH, or remove the hooks with: porttracker hooks uninstall" >&2
	exit 1
fi
`)
	if name == PrePushHook {
		// git writes the refs being pushed on stdin; both hooks read them.
		b.WriteString(`input=$(mktemp "${TMPDIR:-/tmp}/porttracker-$hook.XXXXXX") || exit 1
trap 'rm -f "$input"' EXIT
trap 'exit 1' HUP INT TERM
cat >"$input" || exit 1
if [ -x "$chained" ]; then
	"$chained" "$@" <"$input" || exit $?
fi
exec <"$input"
rm -f "$input"
trap - EXIT
exec porttracker hook "$hook" "$@"
`)
	} else {
		b.WriteString(`if [ -x "$chained" ]; then
	"$chained" "$@" || exit $?
fi
exec porttracker hook "$hook" "$@"
`)
	}
	return b.String()
}

// IsShim reports whether a hook script is one that Install wrote.
func IsShim(script []byte) bool {
	for _, line := range bytes.Split(script, []byte("\n")) {
		if bytes.HasPrefix(line, []byte(shimMarker)) {
			return true
		}
	}
	return false
}

// HooksDir returns the directory in which git looks for the hooks of the
// repository whose git directory is gitDir: its hooks directory, or that of
// the main repository for a linked worktree.
func HooksDir(gitDir string) (string, error) {
	data, err := os.ReadFile(filepath.Join(gitDir, "commondir"))
	switch {
	case err == nil:
		common := strings.TrimSpace(string(data))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		return filepath.Join(filepath.Clean(common), "hooks"), nil
	case errors.Is(err, fs.ErrNotExist):
		return filepath.Join(gitDir, "hooks"), nil
	}
	return "", fmt.Errorf("read %s: %w", filepath.Join(gitDir, "commondir"), err)
}

// Install writes the shims of Names into the hooks directory of gitDir and
// returns what it did, one line per hook. A hook that is already there and
// is not a shim is moved to NAME.porttracker-chained and run by the shim
// first. Installing again only rewrites the shims. It refuses when git's
// core.hooksPath points elsewhere, since git would not run the shims there.
func Install(gitDir string) ([]string, error) {
	dir, err := HooksDir(gitDir)
	if err != nil {
		return nil, err
	}
	if err := checkHooksPath(gitDir, dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create hooks directory: %w", err)
	}
	var done []string
	for _, name := range Names() {
		msg, err := installOne(dir, name)
		if err != nil {
			return done, err
		}
		done = append(done, msg)
	}
	return done, nil
}

func installOne(dir, name string) (string, error) { return installScript(dir, name, Shim(name)) }

// installScript writes script as the hook name, chaining the hook that was
// there (see Install).
func installScript(dir, name, script string) (string, error) {
	path := filepath.Join(dir, name)
	chained := path + ChainedSuffix
	old, err := os.ReadFile(path)
	existing := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read the %s hook: %w", name, err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		// A dangling symlink is still a hook the user put there.
		if _, lerr := os.Lstat(path); lerr == nil {
			existing = true
		}
	}
	ours := existing && IsShim(old)
	_, cerr := os.Lstat(chained)
	hasChained := cerr == nil
	moved := false
	if existing && !ours {
		if hasChained {
			return "", &ShimConflictError{Path: path, Chained: chained}
		}
		if err := os.Rename(path, chained); err != nil {
			return "", fmt.Errorf("move the existing %s hook aside: %w", name, err)
		}
		moved, hasChained = true, true
	}
	if err := writeScript(path, script); err != nil {
		if moved {
			// Put the user's hook back as it was.
			_ = os.Rename(chained, path)
		}
		return "", fmt.Errorf("write the %s hook: %w", name, err)
	}
	switch {
	case moved:
		return fmt.Sprintf("%s: installed %s; it runs your previous hook first, now %s", name, path, filepath.Base(chained)), nil
	case ours && hasChained:
		return fmt.Sprintf("%s: already installed at %s (rewritten); it runs %s first", name, path, filepath.Base(chained)), nil
	case ours:
		return fmt.Sprintf("%s: already installed at %s (rewritten)", name, path), nil
	case hasChained:
		return fmt.Sprintf("%s: installed %s; it runs %s first", name, path, filepath.Base(chained)), nil
	}
	return fmt.Sprintf("%s: installed %s", name, path), nil
}

// writeScript replaces path by an executable script, through a temporary
// file in the same directory so that git never runs half a script.
func writeScript(path, script string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".porttracker-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.WriteString(script)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr, os.Chmod(name, 0o755)); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// Uninstall removes the shims of Names from the hooks directory of gitDir
// and puts back the hooks they chained. A hook that is not a shim is left
// alone. It returns what it did, one line per hook.
func Uninstall(gitDir string) ([]string, error) {
	dir, err := HooksDir(gitDir)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, name := range Names() {
		msg, err := uninstallOne(dir, name)
		if err != nil {
			return done, err
		}
		done = append(done, msg)
	}
	return done, nil
}

func uninstallOne(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	chained := path + ChainedSuffix
	script, err := os.ReadFile(path)
	_, lerr := os.Lstat(path)
	present := lerr == nil
	if err != nil && present && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("read the %s hook: %w", name, err)
	}
	_, cerr := os.Lstat(chained)
	hasChained := cerr == nil
	switch {
	case present && !IsShim(script):
		if hasChained {
			return fmt.Sprintf("%s: %s is not porttracker's shim; left it and %s alone", name, path, filepath.Base(chained)), nil
		}
		return fmt.Sprintf("%s: %s is not porttracker's shim; left alone", name, path), nil
	case present:
		if err := os.Remove(path); err != nil {
			return "", fmt.Errorf("remove the %s hook: %w", name, err)
		}
	}
	if hasChained {
		if err := os.Rename(chained, path); err != nil {
			return "", fmt.Errorf("restore the previous %s hook: %w", name, err)
		}
		return fmt.Sprintf("%s: removed porttracker's shim; restored your previous hook at %s", name, path), nil
	}
	if present {
		return fmt.Sprintf("%s: removed %s", name, path), nil
	}
	return fmt.Sprintf("%s: not installed", name), nil
}

// checkHooksPath fails when git's core.hooksPath makes git run hooks from
// another directory than dir.
func checkHooksPath(gitDir, dir string) error {
	cfg, err := gitrepo.ReadDirConfig(gitDir)
	if err != nil {
		return fmt.Errorf("read core.hooksPath: %w", err)
	}
	hp := cfg.Get("core", "hooksPath")
	if hp == "" {
		return nil
	}
	resolved := hp
	if rest, ok := strings.CutPrefix(hp, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return fmt.Errorf("resolve core.hooksPath %s: %w", hp, err)
		}
		resolved = filepath.Join(home, rest)
	}
	if !filepath.IsAbs(resolved) {
		// git runs hooks in the working tree's root, or in the git
		// directory of a bare repository.
		base := gitDir
		if filepath.Base(gitDir) == ".git" {
			base = filepath.Dir(gitDir)
		}
		resolved = filepath.Join(base, resolved)
	}
	if samePath(resolved, dir) {
		return nil
	}
	return &HooksPathError{HooksPath: hp, Resolved: resolved, Dir: dir}
}

// ShimConflictError is a hook that is not porttracker's shim, where the
// place the shim would move it to is taken as well.
type ShimConflictError struct{ Path, Chained string }

func (e *ShimConflictError) Error() string {
	return fmt.Sprintf("%s is not porttracker's shim and %s also exists", e.Path, e.Chained)
}

// HooksPathError is git's core.hooksPath sending git to other hooks than
// the ones porttracker installs.
type HooksPathError struct{ HooksPath, Resolved, Dir string }

func (e *HooksPathError) Error() string {
	return fmt.Sprintf("git's core.hooksPath is %s, so git runs hooks from %s, not from %s where porttracker installs them", e.HooksPath, e.Resolved, e.Dir)
}

func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	return err1 == nil && err2 == nil && ra == rb
}
