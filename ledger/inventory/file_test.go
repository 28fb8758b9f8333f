package inventory

import (
	"bytes"
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
