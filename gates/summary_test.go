package gates

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSummaryAndLog(t *testing.T) {
	r, targets, _ := manyRepo(t, 3, 3)
	var summary strings.Builder
	r.Summary = &summary
	r.LogDir = filepath.Join(t.TempDir(), "logs")
	ev, err := r.Promote(context.Background(), targets)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Passed() {
		t.Fatal("Promote passed with a broken F3")
	}
	got := summary.String()
	re := regexp.MustCompile(`(?m)^porttracker: test FAILED in [0-9.]+m?s: echo run >> '[^']*'; go test -run '\^\(TestF1\|TestF2\|TestF3\)\$' -json \./\.\.\. \(2 passed, 1 failed, 0 skipped; log (\S+)\)\n  failed TestF3\n    tiny_test\.go:19: F3\(1\) = -2, want 4\n`)
	m := re.FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("summary:\n%s", got)
	}
	for _, want := range []string{"porttracker: stub ok in ", "porttracker: build ok in "} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, `"Action"`) {
		t.Errorf("the summary holds raw go test -json output:\n%s", got)
	}
	raw, err := os.ReadFile(m[1])
	if err != nil {
		t.Fatalf("the log the summary names: %v", err)
	}
	if !strings.Contains(string(raw), `"Action":"fail","Package":"example.com/tiny","Test":"TestF3"`) {
		t.Errorf("log %s lacks the raw output:\n%.400s", m[1], raw)
	}
	if !strings.Contains(filepath.Base(m[1]), "-test-_TestF1_TestF2_TestF3_-") {
		t.Errorf("log name %s is not named by the gate and its filter", m[1])
	}
}

func TestLogDirIsInTheGitDirectory(t *testing.T) {
	dir := newRepo(t, map[string]string{"a.txt": "a\n"})
	got, err := LogDir(filepath.Join(dir))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, ".git", "porttracker", "logs"); got != want {
		t.Errorf("LogDir = %s, want %s", got, want)
	}
}
