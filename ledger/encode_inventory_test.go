package ledger

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

// referencePayload is what EncodePayload wrote before appendDefs: the
// whole entry through the TOML encoder.
func referencePayload(t testing.TB, e *Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(payloadHeader)
	if err := toml.NewEncoder(&buf).Encode(e); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\n")) {
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// sameAsReference fails unless e encodes as the TOML encoder encodes it.
func sameAsReference(t testing.TB, e *Entry) {
	t.Helper()
	got, err := e.EncodePayload()
	if err != nil {
		t.Fatal(err)
	}
	if want := referencePayload(t, e); !bytes.Equal(got, want) {
		t.Fatalf("payload differs from the TOML encoder's:\n got %q\nwant %q", got, want)
	}
}

func inventoryEntry() *Entry {
	return &Entry{Version: 1, Kind: KindInventory, Signer: "alice@example.com", Time: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC), Clock: 7,
		Summary: "inventory: 2 features", Source: "import inventory.toml"}
}

func TestEncodeInventoryAsTOMLEncoder(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(e *Entry)
	}{
		{"no definitions", func(e *Entry) {}},
		{"every field", func(e *Entry) {
			e.Features = []ItemDef{{ID: 1636, Mapping: Mapping{SourceFile: "jetstream_cluster.go", SourceSymbol: "(*jetStream).processConsumerAssignment",
				SourceStart: 10, SourceEnd: 99, SourceCommit: strings.Repeat("a", 40), SourceDigest: "sha256:" + strings.Repeat("0", 64),
				TargetFile: "dotnet/src/JetStream.cs", TargetSymbol: "JetStream.ProcessConsumerAssignment", TestFilter: "JetStreamClusterConsumerTests"}, Removed: true}}
			e.Tests = []ItemDef{{ID: 757, Mapping: Mapping{SourceSymbol: "TestX"}}}
			e.Batches = []BatchDef{{ID: 34, Name: "JS Cluster Consumers", Depends: []int{33, 2}, Features: "1636-1693", Tests: "757,761"}}
		}},
		{"only tests", func(e *Entry) { e.Tests = []ItemDef{{ID: 1}, {ID: 2, Removed: true}} }},
		{"only batches", func(e *Entry) { e.Batches = []BatchDef{{ID: 1}, {ID: -2, Name: "x", Depends: []int{}}} }},
		{"negative and zero numbers", func(e *Entry) {
			e.Features = []ItemDef{{ID: 0, Mapping: Mapping{SourceStart: -1, SourceEnd: 0}}}
		}},
		{"escapes", func(e *Entry) {
			e.Features = []ItemDef{{ID: 1, Mapping: Mapping{SourceFile: "a\"b\\c\b\t\n\f\r\x00\x01\x1f\x7f é 日本 \xff\xfe", TargetSymbol: "'single' and \"\"\" triple"}}}
			e.Batches = []BatchDef{{ID: 1, Name: "tab\there"}}
		}},
		{"other tables take the general encoder", func(e *Entry) {
			e.Features = []ItemDef{{ID: 1}}
			e.Evidence = &Evidence{CodeCommit: "abc"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := inventoryEntry()
			tc.edit(e)
			sameAsReference(t, e)
		})
	}
}

func FuzzEncodeInventory(f *testing.F) {
	f.Add(1, "a.go", "(*T).m", 3, 0, "dotnet/x.cs", "X.M", "filter", true, "batch", "1-3")
	f.Add(-5, "\x00\"\\\n", "日本", 0, -1, "", "", "", false, "", "")
	f.Add(0, "\xff", "\x7f\x1b", 1, 2, "\r\t", "\b\f", "'", true, "\"\"\"", "")
	f.Fuzz(func(t *testing.T, id int, file, sym string, start, end int, tfile, tsym, filter string, removed bool, name, ids string) {
		e := inventoryEntry()
		m := Mapping{SourceFile: file, SourceSymbol: sym, SourceStart: start, SourceEnd: end, SourceCommit: filter,
			SourceDigest: sym, TargetFile: tfile, TargetSymbol: tsym, TestFilter: filter}
		e.Features = []ItemDef{{ID: id, Mapping: m, Removed: removed}, {ID: id + 1}}
		e.Tests = []ItemDef{{ID: end, Mapping: m}}
		e.Batches = []BatchDef{{ID: start, Name: name, Depends: []int{id, end}, Features: ids, Tests: file}}
		sameAsReference(t, e)
	})
}
