package main

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestEveryCommandIsDocumented walks the whole command tree: every
// visible command has a usage line, a description and at least one example
// that runs that very command; no flag shows a meaningless default; the
// status flags list the statuses; and its help page (porttracker help
// PATH...) shows it with the global options. A command added without these
// fails here.
func TestEveryCommandIsDocumented(t *testing.T) {
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	nodes := completionNodes(app)
	if len(nodes) < 20 {
		t.Fatalf("only %d commands found", len(nodes))
	}
	for _, n := range nodes {
		c := n.cmd
		t.Run(strings.ReplaceAll(n.path, " ", "_"), func(t *testing.T) {
			if strings.TrimSpace(c.Usage) == "" {
				t.Errorf("no Usage")
			}
			prose, examples := splitDescription(c.Description)
			if prose == "" {
				t.Errorf("no description: set Description: describe(\"what it does\", \"porttracker %s ...\")", n.path)
			}
			if len(examples) == 0 {
				t.Errorf("no example: add one to describe(...)")
			}
			for _, ex := range examples {
				words := exampleWords(ex)
				if words == nil {
					t.Errorf("example %q does not run porttracker", ex)
					continue
				}
				if got := exampleCommand(app, words); got != n.path && !strings.HasPrefix(got, n.path+" ") {
					t.Errorf("example %q runs %q, not %q", ex, got, n.path)
				}
			}
			for _, f := range c.Flags {
				s := cli.FlagStringer(f)
				for _, bad := range []string{"(default: 0)", "(default: false)", `(default: "")`} {
					if strings.Contains(s, bad) {
						t.Errorf("flag %s shows %s: give DefaultText what the absence means", f.Names()[0], bad)
					}
				}
				name := f.Names()[0]
				if name == "status" || name == "set-status" {
					e, ok := f.(*enumFlag)
					if !ok || !slices.Equal(e.Values, statusValues()) {
						t.Errorf("--%s is not newEnumFlag(..., statusValues()...)", name)
					}
				}
				if e, ok := f.(*enumFlag); ok {
					for _, v := range e.Values {
						if !strings.Contains(s, v) {
							t.Errorf("--%s help does not list %q", name, v)
						}
					}
				}
			}
			var out bytes.Buffer
			code := run(append([]string{"porttracker", "help"}, strings.Fields(n.path)...), strings.NewReader(""), &out, io.Discard)
			page := out.String()
			if code != 0 {
				t.Errorf("help %s: exit %d", n.path, code)
			}
			for _, want := range []string{"porttracker " + n.path + " - ", "DESCRIPTION:", examplesHeading, "GLOBAL OPTIONS:", "--db value", "--no-pager", "EXIT STATUS:"} {
				if !strings.Contains(page, want) {
					t.Errorf("help %s lacks %q:\n%s", n.path, want, page)
				}
			}
		})
	}
}

// exampleWords are the words of the porttracker command line in an
// example (which may be inside a shell line: source <(porttracker ...)).
func exampleWords(ex string) []string {
	fields := strings.Fields(ex)
	for i, f := range fields {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "<("), "$(")
		if f != "porttracker" {
			continue
		}
		words := []string{"porttracker"}
		for _, w := range fields[i+1:] {
			if strings.ContainsAny(w[:1], "|><);&") {
				break
			}
			if before, ok := strings.CutSuffix(w, ")"); ok {
				words = append(words, before)
				break
			}
			words = append(words, w)
		}
		return words
	}
	return nil
}

// exampleCommand is the command path an example line runs.
func exampleCommand(app *cli.App, words []string) string {
	args := normalizeArgs(app, words)
	var path []string
	cmds := app.Commands
	for _, a := range args[1:] {
		if strings.HasPrefix(a, "-") {
			continue
		}
		c := findCommand(cmds, a)
		if c == nil {
			break
		}
		path = append(path, c.Name)
		cmds = c.Subcommands
	}
	return strings.Join(path, " ")
}

func TestHelpArgs(t *testing.T) {
	app := newApp(strings.NewReader(""), io.Discard, io.Discard)
	for in, want := range map[string]string{
		"help feature update":         "feature update --help",
		"help":                        "help",
		"--db x help batch show":      "--db x batch show --help",
		"feature update 1 --status x": "feature update 1 --status x",
	} {
		got := helpArgs(app, append([]string{"porttracker"}, strings.Fields(in)...))
		if strings.Join(got[1:], " ") != want {
			t.Errorf("helpArgs(%q) = %q, want %q", in, got[1:], want)
		}
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"feature", "test", "batch", "report", "stub-scan", "--status", "--set-status", "--override"}
	for word, want := range map[string]string{
		"fature":     "feature",
		"featuer":    "feature",
		"tset":       "test",
		"--sttus":    "--status",
		"--set-stat": "--set-status",
		"rep":        "report",
		"zzz":        "",
		"x":          "",
		"checkpoint": "",
	} {
		if got := suggest(word, cands); got != want {
			t.Errorf("suggest(%q) = %q, want %q", word, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1}, {"feature", "featuer", 1}, {"status", "status", 0}} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestUnknownFlagSuggests(t *testing.T) {
	var errOut bytes.Buffer
	code := run([]string{"porttracker", "feature", "update", "1", "--sttus", "stub"}, strings.NewReader(""), io.Discard, &errOut)
	want := "porttracker: unknown flag --sttus for porttracker feature update (did you mean --status? see porttracker feature update --help)\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("exit %d, stderr %q; want 2, %q", code, errOut.String(), want)
	}
}

func TestRefusedJSONIsOneDocument(t *testing.T) {
	for _, args := range [][]string{
		{"--json", "nosuch"},
		{"--json", "feature", "show", "abc"},
		{"feature", "update", "1", "--sttus", "x", "--json"},
		{"--json", "--repo", "/nonexistent/dir", "batch", "list"},
	} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"porttracker"}, args...), strings.NewReader(""), &out, &errOut)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if err := checkJSONDoc(out.Bytes(), true); err != nil {
			t.Errorf("%q: %v\n%s", args, err, out.String())
		}
		if !strings.HasPrefix(errOut.String(), "porttracker: ") || strings.Count(errOut.String(), "\n") != 1 {
			t.Errorf("%q: stderr %q, want one line", args, errOut.String())
		}
	}
}
