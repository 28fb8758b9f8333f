package gates

import (
	"strings"
	"testing"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
)

func TestClassOf(t *testing.T) {
	for _, tc := range []struct{ symbol, want string }{
		{"JetStreamClusterTests1.ConsumerState_ShouldSucceed", "JetStreamClusterTests1"},
		{"ZB.MOM.NatsNet.Server.Tests.AccountTests.Import_Works", "ZB.MOM.NatsNet.Server.Tests.AccountTests"},
		{"(*Stack).Push", "Stack"},
		{"(Stack).Len", "Stack"},
		{"TestStack_Push", "TestStack"},
		{"TestPushPop", ""},
		{"", ""},
	} {
		if got := ClassOf(tc.symbol); got != tc.want {
			t.Errorf("ClassOf(%q) = %q, want %q", tc.symbol, got, tc.want)
		}
	}
}

func TestClassCommands(t *testing.T) {
	r := &Runner{Config: config.Config{Gates: config.Gates{ClassTest: `dotnet test --filter "FullyQualifiedName~{class}"`}}}
	targets := []Target{
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 1}, Symbol: "A.One"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 2}, Symbol: "A.Two"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Feature, ID: 3}, Symbol: "B.Three"},
		{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 4}, Symbol: "C.Four"},
	}
	cmds, err := r.classCommands("/repo", targets)
	if err != nil {
		t.Fatal(err)
	}
	if len(cmds) != 2 || cmds[0].Filter != "A" || cmds[1].Filter != "C" || cmds[0].Name != GateClassTest {
		t.Fatalf("commands %+v, want one per class of the tests (A, C)", cmds)
	}
	if !strings.Contains(SubstituteFilter(cmds[0].Command), "${"+FilterEnv+"}") {
		t.Fatalf("{class} does not travel as the filter does: %q", cmds[0].Command)
	}
	if _, err := r.classCommands("/repo", []Target{{ItemKey: ledger.ItemKey{Kind: ledger.Test, ID: 5}, Symbol: "TestPushPop"}}); err == nil || !strings.Contains(err.Error(), "names no class") {
		t.Fatalf("a test without a class: %v", err)
	}
	none := &Runner{}
	if cmds, err := none.classCommands("/repo", targets); err != nil || cmds != nil {
		t.Fatalf("without class_test configured: %v %v", cmds, err)
	}
}
