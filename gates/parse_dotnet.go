package gates

import (
	"regexp"
	"strings"
)

// parseDotnet reads dotnet test output. Each runner's own summary form is
// summed; when several forms are present (a runner that prints both), the
// first of minimal lines, normal-verbosity blocks and testing-platform
// summaries wins, so that one run is never counted twice.
func parseDotnet(out []byte) Counts {
	var minimal, blocks, platform Counts
	noMatch := false
	minimalRe := regexp.MustCompile(`^\s*(?:Passed|Failed|Aborted)!\s+-\s+`)
	pairRe := regexp.MustCompile(`(?i)\b(failed|passed|succeeded|skipped|total)\s*:\s*(\d+)`)
	totalRe := regexp.MustCompile(`^\s*Total tests\s*:\s*(\d+)\s*$`)
	blockRe := regexp.MustCompile(`^\s*(Passed|Failed|Skipped)\s*:\s*(\d+)\s*$`)
	platformRe := regexp.MustCompile(`^\s*Test (?:run )?summary\s*:`)
	platformPairRe := regexp.MustCompile(`^\s*(total|failed|succeeded|skipped)\s*:\s*(\d+)\s*$`)
	ls := lines(out)
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		switch {
		case strings.Contains(l, "No test matches the given testcase filter"):
			noMatch = true
		case minimalRe.MatchString(l):
			minimal.add(countPairs(pairRe.FindAllStringSubmatch(l, -1)))
		case totalRe.MatchString(l):
			c := Counts{Found: true}
			for i+1 < len(ls) && blockRe.MatchString(ls[i+1]) {
				i++
				c.add(countPairs([][]string{blockRe.FindStringSubmatch(ls[i])}))
			}
			blocks.add(c)
		case platformRe.MatchString(l):
			sms := pairRe.FindAllStringSubmatch(l, -1)
			for i+1 < len(ls) && platformPairRe.MatchString(ls[i+1]) {
				i++
				sms = append(sms, platformPairRe.FindStringSubmatch(ls[i]))
			}
			c := countPairs(sms)
			c.Found = len(sms) > 0
			platform.add(c)
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
	return c
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
