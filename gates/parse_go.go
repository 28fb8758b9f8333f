package gates

import (
	"encoding/json"
	"regexp"
	"strings"
)

// goEvent is the part of a go test -json event that counts.
type goEvent struct {
	Action string
	Test   string
	Output string
}

// parseGo reads go test -json events when the output has any, and go test
// -v result lines otherwise. Package lines (ok, FAIL) are not counts.
func parseGo(out []byte) Counts {
	var js, text Counts
	sawJSON := false
	resultRe := regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): \S`)
	for _, l := range lines(out) {
		if strings.HasPrefix(l, "{") {
			var ev goEvent
			if json.Unmarshal([]byte(l), &ev) == nil && ev.Action != "" {
				sawJSON = true
				countEvent(&js, ev)
				continue
			}
		}
		if strings.Contains(l, "testing: warning: no tests to run") {
			text.Found = true
		}
		if sm := resultRe.FindStringSubmatch(l); sm != nil {
			countAction(&text, strings.ToLower(sm[1]))
		}
	}
	if sawJSON {
		return js
	}
	return text
}

func countEvent(c *Counts, ev goEvent) {
	if ev.Action == "output" && strings.Contains(ev.Output, "testing: warning: no tests to run") {
		c.Found = true
	}
	if ev.Test != "" {
		countAction(c, ev.Action)
	}
}

func countAction(c *Counts, action string) {
	switch action {
	case "pass":
		c.Passed++
	case "fail":
		c.Failed++
	case "skip":
		c.Skipped++
	default:
		return
	}
	c.Found = true
}
