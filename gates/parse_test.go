package gates

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseOutputGolden(t *testing.T) {
	tests := []struct {
		file   string
		format string
		want   Counts
	}{
		{"dotnet_minimal_pass.txt", FormatDotnet, Counts{Passed: 1, Found: true}},
		{"dotnet_minimal_fail.txt", FormatDotnet, Counts{Passed: 3, Failed: 1, Skipped: 1, Found: true}},
		{"dotnet_two_assemblies.txt", FormatDotnet, Counts{Passed: 352, Failed: 2, Skipped: 2, Found: true}},
		{"dotnet_normal.txt", FormatDotnet, Counts{Passed: 2, Failed: 1, Skipped: 1, Found: true}},
		{"dotnet_normal_pass.txt", FormatDotnet, Counts{Passed: 1, Found: true}},
		{"dotnet_no_match.txt", FormatDotnet, Counts{Found: true}},
		{"dotnet_build_error.txt", FormatDotnet, Counts{}},
		{"dotnet_testing_platform.txt", FormatDotnet, Counts{Passed: 3, Found: true}},
		{"dotnet_crlf.txt", FormatDotnet, Counts{Passed: 1, Found: true}},
		{"dotnet_skipped_only.txt", FormatDotnet, Counts{Skipped: 2, Found: true}},
		{"dotnet_mtp_modules.txt", FormatDotnet, Counts{Passed: 37, Failed: 1, Skipped: 2, Found: true}},
		{"dotnet_mtp_zero_errors.txt", FormatDotnet, Counts{Found: true}},
		{"dotnet_mtp_detailed_pass.txt", FormatDotnet, Counts{Passed: 2, Skipped: 1, Found: true}},
		{"dotnet_tl_summary.txt", FormatDotnet, Counts{Passed: 4, Failed: 1, Skipped: 1, Found: true}},
		{"dotnet_mtp_cut_short.txt", FormatDotnet, Counts{Found: true}},
		{"go_v_pass.txt", FormatGo, Counts{Passed: 3, Skipped: 1, Found: true}},
		{"go_v_fail.txt", FormatGo, Counts{Passed: 1, Failed: 1, Found: true}},
		{"go_no_tests.txt", FormatGo, Counts{Found: true}},
		{"go_ok_only.txt", FormatGo, Counts{}},
		{"go_build_failed.txt", FormatGo, Counts{}},
		{"go_json.txt", FormatGo, Counts{Passed: 1, Failed: 2, Skipped: 1, Found: true}},
		{"go_json_no_tests.txt", FormatGo, Counts{Found: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, err := os.ReadFile(filepath.Join("testdata", "parse", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseOutput(tt.format, out)
			if err != nil {
				t.Fatalf("ParseOutput: %v", err)
			}
			if got != tt.want {
				t.Errorf("ParseOutput(%s) = %+v, want %+v", tt.file, got, tt.want)
			}
		})
	}
}

func TestParseOutputInline(t *testing.T) {
	tests := []struct {
		name, format, out string
		want              Counts
	}{
		{"ansi colours", FormatDotnet, "\x1b[32mPassed!\x1b[0m  - Failed:     0, Passed:     2, Skipped:     0, Total:     2, Duration: 1 ms - A.dll (net10.0)\n", Counts{Passed: 2, Found: true}},
		{"minimal preferred over block", FormatDotnet, "Total tests: 1\n     Passed: 1\nPassed!  - Failed: 0, Passed: 1, Skipped: 0, Total: 1, Duration: 1 ms - A.dll (net10.0)\n", Counts{Passed: 1, Found: true}},
		{"no match plus a summary", FormatDotnet, "No test matches the given testcase filter `X` in /a/A.dll\nPassed!  - Failed: 0, Passed: 4, Skipped: 0, Total: 4, Duration: 1 ms - B.dll (net10.0)\n", Counts{Passed: 4, Found: true}},
		{"summary on one line", FormatDotnet, "Test summary: total: 5, failed: 1, succeeded: 4, skipped: 0, duration: 1.2s\n", Counts{Passed: 4, Failed: 1, Found: true}},
		{"vstest aborted line", FormatDotnet, "Aborted!  - Failed: 1, Passed: 2, Skipped: 0, Total: 3 - A.dll (net10.0)\n", Counts{Passed: 2, Failed: 1, Found: true}},
		{"platform block without totals is no count", FormatDotnet, "Test run summary: Passed!\n  A.dll passed\n", Counts{}},
		{"overflowing count", FormatDotnet, "Passed!  - Failed: 0, Passed: 99999999999999999999999, Skipped: 0\n", Counts{Found: true}},
		{"empty", FormatDotnet, "", Counts{}},
		{"go json mixed with text", FormatGo, "# build noise\n{\"Action\":\"pass\",\"Package\":\"p\",\"Test\":\"TestA\"}\n--- PASS: TestA (0.00s)\n", Counts{Passed: 1, Found: true}},
		{"go text, braces but no json", FormatGo, "{not json}\n--- PASS: TestA (0.00s)\n", Counts{Passed: 1, Found: true}},
		{"go package line only", FormatGo, "FAIL\texample.com/x\t0.1s\n", Counts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOutput(tt.format, []byte(tt.out))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseOutputUnknownFormat(t *testing.T) {
	if _, err := ParseOutput("junit", nil); err == nil {
		t.Fatal("ParseOutput accepted an unknown format")
	}
}

func fuzzSeeds(f *testing.F, prefix string) {
	matches, err := filepath.Glob(filepath.Join("testdata", "parse", prefix+"*.txt"))
	if err != nil {
		f.Fatal(err)
	}
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzParseDotnet(f *testing.F) {
	fuzzSeeds(f, "dotnet")
	f.Add([]byte("Total tests: 3\n Passed: 1\n Failed: -2\n"))
	f.Fuzz(func(t *testing.T, out []byte) {
		r, err := ParseReport(FormatDotnet, out)
		if err != nil {
			t.Fatal(err)
		}
		checkFuzzedReport(t, r)
	})
}

func FuzzParseGo(f *testing.F) {
	fuzzSeeds(f, "go")
	f.Add([]byte("{\"Action\":\"fail\",\"Test\":\"T\"}\n{"))
	f.Fuzz(func(t *testing.T, out []byte) {
		r, err := ParseReport(FormatGo, out)
		if err != nil {
			t.Fatal(err)
		}
		if c := r.Counts; (c.Passed > 0 || c.Failed > 0 || c.Skipped > 0) && !c.Found {
			t.Fatalf("counts without a summary %+v", c)
		}
		checkFuzzedReport(t, r)
	})
}

func TestParseReportTests(t *testing.T) {
	type res = TestResult
	tests := []struct {
		file, format string
		want         []TestResult
	}{
		{"dotnet_normal.txt", FormatDotnet, []res{
			{Name: "Demo.Tests.CalcTests.Adds", Outcome: OutcomePassed},
			{Name: "Demo.Tests.CalcTests.Subtracts", Outcome: OutcomePassed},
			{Name: "Demo.Tests.CalcTests.Divides", Outcome: OutcomeFailed, Message: "System.DivideByZeroException : Attempted to divide by zero."},
			{Name: "Demo.Tests.CalcTests.Overflows", Outcome: OutcomeSkipped},
		}},
		{"dotnet_skipped_only.txt", FormatDotnet, []res{
			{Name: "Slow.Tests.SoakTests.RunsForADay", Outcome: OutcomeSkipped},
			{Name: "Slow.Tests.SoakTests.RunsForAWeek", Outcome: OutcomeSkipped},
		}},
		{"dotnet_mtp_modules.txt", FormatDotnet, []res{
			{Name: "Parser.Tests.TokenTests.ReadsEscapes", Outcome: OutcomeFailed,
				Message: "Assert.Equal() Failure: Strings differ\nExpected: \"a\\tb\"\nActual:   \"a\\\\tb\""},
		}},
		{"dotnet_mtp_detailed_pass.txt", FormatDotnet, []res{
			{Name: "Calc.Tests.AddTests.AddsTwo", Outcome: OutcomePassed},
			{Name: "Calc.Tests.AddTests.AddsNegative", Outcome: OutcomePassed},
			{Name: "Calc.Tests.AddTests.AddsHuge", Outcome: OutcomeSkipped},
		}},
		{"go_v_fail.txt", FormatGo, []res{
			{Name: "TestAdd", Outcome: OutcomeFailed, Message: "calc_test.go:9: Add(1, 2) = 4, want 3"},
			{Name: "TestSub", Outcome: OutcomePassed},
		}},
		{"go_json.txt", FormatGo, []res{
			{Name: "TestAdd", Outcome: OutcomePassed},
			{Name: "TestDiv/by_zero", Outcome: OutcomeFailed, Message: "calc_test.go:30: Div(1, 0) did not fail"},
			{Name: "TestDiv", Outcome: OutcomeFailed},
			{Name: "TestBig", Outcome: OutcomeSkipped},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, err := os.ReadFile(filepath.Join("testdata", "parse", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseReport(tt.format, out)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Tests, tt.want) {
				t.Errorf("tests of %s:\n got %q\nwant %q", tt.file, got.Tests, tt.want)
			}
		})
	}
}

// checkFuzzedReport holds what any parse must give: no negative count, a
// known outcome and a bounded message for each test, a message only for a
// failure.
func checkFuzzedReport(t *testing.T, r Report) {
	t.Helper()
	if r.Passed < 0 || r.Failed < 0 || r.Skipped < 0 {
		t.Fatalf("negative counts %+v", r.Counts)
	}
	for _, tr := range r.Tests {
		switch tr.Outcome {
		case OutcomePassed, OutcomeSkipped:
			if tr.Message != "" {
				t.Fatalf("a %s test has a message: %+v", tr.Outcome, tr)
			}
		case OutcomeFailed:
		default:
			t.Fatalf("unknown outcome %+v", tr)
		}
		if tr.Name == "" || len(tr.Message) > maxMessage || strings.Count(tr.Message, "\n") >= messageLines {
			t.Fatalf("bad test result %+v", tr)
		}
	}
}
