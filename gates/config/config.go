// Package config is porttracker.toml, the working tree's configuration:
// the ledger branch and view, the source and target trees, the gate
// commands and the stub patterns the gates run, and the limits init
// records as the team's policy. Gate commands are read only from the
// working tree's copy, never from ledger content.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/porttracker/porttracker/ledger"
)

// File is the name of the project configuration at the repository root.
const File = "porttracker.toml"

// Config is porttracker.toml. Gate commands are read only from the working
// tree's copy of this file, never from ledger content.
type Config struct {
	Ledger Ledger `toml:"ledger"`
	Source Source `toml:"source"`
	Target Target `toml:"target"`
	Gates  Gates  `toml:"gates"`
	Stubs  Stubs  `toml:"stubs"`
	Plan   Plan   `toml:"plan,omitempty"`
}

// Plan is the team's policy for batch plans. MaxTaskFeatures bounds
// the size of a feature task (a plan's group); 0 means the default, 20.
// The policy entry of the ledger takes this over once it exists; until
// then plan import records the limit it held the plan to in the plan entry.
type Plan struct {
	MaxTaskFeatures int `toml:"max_task_features,omitempty"`
}

// TaskFeatureLimit is the configured size limit of a feature task.
func (c *Config) TaskFeatureLimit() int {
	if c.Plan.MaxTaskFeatures > 0 {
		return c.Plan.MaxTaskFeatures
	}
	return ledger.DefaultMaxTaskFeatures
}

// Ledger names the ledger branch and the view.
type Ledger struct {
	Branch          string `toml:"branch"`
	View            string `toml:"view"`
	MaxIDsPerUpdate int    `toml:"max_ids_per_update"`
}

// Source is the code being ported from.
type Source struct {
	Language string `toml:"language"`
	Root     string `toml:"root"`
}

// Target is the code being ported to; Language picks the stub preset.
type Target struct {
	Language string `toml:"language"`
	Root     string `toml:"root"`
}

// Gates holds the gate commands. In Test, {filter} is replaced by the
// item's filter (shell-quoted).
type Gates struct {
	Build    string `toml:"build"`
	Test     string `toml:"test"`
	FullTest string `toml:"full_test"`
	// ClassTest, when set, runs after the focused test of a test, with
	// {class} replaced by the class of its target symbol.
	ClassTest  string `toml:"class_test"`
	TestOutput string `toml:"test_output"`
	// Timeout bounds each gate command, as a Go duration ("20m").
	Timeout string `toml:"timeout"`
	// FilterOpen, FilterJoin and FilterClose make one {filter} of several
	// items' focused tests, for one test run per update: open, the filters
	// joined by join, close. Unset, they follow test_output: go gives
	// "(A|B)", dotnet "A|FullyQualifiedName~B".
	FilterOpen  string `toml:"filter_open"`
	FilterJoin  string `toml:"filter_join"`
	FilterClose string `toml:"filter_close"`
}

// Stubs extends or replaces the stub patterns of the target language.
type Stubs struct {
	// Patterns are extra regular expressions, added to the preset.
	Patterns []string `toml:"patterns"`
	// Replace drops the preset and uses Patterns alone.
	Replace bool `toml:"replace"`
	// Strict refuses a mapped body for any line that matches a pattern;
	// by default the body is judged as a whole and such lines among real
	// code are only recorded as warnings.
	Strict bool `toml:"strict"`
}

// Default is what init writes when no porttracker.toml exists.
func Default() Config {
	return Config{
		Ledger: Ledger{Branch: ledger.DefaultBranch, View: "porting.db", MaxIDsPerUpdate: 15},
		Source: Source{Language: "go", Root: "."},
		Target: Target{Language: "go", Root: "."},
		Gates: Gates{Build: "go build ./...", Test: "go test -run '^{filter}$' -v ./...", FullTest: "go test -json ./...",
			TestOutput: "go", Timeout: "30m"},
	}
}

// DefaultFor is Default with the target language and gate
// commands of lang ("go" or "csharp"), for init to write.
func DefaultFor(lang string) Config {
	cfg := Default()
	cfg.Target.Language = lang
	if lang == "csharp" {
		cfg.Gates = Gates{
			Build:      "dotnet build",
			Test:       `dotnet test --filter "FullyQualifiedName~{filter}"`,
			FullTest:   "dotnet test",
			TestOutput: "dotnet",
			Timeout:    "30m",
		}
	}
	return cfg
}

// ErrNoConfig is returned by Load when the file does not exist.
var ErrNoConfig = errors.New("no " + File)

// Load reads and checks a porttracker.toml. Missing keys take their
// defaults; unknown keys are an error, so that a misspelt gate is not
// silently ignored.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("%s: %w", path, ErrNoConfig)
	}
	if err != nil {
		return Config{}, err
	}
	return Parse(path, data)
}

// Parse parses the bytes of a porttracker.toml; name is used in errors.
func Parse(name string, data []byte) (Config, error) {
	cfg := Default()
	cfg.Gates = Gates{Timeout: cfg.Gates.Timeout}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&cfg)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %v", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return Config{}, fmt.Errorf("%s: unknown key %s (check its spelling against the README)", name, strings.Join(keys, ", "))
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %v", name, err)
	}
	return cfg, nil
}

// Validate checks the values that every command relies on.
func (c *Config) Validate() error {
	if err := ledger.CheckBranchName(c.Ledger.Branch); err != nil {
		return fmt.Errorf("ledger.branch: %v (use a plain name such as %s)", err, ledger.DefaultBranch)
	}
	if c.Ledger.View == "" {
		return fmt.Errorf("ledger.view is empty (use porting.db)")
	}
	for _, p := range []struct{ key, val string }{{"ledger.view", c.Ledger.View}, {"source.root", c.Source.Root}, {"target.root", c.Target.Root}} {
		if err := ledger.CheckRelPath(p.val); err != nil {
			return fmt.Errorf("%s: %v", p.key, err)
		}
	}
	if c.Plan.MaxTaskFeatures < 0 {
		return fmt.Errorf("plan.max_task_features must be at least 1, not %d", c.Plan.MaxTaskFeatures)
	}
	if c.Ledger.MaxIDsPerUpdate < 1 {
		return fmt.Errorf("ledger.max_ids_per_update must be at least 1, not %d", c.Ledger.MaxIDsPerUpdate)
	}
	switch c.Target.Language {
	case "csharp", "go":
	default:
		return fmt.Errorf("target.language %q has no stub preset (use csharp or go)", c.Target.Language)
	}
	switch c.Gates.TestOutput {
	case "", "dotnet", "go":
	default:
		return fmt.Errorf("gates.test_output %q is not known (use dotnet or go)", c.Gates.TestOutput)
	}
	if c.Gates.Timeout != "" {
		if _, err := time.ParseDuration(c.Gates.Timeout); err != nil {
			return fmt.Errorf("gates.timeout %q is not a duration such as 30m", c.Gates.Timeout)
		}
	}
	return nil
}

// GateTimeout is the configured gate time limit (30 minutes by default).
func (c *Config) GateTimeout() time.Duration {
	d, err := time.ParseDuration(c.Gates.Timeout)
	if err != nil || d <= 0 {
		return 30 * time.Minute
	}
	return d
}

// RefName is the full name of the ledger branch.
func (c *Config) RefName() string { return "refs/heads/" + c.Ledger.Branch }

// Encode writes the configuration as TOML.
func (c *Config) Encode() ([]byte, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Policy is the policy this configuration sets, which init records: its
// limits on IDs per update and on a task's features, and the stub and test
// gates, with the build gate and the class_test gate when they are
// configured.
func (c *Config) Policy() ledger.Policy {
	return ledger.NewPolicy(ledger.PolicySettings{
		MaxIDsPerUpdate: c.Ledger.MaxIDsPerUpdate,
		MaxTaskFeatures: c.TaskFeatureLimit(),
		Build:           strings.TrimSpace(c.Gates.Build) != "",
		ClassTest:       strings.TrimSpace(c.Gates.ClassTest) != "",
	})
}
