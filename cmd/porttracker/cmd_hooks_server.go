package main

import (
	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/hooks"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// runHooksInstall installs the clone's hooks, or with --server the
// pre-receive hook of a bare central repository.
func runHooksInstall(c *cli.Context) error {
	if !c.Bool("server") {
		return runHooks(c, hooks.Install)
	}
	return runHooks(c, func(gitDir string) ([]string, error) {
		st, err := gitstore.Open(gitDir, ledger.DefaultBranch)
		if err != nil {
			return nil, err
		}
		bare := st.WorkTree() == ""
		st.Close()
		return hooks.InstallServer(gitDir, bare)
	})
}

// runHooksUninstall is hooks uninstall [--server].
func runHooksUninstall(c *cli.Context) error {
	if !c.Bool("server") {
		return runHooks(c, hooks.Uninstall)
	}
	return runHooks(c, hooks.UninstallServer)
}
