// Command porttracker tracks a large code port: every status move of every
// ported function and test is a signed entry on the porting-ledger branch,
// earned by gates that porttracker runs itself.
//
// This package only wires the command line to the ledger, gates, audit and
// hooks packages.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run runs the command line and returns the exit status: 0 done, 1 a gate,
// rule or audit failed, 2 bad usage or input.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	args = normalizeArgs(app, args)
	if name := unknownCommand(app, args); name != "" {
		fmt.Fprintf(stderr, "porttracker: unknown command %q (see porttracker help)\n", name)
		return 2
	}
	// Ctrl-C stops the gates cleanly; nothing is written then.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := app.RunContext(ctx, args)
	if err == nil {
		return 0
	}
	code, msg := classify(err)
	fmt.Fprintf(stderr, "porttracker: %s\n", msg)
	return code
}
