package gates

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// realworldDir finds ../shared/realworld by walking up from the module
// root. When it is missing the test is skipped, except under CI, where it
// fails.
func realworldDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "realworld")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	if os.Getenv("CI") != "" {
		t.Fatal("shared/realworld not found above the module root (CI needs it beside the checkout)")
	}
	t.Skip("shared/realworld not found above the module root")
	return ""
}

// realworldSample is one entry of dotnet-output/samples.json.
type realworldSample struct {
	ID          string `json:"id"`
	File        string `json:"file"`
	Exit        int    `json:"exit"`
	Passed      int    `json:"passed"`
	Failed      int    `json:"failed"`
	Skipped     int    `json:"skipped"`
	Abnormal    string `json:"abnormal"`
	ExpectFound bool   `json:"expect_found"`
}

func TestParseRealWorldDotnet(t *testing.T) {
	dir := filepath.Join(realworldDir(t), "dotnet-output")
	data, err := os.ReadFile(filepath.Join(dir, "samples.json"))
	if err != nil {
		t.Fatal(err)
	}
	var samples []realworldSample
	if err := json.Unmarshal(data, &samples); err != nil {
		t.Fatalf("samples.json: %v", err)
	}
	if len(samples) != 32 {
		t.Fatalf("samples.json has %d samples, want 32", len(samples))
	}
	right := 0
	for _, s := range samples {
		t.Run(s.ID, func(t *testing.T) {
			out, err := os.ReadFile(filepath.Join(dir, s.File))
			if errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s listed in samples.json is missing", s.File)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseOutput(FormatDotnet, out)
			if err != nil {
				t.Fatal(err)
			}
			want := Counts{Found: s.ExpectFound}
			if s.ExpectFound {
				want = Counts{Passed: s.Passed, Failed: s.Failed, Skipped: s.Skipped, Found: true}
			}
			if got != want {
				t.Fatalf("%s: parsed %+v, want %+v", s.File, got, want)
			}
			focused := s.ExpectFound && s.Passed >= 1 && s.Failed == 0
			if j := Judge(GateTest, FormatDotnet, got, s.Exit); j != focused {
				t.Errorf("%s: focused gate passes = %v, want %v (exit %d, %+v)", s.File, j, focused, s.Exit, got)
			}
			full := s.ExpectFound && s.Failed == 0
			if j := Judge(GateFullTest, FormatDotnet, got, s.Exit); j != full {
				t.Errorf("%s: full-suite gate passes = %v, want %v (exit %d, %+v)", s.File, j, full, s.Exit, got)
			}
			if !t.Failed() {
				right++
			}
		})
	}
	if right != len(samples) {
		t.Errorf("%d of %d real dotnet outputs read right", right, len(samples))
	}
}
