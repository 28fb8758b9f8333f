package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// ConfigFile is the name of the project configuration at the repository root.
const ConfigFile = "porttracker.toml"

// Config is porttracker.toml. Gate commands are read only from the working
// tree's copy of this file, never from ledger content.
type Config struct {
	Ledger LedgerConfig `toml:"ledger"`
	Source SourceConfig `toml:"source"`
	Target TargetConfig `toml:"target"`
	Gates  GatesConfig  `toml:"gates"`
	Stubs  StubsConfig  `toml:"stubs"`
	Plan   PlanConfig   `toml:"plan,omitempty"`
}

// PlanConfig is the team's policy for batch plans. MaxTaskFeatures bounds
// the size of a feature task (a plan's group); 0 means the default, 20.
// The policy entry of the ledger takes this over once it exists; until
// then plan import records the limit it held the plan to in the plan entry.
type PlanConfig struct {
	MaxTaskFeatures int `toml:"max_task_features,omitempty"`
}

// TaskFeatureLimit is the configured size limit of a feature task.
func (c *Config) TaskFeatureLimit() int {
	if c.Plan.MaxTaskFeatures > 0 {
		return c.Plan.MaxTaskFeatures
	}
	return DefaultMaxTaskFeatures
}

// LedgerConfig names the ledger branch and the view.
type LedgerConfig struct {
	Branch          string `toml:"branch"`
	View            string `toml:"view"`
	MaxIDsPerUpdate int    `toml:"max_ids_per_update"`
}

// SourceConfig is the code being ported from.
type SourceConfig struct {
	Language string `toml:"language"`
	Root     string `toml:"root"`
}

// TargetConfig is the code being ported to; Language picks the stub preset.
type TargetConfig struct {
	Language string `toml:"language"`
	Root     string `toml:"root"`
}

// GatesConfig holds the gate commands. In Test, {filter} is replaced by the
// item's filter (shell-quoted).
type GatesConfig struct {
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

// StubsConfig extends or replaces the stub patterns of the target language.
type StubsConfig struct {
	// Patterns are extra regular expressions, added to the preset.
	Patterns []string `toml:"patterns"`
	// Replace drops the preset and uses Patterns alone.
	Replace bool `toml:"replace"`
	// Strict refuses a mapped body for any line that matches a pattern;
	// by default the body is judged as a whole and such lines among real
	// code are only recorded as warnings.
	Strict bool `toml:"strict"`
}

// DefaultConfig is what init writes when no porttracker.toml exists.
func DefaultConfig() Config {
	return Config{
		Ledger: LedgerConfig{Branch: DefaultBranch, View: "porting.db", MaxIDsPerUpdate: 15},
		Source: SourceConfig{Language: "go", Root: "."},
		Target: TargetConfig{Language: "go", Root: "."},
		Gates: GatesConfig{Build: "go build ./...", Test: "go test -run '^{filter}$' -v ./...", FullTest: "go test -json ./...",
			TestOutput: "go", Timeout: "30m"},
	}
}

// DefaultConfigFor is DefaultConfig with the target language and gate
// commands of lang ("go" or "csharp"), for init to write.
func DefaultConfigFor(lang string) Config {
	cfg := DefaultConfig()
	cfg.Target.Language = lang
	if lang == "csharp" {
		cfg.Gates = GatesConfig{
			Build:      "dotnet build",
			Test:       `dotnet test --filter "FullyQualifiedName~{filter}"`,
			FullTest:   "dotnet test",
			TestOutput: "dotnet",
			Timeout:    "30m",
		}
	}
	return cfg
}

// DefaultBranch is the ledger branch unless porttracker.toml names another.
const DefaultBranch = "porting-ledger"

// ErrNoConfig is returned by LoadConfig when the file does not exist.
var ErrNoConfig = errors.New("no " + ConfigFile)

// LoadConfig reads and checks a porttracker.toml. Missing keys take their
// defaults; unknown keys are an error, so that a misspelt gate is not
// silently ignored.
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("%s: %w", path, ErrNoConfig)
	}
	if err != nil {
		return Config{}, err
	}
	return ParseConfig(path, data)
}

// ParseConfig parses the bytes of a porttracker.toml; name is used in errors.
func ParseConfig(name string, data []byte) (Config, error) {
	cfg := DefaultConfig()
	cfg.Gates = GatesConfig{Timeout: cfg.Gates.Timeout}
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
	if err := CheckBranchName(c.Ledger.Branch); err != nil {
		return fmt.Errorf("ledger.branch: %v (use a plain name such as %s)", err, DefaultBranch)
	}
	if c.Ledger.View == "" {
		return fmt.Errorf("ledger.view is empty (use porting.db)")
	}
	for _, p := range []struct{ key, val string }{{"ledger.view", c.Ledger.View}, {"source.root", c.Source.Root}, {"target.root", c.Target.Root}} {
		if err := CheckRelPath(p.val); err != nil {
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
