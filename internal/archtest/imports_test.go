package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// module is the path of porttracker's module.
const module = "github.com/porttracker/porttracker"

// rule forbids a package of the module (pkg, a path inside the module)
// some imports: with direct, the packages it imports itself; without, every
// package it depends on, that is what is linked into it.
type rule struct {
	pkg       string
	direct    bool
	forbidden []string // import paths; a path ending in "/..." forbids its subtree
	why       string
}

// layers are porttracker's packages from the top down: a package imports
// only porttracker packages of the layers below its own.
var layers = [][]string{
	{"internal/cmd/ptgen"},
	{"cmd/porttracker", "internal/gen"},
	{"audit", "audit/report", "audit/internal/viewtest", "hooks", "ledger/inventory", "ledger/plan"},
	{"gates", "ledger/remote", "audit/viewdb"},
	{"ledger/branch", "gates/config"},
	{"ledger"},
	{"ledger/gitstore", "ledger/signingkey"},
	{"ledger/sshkey"},
	{"gates/csharp", "gates/golang"},
	{"gates/symbol"},
	{"internal/gitrepo", "internal/numfmt"},
}

// Third-party packages by what they are, for the rules.
const (
	goGitTree = "github.com/go-git/..."
	sqlite    = "modernc.org/sqlite/..."
	cliLib    = "github.com/urfave/cli/..."
)

// rules are the import rules that hold today, beside the layers.
var rules = []rule{
	{pkg: "cmd/porttracker", direct: true, forbidden: []string{goGitTree},
		why: "the command line calls use-cases and the storage's methods; it reads no git itself"},
	{pkg: "cmd/porttracker", forbidden: []string{module + "/internal/gen"},
		why: "the benchmark generator is a dev-only tool (internal/cmd/ptgen), not part of the release binary"},
	{pkg: "ledger", direct: true, forbidden: []string{sqlite, cliLib}, why: "the ledger knows nothing of porting.db or the command line"},
	{pkg: "ledger", direct: true, forbidden: []string{"os", "os/exec", module + "/gates/config"}, why: "the ledger reads no files: porttracker.toml is gates/config's, and a policy reaches the ledger as settings"},
	{pkg: "gates/config", direct: true, forbidden: []string{goGitTree, sqlite, cliLib, "os/exec", "net"}, why: "porttracker.toml is read as a file, without git, SQLite, processes or the network"},
	{pkg: "ledger", direct: true, forbidden: []string{goGitTree, module + "/ledger/gitstore", module + "/ledger/remote", module + "/ledger/branch", module + "/internal/gitrepo", "net", "net/http"},
		why: "the domain core knows nothing of git: commits are IDs in its History; the branch, its storage and the remote are ledger/branch's, ledger/gitstore's and ledger/remote's"},
	{pkg: "ledger", forbidden: []string{goGitTree, sqlite, cliLib, module + "/ledger/gitstore", module + "/ledger/remote", module + "/ledger/branch", module + "/ledger/signingkey", module + "/internal/gitrepo"},
		why: "nothing linked into the domain core reads git, porting.db, key files or the agent: of ledger/sshkey it links signing and verifying only"},
	{pkg: "ledger/branch", direct: true, forbidden: []string{sqlite, cliLib, "net", "net/http"}, why: "the write path and the reading of the branch know nothing of porting.db, the network or the command line"},
	{pkg: "ledger/gitstore", direct: true, forbidden: []string{sqlite, cliLib, "net", "net/http"}, why: "the branch storage reads and writes local git objects only"},
	{pkg: "ledger/remote", direct: true, forbidden: []string{sqlite, cliLib}, why: "the remote knows nothing of porting.db or the command line"},
	{pkg: "ledger/sshkey", forbidden: []string{goGitTree, sqlite, cliLib, module + "/internal/gitrepo"}, why: "signatures need no git, SQLite or command line"},
	{pkg: "ledger/sshkey", direct: true, forbidden: []string{"os", "net", "golang.org/x/crypto/ssh/agent"}, why: "signing and verifying read no key files and reach no agent: finding the key is ledger/signingkey's"},
	{pkg: "ledger/signingkey", direct: true, forbidden: []string{goGitTree, sqlite, cliLib}, why: "finding the key reads git configuration through internal/gitrepo, and knows nothing of porting.db or the command line"},
	{pkg: "ledger/plan", direct: true, forbidden: []string{goGitTree, sqlite, cliLib}, why: "plan files are read without git, SQLite or the command line"},
	{pkg: "ledger/inventory", direct: true, forbidden: []string{sqlite, cliLib}, why: "the inventory knows nothing of porting.db or the command line"},
	{pkg: "ledger/inventory", direct: true, forbidden: []string{module + "/gates"}, why: "the inventory reads code through the front ends (gates/csharp, gates/golang, gates/symbol), not the gates"},
	{pkg: "gates/csharp", forbidden: []string{goGitTree, sqlite, cliLib, module + "/ledger/..."}, why: "a front end reads source text only"},
	{pkg: "gates/golang", forbidden: []string{goGitTree, sqlite, cliLib, module + "/ledger/..."}, why: "a front end reads source text only"},
	{pkg: "gates/symbol", forbidden: []string{goGitTree, sqlite, cliLib, module + "/ledger/..."}, why: "the symbol notation is text only"},
	{pkg: "gates", direct: true, forbidden: []string{sqlite, cliLib}, why: "the gates know nothing of porting.db or the command line"},
	{pkg: "hooks", direct: true, forbidden: []string{sqlite, cliLib}, why: "the hooks read the ledger, not porting.db, and know nothing of the command line"},
	{pkg: "audit", direct: true, forbidden: []string{cliLib, sqlite, "database/sql"}, why: "audit verifies and reconciles; porting.db is audit/viewdb's, and audit knows nothing of the command line"},
	{pkg: "audit/viewdb", direct: true, forbidden: []string{cliLib, module + "/gates"}, why: "porting.db knows nothing of the gates or the command line"},
	{pkg: "audit/report", direct: true, forbidden: []string{sqlite, "database/sql", cliLib}, why: "the report writers render a report value: no SQL, no command line"},
	{pkg: "cmd/porttracker", direct: true, forbidden: []string{sqlite, "database/sql"}, why: "commands read porting.db through audit/viewdb, never with SQL of their own"},
	{pkg: "internal/gitrepo", direct: true, forbidden: []string{sqlite, cliLib}, why: "opening a repository needs git only"},
}

// listed is what go list -json says of a package.
type listed struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// goList lists the module's packages with their imports and dependencies.
func goList(t *testing.T) map[string]listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v: %s", err, stderr.String())
	}
	pkgs, err := decodeList(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

// decodeList reads the stream of JSON objects go list -json prints.
func decodeList(r io.Reader) (map[string]listed, error) {
	pkgs := map[string]listed{}
	dec := json.NewDecoder(r)
	for {
		var p listed
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			return pkgs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("decode go list output: %w", err)
		}
		pkgs[p.ImportPath] = p
	}
}

// violations are the imports of p that r forbids.
func (r rule) violations(p listed) []string {
	imports := p.Deps
	if r.direct {
		imports = p.Imports
	}
	var bad []string
	for _, imp := range imports {
		for _, f := range r.forbidden {
			if imp == f || (strings.HasSuffix(f, "/...") && (imp == strings.TrimSuffix(f, "/...") || strings.HasPrefix(imp, strings.TrimSuffix(f, "...")))) {
				bad = append(bad, imp)
			}
		}
	}
	return bad
}

// TestImportRules fails when a package imports what its rule forbids.
func TestImportRules(t *testing.T) {
	pkgs := goList(t)
	for _, r := range rules {
		p, ok := pkgs[module+"/"+r.pkg]
		if !ok {
			t.Errorf("rule for %s: no such package in the module", r.pkg)
			continue
		}
		for _, imp := range r.violations(p) {
			t.Errorf("%s imports %s: %s", r.pkg, imp, r.why)
		}
	}
}

// layerOf is the layer of pkg (a path inside the module), -1 when it has
// none.
func layerOf(pkg string) int {
	for i, l := range layers {
		for _, p := range l {
			if p == pkg {
				return i
			}
		}
	}
	return -1
}

// TestLayers fails when a package imports a porttracker package of its own
// layer or of one above, or when a package is in no layer.
func TestLayers(t *testing.T) {
	for path, p := range goList(t) {
		pkg, ok := strings.CutPrefix(path, module+"/")
		if !ok {
			continue
		}
		if strings.HasPrefix(pkg, "internal/archtest") {
			continue // tests only
		}
		own := layerOf(pkg)
		if own < 0 {
			t.Errorf("%s is in no layer: add it to layers and to README's map", pkg)
			continue
		}
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, module+"/")
			if !ok {
				continue
			}
			if l := layerOf(dep); l <= own {
				t.Errorf("%s imports %s, which is not in a layer below its own (see README, \"How it is built\")", pkg, dep)
			}
		}
	}
}

// TestRuleViolations checks the matching of forbidden imports on made-up
// packages, so that a rule that can never match is caught.
func TestRuleViolations(t *testing.T) {
	p := listed{Imports: []string{"fmt", "github.com/go-git/go-git/v5"},
		Deps: []string{"fmt", "github.com/go-git/go-git/v5", "github.com/go-git/go-git/v5/plumbing", "modernc.org/sqlite", "net/http"}}
	for _, tc := range []struct {
		name string
		r    rule
		want string
	}{
		{"direct exact", rule{direct: true, forbidden: []string{"github.com/go-git/go-git/v5"}}, "github.com/go-git/go-git/v5"},
		{"direct subtree", rule{direct: true, forbidden: []string{"github.com/go-git/go-git/v5/..."}}, "github.com/go-git/go-git/v5"},
		{"direct misses deps", rule{direct: true, forbidden: []string{"modernc.org/sqlite"}}, ""},
		{"deps subtree", rule{forbidden: []string{"github.com/go-git/..."}}, "github.com/go-git/go-git/v5,github.com/go-git/go-git/v5/plumbing"},
		{"deps exact", rule{forbidden: []string{"net/http", "net"}}, "net/http"},
		{"prefix is not a subtree", rule{forbidden: []string{"github.com/go-git/go-gi/..."}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(tc.r.violations(p), ","); got != tc.want {
				t.Errorf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDecodeList reads a stream like go list's.
func TestDecodeList(t *testing.T) {
	pkgs, err := decodeList(strings.NewReader(`{"ImportPath":"a","Imports":["b"]}` + "\n" + `{"ImportPath":"b","Deps":["c"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 2 || pkgs["a"].Imports[0] != "b" || pkgs["b"].Deps[0] != "c" {
		t.Errorf("decoded %+v", pkgs)
	}
	if _, err := decodeList(strings.NewReader(`{"ImportPath":`)); err == nil {
		t.Error("a truncated stream decoded without error")
	}
}
