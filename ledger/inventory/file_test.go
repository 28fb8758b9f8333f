package inventory

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseFile(t *testing.T) {
	f, err := Parse("inv.toml", strings.NewReader(`
[[feature]]
id = 1636
source_file = "jetstream_cluster.go"
source_symbol = "(*jetStream).processConsumerAssignment"
target_file = "dotnet/src/Server/JetStream/JetStream.ClusterConsumers.cs"
target_symbol = "JetStream.ProcessConsumerAssignment"
test_filter = "JetStreamClusterConsumerTests"

[[test]]
id = 757
source_symbol = "TestJetStreamClusterConsumerState"

[[batch]]
id = 34
name = "JS Cluster Consumers"
depends = [33]
features = "1636-1693"
tests = "757,761,778"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Features) != 1 || f.Features[0].TestFilter != "JetStreamClusterConsumerTests" || f.Batches[0].Depends[0] != 33 {
		t.Fatalf("parsed %+v", f)
	}
	for name, tc := range map[string]struct{ text, err string }{
		"unknown key":     {"[[feature]]\nid = 1\nsorce = \"x\"\n", "unknown key feature.sorce"},
		"zero id":         {"[[feature]]\nid = 0\n", "positive"},
		"duplicate":       {"[[test]]\nid = 2\n[[test]]\nid = 2\n", "test 2 is defined twice"},
		"unnamed batch":   {"[[batch]]\nid = 1\n", "has no name"},
		"self depend":     {"[[batch]]\nid = 1\nname = \"x\"\ndepends = [1]\n", "depends on itself"},
		"bad id list":     {"[[batch]]\nid = 1\nname = \"x\"\nfeatures = \"3-1\"\n", "runs backwards"},
		"duplicate batch": {"[[batch]]\nid = 1\nname = \"x\"\n[[batch]]\nid = 1\nname = \"y\"\n", "batch 1 is defined twice"},
	} {
		if _, err := Parse("inv.toml", strings.NewReader(tc.text)); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.err)
		}
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add([]byte("[[feature]]\nid = 1\n[[batch]]\nid = 2\nname = \"b\"\nfeatures = \"1\"\n"))
	f.Add([]byte("[[test]]\nid = -1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		// What parses encodes and parses again to the same definitions.
		var buf bytes.Buffer
		if err := file.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		again, err := Parse("again", &buf)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, buf.String())
		}
		if len(again.Features) != len(file.Features) || len(again.Tests) != len(file.Tests) || len(again.Batches) != len(file.Batches) {
			t.Fatal("round trip lost definitions")
		}
	})
}

// sameAsTOML fails unless Parse reads data as parseTOML (the TOML decoder)
// does: the same definitions, or the same error.
func sameAsTOML(t testing.TB, data []byte) {
	t.Helper()
	got, err := Parse("inv.toml", bytes.NewReader(data))
	want, wantErr := parseTOML("inv.toml", data)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("Parse(%q): error %v, the TOML decoder's %v", data, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Parse(%q) = %#v, the TOML decoder's %#v", data, got, want)
	}
}

// TestParseAsTOML: the definitions' own decoder reads a file as the TOML
// decoder does, and what it leaves to the TOML decoder gets the TOML
// decoder's one-line errors, with the line.
func TestParseAsTOML(t *testing.T) {
	long := strings.Repeat("x", 1<<20)
	for name, tc := range map[string]struct{ text, err string }{
		"plain":         {"# inventory\n[[feature]]\n  id = 1\n  source_file = \"a.go\"\n\n[[test]]\n  id = 2\n  removed = true\n[[batch]]\n  id = 1\n  name = \"b\"\n  depends = []\n  features = \"1\"\n", ""},
		"huge line":     {"[[feature]]\nid = 1\nsource_file = \"" + long + "\"\n", "source_file: path is 1048576 bytes long (at most 4096)"},
		"huge bad line": {"[[feature]]\nid = 1\nsource_file = \"" + long + "\n", "line 3, column"},
		"duplicate key": {"[[feature]]\nid = 1\nid = 2\n", "line 3"},
		"bad type":      {"[[feature]]\nid = \"one\"\n", "line 2"},
		"unknown key":   {"[[test]]\nid = 1\nsymbol = \"x\"\n", "unknown key test.symbol (line 3) (see the inventory format in the README)"},
		"batch_def":     {"[[batch_def]]\nid = 1\n", "unknown key batch_def"},
		"zero id":       {"[[feature]]\nid = 0\n", "feature with id 0: ids are positive whole numbers"},
		"twice":         {"[[test]]\nid = 2\n[[test]]\nid = 2\n", "test 2 is defined twice"},
		"CRLF":          {"[[feature]]\r\nid = 1\r\n", ""},
	} {
		t.Run(name, func(t *testing.T) {
			sameAsTOML(t, []byte(tc.text))
			_, err := Parse("inv.toml", strings.NewReader(tc.text))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n")) {
				t.Fatalf("err = %v, want one line with %q", err, tc.err)
			}
		})
	}
}

func FuzzParseAsTOML(f *testing.F) {
	f.Add([]byte("[[feature]]\n  id = 1\n  source_file = \"a\\\"b\\u00e9\"\n[[batch]]\n  id = 2\n  name = \"b\"\n  depends = [1, 3]\n  features = \"1\"\n"))
	f.Add([]byte("[[test]]\nid = 1 # c\nremoved = false\n[[test]]\nid = 1\n"))
	f.Add([]byte("[[feature]]\nid = 1\nid = 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsTOML(t, data)
	})
}
