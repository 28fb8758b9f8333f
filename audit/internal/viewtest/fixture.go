// Package viewtest is the test fixture shared by audit and its packages: a
// real ledger in a temporary git repository, written through branch.Writer
// with a fixed key and a fixed clock, and its porting.db view.
package viewtest

import (
	"bytes"
	"crypto/ed25519"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Fixture is a real ledger in a temporary git repository and its view.
type Fixture struct {
	T *testing.T
	// Store is the ledger's store; W writes through it.
	Store *gitstore.Store
	W     *branch.Writer
	V     *viewdb.View
	// Now is the time the store's clock gives next.
	Now  time.Time
	code int
	// First marks a clone whose view has not been built yet.
	First bool
}

// New makes a repository with a genesis entry signed by alice@example.com
// and its view.
func New(t *testing.T) *Fixture {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	f := &Fixture{T: t, Store: store, Now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	// Each call is half a minute after the one before: entries and commits
	// get distinct, reproducible times.
	store.Now = func() time.Time {
		t := f.Now
		f.Now = f.Now.Add(30 * time.Second)
		return t
	}
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	key, err := ssh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	f.W = &branch.Writer{Store: store, Signer: sshkey.NewSigner(key, "test key"), Author: gitstore.Author{Name: "Alice", Email: "alice@example.com"}}
	if f.V, err = viewdb.OpenView(filepath.Join(dir, "porting.db"), store); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.V.Close() })
	if _, err := f.W.Init(f.V, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	return f
}

// Day moves the clock to 09:00 UTC of day d of March 2025.
func (f *Fixture) Day(d int) { f.Now = time.Date(2025, 3, d, 9, 0, 0, 0, time.UTC) }

// Append writes the entry build gives through the view.
func (f *Fixture) Append(build func(st *ledger.State) (*ledger.Entry, error)) *ledger.Record {
	f.T.Helper()
	rec, err := f.W.Append(f.V, build)
	if err != nil {
		f.T.Fatal(err)
	}
	return rec
}

// Inventory records an inventory entry.
func (f *Fixture) Inventory(features, tests []ledger.ItemDef, batches []ledger.BatchDef) {
	f.T.Helper()
	f.Append(func(st *ledger.State) (*ledger.Entry, error) {
		return ledger.BuildInventory(st, "test", features, tests, batches)
	})
}

// Batch starts or completes batch id.
func (f *Fixture) Batch(id int, action string) {
	f.T.Helper()
	f.Append(func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildBatch(id, action), nil })
}

// Move records a transition; promotions to complete carry passing gate
// evidence, promotions to verified rely on checkpoint.
func (f *Fixture) Move(kind ledger.Kind, ids string, to ledger.Status, reason, checkpoint string) *ledger.Record {
	f.T.Helper()
	list, err := ledger.ParseIDs(ids)
	if err != nil {
		f.T.Fatal(err)
	}
	req := ledger.MoveRequest{Kind: kind, IDs: list, To: to, Reason: reason, Checkpoint: checkpoint}
	if to == ledger.Complete {
		req.Evidence = f.Evidence("stub", "build", "test")
	}
	return f.Append(func(st *ledger.State) (*ledger.Entry, error) { return ledger.BuildTransition(st, req) })
}

// Checkpoint records a passing checkpoint and returns its entry's ID.
func (f *Fixture) Checkpoint() string {
	f.T.Helper()
	ev := f.Evidence("stub", "build", "full_test")
	return f.Append(func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildCheckpoint(ev, ""), nil }).ID
}

// Evidence is passing gates at a new code commit.
func (f *Fixture) Evidence(gates ...string) *ledger.Evidence {
	f.code++
	ev := &ledger.Evidence{CodeCommit: strings.Repeat(fmt.Sprintf("%x", f.code), 40)[:40]}
	for _, g := range gates {
		ev.Gates = append(ev.Gates, ledger.GateResult{Name: g, Command: g + " command", Parsed: g != "stub" && g != "build",
			Passed: 3, DurationMS: 1200, OutputDigest: "sha256:00", OK: true})
	}
	return ev
}

// Feature is feature id of the sample inventory, its source digest digest.
func Feature(id int, digest string) ledger.ItemDef {
	return ledger.ItemDef{ID: id, Mapping: ledger.Mapping{SourceFile: "server/stream.go", SourceSymbol: fmt.Sprintf("(*stream).step%d", id),
		SourceDigest: digest, TargetFile: "dotnet/Stream.cs", TargetSymbol: fmt.Sprintf("Stream.Step%d", id), TestFilter: "StreamTests"}}
}

// Test is test id of the sample inventory.
func Test(id int) ledger.ItemDef {
	return ledger.ItemDef{ID: id, Mapping: ledger.Mapping{SourceFile: "server/stream_test.go", SourceSymbol: fmt.Sprintf("TestStream%d", id),
		TargetFile: "dotnet/StreamTests.cs", TargetSymbol: fmt.Sprintf("StreamTests.Stream%d", id)}}
}

// EditOutside runs the SQL statements stmts on the view at path through a
// connection of its own, as sqlite3 or any other program would: not
// through porttracker's.
func EditOutside(t *testing.T, path, stmts string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(stmts); err != nil {
		t.Fatalf("%s: %v", stmts, err)
	}
}

// Reopen opens the fixture's view afresh, as a new command would, closing
// it when the test ends; what the view says of rebuilding itself collects
// in notices.
func (f *Fixture) Reopen(t *testing.T) (v *viewdb.View, notices *[]string) {
	t.Helper()
	v, err := viewdb.OpenView(f.V.Path, f.Store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	notices = new([]string)
	v.Notice = func(msg string) { *notices = append(*notices, msg) }
	return v, notices
}
