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
	term := newTerminal(stdout, stderr, os.LookupEnv)
	out := &countingWriter{w: stdout}
	app := newApp(stdin, out, stderr)
	app.Metadata = map[string]any{terminalKey: term}
	args = helpArgs(app, normalizeArgs(app, args))
	jsonOut := globalSet(app, args, "json")
	if term.outTTY && !globalSet(app, args, "no-pager") {
		p := newPager(stdout, os.LookupEnv)
		out.w = p
		defer p.Close()
	}
	fail := func(err error) int {
		code, msg := classify(err)
		if jsonOut && out.n == 0 {
			writeJSON(out, jsonError{jsonErrorBody{Code: errorCode(err), ExitStatus: code, Message: msg, Rule: ruleCode(err)}})
		}
		if msg != "" {
			fmt.Fprint(stderr, term.refusal(msg))
		}
		return code
	}
	if err := unknownCommand(app, args); err != nil {
		return fail(err)
	}
	// Ctrl-C stops the gates cleanly; nothing is written then.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := app.RunContext(ctx, args); err != nil {
		return fail(err)
	}
	return 0
}
