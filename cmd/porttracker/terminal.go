package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"
	"golang.org/x/sys/unix"
)

// terminal is what porttracker knows about where its output goes: whether
// standard output and error are terminals, and whether to colour them.
// Colour and the pager are for people at a terminal only: never when the
// output is piped or redirected, and never colour with NO_COLOR set or
// TERM=dumb.
type terminal struct {
	outTTY, errTTY     bool
	outColor, errColor bool
}

func newTerminal(stdout, stderr io.Writer, lookup func(string) (string, bool)) *terminal {
	t := &terminal{outTTY: isTTY(stdout), errTTY: isTTY(stderr)}
	noColor, _ := lookup("NO_COLOR")
	term, _ := lookup("TERM")
	colour := noColor == "" && term != "dumb"
	t.outColor = colour && t.outTTY
	t.errColor = colour && t.errTTY
	return t
}

func isTTY(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// ANSI styles.
const (
	sgrReset  = "\x1b[0m"
	sgrRed    = "\x1b[31m"
	sgrGreen  = "\x1b[32m"
	sgrYellow = "\x1b[33m"
	sgrBlue   = "\x1b[34m"
	sgrCyan   = "\x1b[36m"
	sgrBold   = "\x1b[1m"
	// sgrDefault is the default colour: the same length as the others.
	sgrDefault = "\x1b[39m"
)

// statusStyle is the colour of a status (item or batch) on a terminal.
func statusStyle(s string) string {
	switch s {
	case "verified":
		return sgrGreen
	case "complete":
		return sgrCyan
	case "stub", "started":
		return sgrYellow
	case "deferred", "conflict", "FAILED", "FINDING", "CONFLICT", "MISMATCH":
		return sgrRed
	case "planned", "not_started":
		return sgrBlue
	}
	return ""
}

// paint wraps s in the style when on is set. Every style has the same
// length, so that tabwriter columns of painted cells stay aligned.
func paint(on bool, style, s string) string {
	if !on || style == "" {
		return s
	}
	return style + s + sgrReset
}

// refusal is the one-line error porttracker prints on standard error,
// its prefix in bold red on a terminal.
func (t *terminal) refusal(msg string) string {
	return paint(t.errColor, sgrBold+sgrRed, "porttracker:") + " " + msg + "\n"
}

// screenRows is the height of the terminal on standard output, 24 when it
// cannot be read.
func screenRows(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Row > 0 {
			return int(ws.Row)
		}
	}
	return 24
}

// pager holds a command's output until it is longer than the screen; then
// it starts $PAGER (less by default, with LESS=FRX unless LESS is set, as
// git does) and sends it everything. Output that fits goes to the terminal
// when the command ends.
type pager struct {
	mu      sync.Mutex
	out     io.Writer
	rows    int
	command string
	lookup  func(string) (string, bool)
	buf     bytes.Buffer
	lines   int
	cmd     *exec.Cmd
	pipe    io.WriteCloser
	failed  bool
}

// pagerCommand is the pager to use: $PAGER, less when PAGER is not set,
// "" for none (PAGER set empty or to cat).
func pagerCommand(lookup func(string) (string, bool)) string {
	p, set := lookup("PAGER")
	p = strings.TrimSpace(p)
	switch {
	case !set:
		return "less"
	case p == "cat":
		return ""
	}
	return p
}

func newPager(out io.Writer, lookup func(string) (string, bool)) *pager {
	return &pager{out: out, rows: screenRows(out), command: pagerCommand(lookup), lookup: lookup}
}

func (p *pager) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pipe != nil {
		// An error means the reader quit the pager: the rest is not wanted.
		p.pipe.Write(b)
		return len(b), nil
	}
	if p.failed || p.command == "" {
		return p.out.Write(b)
	}
	p.buf.Write(b)
	p.lines += bytes.Count(b, []byte("\n"))
	if p.lines >= p.rows-1 {
		p.start()
	}
	return len(b), nil
}

// start runs the pager and hands it what was held back; if it cannot be
// run, the output goes to the terminal as it is.
func (p *pager) start() {
	cmd := exec.Command("/bin/sh", "-c", p.command)
	cmd.Stdout = p.out
	cmd.Stderr = os.Stderr
	cmd.Env = os.Environ()
	if _, set := p.lookup("LESS"); !set {
		cmd.Env = append(cmd.Env, "LESS=FRX")
	}
	pipe, err := cmd.StdinPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		p.failed = true
		p.out.Write(p.buf.Bytes())
		p.buf.Reset()
		return
	}
	p.cmd, p.pipe = cmd, pipe
	p.pipe.Write(p.buf.Bytes())
	p.buf.Reset()
}

// Close sends held output to the terminal, or waits for the reader to
// leave the pager.
func (p *pager) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.pipe == nil {
		_, err := p.out.Write(p.buf.Bytes())
		p.buf.Reset()
		return err
	}
	p.pipe.Close()
	err := p.cmd.Wait()
	p.pipe = nil
	return err
}
