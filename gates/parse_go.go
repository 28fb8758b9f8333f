package gates

import (
	"encoding/json"
	"regexp"
	"strings"
)

// goEvent is the part of a go test -json event that counts.
type goEvent struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// goRun gathers the events or lines of one go test run.
type goRun struct {
	counts Counts
	tests  []TestResult
	output map[string][]string // a test's output lines, by package and name
}

func newGoRun() *goRun { return &goRun{output: map[string][]string{}} }

// parseGo reads go test -json events when the output has any, and go test
// -v result lines otherwise. Package lines (ok, FAIL) are not counts.
func parseGo(out []byte) Report {
	js, text := newGoRun(), newGoRun()
	sawJSON := false
	resultRe := regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)
	runRe := regexp.MustCompile(`^=== (?:RUN|CONT|PAUSE|NAME)\s+(\S+)`)
	current := ""
	for _, l := range lines(out) {
		if strings.HasPrefix(l, "{") {
			var ev goEvent
			if json.Unmarshal([]byte(l), &ev) == nil && ev.Action != "" {
				sawJSON = true
				js.event(ev)
				continue
			}
		}
		if strings.Contains(l, "testing: warning: no tests to run") {
			text.counts.Found = true
		}
		if sm := runRe.FindStringSubmatch(l); sm != nil {
			current = sm[1]
			continue
		}
		if sm := resultRe.FindStringSubmatch(l); sm != nil {
			text.result("", sm[2], strings.ToLower(sm[1]))
			continue
		}
		if current != "" {
			text.output[current] = append(text.output[current], l)
		}
	}
	r := text
	if sawJSON {
		r = js
	}
	return Report{Counts: r.counts, Tests: r.tests}
}

func (g *goRun) event(ev goEvent) {
	if ev.Action == "output" {
		if strings.Contains(ev.Output, "testing: warning: no tests to run") {
			g.counts.Found = true
		}
		if ev.Test != "" {
			key := ev.Package + "\x00" + ev.Test
			g.output[key] = append(g.output[key], strings.TrimRight(ev.Output, "\n"))
		}
		return
	}
	if ev.Test != "" {
		g.result(ev.Package, ev.Test, ev.Action)
	}
}

// result records a test's outcome; action is pass, fail or skip (others
// are ignored).
func (g *goRun) result(pkg, name, action string) {
	outcome := ""
	switch action {
	case "pass":
		outcome, g.counts.Passed = OutcomePassed, g.counts.Passed+1
	case "fail":
		outcome, g.counts.Failed = OutcomeFailed, g.counts.Failed+1
	case "skip":
		outcome, g.counts.Skipped = OutcomeSkipped, g.counts.Skipped+1
	default:
		return
	}
	g.counts.Found = true
	key := name
	if pkg != "" {
		key = pkg + "\x00" + name
	}
	tr := TestResult{Name: name, Outcome: outcome}
	if outcome == OutcomeFailed {
		var msg []string
		for _, l := range g.output[key] {
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
				continue
			}
			msg = append(msg, l)
		}
		tr.Message = clipMessage(msg)
	}
	delete(g.output, key)
	g.tests = append(g.tests, tr)
}
