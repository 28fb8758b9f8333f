package remote

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
)

// runReceiveHook runs the pre-receive hook of the repository at gitDir, if
// it has one, for a push that moves ref from old to new, as git's
// receive-pack does before it updates a ref: so a push by sync to a
// repository on this file system is held to the rules its hook enforces,
// as a push by git is. What the hook prints goes to messages as "remote:"
// lines; a refusal is a RuleError.
func runReceiveHook(gitDir string, ref plumbing.ReferenceName, old, new plumbing.Hash, messages io.Writer) error {
	hook := filepath.Join(gitDir, "hooks", "pre-receive")
	fi, err := os.Stat(hook)
	if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		return nil
	}
	abs, err := filepath.Abs(gitDir)
	if err != nil {
		return err
	}
	cmd := exec.Command(hook)
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GIT_DIR="+abs)
	cmd.Stdin = strings.NewReader(fmt.Sprintf("%s %s %s\n", old, new, ref))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	runErr := cmd.Run()
	if w := remoteLines(messages); w != nil && out.Len() > 0 {
		_, _ = w.Write(append(out.Bytes(), '\n'))
	}
	if runErr != nil {
		return &ledger.RuleError{Msg: fmt.Sprintf("the remote refused the push: its pre-receive hook declined (%v); its reasons are in the remote: lines above", runErr)}
	}
	return nil
}
