package hooks

import (
	"fmt"
	"os"
	"strings"
)

// PreReceiveHook names the hook that InstallServer writes into a bare
// repository.
const PreReceiveHook = "pre-receive"

// ServerShim is the pre-receive script of a central repository. git gives
// it the pushed refs on stdin; it runs a hook the repository already had
// first (with the same input), then "porttracker hook pre-receive", and
// refuses the push when either fails or when porttracker cannot be found:
// a server must never let a push through unchecked.
func ServerShim() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n%s %s\n", shimMarker, PreReceiveHook)
	b.WriteString(`# Written by "porttracker hooks install --server": it refuses pushes of a
# ledger that fails verification, that rewinds or deletes the ledger, and of
# code that re-stubs promoted work. "porttracker hooks uninstall" removes it
# and puts back the hook it chains, if there was one.
hook=pre-receive
chained="$(dirname -- "$0")/$hook` + ChainedSuffix + `"
if ! command -v porttracker >/dev/null 2>&1; then
	echo "porttracker: the porttracker command is not on the server's PATH, so this push cannot be checked; refused." >&2
	exit 1
fi
input=$(mktemp "${TMPDIR:-/tmp}/porttracker-$hook.XXXXXX") || exit 1
trap 'rm -f "$input"' EXIT
trap 'exit 1' HUP INT TERM
cat >"$input" || exit 1
if [ -x "$chained" ]; then
	"$chained" "$@" <"$input" || exit $?
fi
porttracker hook "$hook" "$@" <"$input"
`)
	return b.String()
}

// NotBareError is a repository with a working tree where the server hook
// was to be installed.
type NotBareError struct{ Dir string }

func (e *NotBareError) Error() string { return e.Dir + " is not a bare repository" }

// InstallServer writes the pre-receive shim into the hooks directory of
// the bare repository gitDir, moving a hook that is already there to
// pre-receive.porttracker-chained (the shim runs it first). It refuses a
// repository with a working tree: the server hook belongs to the central,
// bare repository that people push to.
func InstallServer(gitDir string, bare bool) ([]string, error) {
	if !bare {
		return nil, &NotBareError{Dir: gitDir}
	}
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
	msg, err := installScript(dir, PreReceiveHook, ServerShim())
	if err != nil {
		return nil, err
	}
	return []string{msg}, nil
}

// UninstallServer removes the pre-receive shim and puts back the hook it
// chained (also when the shim is already gone); a pre-receive hook that
// is not porttracker's is left alone.
func UninstallServer(gitDir string) ([]string, error) {
	dir, err := HooksDir(gitDir)
	if err != nil {
		return nil, err
	}
	msg, err := uninstallOne(dir, PreReceiveHook)
	if err != nil {
		return nil, err
	}
	return []string{msg}, nil
}
