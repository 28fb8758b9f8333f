package gates

import (
	"regexp"
	"strings"
)

// dotnetSyntax holds the patterns of dotnet test output.
type dotnetSyntax struct {
	minimal, pair, total, block, platform, platformPair, platformTotal *regexp.Regexp
	vstestResult, mtpResult                                            *regexp.Regexp
}

func newDotnetSyntax() dotnetSyntax {
	return dotnetSyntax{
		minimal:       regexp.MustCompile(`^\s*(?:Passed|Failed|Skipped|Aborted)!\s+-\s+`),
		pair:          regexp.MustCompile(`(?i)\b(failed|passed|succeeded|skipped|total)\s*:\s*(\d+)`),
		total:         regexp.MustCompile(`^\s*Total tests\s*:\s*(\d+)\s*$`),
		block:         regexp.MustCompile(`^\s*(Passed|Failed|Skipped)\s*:\s*(\d+)\s*$`),
		platform:      regexp.MustCompile(`^\s*Test (?:run )?summary\s*:`),
		platformPair:  regexp.MustCompile(`^\s*(total|failed|succeeded|skipped|error|duration)\s*:\s*(\S.*)?$`),
		platformTotal: regexp.MustCompile(`^\s*total\s*:\s*\d+\s*$`),
		vstestResult:  regexp.MustCompile(`^\s+(Passed|Failed|Skipped)\s+(\S.*?)\s+\[[^\]]*\]\s*$`),
		mtpResult:     regexp.MustCompile(`^(passed|failed|skipped)\s+(\S.*?)\s+\((?:\d[^()]*|< ?1 ?ms)\)\s*$`),
	}
}

// parseDotnet reads dotnet test output. Each runner's own summary form is
// summed; when several forms are present (a runner that prints both), the
// first of minimal lines, normal-verbosity blocks and testing-platform
// summaries wins, so that one run is never counted twice.
func parseDotnet(out []byte) Report {
	sx := newDotnetSyntax()
	var minimal, blocks, platform Counts
	var tests []TestResult
	noMatch := false
	ls := lines(out)
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		switch {
		case strings.Contains(l, "No test matches the given testcase filter"):
			noMatch = true
		case sx.minimal.MatchString(l):
			minimal.add(countPairs(sx.pair.FindAllStringSubmatch(l, -1)))
		case sx.total.MatchString(l):
			c := Counts{Found: true}
			for i+1 < len(ls) && sx.block.MatchString(ls[i+1]) {
				i++
				c.add(countPairs([][]string{sx.block.FindStringSubmatch(ls[i])}))
			}
			blocks.add(c)
		case sx.platform.MatchString(l):
			var c Counts
			c, i = platformSummary(sx, ls, i)
			platform.add(c)
		case sx.vstestResult.MatchString(l):
			sm := sx.vstestResult.FindStringSubmatch(l)
			var msg []string
			msg, i = vstestMessage(sx, ls, i)
			tests = append(tests, TestResult{Name: sm[2], Outcome: strings.ToLower(sm[1]), Message: clipMessage(msg)})
		case sx.mtpResult.MatchString(l):
			sm := sx.mtpResult.FindStringSubmatch(l)
			var msg []string
			msg, i = indented(ls, i)
			tests = append(tests, TestResult{Name: sm[2], Outcome: sm[1], Message: clipMessage(msg)})
		}
	}
	var c Counts
	switch {
	case minimal.Found:
		c = minimal
	case blocks.Found:
		c = blocks
	case platform.Found:
		c = platform
	}
	c.Found = c.Found || noMatch
	for i := range tests {
		if tests[i].Outcome != OutcomeFailed {
			tests[i].Message = ""
		}
	}
	return Report{Counts: c, Tests: tests}
}

// platformSummary reads the summary that starts at ls[i]: the terminal
// logger's one line ("Test summary: total: 1, failed: 0, ..."), or the
// testing platform's block, whose "total:" line and the counts after it
// may follow per-module lines, blank lines and "error: N" lines. It
// returns the counts and the index of the summary's last line.
func platformSummary(sx dotnetSyntax, ls []string, i int) (Counts, int) {
	if sms := sx.pair.FindAllStringSubmatch(ls[i], -1); len(sms) > 0 {
		return countPairs(sms), i
	}
	zero := strings.Contains(ls[i], "Zero tests ran")
	j := i + 1
	for j < len(ls) && !sx.platformTotal.MatchString(ls[j]) {
		if sx.platform.MatchString(ls[j]) || sx.minimal.MatchString(ls[j]) {
			break
		}
		j++
	}
	if j == len(ls) || !sx.platformTotal.MatchString(ls[j]) {
		// No totals: a summary cut short. "Zero tests ran" still says what
		// happened.
		return Counts{Found: zero}, i
	}
	var sms [][]string
	for ; j < len(ls) && sx.platformPair.MatchString(ls[j]); j++ {
		if sm := sx.pair.FindStringSubmatch(ls[j]); sm != nil {
			sms = append(sms, sm)
		}
	}
	return countPairs(sms), j - 1
}

// vstestMessage collects the "Error Message:" lines after a VSTest result
// line at ls[i], up to its "Stack Trace:", a blank line or the next result.
func vstestMessage(sx dotnetSyntax, ls []string, i int) ([]string, int) {
	if i+1 >= len(ls) || strings.TrimSpace(ls[i+1]) != "Error Message:" {
		return nil, i
	}
	var msg []string
	j := i + 2
	for ; j < len(ls); j++ {
		t := strings.TrimSpace(ls[j])
		if t == "" || t == "Stack Trace:" || t == "Standard Output Messages:" || sx.vstestResult.MatchString(ls[j]) {
			break
		}
		msg = append(msg, t)
	}
	return msg, j - 1
}

// indented collects the indented lines after ls[i] (a testing platform
// result line): the failure's message and stack.
func indented(ls []string, i int) ([]string, int) {
	var msg []string
	j := i + 1
	for ; j < len(ls); j++ {
		if ls[j] != "" && ls[j][0] != ' ' && ls[j][0] != '\t' {
			break
		}
		t := strings.TrimSpace(ls[j])
		if strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "from ") {
			continue
		}
		msg = append(msg, t)
	}
	return msg, j - 1
}

// countPairs adds up "key: n" submatches; a line with any of them is a
// summary.
func countPairs(sms [][]string) Counts {
	var c Counts
	for _, sm := range sms {
		c.Found = true
		n := atoi(sm[2])
		switch strings.ToLower(sm[1]) {
		case "passed", "succeeded":
			c.Passed += n
		case "failed":
			c.Failed += n
		case "skipped":
			c.Skipped += n
		}
	}
	return c
}
