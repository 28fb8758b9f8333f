package gates

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// trxRun is the part of a Visual Studio test results file (TRX, written by
// VSTest's --logger trx and the testing platform's --report-trx) that the
// gates read.
type trxRun struct {
	Results []trxResult `xml:"Results>UnitTestResult"`
	Tests   []trxTest   `xml:"TestDefinitions>UnitTest"`
}

type trxResult struct {
	TestID   string `xml:"testId,attr"`
	TestName string `xml:"testName,attr"`
	Outcome  string `xml:"outcome,attr"`
	Message  string `xml:"Output>ErrorInfo>Message"`
	// Inner results are the rows of a data-driven test.
	Inner []trxResult `xml:"InnerResults>UnitTestResult"`
}

type trxTest struct {
	ID     string `xml:"id,attr"`
	Name   string `xml:"name,attr"`
	Method struct {
		ClassName string `xml:"className,attr"`
		Name      string `xml:"name,attr"`
	} `xml:"TestMethod"`
}

// maxTRX bounds the bytes of one TRX file that are read.
const maxTRX = 64 << 20

// ParseTRX reads the per-test results of a TRX file. A test is named by
// its fully qualified method name (class name, a dot, method name) when
// the file defines it, else by its test name. Passed is passed; NotExecuted
// and Inconclusive are skipped; every other outcome (Failed, Error,
// Timeout, Aborted) is failed.
func ParseTRX(r io.Reader) ([]TestResult, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTRX+1))
	if err != nil {
		return nil, fmt.Errorf("read TRX: %w", err)
	}
	if len(data) > maxTRX {
		return nil, fmt.Errorf("TRX file larger than %d MiB", maxTRX>>20)
	}
	var run trxRun
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	if err := dec.Decode(&run); err != nil {
		return nil, fmt.Errorf("parse TRX: %w", err)
	}
	names := map[string]string{}
	for _, t := range run.Tests {
		switch {
		case t.Method.ClassName != "" && t.Method.Name != "":
			names[t.ID] = t.Method.ClassName + "." + t.Method.Name
		case t.Name != "":
			names[t.ID] = t.Name
		}
	}
	var out []TestResult
	for _, r := range run.Results {
		name := names[r.TestID]
		if name == "" {
			name = r.TestName
		}
		if strings.TrimSpace(name) == "" {
			continue
		}
		tr := TestResult{Name: name, Outcome: trxOutcome(r.Outcome)}
		if tr.Outcome == OutcomeFailed {
			tr.Message = clipMessage(strings.Split(r.Message, "\n"))
		}
		out = append(out, tr)
	}
	return out, nil
}

func trxOutcome(o string) string {
	switch strings.ToLower(o) {
	case "passed":
		return OutcomePassed
	case "notexecuted", "inconclusive", "skipped":
		return OutcomeSkipped
	}
	return OutcomeFailed
}

// countTests tallies per-test results as a summary.
func countTests(tests []TestResult) Counts {
	var c Counts
	for _, t := range tests {
		switch t.Outcome {
		case OutcomePassed:
			c.Passed++
		case OutcomeFailed:
			c.Failed++
		case OutcomeSkipped:
			c.Skipped++
		}
	}
	c.Found = len(tests) > 0
	return c
}
