package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

// tomlString is s as a TOML basic string (JSON's escapes are TOML's).
func tomlString(s string) string {
	b, _ := json.Marshal(s)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// commentedConfig is the porttracker.toml that init writes: every key with
// what it means and the presets, holding the values of cfg.
func commentedConfig(cfg config.Config) []byte {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	patterns := make([]string, len(cfg.Stubs.Patterns))
	for i, pat := range cfg.Stubs.Patterns {
		patterns[i] = tomlString(pat)
	}
	p(`# porttracker.toml: the configuration of this port, read from the working tree only
# (gate commands never come from the ledger). porttracker init wrote it; edit freely.

[ledger]
# The branch that holds the signed ledger entries.
branch = %s
# The SQLite view rebuilt from the ledger, relative to the repository's root
# (keep it out of git: init adds it to .git/info/exclude).
view = %s
# The most IDs one update or batch-update may move.
max_ids_per_update = %d

[source]
# The code being ported from: its language (go) and its root, relative to the
# repository's root; inventory scan --go reads it and item paths are relative to it.
language = %s
root = %s

[target]
# The code being ported to. language picks the stub-pattern preset and how a
# mapped body is found: "go" or "csharp" (the seed plan's C# list).
language = %s
root = %s

[gates]
# Commands run from the repository's root by sh -c. build must succeed before
# complete; test runs an item's focused tests, {filter} being its filter (for a
# test its target symbol, for a feature --filter or its test_filter), safely
# quoted; full_test is the checkpoint's whole suite.
build = %s
test = %s
full_test = %s
# Optional: runs after a test's focused test, {class} being its target class.
class_test = %s
# How test output is parsed: "dotnet" (dotnet test) or "go" (go test -v or -json).
# A test gate passes only when at least one test passed and none failed.
test_output = %s
# The longest a gate command may run, as a Go duration ("30m").
timeout = %s
# One test run per update: the {filter} of several items is filter_open, their
# filters joined by filter_join, then filter_close. Empty: they follow
# test_output (go: "(A|B)", dotnet: "A|FullyQualifiedName~B").
filter_open = %s
filter_join = %s
filter_close = %s

[stubs]
# Extra regular expressions that mark a stub, added to target.language's preset.
patterns = [%s]
# true: use only these patterns, not the preset.
replace = %t
# true: refuse a mapped body for any line a pattern matches; false (the default):
# judge the body as a whole, and record such lines among real code as warnings.
strict = %t

[plan]
# The most features one task (a plan's feature group) may hold; 0: the default, %d.
max_task_features = %d
`, tomlString(cfg.Ledger.Branch), tomlString(cfg.Ledger.View), cfg.Ledger.MaxIDsPerUpdate,
		tomlString(cfg.Source.Language), tomlString(cfg.Source.Root),
		tomlString(cfg.Target.Language), tomlString(cfg.Target.Root),
		tomlString(cfg.Gates.Build), tomlString(cfg.Gates.Test), tomlString(cfg.Gates.FullTest), tomlString(cfg.Gates.ClassTest),
		tomlString(cfg.Gates.TestOutput), tomlString(cfg.Gates.Timeout),
		tomlString(cfg.Gates.FilterOpen), tomlString(cfg.Gates.FilterJoin), tomlString(cfg.Gates.FilterClose),
		strings.Join(patterns, ", "), cfg.Stubs.Replace, cfg.Stubs.Strict, ledger.DefaultMaxTaskFeatures, cfg.Plan.MaxTaskFeatures)
	return []byte(b.String())
}
