package inventory

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/porttracker/porttracker/ledger"
)

// csTree returns a small C# target tree.
func csTree() map[string]string {
	return map[string]string{
		"src/Server/JetStream/JetStream.ClusterConsumers.cs": `namespace NATS.Server.JetStream;

/// <summary>class Fake in a doc comment.</summary>
public sealed partial class JetStream : IJetStream
{
    private readonly object _mu = new();
    public int Count => Compute(1);

    internal void ProcessConsumerAssignment(ConsumerAssignment ca)
    {
        if (ca == null) { return; }
        var s = "}{ class Fake {";
        var c = '{';
        Helper(ca);
    }

    private static (int, string) PairUp(int a) => (a, "");

    public Task<List<int>> JsApiRoutes<T>(T x) where T : class
    {
        return null;
    }

    private sealed class Nested
    {
        public void Inner() { }
    }

    public void AfterNested() { }
}

public interface IJetStream
{
    void ProcessConsumerAssignment(ConsumerAssignment ca);
}
`,
		"src/Server/JetStreamCluster.cs": `public static class JetStreamCluster
{
    public static bool IsGroupLeaderless(RaftGroup g) => false;
}

public class Stream
{
    /* multi-line comment
       public void Fake() { */
    public string Name() { return @"verbatim ""quoted"" {"; }
}

public record Point(int X, int Y);

public class Other
{
    public void OnlyHere(int x) { }
}
`,
		"tests/X.Tests/JetStreamClusterTests1.cs": `namespace X.Tests;

public class JetStreamClusterTests1
{
    [Fact]
    public void ConsumerState_ShouldSucceed()
    {
    }

    [Theory]
    [InlineData(1)]
    public async Task StreamLimits_ShouldWork(int n) { }

    [Fact(Skip = "later")] public void JetStreamClusterSingleReplicaStreams_ShouldSucceed() { }

    [Fact]
    public void Leader_ShouldElect() { }

    [Fact]
    public void Ambiguous_ShouldSucceed() { }

    private void ConsumerStateHelper() { }
}
`,
		"tests/X.Tests/JetStreamClusterTests2.cs": `namespace X.Tests;

public class JetStreamClusterTests2
{
    [Fact]
    public void Leader_ShouldElect() { }

    [Fact]
    public void Ambiguous_ShouldSucceed() { }
}
`,
		"src/obj/Generated.cs": "public class Gen\n{\n    public void Generated() { }\n}\n",
	}
}

func TestSuggestCSharp(t *testing.T) {
	r := newTestRepo(t)
	writeTree(t, filepath.Join(r.dir, "dotnet"), csTree())
	F, T := ledger.Feature, ledger.Test
	item := func(kind ledger.Kind, id int, file, sym string) Known {
		return Known{ItemKey: ledger.ItemKey{Kind: kind, ID: id}, Mapping: ledger.Mapping{SourceFile: file, SourceSymbol: sym, SourceStart: 1, SourceEnd: 2}}
	}
	mapped := item(F, 7, "jetstream.go", "(*jetStream).afterNested")
	mapped.TargetSymbol = "Somewhere.Else"
	gone := item(F, 8, "jetstream.go", "(*jetStream).afterNested")
	gone.Removed = true
	items := []Known{
		item(F, 1, "jetstream_cluster.go", "(*jetStream).processConsumerAssignment"),
		item(F, 2, "jetstream_cluster.go", "isGroupLeaderless"),
		item(F, 3, "stream.go", "(*stream).name"),
		item(F, 4, "jetstream_api.go", "(*Server).jsAPIRoutes"),
		item(F, 5, "jetstream.go", "(*jetStream).afterNested"),
		item(F, 6, "jetstream.go", "(*jetStream).compute"),
		mapped, gone,
		item(F, 9, "jetstream.go", "init"),
		item(F, 10, "stream.go", "(*stream).fake"),
		item(F, 11, "jetstream.go", "pairUp"),
		item(F, 12, "misc.go", "onlyHere"),
		item(F, 13, "misc.go", "generated"),
		item(F, 14, "misc.go", "point"),
		item(T, 757, "jetstream_cluster_1_test.go", "TestJetStreamClusterConsumerState"),
		item(T, 758, "jetstream_cluster_1_test.go", "TestJetStreamClusterSingleReplicaStreams"),
		item(T, 759, "jetstream_cluster_2_test.go", "TestJetStreamClusterLeader"),
		item(T, 760, "other_test.go", "TestJetStreamClusterAmbiguous"),
		item(T, 761, "jetstream_cluster_1_test.go", "TestJetStreamClusterConsumerStateHelper"),
		item(T, 762, "jetstream_cluster_1_test.go", "TestStreamLimits"),
	}
	got, err := Suggest(items, filepath.Join(r.dir, "dotnet"), LangCSharp)
	if err != nil {
		t.Fatal(err)
	}
	const (
		js    = "dotnet/src/Server/JetStream/JetStream.ClusterConsumers.cs"
		jsc   = "dotnet/src/Server/JetStreamCluster.cs"
		tests = "dotnet/tests/X.Tests/JetStreamClusterTests"
	)
	want := map[ledger.ItemKey][2]string{
		{Kind: F, ID: 1}:   {js, "JetStream.ProcessConsumerAssignment"},
		{Kind: F, ID: 2}:   {jsc, "JetStreamCluster.IsGroupLeaderless"},
		{Kind: F, ID: 3}:   {jsc, "Stream.Name"},
		{Kind: F, ID: 4}:   {js, "JetStream.JsApiRoutes"},
		{Kind: F, ID: 5}:   {js, "JetStream.AfterNested"},
		{Kind: F, ID: 11}:  {js, "JetStream.PairUp"},
		{Kind: F, ID: 12}:  {jsc, "Other.OnlyHere"},
		{Kind: T, ID: 757}: {tests + "1.cs", "JetStreamClusterTests1.ConsumerState_ShouldSucceed"},
		{Kind: T, ID: 758}: {tests + "1.cs", "JetStreamClusterTests1.JetStreamClusterSingleReplicaStreams_ShouldSucceed"},
		{Kind: T, ID: 759}: {tests + "2.cs", "JetStreamClusterTests2.Leader_ShouldElect"},
		{Kind: T, ID: 762}: {tests + "1.cs", "JetStreamClusterTests1.StreamLimits_ShouldWork"},
	}
	checkSuggestions(t, items, got, want)
}

func TestSuggestGo(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"pkg/a.go":      "package pkg\n\ntype Server struct{}\n\nfunc (s *Server) Start() {}\n\nfunc helper() {}\n",
		"pkg/a_test.go": "package pkg\n\nimport \"testing\"\n\nfunc TestStart(t *testing.T) {}\n",
		"x/dup.go":      "package x\n\nfunc dup() {}\n\nfunc twice() {}\n",
		"y/dup.go":      "package y\n\nfunc dup() {}\n\nfunc twice() {}\n",
		"broken/b.go":   "package broken {\n",
	})
	F, T := ledger.Feature, ledger.Test
	items := []Known{
		{ItemKey: ledger.ItemKey{Kind: F, ID: 1}, Mapping: ledger.Mapping{SourceFile: "server.go", SourceSymbol: "(*Server).Start"}},
		{ItemKey: ledger.ItemKey{Kind: F, ID: 2}, Mapping: ledger.Mapping{SourceFile: "y/dup.go", SourceSymbol: "dup"}},
		{ItemKey: ledger.ItemKey{Kind: F, ID: 3}, Mapping: ledger.Mapping{SourceFile: "z/dup.go", SourceSymbol: "twice"}},
		{ItemKey: ledger.ItemKey{Kind: F, ID: 4}, Mapping: ledger.Mapping{SourceFile: "a.go", SourceSymbol: "TestStart"}},
		{ItemKey: ledger.ItemKey{Kind: T, ID: 1}, Mapping: ledger.Mapping{SourceFile: "server_test.go", SourceSymbol: "TestStart"}},
	}
	got, err := Suggest(items, root, LangGo)
	if err != nil {
		t.Fatal(err)
	}
	checkSuggestions(t, items, got, map[ledger.ItemKey][2]string{
		{Kind: F, ID: 1}: {"pkg/a.go", "(*Server).Start"},
		{Kind: F, ID: 2}: {"y/dup.go", "dup"},
		{Kind: T, ID: 1}: {"pkg/a_test.go", "TestStart"},
	})
	if _, err := Suggest(items, root, "rust"); err == nil || !strings.Contains(err.Error(), "rust") {
		t.Errorf("unknown language: %v", err)
	}
}

// checkSuggestions compares suggestions with the wanted target file and
// symbol of each item, and checks that the rest of each mapping is kept.
func checkSuggestions(t *testing.T, items []Known, got map[ledger.ItemKey]ledger.Mapping, want map[ledger.ItemKey][2]string) {
	t.Helper()
	byKey := map[ledger.ItemKey]Known{}
	for _, it := range items {
		if !it.Removed {
			byKey[it.ItemKey] = it
		}
	}
	for key, w := range want {
		m, ok := got[key]
		if !ok {
			t.Errorf("%v: no suggestion, want %s %s", key, w[0], w[1])
			continue
		}
		if m.TargetFile != w[0] || m.TargetSymbol != w[1] {
			t.Errorf("%v: suggested %s %s, want %s %s", key, m.TargetFile, m.TargetSymbol, w[0], w[1])
		}
		src := byKey[key].Mapping
		m.TargetFile, m.TargetSymbol = src.TargetFile, src.TargetSymbol
		if m != src {
			t.Errorf("%v: mapping %+v does not keep %+v", key, m, src)
		}
	}
	for key, m := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("%v: unexpected suggestion %s %s", key, m.TargetFile, m.TargetSymbol)
		}
	}
}

func TestCSFileMethods(t *testing.T) {
	src := csTree()["src/Server/JetStream/JetStream.ClusterConsumers.cs"]
	var got []string
	for _, m := range csFileMethods("f.cs", []byte(src)) {
		got = append(got, m.Class+"."+m.Name)
	}
	want := "JetStream.ProcessConsumerAssignment JetStream.PairUp JetStream.JsApiRoutes JetStream.Nested.Inner JetStream.AfterNested"
	if strings.Join(got, " ") != want {
		t.Errorf("methods = %v\nwant %s", got, want)
	}
}
