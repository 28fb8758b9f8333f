package gates

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestSubstituteFilterText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"go test ./...", "go test ./..."},
		{"go test -run {filter} ./...", `go test -run "${PORTTRACKER_FILTER}" ./...`},
		{`dotnet test --filter "FullyQualifiedName~{filter}"`, `dotnet test --filter "FullyQualifiedName~${PORTTRACKER_FILTER}"`},
		{`go test -run '^{filter}$'`, `go test -run '^'"${PORTTRACKER_FILTER}"'$'`},
		{`echo "$(echo {filter})"`, `echo "$(echo "${PORTTRACKER_FILTER}")"`},
		{`echo "$(echo '{filter}')" {filter}`, `echo "$(echo ''"${PORTTRACKER_FILTER}"'')" "${PORTTRACKER_FILTER}"`},
		{`echo \"{filter}`, `echo \""${PORTTRACKER_FILTER}"`},
		{`echo "a\"{filter}"`, `echo "a\"${PORTTRACKER_FILTER}"`},
		{`echo $( (true) ) {filter}`, `echo $( (true) ) "${PORTTRACKER_FILTER}"`},
		{"true # don't {filter}\necho {filter}", "true # don't {filter}\necho \"${PORTTRACKER_FILTER}\""},
		{`echo a#b'{filter}'`, `echo a#b''"${PORTTRACKER_FILTER}"''`},
	}
	for _, tt := range tests {
		if got := SubstituteFilter(tt.in); got != tt.want {
			t.Errorf("SubstituteFilter(%s) =\n  %s\nwant\n  %s", tt.in, got, tt.want)
		}
	}
}

// TestSubstituteFilterShell runs the substituted commands through sh with
// filters of the test-filter alphabet that would break naive substitution,
// and checks that every filter outside that alphabet is refused before any
// shell runs, including where the gate nests a shell.
func TestSubstituteFilterShell(t *testing.T) {
	if _, err := exec.LookPath("/bin/sh"); err != nil {
		t.Skip("no /bin/sh on this system")
	}
	filters := []string{
		"Calc.Add",
		"has spaces  and more",
		"a | b && c > e * (f) <g> !h",
		"FullyQualifiedName~A.B|FullyQualifiedName~C",
		"",
	}
	commands := map[string]func(f string) string{
		`printf '%s\n' {filter}`:                      func(f string) string { return f },
		`printf '%s\n' "x={filter}=x"`:                func(f string) string { return "x=" + f + "=x" },
		`printf '%s\n' 'x={filter}=x'`:                func(f string) string { return "x=" + f + "=x" },
		`printf '%s\n' "$(printf '%s' {filter})"`:     func(f string) string { return f },
		`printf '%s\n' '^{filter}$'`:                  func(f string) string { return "^" + f + "$" },
		`sh -c 'printf "%s\n" "$PORTTRACKER_FILTER"'`: func(f string) string { return f },
	}
	for cmd, want := range commands {
		for _, f := range filters {
			dir := t.TempDir()
			var out strings.Builder
			res, err := Run(context.Background(), Command{Name: GateBuild, Command: cmd, Filter: f, Dir: dir, Out: &out})
			if err != nil {
				t.Fatalf("%s with %q: %v", cmd, f, err)
			}
			if res.ExitCode != 0 || out.String() != want(f)+"\n" {
				t.Errorf("%s with filter %q: exit %d, output %q, want %q", cmd, f, res.ExitCode, out.String(), want(f)+"\n")
			}
			if res.Filter != f || res.Command != cmd {
				t.Errorf("result records command %q filter %q, want the configured ones", res.Command, res.Filter)
			}
		}
	}
	hostile := []string{
		"X$(touch pwned)",
		"X`touch pwned`",
		`double "quotes"`,
		`single 'quotes'`,
		"a; touch pwned",
		`trailing backslash\`,
		"line\ntouch pwned",
		"tab\there",
		"$HOME",
	}
	nested := []string{
		`sh -c 'echo {filter}'`,
		`bash -c "echo {filter}"`,
		`eval echo {filter}`,
		`printf '%s\n' {filter}`,
	}
	for _, cmd := range nested {
		for _, f := range hostile {
			dir := t.TempDir()
			_, err := Run(context.Background(), Command{Name: GateTest, Command: cmd, Filter: f, Dir: dir})
			if !errors.Is(err, ErrBadInput) {
				t.Errorf("%s with filter %q: ran (err %v), want it refused", cmd, f, err)
			}
			if m, _ := filepathGlob(dir, "pwned"); m {
				t.Errorf("%s with filter %q ran the filter's command", cmd, f)
			}
		}
	}
}
