package config

import (
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	good := `
[ledger]
branch = "porting-ledger"
view = "porting.db"
max_ids_per_update = 15
[source]
language = "go"
root = "golang/nats-server/server"
[target]
language = "csharp"
root = "dotnet"
[gates]
build = "dotnet build dotnet/"
test = "dotnet test dotnet/tests/X.Tests/ --filter \"FullyQualifiedName~{filter}\""
full_test = "dotnet test dotnet/tests/X.Tests/"
test_output = "dotnet"
`
	cfg, err := Parse("porttracker.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Target.Language != "csharp" || cfg.Ledger.MaxIDsPerUpdate != 15 || cfg.RefName() != "refs/heads/porting-ledger" || cfg.GateTimeout().Minutes() != 30 {
		t.Fatalf("parsed %+v", cfg)
	}
	for name, tc := range map[string]struct{ text, err string }{
		"misspelt key":   {"[gates]\nbiuld = \"make\"\n", "unknown key gates.biuld"},
		"bad branch":     {"[ledger]\nbranch = \"a b\"\n", "not a valid branch name"},
		"zero max":       {"[ledger]\nmax_ids_per_update = 0\n", "at least 1"},
		"bad language":   {"[target]\nlanguage = \"cobol\"\n", "has no stub preset"},
		"bad output":     {"[gates]\ntest_output = \"junit\"\n", "not known"},
		"bad timeout":    {"[gates]\ntimeout = \"soon\"\n", "not a duration"},
		"not toml":       {"[ledger\n", "porttracker.toml"},
		"defaults apply": {"", ""},
	} {
		_, err := Parse("porttracker.toml", []byte(tc.text))
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.err)
		}
	}
	// What Default writes reads back.
	def := Default()
	data, err := def.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if back, err := Parse("default", data); err != nil || back.Gates.Test != def.Gates.Test {
		t.Fatalf("default config round trip: %v %+v", err, back.Gates)
	}
}

func TestDefaultConfigFor(t *testing.T) {
	for _, lang := range []string{"go", "csharp"} {
		cfg := DefaultFor(lang)
		data, err := cfg.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Parse(lang, data)
		if err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		if back.Target.Language != lang || !strings.Contains(back.Gates.Test, "{filter}") {
			t.Errorf("%s: %+v", lang, back)
		}
	}
	if got := DefaultFor("csharp").Gates.TestOutput; got != "dotnet" {
		t.Errorf("csharp test output %q", got)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("[ledger]\nbranch = \"porting-ledger\"\n[target]\nlanguage = \"go\"\n"))
	f.Add([]byte("[gates]\ntimeout = \"1h\"\n"))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz", data)
		if err != nil {
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("a parsed config does not validate: %v", err)
		}
		if cfg.GateTimeout() <= 0 {
			t.Fatal("non-positive gate timeout")
		}
	})
}
