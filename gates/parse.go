package gates

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The test output formats that ParseOutput reads.
const (
	FormatDotnet = "dotnet"
	FormatGo     = "go"
)

// Counts is what a test run's output says about its tests.
type Counts struct {
	Passed, Failed, Skipped int
	// Found says that the output held a summary (possibly of zero tests).
	Found bool
}

func (c *Counts) add(o Counts) {
	c.Passed += o.Passed
	c.Failed += o.Failed
	c.Skipped += o.Skipped
	c.Found = c.Found || o.Found
}

// The outcomes of one test.
const (
	OutcomePassed  = "passed"
	OutcomeFailed  = "failed"
	OutcomeSkipped = "skipped"
)

// TestResult is one test's outcome as the runner reported it.
type TestResult struct {
	// Name is the test's name as the runner gives it: Test/sub for go, the
	// fully qualified name (TRX) or the display name (console) for dotnet.
	Name    string
	Outcome string
	// Message is the first lines of a failure's message.
	Message string
}

// Report is everything a test run's output says: its summary counts and,
// when the runner printed them, the outcome of each test.
type Report struct {
	Counts
	Tests []TestResult
}

// ParseOutput reads the test counts from a test runner's output; it is
// ParseReport without the per-test results.
func ParseOutput(format string, out []byte) (Counts, error) {
	r, err := ParseReport(format, out)
	return r.Counts, err
}

// ParseReport reads a test runner's output. Format "dotnet" reads the
// summaries of dotnet test: VSTest's one-line "Passed!  - Failed: 0,
// Passed: 1, ..." (and Failed!, Skipped!, Aborted!), the "Total tests:"
// blocks of --verbosity normal, the terminal logger's "Test summary:" line
// and the Microsoft Testing Platform's "Test run summary:" totals block,
// summed over test assemblies; per-test results come from VSTest's
// "  Failed Name [5 ms]" lines and the platform's "failed Name (5ms)" lines.
// Format "go" reads go test -json events or go test -v "--- PASS:" lines,
// subtests included. A run that matched no test has Found set and zero
// counts.
func ParseReport(format string, out []byte) (Report, error) {
	out = stripANSI(out)
	switch format {
	case FormatDotnet:
		return parseDotnet(out), nil
	case FormatGo:
		return parseGo(out), nil
	}
	return Report{}, fmt.Errorf("unknown test output format %q (use %s or %s)", format, FormatDotnet, FormatGo)
}

func stripANSI(b []byte) []byte {
	if bytes.IndexByte(b, 0x1b) < 0 {
		return b
	}
	return regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`).ReplaceAll(b, nil)
}

// lines splits output into lines without their line endings; an overlong
// line is cut rather than failing the scan.
func lines(out []byte) []string {
	var ls []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	sc.Split(scanLinesLenient)
	for sc.Scan() {
		ls = append(ls, strings.TrimSuffix(sc.Text(), "\r"))
	}
	return ls
}

// scanLinesLenient is bufio.ScanLines, except that a line longer than the
// buffer is returned in pieces.
func scanLinesLenient(data []byte, atEOF bool) (int, []byte, error) {
	adv, tok, err := bufio.ScanLines(data, atEOF)
	if adv == 0 && tok == nil && err == nil && len(data) >= 1024*1024 {
		return len(data), data, nil
	}
	return adv, tok, err
}

// maxCount bounds one parsed count, so that sums cannot overflow; no test
// run has a billion tests.
const maxCount = 1 << 30

// atoi parses a count; anything else (too large, not a number) is 0.
func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > maxCount {
		return 0
	}
	return n
}

// messageLines is how many lines of a failure's message a TestResult keeps.
const messageLines = 5

// maxMessage bounds the bytes of one kept message.
const maxMessage = 1024

// clipMessage keeps the first non-blank lines of a failure message.
func clipMessage(ls []string) string {
	var kept []string
	for _, l := range ls {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		kept = append(kept, l)
		if len(kept) == messageLines {
			break
		}
	}
	m := strings.Join(kept, "\n")
	if len(m) > maxMessage {
		m = strings.ToValidUTF8(m[:maxMessage], "")
	}
	return m
}
