package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
)

// The commented porttracker.toml reads back as the configuration it was
// written from, and explains every key before it.
func TestCommentedConfig(t *testing.T) {
	for _, lang := range []string{"go", "csharp"} {
		cfg := config.DefaultFor(lang)
		cfg.Stubs.Patterns = []string{`\bHACK\b`, `"quoted" <x> & y`}
		// Values other than the defaults, so that a key the template leaves
		// out fails the read-back below.
		cfg.Stubs.Strict = true
		cfg.Gates.FilterOpen, cfg.Gates.FilterJoin, cfg.Gates.FilterClose = "^(", "|", ")$"
		cfg.Plan.MaxTaskFeatures = 25
		data := commentedConfig(cfg)
		path := filepath.Join(t.TempDir(), config.File)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := config.Load(path)
		if err != nil {
			t.Fatalf("%s: %v\n%s", lang, err, data)
		}
		if !reflect.DeepEqual(got, cfg) {
			t.Errorf("%s: read back\n%+v\nwant\n%+v", lang, got, cfg)
		}
		lines := strings.Split(string(data), "\n")
		for i, line := range lines {
			if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "[") {
				continue
			}
			if i == 0 || !strings.HasPrefix(lines[i-1], "#") && !strings.Contains(lines[i-1], " = ") {
				t.Errorf("%s: key line %q has no comment before it", lang, line)
			}
		}
		for _, key := range []string{"branch", "view", "max_ids_per_update", "language", "root", "build", "test", "full_test",
			"class_test", "test_output", "timeout", "filter_open", "filter_join", "filter_close", "patterns", "replace", "strict",
			"max_task_features"} {
			if !strings.Contains(string(data), "\n"+key+" = ") {
				t.Errorf("%s: no %s key", lang, key)
			}
		}
	}
}
