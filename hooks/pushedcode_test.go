package hooks

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// promotedState is a state, built by the ledger's own rules with a fake
// signature check, in which feature 1 (target a.go F) is complete and
// feature 2 (target a.go G) only claimed.
func promotedState(t *testing.T) *ledger.State {
	t.Helper()
	st := ledger.NewState(nil)
	const signer, key = "alice@example.com", "ssh-ed25519 AAAApushedcodetestkey"
	n := 0
	apply := func(e *ledger.Entry) {
		t.Helper()
		n++
		e.Version, e.Signer, e.Clock = ledger.FormatVersion, signer, st.Last.Clock+1
		e.Time = time.Unix(1700000000+int64(n), 0).UTC()
		if err := st.Apply(&ledger.Record{ID: fmt.Sprintf("%040x", n), Entry: e, SigKey: key}); err != nil {
			t.Fatalf("apply %s entry: %v", e.Kind, err)
		}
	}
	apply(&ledger.Entry{Kind: ledger.KindGenesis, Identity: signer, Key: key})
	mapping := func(sym string) ledger.Mapping {
		return ledger.Mapping{SourceFile: "src.go", SourceSymbol: sym, TargetFile: "a.go", TargetSymbol: sym}
	}
	e, err := ledger.BuildInventory(st, "inventory", []ledger.ItemDef{{ID: 1, Mapping: mapping("F")}, {ID: 2, Mapping: mapping("G")}}, nil,
		[]ledger.BatchDef{{ID: 1, Name: "one", Features: "1-2"}})
	if err != nil {
		t.Fatal(err)
	}
	apply(e)
	apply(ledger.BuildBatch(1, ledger.ActionStart))
	move := func(to ledger.Status, ids ...int) {
		t.Helper()
		req := ledger.MoveRequest{Kind: ledger.Feature, IDs: ids, To: to}
		if to == ledger.Complete {
			req.Evidence = &ledger.Evidence{CodeCommit: strings.Repeat("01", 20), Gates: []ledger.GateResult{
				{Name: "stub", OK: true}, {Name: "test", OK: true, Parsed: true, Passed: 1}}}
			req.Reason = "ported without a red run"
		}
		e, err := ledger.BuildTransition(st, req)
		if err != nil {
			t.Fatal(err)
		}
		apply(e)
	}
	move(ledger.Stub, 1, 2)
	move(ledger.Complete, 1)
	return st
}

// TestPushedCode is pre-receive's check of pushed code, on commits made by
// stock git: a push that puts a stub back in the complete feature's body
// is refused, one that stubs only the claimed feature is not.
func TestPushedCode(t *testing.T) {
	needGit(t)
	st := promotedState(t)
	dir := newRepo(t, map[string]string{"a.go": "package a\n\nfunc F() int {\n\treturn 1\n}\n\nfunc G() int {\n\treturn 2\n}\n"}, true)
	first := gitRun(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"a.go": "package a\n\nfunc F() int {\n\treturn 1\n}\n\nfunc G() int {\n\tpanic(\"not implemented\")\n}\n"})
	gitRun(t, dir, "commit", "-q", "-am", "stub G")
	stubG := gitRun(t, dir, "rev-parse", "HEAD")
	writeFiles(t, dir, map[string]string{"a.go": "package a\n\nfunc F() int {\n\tpanic(\"not implemented\")\n}\n\nfunc G() int {\n\treturn 2\n}\n"})
	gitRun(t, dir, "commit", "-q", "-am", "stub F")
	stubF := gitRun(t, dir, "rev-parse", "HEAD")
	// F's body back, its only statement marked TODO, with a
	// porttracker.toml beside it.
	writeFiles(t, dir, map[string]string{
		"porttracker.toml": "[target]\nlanguage = \"go\"\n\n[stubs]\npatterns = []\nreplace = true\n",
		"a.go":             "package a\n\nfunc F() int {\n\t// TO" + "DO: tidy\n\treturn 1\n}\n\nfunc G() int {\n\treturn 2\n}\n",
	})
	gitRun(t, dir, "add", "porttracker.toml", "a.go")
	gitRun(t, dir, "commit", "-q", "-m", "config")
	configCommit := gitRun(t, dir, "rev-parse", "HEAD")
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := config.Default()
	server := gitstore.NewHash(first)
	for _, tc := range []struct {
		name     string
		old, sha string
		server   gitstore.Hash
		want     string
	}{
		{"unchanged body", "", first, server, ""},
		{"claimed item stubbed", first, stubG, server, ""},
		{"complete item stubbed", stubG, stubF, server, "feature 1 (a.go F): stub in its body"},
		{"only statement marked TODO", stubF, configCommit, server, "feature 1 (a.go F): stub in its body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := PushedCode(store, st, cfg, tc.old, tc.sha, tc.server)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == "" {
				if len(got) > 0 {
					t.Fatalf("PushedCode = %q, want nothing", got)
				}
				return
			}
			if len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
				t.Fatalf("PushedCode = %q, want one line starting %q", got, tc.want)
			}
		})
	}
}
