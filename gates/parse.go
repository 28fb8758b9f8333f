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

// ParseOutput reads the test counts from a test runner's output. Format
// "dotnet" reads the summaries of dotnet test (the minimal "Passed!  -
// Failed: 0, Passed: 1, ..." lines, the "Total tests:" blocks of
// --verbosity normal and the "Test run summary:" of Microsoft.Testing.
// Platform), summed over test assemblies. Format "go" reads go test -json
// events or go test -v "--- PASS:" lines, subtests included. A run that
// matched no test has Found set and zero counts.
func ParseOutput(format string, out []byte) (Counts, error) {
	out = stripANSI(out)
	switch format {
	case FormatDotnet:
		return parseDotnet(out), nil
	case FormatGo:
		return parseGo(out), nil
	}
	return Counts{}, fmt.Errorf("unknown test output format %q (use %s or %s)", format, FormatDotnet, FormatGo)
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
