package branch_test

// Benchmarks of the parts of a full replay (what audit and a view rebuild
// do) on the generated ledger of audit/bench_test.go: walking the
// branch's commits with their tree diffs, reading, parsing and verifying
// every entry and commit signature, applying the entries to a State, and
// replaying them (clocks and authority on the commit graph, then rules).
// Run them with
//
//	go test -run '^$' -bench . -benchtime 1x -timeout 0 ./ledger/branch/
//
// They share the cached ledger, sizes and PORTTRACKER_BENCH_ENTRIES with
// the audit benchmarks, and only read it.

import (
	"os"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/internal/gen"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// benchStore opens the cached generated ledger and returns its head.
func benchStore(b *testing.B) (*gitstore.Store, plumbing.Hash, *gen.Result) {
	b.Helper()
	opt, err := gen.BenchOptions(testing.Short())
	if err != nil {
		b.Fatal(err)
	}
	res, err := gen.Cached(opt, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	store, err := gitstore.Open(res.Dir, ledger.DefaultBranch)
	if err != nil {
		b.Fatal(err)
	}
	return store, plumbing.NewHash(res.Head), res
}

func perOp(b *testing.B, d time.Duration) {
	b.ReportMetric(float64(d.Microseconds())/1000/float64(b.N), "ms/op")
}

// BenchmarkWalk visits every commit of the ledger with the paths it
// changed: the git reading of a replay without the entries themselves.
func BenchmarkWalk(b *testing.B) {
	store, head, res := benchStore(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		n := 0
		if err := store.Walk(head, nil, func(*gitstore.CommitInfo) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != res.Commits {
			b.Fatalf("walked %d commits, want %d", n, res.Commits)
		}
	}
	perOp(b, time.Since(start))
	b.ReportMetric(float64(res.Commits), "commits")
}

// BenchmarkCollect walks the ledger and reads, parses and verifies every
// entry and every commit signature: all of a replay but applying the
// entries.
func BenchmarkCollect(b *testing.B) {
	store, head, res := benchStore(b)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		col, err := branch.Collect(store, head, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(col.Records) != res.Entries || len(col.Findings) > 0 {
			b.Fatalf("%d entries, %d findings; want %d entries", len(col.Records), len(col.Findings), res.Entries)
		}
	}
	perOp(b, time.Since(start))
	b.ReportMetric(float64(res.Entries), "entries")
}

// BenchmarkApply applies every entry of the ledger, in replay order, to an
// empty in-memory State: the rules alone.
func BenchmarkApply(b *testing.B) {
	store, head, res := benchStore(b)
	col, err := branch.Collect(store, head, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		st := ledger.NewState(nil)
		for _, r := range col.Records {
			if err := st.Apply(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	perOp(b, time.Since(start))
	b.ReportMetric(float64(res.Entries), "entries")
}

// BenchmarkReplay replays the collected ledger into an empty State as
// audit's full replay does: the clock and authority checks on the commit
// graph, then the rules.
func BenchmarkReplay(b *testing.B) {
	store, head, res := benchStore(b)
	col, err := branch.Collect(store, head, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		refused, err := ledger.Replay(&col.History, head.String(), ledger.NewState(nil))
		if err != nil || len(refused) > 0 {
			b.Fatalf("replay: %v, %d refused", err, len(refused))
		}
	}
	perOp(b, time.Since(start))
	b.ReportMetric(float64(res.Entries), "entries")
}
