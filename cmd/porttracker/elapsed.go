package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/gates"
)

// quietAfter is how long a gate may print nothing before the terminal is
// told it is still running.
const quietAfter = 10 * time.Second

// gateOutput is where gates stream their output. On a terminal, a gate
// that has printed nothing for a while (a long, quiet build) is followed
// by a line with the time it has been running, so nobody wonders whether
// porttracker hung. Elsewhere the output passes through untouched.
type gateOutput struct {
	mu      sync.Mutex
	w       io.Writer
	started time.Time
	last    time.Time
}

// gateRunner is the gate runner of a command. On a terminal each gate
// prints one summary and its raw output goes to a log under
// .git/porttracker/logs that the summary names; --verbose, or output that
// is not a terminal, streams the raw output as well.
func gateRunner(c *cli.Context, e *env) (*gates.Runner, func()) {
	w, terminal, stop := watchGates(c.Context, e.errOut)
	r := &gates.Runner{Config: e.cfg, RepoDir: e.root, Summary: w}
	if !terminal || c.Bool("verbose") {
		r.Out = w
	}
	if dir, err := gates.LogDir(e.root); err == nil {
		r.LogDir = dir
	}
	return r, stop
}

// watchGates returns the writer for gate output, whether it is a terminal,
// and a function that stops the watch.
func watchGates(ctx context.Context, w io.Writer) (io.Writer, bool, func()) {
	f, ok := w.(*os.File)
	if !ok || !(isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		return w, false, func() {}
	}
	g := &gateOutput{w: w, started: time.Now(), last: time.Now()}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-tick.C:
				g.mu.Lock()
				if now.Sub(g.last) >= quietAfter {
					fmt.Fprintf(g.w, "porttracker: gates still running, %s so far\n", now.Sub(g.started).Round(time.Second))
					g.last = now
				}
				g.mu.Unlock()
			}
		}
	}()
	return g, true, func() { cancel(); <-done }
}

func (g *gateOutput) Write(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.last = time.Now()
	return g.w.Write(p)
}
