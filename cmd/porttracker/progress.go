package main

import (
	"fmt"
	"io"
	"time"
)

// progressAfter is how long work runs before its progress line appears.
const progressAfter = time.Second

// progress shows on standard error, when it is a terminal, that long work
// is under way: "porttracker: LABEL... 12s", rewritten in place every
// second once the work has taken longer than progressAfter, and erased
// when the returned function is called. Elsewhere it shows nothing.
func (e *env) progress(label string) (done func()) {
	return startProgress(e.term.errTTY, e.errOut, label, time.Second)
}

func startProgress(on bool, w io.Writer, label string, every time.Duration) func() {
	if !on {
		return func() {}
	}
	stop := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		start := time.Now()
		tick := time.NewTicker(every)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-stop:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case now := <-tick.C:
				if now.Sub(start) < progressAfter {
					continue
				}
				fmt.Fprintf(w, "\r\x1b[Kporttracker: %s... %s", label, now.Sub(start).Round(time.Second))
				shown = true
			}
		}
	}()
	return func() { close(stop); <-finished }
}
