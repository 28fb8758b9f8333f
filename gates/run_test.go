package gates

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func filepathGlob(dir, name string) (bool, error) {
	_, err := os.Stat(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func TestRunExitCodesAndDigest(t *testing.T) {
	tests := []struct {
		name    string
		cmd     string
		format  string
		exit    int
		ok      bool
		counts  [3]int
		parsed  bool
		gate    string
		wantOut string
	}{
		{name: "build ok", cmd: "echo built", exit: 0, ok: true, gate: GateBuild, wantOut: "built\n"},
		{name: "build fails", cmd: "echo broken >&2; exit 3", exit: 3, ok: false, gate: GateBuild, wantOut: "broken\n"},
		{name: "test passes", cmd: `printf -- '--- PASS: TestA (0.00s)\nok\n'`, format: FormatGo, exit: 0, ok: true, counts: [3]int{1, 0, 0}, parsed: true, gate: GateTest},
		{name: "test ran nothing", cmd: `printf 'testing: warning: no tests to run\nPASS\n'`, format: FormatGo, exit: 0, ok: false, parsed: true, gate: GateTest},
		{name: "test without summary", cmd: `printf 'ok  \tx\t0.1s\n'`, format: FormatGo, exit: 0, ok: false, gate: GateTest},
		{name: "test failure exit 0", cmd: `printf -- '--- PASS: TestA (0.00s)\n--- FAIL: TestB (0.00s)\n'`, format: FormatGo, exit: 0, ok: false, counts: [3]int{1, 1, 0}, parsed: true, gate: GateTest},
		{name: "test non-zero exit", cmd: `printf -- '--- PASS: TestA (0.00s)\n'; exit 1`, format: FormatGo, exit: 1, ok: false, counts: [3]int{1, 0, 0}, parsed: true, gate: GateTest},
		{name: "full suite of zero tests", cmd: `printf 'testing: warning: no tests to run\n'`, format: FormatGo, exit: 0, ok: true, parsed: true, gate: GateFullTest},
		{name: "full suite without summary", cmd: `echo ok`, format: FormatGo, exit: 0, ok: false, gate: GateFullTest},
		{name: "dotnet no match", cmd: "echo 'No test matches the given testcase filter `X` in /a/A.dll'", format: FormatDotnet, exit: 0, ok: false, parsed: true, gate: GateTest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			res, err := Run(context.Background(), Command{Name: tt.gate, Command: tt.cmd, Format: tt.format, Out: &out})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if res.ExitCode != tt.exit || res.OK != tt.ok || res.Parsed != tt.parsed ||
				[3]int{res.Passed, res.Failed, res.Skipped} != tt.counts || res.Name != tt.gate {
				t.Errorf("Run = %+v, want exit %d ok %v parsed %v counts %v", res, tt.exit, tt.ok, tt.parsed, tt.counts)
			}
			if tt.wantOut != "" && out.String() != tt.wantOut {
				t.Errorf("output %q, want %q", out.String(), tt.wantOut)
			}
			sum := sha256.Sum256([]byte(out.String()))
			if want := "sha256:" + hex.EncodeToString(sum[:]); res.OutputDigest != want {
				t.Errorf("OutputDigest = %s, want %s", res.OutputDigest, want)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	if _, err := Run(context.Background(), Command{Name: GateBuild, Command: "  "}); err == nil {
		t.Error("Run accepted an empty command")
	}
	if _, err := Run(context.Background(), Command{Name: GateBuild, Command: "true", Dir: filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("Run accepted a missing directory")
	}
	if _, err := Run(context.Background(), Command{Name: GateTest, Command: "true", Format: "junit"}); err == nil {
		t.Error("Run accepted an unknown format")
	}
}

// signalWriter reports when the output contains a word.
type signalWriter struct {
	mu   sync.Mutex
	buf  strings.Builder
	word string
	seen chan struct{}
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.buf.String(), w.word)
	w.buf.Write(p)
	if !had && strings.Contains(w.buf.String(), w.word) {
		close(w.seen)
	}
	return len(p), nil
}

func TestRunStreamsOutput(t *testing.T) {
	dir := t.TempDir()
	w := &signalWriter{word: "ready", seen: make(chan struct{})}
	go func() {
		// The command waits for this file, which is written only once its
		// first line has reached Out: output is streamed, not buffered.
		<-w.seen
		_ = os.WriteFile(filepath.Join(dir, "go"), nil, 0o644)
	}()
	res, err := Run(context.Background(), Command{
		Name:    GateBuild,
		Command: `echo ready; while [ ! -e go ]; do sleep 0.01; done; echo done`,
		Dir:     dir,
		Timeout: time.Minute,
		Out:     w,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !res.OK || w.buf.String() != "ready\ndone\n" {
		t.Errorf("Run = %+v, output %q", res, w.buf.String())
	}
}

// pidAlive reports whether a process exists and is not a zombie.
func pidAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || !strings.HasPrefix(s[i+1:], " Z")
}

// waitDead waits (without a time assertion: the test's own deadline
// bounds it) until a process is gone.
func waitDead(t *testing.T, pid int) {
	t.Helper()
	for pidAlive(pid) {
		time.Sleep(10 * time.Millisecond)
	}
}

// runSleeper runs a gate that starts a background sleep and waits for it;
// once the sleep is running, started is called. It returns the gate's error
// and the sleep's process ID.
func runSleeper(t *testing.T, ctx context.Context, timeout time.Duration, started func()) (int, error) {
	t.Helper()
	dir := t.TempDir()
	w := &signalWriter{word: "started", seen: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Command{
			Name:    GateTest,
			Command: `sleep 300 & echo $! > pid; echo started; wait`,
			Dir:     dir,
			Timeout: timeout,
			Format:  FormatGo,
			Out:     w,
		})
		errc <- err
	}()
	select {
	case <-w.seen:
	case err := <-errc:
		t.Fatalf("the gate ended before its sleep started: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	started()
	return pid, <-errc
}

func TestRunTimeoutKillsProcessGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	pid, err := runSleeper(t, context.Background(), time.Second, func() {})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Run error = %v, want one wrapping context.DeadlineExceeded", err)
	}
	waitDead(t, pid)
}

func TestRunCancelKillsProcessGroup(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs /proc")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pid, err := runSleeper(t, ctx, time.Hour, cancel)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run error = %v, want one wrapping context.Canceled", err)
	}
	waitDead(t, pid)
}
