package ledger

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// tomlDefs is a document of definitions as go-toml decodes it (DecodeTOML).
type tomlDefs struct {
	Features []ItemDef  `toml:"feature"`
	Tests    []ItemDef  `toml:"test"`
	Batches  []BatchDef `toml:"batch_def"`
}

// checkAsTOML fails unless DecodeDefs reads doc as DecodeTOML does whenever
// it accepts it, and returns whether it did.
func checkAsTOML(t testing.TB, doc string) bool {
	t.Helper()
	got, ok := DecodeDefs(doc, "batch_def")
	if !ok {
		return false
	}
	var want tomlDefs
	if err := DecodeTOML([]byte(doc), &want); err != nil {
		t.Fatalf("DecodeDefs accepts what DecodeTOML refuses (%v):\n%q", err, doc)
	}
	if w := (Defs{want.Features, want.Tests, want.Batches}); !reflect.DeepEqual(got, w) {
		t.Fatalf("DecodeDefs reads %q\nas %#v\nDecodeTOML as %#v", doc, got, w)
	}
	return true
}

func TestDecodeDefsAsTOML(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		fast      bool // DecodeDefs reads it (else it leaves it to DecodeTOML)
	}{
		{"empty", "", true},
		{"comments and blank lines", "# inventory\n\n  \t\n# é\n", true},
		{"every field", `[[feature]]
  id = 1636
  source_file = "jetstream_cluster.go"
  source_symbol = "(*jetStream).processConsumerAssignment"
  source_start = 10
  source_end = 99
  source_commit = "aaaa"
  source_digest = "sha256:00"
  target_file = "dotnet/src/JetStream.cs"
  target_symbol = "JetStream.ProcessConsumerAssignment"
  test_filter = "JetStreamClusterConsumerTests"
  removed = true

[[test]]
id=757 # a test
source_symbol="TestX"	# tab before the comment
removed = false

[[batch_def]] # the batch
  id = 34
  name = "JS Cluster Consumers"
  depends = [33, 2]
  features = "1636-1693"
  tests = "757,761"
`, true},
		{"interleaved tables", "[[feature]]\nid = 1\n[[test]]\nid = 2\n[[feature]]\nid = 3\n", true},
		{"empty tables", "[[feature]]\n[[batch_def]]\n", true},
		{"empty and spaced arrays", "[[batch_def]]\nid = 1\ndepends = []\n[[batch_def]]\ndepends = [ 1 ,2,\t3 ]\n", true},
		{"escapes", `[[feature]]
source_file = "a\"b\\c\b\t\n\f\r\u0000\u001f\u007f é 日本 \U0001F600 \u00e9"
`, true},
		{"zero and large numbers", "[[feature]]\nid = 0\nsource_start = 999999999999999999\n", true},
		{"no newline at the end", "[[test]]\nid = 5", true},
		// Left to DecodeTOML, which accepts or refuses them.
		{"unknown key", "[[feature]]\nid = 1\nsorce = \"x\"\n", false},
		{"key before any table", "id = 1\n", false},
		{"other table", "[[feature]]\nid = 1\n[evidence]\n", false},
		{"table not array", "[feature]\nid = 1\n", false},
		{"batch under the file's name", "[[batch]]\nid = 1\n", false},
		{"duplicate key", "[[feature]]\nid = 1\nid = 2\n", false},
		{"key in other case", "[[feature]]\nID = 1\n", false},
		{"quoted key", "[[feature]]\n\"id\" = 1\n", false},
		{"dotted key", "[[feature]]\nid.x = 1\n", false},
		{"string for a number", "[[feature]]\nid = \"1\"\n", false},
		{"number for a string", "[[feature]]\nsource_file = 1\n", false},
		{"bool for a number", "[[feature]]\nid = true\n", false},
		{"signed number", "[[feature]]\nid = -1\n", false},
		{"plus sign", "[[feature]]\nid = +1\n", false},
		{"underscore", "[[feature]]\nid = 1_000\n", false},
		{"leading zero", "[[feature]]\nid = 01\n", false},
		{"hex", "[[feature]]\nid = 0x10\n", false},
		{"float", "[[feature]]\nid = 1.5\n", false},
		{"date", "[[feature]]\nid = 1979-05-27\n", false},
		{"overflow", "[[feature]]\nid = 99999999999999999999\n", false},
		{"literal string", "[[feature]]\nsource_file = 'x'\n", false},
		{"multi-line string", "[[feature]]\nsource_file = \"\"\"x\"\"\"\n", false},
		{"unterminated string", "[[feature]]\nsource_file = \"x\n", false},
		{"bad escape", "[[feature]]\nsource_file = \"\\x41\"\n", false},
		{"surrogate escape", "[[feature]]\nsource_file = \"\\ud800\"\n", false},
		{"short escape", "[[feature]]\nsource_file = \"\\u12\"\n", false},
		{"control byte in string", "[[feature]]\nsource_file = \"a\x01b\"\n", false},
		{"invalid UTF-8 in string", "[[feature]]\nsource_file = \"\xff\"\n", false},
		{"invalid UTF-8 in comment", "# \xff\n", false},
		{"control byte in comment", "# a\x00b\n", false},
		{"CRLF", "[[feature]]\r\nid = 1\r\n", false},
		{"two values", "[[feature]]\nid = 1 2\n", false},
		{"text after header", "[[feature]] x\n", false},
		{"trailing comma", "[[batch_def]]\ndepends = [1,]\n", false},
		{"multi-line array", "[[batch_def]]\ndepends = [\n1]\n", false},
		{"string array", "[[batch_def]]\ndepends = [\"1\"]\n", false},
		{"array for a string", "[[batch_def]]\nname = [1]\n", false},
		{"inline table", "[[feature]]\nid = {}\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkAsTOML(t, tc.doc); got != tc.fast {
				t.Fatalf("DecodeDefs took it: %v, want %v", got, tc.fast)
			}
		})
	}
}

func FuzzDecodeDefs(f *testing.F) {
	f.Add("[[feature]]\n  id = 1\n  source_file = \"a\\u00e9\\\"\"\n  removed = true\n[[batch_def]]\n  depends = [1, 2]\n  name = \"x\" # c\n")
	f.Add("[[test]]\nid = 0\n\n# x\n[[test]]\nid=18446744073709551615\n")
	f.Add("[[batch_def]]\ndepends = []\ntests = \"\\U0010FFFF\"\n")
	f.Fuzz(func(t *testing.T, doc string) {
		checkAsTOML(t, doc)
	})
}

// checkPayloadAsTOML fails unless decodeInventoryPayload reads payload as
// DecodeTOML does whenever it accepts it, and returns whether it did.
func checkPayloadAsTOML(t testing.TB, payload []byte) bool {
	t.Helper()
	var got Entry
	if !decodeInventoryPayload(payload, &got) {
		return false
	}
	var want Entry
	if err := DecodeTOML(payload, &want); err != nil {
		t.Fatalf("decodeInventoryPayload accepts what DecodeTOML refuses (%v):\n%q", err, payload)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeInventoryPayload reads %q\nas %#v\nDecodeTOML as %#v", payload, got, want)
	}
	return true
}

func TestDecodeInventoryPayloadAsTOML(t *testing.T) {
	e := inventoryEntry()
	e.Features = []ItemDef{{ID: 1636, Mapping: Mapping{SourceFile: "a\"b\\c\t\x01 é", SourceStart: 3, TargetSymbol: "X.M"}, Removed: true}, {ID: 2}}
	e.Tests = []ItemDef{{ID: 757, Mapping: Mapping{SourceSymbol: "TestX"}}}
	e.Batches = []BatchDef{{ID: 34, Name: "JS", Depends: []int{33, 2}, Features: "1636,2", Tests: "757"}}
	payload, err := e.EncodePayload()
	if err != nil {
		t.Fatal(err)
	}
	head := string(payload[:strings.Index(string(payload), "\n[[")+1])
	for _, tc := range []struct {
		name, payload string
		fast          bool
	}{
		{"as written", string(payload), true},
		{"no definitions", head, false},
		{"unknown key in the keys", head + "bogus = 1\n" + string(payload[len(head):]), false},
		{"keys define an array too", head + "feature = []\n" + string(payload[len(head):]), false},
		{"in another case", head + "Feature = []\n" + string(payload[len(head):]), false},
		{"other table after", string(payload) + "[[move]]\nid = 1\n", false},
		{"table before", head + "[evidence]\ncode_commit = \"x\"\n" + string(payload[len(head):]), true},
		{"header inside a string", head + "reason = \"\"\"\n[[feature]]\nid = 1\n\"\"\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := checkPayloadAsTOML(t, []byte(tc.payload)); got != tc.fast {
				t.Fatalf("decodeInventoryPayload took it: %v, want %v", got, tc.fast)
			}
		})
	}
	// What DecodePayload returns for an entry as written is the entry.
	got, err := DecodePayload(payload)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, e) {
		t.Fatalf("DecodePayload = %#v, want %#v", got, e)
	}
}

func FuzzDecodeInventoryPayload(f *testing.F) {
	e := inventoryEntry()
	e.Features = []ItemDef{{ID: 1, Mapping: Mapping{SourceFile: "a.go"}}}
	e.Batches = []BatchDef{{ID: 1, Name: "b", Depends: []int{2}}}
	payload, err := e.EncodePayload()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(payload)
	f.Add([]byte("version = 1\n[x]\ny = 2\n[[feature]]\nid = 1\n"))
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkPayloadAsTOML(t, payload)
	})
}

// TestDecodeDefsKeepsNoDocument: the values DecodeDefs reads are strings
// of their own, not substrings that would keep the whole document (a
// third of a gigabyte for a million items) alive while the state holds a
// definition; the items of one file share one copy of its name.
func TestDecodeDefsKeepsNoDocument(t *testing.T) {
	doc := "[[feature]]\nid = 1\nsource_file = \"a.go\"\nsource_symbol = \"F\"\n[[feature]]\nid = 2\nsource_file = \"a.go\"\n"
	d, ok := DecodeDefs(doc, "batch_def")
	if !ok || len(d.Features) != 2 {
		t.Fatalf("DecodeDefs = %v, %v", d, ok)
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(doc)))
	for _, s := range []string{d.Features[0].SourceFile, d.Features[0].SourceSymbol} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= start && p < start+uintptr(len(doc)) {
			t.Errorf("%q is a substring of the document", s)
		}
	}
	if unsafe.StringData(d.Features[0].SourceFile) != unsafe.StringData(d.Features[1].SourceFile) {
		t.Error("two items of one file hold two copies of its name")
	}
}
