package gates

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// The gate names used in evidence.
const (
	GateStub     = "stub"
	GateBuild    = "build"
	GateTest     = "test"
	GateFullTest = "full_test"
)

// waitDelay bounds how long Run waits for the output pipes after the shell
// has exited, when a process it left behind (a build server) keeps them open.
const waitDelay = 5 * time.Second

// Command is one gate command to run.
type Command struct {
	// Name is the gate's name (build, test, full_test).
	Name string
	// Command is the shell command as configured; {filter} in it is
	// replaced as SubstituteFilter does.
	Command string
	// Filter is the value that {filter} stands for.
	Filter string
	// Dir is the working directory; empty means the current one.
	Dir string
	// Timeout bounds the run; zero means no bound beyond ctx.
	Timeout time.Duration
	// Format is the test output format (dotnet or go); empty for a gate
	// whose verdict is its exit status alone.
	Format string
	// Out receives the combined output as it is produced; may be nil.
	Out io.Writer
}

// Outcome is a finished gate command: its evidence, what its output said
// (the summary and any per-test results) and the raw output.
type Outcome struct {
	Result ledger.GateResult
	Report Report
	Output []byte
}

// Run is Execute for the evidence alone.
func Run(ctx context.Context, c Command) (ledger.GateResult, error) {
	o, err := Execute(ctx, c)
	return o.Result, err
}

// Execute runs a gate command with /bin/sh -c in its own process group, streams
// its combined output to c.Out and records its evidence. A non-zero exit is
// not an error but a result that is not OK. A test gate (Format set) is OK
// only when the command exits 0 and its output has a summary with no
// failure and, except for full_test, at least one passed test: a filter that
// ran no test fails. When the timeout passes or ctx is cancelled the whole
// process group is killed and the error wraps context.DeadlineExceeded or
// context.Canceled; the result must then not be recorded.
//
// A test command that writes {results} gets a fresh directory there (in
// $PORTTRACKER_RESULTS) for its TRX files, whose per-test results are then
// read; it is removed afterwards.
func Execute(ctx context.Context, c Command) (Outcome, error) {
	if strings.TrimSpace(c.Command) == "" {
		return Outcome{}, fmt.Errorf("gate %s: no command configured", c.Name)
	}
	if err := CheckFilterInput("gate "+c.Name, c.Filter); err != nil {
		return Outcome{}, err
	}
	runCtx, cancel := withTimeout(ctx, c.Timeout)
	defer cancel()

	cmd := exec.CommandContext(runCtx, "/bin/sh", "-c", SubstituteFilter(c.Command))
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), FilterEnv+"="+c.Filter)
	results := ""
	if c.Format != "" && strings.Contains(c.Command, resultsToken) {
		dir, err := os.MkdirTemp("", "porttracker-results-")
		if err != nil {
			return Outcome{}, fmt.Errorf("gate %s: results directory: %w", c.Name, err)
		}
		defer os.RemoveAll(dir)
		results = dir
		cmd.Env = append(cmd.Env, ResultsEnv+"="+dir)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	var buf bytes.Buffer
	hash := sha256.New()
	w := io.MultiWriter(&buf, hash, lenient{c.Out})
	cmd.Stdout, cmd.Stderr = w, w

	start := time.Now()
	err := cmd.Run()
	res := ledger.GateResult{Name: c.Name, Command: c.Command, Filter: c.Filter, DurationMS: time.Since(start).Milliseconds()}
	if runCtx.Err() != nil {
		if ctx.Err() != nil {
			return Outcome{}, fmt.Errorf("gate %s cancelled: %w", c.Name, ctx.Err())
		}
		return Outcome{}, fmt.Errorf("gate %s timed out after %s: %w", c.Name, c.Timeout, runCtx.Err())
	}
	var exitErr *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case errors.Is(err, exec.ErrWaitDelay) && cmd.ProcessState != nil:
		res.ExitCode = cmd.ProcessState.ExitCode()
	default:
		return Outcome{}, fmt.Errorf("gate %s: run %q: %w", c.Name, c.Command, err)
	}
	res.OutputDigest = "sha256:" + hex.EncodeToString(hash.Sum(nil))
	var rep Report
	if c.Format != "" {
		if rep, err = ParseReport(c.Format, buf.Bytes()); err != nil {
			return Outcome{}, fmt.Errorf("gate %s: %w", c.Name, err)
		}
		if results != "" {
			if err := readResults(results, &rep); err != nil {
				return Outcome{}, fmt.Errorf("gate %s: %w", c.Name, err)
			}
		}
		res.Parsed, res.Passed, res.Failed, res.Skipped = rep.Found, rep.Passed, rep.Failed, rep.Skipped
	}
	res.OK = verdict(c, res)
	return Outcome{Result: res, Report: rep, Output: buf.Bytes()}, nil
}

// readResults reads the TRX files a run left in dir: their per-test
// results replace the console's, and stand for the summary when the
// console printed none.
func readResults(dir string, rep *Report) error {
	var tests []TestResult
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".trx") {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		ts, err := ParseTRX(f)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(p), err)
		}
		tests = append(tests, ts...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read test results: %w", err)
	}
	if len(tests) == 0 {
		return nil
	}
	rep.Tests = tests
	if !rep.Found {
		rep.Counts = countTests(tests)
	}
	return nil
}

// withTimeout derives the context of one run: bounded by d when d > 0.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

// verdict decides whether a finished gate passed.
func verdict(c Command, r ledger.GateResult) bool {
	if c.Format == "" {
		return r.ExitCode == 0
	}
	return Judge(c.Name, c.Format, Counts{Passed: r.Passed, Failed: r.Failed, Skipped: r.Skipped, Found: r.Parsed}, r.ExitCode)
}

// Judge decides a test gate from the counts its output gave: a focused
// test gate passes when at least one test passed and none failed, the full
// suite (full_test) when none failed; output without a summary fails. For
// dotnet the counts stand over the exit status (a summary that says 2
// failed fails whatever the exit status, and a clean summary passes though
// another project's build or a test host's shutdown set a non-zero one);
// for go, whose exit status also reports packages that failed to build,
// a non-zero exit fails too.
func Judge(gate, format string, c Counts, exit int) bool {
	switch {
	case !c.Found || c.Failed > 0:
		return false
	case format != FormatDotnet && exit != 0:
		return false
	case gate == GateFullTest:
		return true
	}
	return c.Passed >= 1
}

// lenient writes to w, if any, and never fails: a reader that went away must
// not stop the gate or its digest.
type lenient struct{ w io.Writer }

func (l lenient) Write(p []byte) (int, error) {
	if l.w != nil {
		_, _ = l.w.Write(p)
	}
	return len(p), nil
}
