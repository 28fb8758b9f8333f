package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "porttracker",
		Usage:     "track a large code port with a signed, auditable ledger in git",
		UsageText: "porttracker [--db PATH] [--repo DIR] [--json] [--no-pager] COMMAND [ARGS...]\n\nFlags may follow the command's arguments: porttracker feature show 1636 --db porting.db\nporttracker help COMMAND [SUBCOMMAND] shows a command's page; porttracker man the whole manual.",
		Version:   version(),
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "db", Usage: "the porting.db view; a relative path is taken from the repository's root (default: ledger.view of porttracker.toml, porting.db)"},
			&cli.StringFlag{Name: "repo", Value: ".", Usage: "the git repository (or a directory inside it)"},
			&cli.BoolFlag{Name: "json", Usage: "print one JSON document on standard output, also when the command is refused (README: JSON output)"},
			&cli.BoolFlag{Name: "verbose", Usage: "stream the gates' raw output as they run (on a terminal each gate otherwise prints one summary)"},
			&cli.StringFlag{Name: "key", Usage: "SSH key to sign with (default: git's user.signingkey with gpg.format=ssh)"},
			&cli.BoolFlag{Name: "no-pager", Usage: "never page long output on a terminal (the pager is $PAGER, else less)"},
		},
		Commands: []*cli.Command{
			initCommand(),
			inventoryCommand(),
			batchCommand(),
			planCommand(),
			taskCommand(),
			itemCommand("feature"),
			itemCommand("test"),
			stubScanCommand(),
			checkpointCommand(),
			auditCommand(),
			reportCommand(),
			logCommand(),
			signerCommand(),
			policyCommand(),
			hooksCommand(),
			hookCommand(),
			syncCommand(),
			completionCommand(),
			manCommand(),
		},
		ExitErrHandler:       func(*cli.Context, error) {},
		HideHelpCommand:      false,
		EnableBashCompletion: false,
	}
	applyConventions(app)
	return app
}

// required checks that the named flags were given.
func required(c *cli.Context, names ...string) error {
	for _, n := range names {
		if !c.IsSet(n) {
			return usagef("Required flag %q not set (%s --help)", n, c.Command.HelpName)
		}
	}
	return nil
}

// args checks the number of positional arguments.
func args(c *cli.Context, n int, names string) error {
	if c.NArg() != n {
		return usagef("%s takes %s (%s --help)", c.Command.HelpName, names, c.Command.HelpName)
	}
	return nil
}
