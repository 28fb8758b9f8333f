package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunExitStatus: bad usage and options that cannot make a ledger exit
// with status 2 and one line naming what is wrong, before anything is
// written.
func TestRunExitStatus(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want int
		line string
	}{
		{"no directory", nil, 2, "ptgen: want one directory, got 0 arguments (ptgen -h)"},
		{"two directories", []string{"a", "b"}, 2, "ptgen: want one directory, got 2 arguments (ptgen -h)"},
		{"no batch", []string{"-batches", "0", "DIR"}, 2, "ptgen: gen: invalid options: 0 batches: want at least one"},
		{"no item", []string{"-features", "0", "-tests", "0", "DIR"}, 2, "ptgen: gen: invalid options: 0 features and 0 tests: want at least one item"},
		{"help", []string{"-h"}, 0, "usage: ptgen [flags] DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			args := make([]string, len(tc.args))
			for i, a := range tc.args {
				args[i] = strings.ReplaceAll(a, "DIR", dir)
			}
			var stdout, stderr bytes.Buffer
			if got := run(args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit status %d, want %d (stderr %q)", got, tc.want, stderr.String())
			}
			if first, _, _ := strings.Cut(stderr.String(), "\n"); first != tc.line {
				t.Errorf("first line of stderr %q, want %q", first, tc.line)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q, want nothing", stdout.String())
			}
		})
	}
}
