package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeArgs(t *testing.T) {
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	for _, tc := range []struct{ in, want string }{
		{"feature show 1636 --db porting.db", "--db porting.db feature show 1636"},
		{"feature update 1636 --status stub --db porting.db", "--db porting.db feature update --status stub 1636"},
		{"feature batch-update --ids 1-3 --set-status deferred --override x --db d --execute", "--db d feature batch-update --ids 1-3 --set-status deferred --override x --execute"},
		{"--json batch list", "--json batch list"},
		{"batch show 33 --json", "--json batch show 33"},
		{"feature update 1 --status=stub --db=x", "--db=x feature update --status=stub 1"},
		{"log feature 12 --limit 3", "log --limit 3 feature 12"},
		{"inventory import f.toml --repo r", "--repo r inventory import f.toml"},
		{"hook pre-push origin url", "hook pre-push origin url"},
		{"stub-scan --changed -- -weird", "stub-scan --changed -- -weird"},
	} {
		got := normalizeArgs(app, append([]string{"porttracker"}, strings.Fields(tc.in)...))
		if want := append([]string{"porttracker"}, strings.Fields(tc.want)...); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.in, got[1:], want[1:])
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	for in, want := range map[string]string{
		"nosuch":              `unknown command "nosuch" (see porttracker help)`,
		"feature frob 1":      `unknown command "frob" (see porttracker feature help)`,
		"--db x nosuch":       `unknown command "nosuch" (see porttracker help)`,
		"fature show 1":       `unknown command "fature" (did you mean feature? see porttracker help)`,
		"feature updte 1":     `unknown command "updte" (did you mean update? see porttracker feature help)`,
		"batch lst":           `unknown command "lst" (did you mean list? see porttracker batch help)`,
		"feature show 1":      "",
		"help feature":        "",
		"batch":               "",
		"--json batch list":   "",
		"hook pre-commit":     "",
		"inventory scan --go": "",
	} {
		got := ""
		if err := unknownCommand(app, append([]string{"porttracker"}, strings.Fields(in)...)); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("unknownCommand(%q) = %q, want %q", in, got, want)
		}
	}
}
