package audit_test

// Benchmarks of porttracker at the scale of a real port: 4,000 features,
// 3,500 tests, 40 batches and a ledger of 20,000 signed entries written by
// three clones that sync with each other (see package internal/gen). Run them
// all, once each, with
//
//	go test -p 1 -run '^$' -bench . -benchtime 1x -timeout 0 ./audit/ ./ledger/
//
// (-p 1 keeps the two packages' benchmarks from running at the same time;
// -timeout 0 lets the first run generate the ledger.) The ledger is
// generated through the real write path the first time (several minutes
// at full size) and kept in $TMPDIR/porttracker-gen; later runs reuse it. PORTTRACKER_BENCH_ENTRIES=N sets the number of entries; -short uses
// a port a tenth the size. Benchmarks that write work on a copy, so that
// the cached ledger stays as generated.
//
// Every command-level benchmark reports ms/op; where a command opens the
// view first, the "command" sub-benchmark includes that and the "query"
// one measures the query alone on an open view.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/audit"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/internal/gen"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
	"github.com/porttracker/porttracker/ledger/signingkey"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// benchLedger returns the generated ledger of this run's size, generating
// it if no earlier run did. Generation's progress goes to standard error.
func benchLedger(b *testing.B, opt gen.Options) *gen.Result {
	b.Helper()
	res, err := gen.Cached(opt, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

func benchOptions(b *testing.B) gen.Options {
	b.Helper()
	opt, err := gen.BenchOptions(testing.Short())
	if err != nil {
		b.Fatal(err)
	}
	return opt
}

// copyLedger copies the generated repository into a temporary directory.
func copyLedger(b *testing.B, res *gen.Result) string {
	b.Helper()
	dir := filepath.Join(b.TempDir(), "repo")
	if err := gen.CopyRepo(res.Dir, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

// session is what every porttracker command opens: the ledger store and
// the view, brought up to the ledger's head.
type session struct {
	store *gitstore.Store
	view  *viewdb.View
	head  plumbing.Hash
}

// open does what a command does before its own work: it opens the
// repository and the view and refreshes the view.
func open(dir string) (*session, error) {
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		return nil, err
	}
	v, err := viewdb.OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		return nil, err
	}
	s := &session{store: store, view: v}
	if s.head, err = store.Head(); err != nil {
		v.Close()
		return nil, err
	}
	if _, err := v.StateAt(s.head); err != nil {
		v.Close()
		return nil, err
	}
	return s, nil
}

func mustOpen(b *testing.B, dir string) *session {
	b.Helper()
	s, err := open(dir)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func (s *session) close() { s.view.Close() }

// perOp reports d, the time of n operations, as milliseconds per operation
// under the given unit.
func perOp(b *testing.B, d time.Duration, n int, unit string) {
	b.ReportMetric(float64(d.Microseconds())/1000/float64(max(n, 1)), unit)
}

// commandAndQuery runs query as a sub-benchmark twice: "command" opens the
// view (as every command does) for each run, "query" runs it on a view
// opened once.
func commandAndQuery(b *testing.B, dir string, query func(*viewdb.View) error) {
	b.Run("command", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			s, err := open(dir)
			if err != nil {
				b.Fatal(err)
			}
			err = query(s.view)
			s.close()
			if err != nil {
				b.Fatal(err)
			}
		}
		perOp(b, time.Since(start), b.N, "ms/op")
	})
	b.Run("query", func(b *testing.B) {
		s := mustOpen(b, dir)
		defer s.close()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if err := query(s.view); err != nil {
				b.Fatal(err)
			}
		}
		perOp(b, time.Since(start), b.N, "ms/op")
	})
}

// BenchmarkLedger reports the size of the generated ledger: entries,
// commits, the loose and packed objects of its repository, the size of the
// repository and of porting.db, and how long generation took.
func BenchmarkLedger(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	// Nothing is timed: the metrics are the point.
	reportRepo(b, res)
	b.ReportMetric(res.Elapsed.Seconds(), "gen-s")
	b.ReportMetric(float64(res.Merges), "merges")
	b.Logf("%s: %d entries, %d commits (%d merges, %d syncs), items %v, %d batches complete, %d started; generated in %s",
		res.Dir, res.Entries, res.Commits, res.Merges, res.Syncs, res.Items, res.BatchesComplete, res.BatchesStarted, res.Elapsed.Round(time.Second))
}

func reportRepo(b *testing.B, res *gen.Result) {
	b.Helper()
	loose, packed, err := gen.CountObjects(res.Dir)
	if err != nil {
		b.Fatal(err)
	}
	size, err := gen.DiskUsage(filepath.Join(res.Dir, ".git"))
	if err != nil {
		b.Fatal(err)
	}
	db, err := os.Stat(filepath.Join(res.Dir, "porting.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(res.Entries), "entries")
	b.ReportMetric(float64(res.Commits), "commits")
	b.ReportMetric(float64(loose), "loose-objects")
	b.ReportMetric(float64(packed), "packed-objects")
	b.ReportMetric(float64(size)/(1<<20), "git-MB")
	b.ReportMetric(float64(db.Size())/(1<<20), "db-MB")
}

// target is an item of a started batch that can move back and forth
// between not_started and stub, as many times as a benchmark needs.
type target struct {
	key ledger.ItemKey
}

// findTarget returns the first feature (else test) of a started batch that
// is not_started or stub.
func findTarget(b *testing.B, v *viewdb.View) target {
	b.Helper()
	return findTargets(b, v, 1)[0]
}

// findTargets returns the first n features (else tests) of started
// batches that are not_started or stub.
func findTargets(b *testing.B, v *viewdb.View, n int) []target {
	b.Helper()
	batches, err := v.Batches()
	if err != nil {
		b.Fatal(err)
	}
	var out []target
	for _, kind := range []ledger.Kind{ledger.Feature, ledger.Test} {
		for _, bt := range batches {
			if bt.Status != ledger.BatchStarted {
				continue
			}
			items, err := v.List(kind, viewdb.ListFilter{Batch: bt.ID})
			if err != nil {
				b.Fatal(err)
			}
			for _, it := range items {
				if (it.Status == ledger.NotStarted || it.Status == ledger.Stub) && !it.Conflict {
					if out = append(out, target{ledger.ItemKey{Kind: kind, ID: it.ID}}); len(out) == n {
						return out
					}
				}
			}
		}
	}
	b.Fatalf("started batches have %d items to move, want %d", len(out), n)
	return nil
}

// request is the move of t away from its current status: not_started to
// stub, or stub back to not_started (which needs a reason).
func (t target) request(st *ledger.State) (ledger.MoveRequest, error) {
	it, err := st.Item(t.key)
	if err != nil {
		return ledger.MoveRequest{}, err
	}
	req := ledger.MoveRequest{Kind: t.key.Kind, IDs: []int{t.key.ID}, To: ledger.Stub}
	if it.Status == ledger.Stub {
		req.To, req.Reason = ledger.NotStarted, "rework: benchmark"
	}
	return req, nil
}

// signer loads the key of the generated ledger's first signer, in dir.
func signer(b *testing.B, dir string) *sshkey.Signer {
	b.Helper()
	return signerN(b, dir, 0)
}

// signerN loads the key of the generated ledger's signer n, in dir.
func signerN(b *testing.B, dir string, n int) *sshkey.Signer {
	b.Helper()
	sg, err := signingkey.LoadSigner(signingkey.KeyOptions{KeyFile: filepath.Join(dir, ".git", gen.KeyDir, fmt.Sprintf("key-%d", n))})
	if err != nil {
		b.Fatal(err)
	}
	return sg
}

// update does what porttracker feature update ID --status S does, but for
// the gates: open and refresh the view, check the move against the rules,
// then write it through Writer.Append. view, when set, wraps the view the
// writer is given. It returns how long the preflight and the write took.
func update(dir string, sg *sshkey.Signer, t target, view func(*viewdb.View) branch.View) (pre, write time.Duration, err error) {
	start := time.Now()
	s, err := open(dir)
	if err != nil {
		return 0, 0, err
	}
	defer s.close()
	st, err := s.view.StateAt(s.head)
	if err != nil {
		return 0, 0, err
	}
	req, err := t.request(st)
	if err != nil {
		return 0, 0, err
	}
	ent, err := ledger.BuildTransition(st, req)
	if err != nil {
		return 0, 0, err
	}
	if err := st.CheckTransition(ent, false); err != nil {
		return 0, 0, err
	}
	mid := time.Now()
	w := &branch.Writer{Store: s.store, Signer: sg, Author: gitstore.Author{Name: "alice", Email: "alice@example.com"}}
	var v branch.View = s.view
	if view != nil {
		v = view(s.view)
	}
	if _, err := w.Append(v, func(st *ledger.State) (*ledger.Entry, error) { return ledger.BuildTransition(st, req) }); err != nil {
		return 0, 0, err
	}
	return mid.Sub(start), time.Since(mid), nil
}

// BenchmarkWrite is one feature update (a status move through
// Writer.Append and the view, as porttracker feature update writes it) on
// a ledger of 10 entries and on one of the full size, both with the full
// inventory: the two should cost the same. It reports the whole command
// (ms/op), its preflight (open-ms: open and refresh the view, check the
// rules) and the write itself (append-ms). Beside them, git-commit-S is
// stock git commit -S of one changed file (one process per commit, signed
// through ssh-keygen with the same key): the yardstick of a write.
func BenchmarkWrite(b *testing.B) {
	full := benchOptions(b)
	tiny := full
	tiny.Entries, tiny.Clones = 10, 1
	b.Run("git-commit-S", func(b *testing.B) { benchGitCommit(b, filepath.Join(benchLedger(b, tiny).Dir, ".git")) })
	for _, opt := range []gen.Options{tiny, full} {
		b.Run(fmt.Sprintf("entries=%d", opt.Entries), func(b *testing.B) {
			res := benchLedger(b, opt)
			dir := copyLedger(b, res)
			sg := signer(b, dir)
			s := mustOpen(b, dir)
			t := findTarget(b, s.view)
			s.close()
			var pre, write time.Duration
			var appends []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, w, err := update(dir, sg, t, nil)
				if err != nil {
					b.Fatal(err)
				}
				pre, write = pre+p, write+w
				appends = append(appends, w)
			}
			b.StopTimer()
			perOp(b, pre+write, b.N, "ms/op")
			perOp(b, pre, b.N, "open-ms/op")
			perOp(b, write, b.N, "append-ms/op")
			// A write now and then also packs the loose objects: the median
			// is the usual write, the maximum the one that packed.
			slices.Sort(appends)
			perOp(b, appends[len(appends)/2], 1, "append-p50-ms")
			perOp(b, appends[len(appends)-1], 1, "append-max-ms")
		})
	}
}

// BenchmarkShow is porttracker feature show: the item, its batch and its
// history with the evidence of each move.
func BenchmarkShow(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	s := mustOpen(b, res.Dir)
	verified, err := s.view.List(ledger.Feature, viewdb.ListFilter{Status: ledger.Verified})
	s.close()
	if err != nil || len(verified) == 0 {
		b.Fatalf("no verified feature to show (%v)", err)
	}
	key := ledger.ItemKey{Kind: ledger.Feature, ID: verified[len(verified)/2].ID}
	commandAndQuery(b, res.Dir, func(v *viewdb.View) error {
		it, err := v.Item(key)
		if err != nil {
			return err
		}
		if _, err := v.Batch(it.Batch); err != nil {
			return err
		}
		hist, err := v.History(key)
		if len(hist) < 3 && err == nil {
			err = fmt.Errorf("%s has %d moves, want at least 3", key, len(hist))
		}
		return err
	})
}

// BenchmarkBatchShow is porttracker batch show: the batch with its counts
// and the status of each of its items.
func BenchmarkBatchShow(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	commandAndQuery(b, res.Dir, func(v *viewdb.View) error {
		bt, err := v.Batch(1)
		if err != nil {
			return err
		}
		if _, err := v.List(ledger.Feature, viewdb.ListFilter{Batch: bt.ID}); err != nil {
			return err
		}
		_, err = v.List(ledger.Test, viewdb.ListFilter{Batch: bt.ID})
		return err
	})
}

// BenchmarkList is porttracker feature list: every feature.
func BenchmarkList(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	commandAndQuery(b, res.Dir, func(v *viewdb.View) error {
		items, err := v.List(ledger.Feature, viewdb.ListFilter{})
		if err == nil && len(items) != res.Options.Features {
			err = fmt.Errorf("listed %d features, want %d", len(items), res.Options.Features)
		}
		return err
	})
}

// saveOnlyHead is a view that the writer cannot bring forward: the entry
// it writes is left for the next refresh to read.
type saveOnlyHead struct{ *viewdb.View }

func (saveOnlyHead) Save(*ledger.State, plumbing.Hash, plumbing.Hash, ...*ledger.Record) error {
	return nil
}

// BenchmarkRefreshOneEntry refreshes a view that is one entry behind the
// ledger's head, as the next command after another clone's write (or a
// git pull) does. "refresh" is View.StateAt on an open view, "command"
// adds opening the view. It reports commits-read, the ledger commits the
// refresh added to the view (1 when it read only the new entry), and
// rebuilt (1 when it replayed the whole ledger instead).
func BenchmarkRefreshOneEntry(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	dir := copyLedger(b, res)
	db := filepath.Join(dir, "porting.db")
	s := mustOpen(b, dir)
	t := findTarget(b, s.view)
	s.close()
	if _, _, err := update(dir, signer(b, dir), t, func(v *viewdb.View) branch.View { return saveOnlyHead{v} }); err != nil {
		b.Fatal(err)
	}
	behind := filepath.Join(b.TempDir(), "behind.db")
	if err := copyDB(db, behind); err != nil {
		b.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		b.Fatal(err)
	}
	head, err := store.Head()
	if err != nil {
		b.Fatal(err)
	}
	for _, withOpen := range []bool{false, true} {
		name := "refresh"
		if withOpen {
			name = "command"
		}
		b.Run(name, func(b *testing.B) {
			var took time.Duration
			read, rebuilt := 0, 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if err := copyDB(behind, db); err != nil {
					b.Fatal(err)
				}
				var v *viewdb.View
				open := func() {
					if v, err = viewdb.OpenView(db, store); err != nil {
						b.Fatal(err)
					}
				}
				if !withOpen {
					open()
				}
				before := countRows(b, db)
				b.StartTimer()
				start := time.Now()
				if withOpen {
					open()
				}
				if _, err := v.StateAt(head); err != nil {
					b.Fatal(err)
				}
				took += time.Since(start)
				b.StopTimer()
				if v.Rebuilt {
					rebuilt++
				}
				read += countRows(b, db) - before
				v.Close()
				b.StartTimer()
			}
			perOp(b, took, b.N, "ms/op")
			b.ReportMetric(float64(read)/float64(b.N), "commits-read")
			b.ReportMetric(float64(rebuilt)/float64(b.N), "rebuilt")
		})
	}
}

// countRows counts the ledger commits a view holds, with its own
// connection.
func countRows(b *testing.B, db string) int {
	b.Helper()
	store, err := gitstore.Open(filepath.Dir(db), ledger.DefaultBranch)
	if err != nil {
		b.Fatal(err)
	}
	v, err := viewdb.OpenView(db, store)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	var n int
	if err := v.DB().QueryRow(`SELECT count(*) FROM ledger_commits`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// copyDB copies a closed SQLite database with its journal files (a missing
// journal file is removed at the destination).
func copyDB(src, dst string) error {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(src + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			if err := os.Remove(dst + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst+suffix, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkSync is porttracker sync after one concurrent entry on each
// side, on a ledger of 1,000 entries and on one of the full size (the two
// should cost the same): two copies of the generated repository each
// record a different feature update; then the first fetches the second's
// ledger, verifies it (as sync does before it merges anything), merges it
// (a merge commit), refreshes its view and pushes the merge back. It
// reports each step's milliseconds, and rebuilt (1 when the refresh
// replayed the whole ledger), under "porttracker"; "git" is stock git
// fetch, merge -S and push of the same branch between the same two
// repositories after the same two updates (see benchGitSync), its
// yardstick.
func BenchmarkSync(b *testing.B) {
	full := benchOptions(b)
	if full.Clones < 2 {
		b.Skip("the ledger has one signer")
	}
	small := full
	small.Entries = min(1000, full.Entries)
	sizes := []gen.Options{small}
	if full.Entries > small.Entries {
		sizes = append(sizes, full)
	}
	for _, opt := range sizes {
		b.Run(fmt.Sprintf("entries=%d", opt.Entries), func(b *testing.B) {
			res := benchLedger(b, opt)
			// Both sides record one feature update: the same two on every run.
			prepare := func(local, other string) {
				s := mustOpen(b, local)
				ts := findTargets(b, s.view, 2)
				s.close()
				if _, _, err := update(local, signer(b, local), ts[0], nil); err != nil {
					b.Fatal(err)
				}
				if _, _, err := update(other, signerN(b, other, 1), ts[1], nil); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("porttracker", func(b *testing.B) { benchSync(b, res, prepare) })
			b.Run("git", func(b *testing.B) { benchGitSync(b, res, prepare) })
		})
	}
}

func benchSync(b *testing.B, res *gen.Result, prepare func(local, other string)) {
	var fetch, verify, merge, refresh, push time.Duration
	rebuilt := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		root := b.TempDir()
		local, other := filepath.Join(root, "local"), filepath.Join(root, "other")
		for _, dir := range []string{local, other} {
			if err := gen.CopyRepo(res.Dir, dir); err != nil {
				b.Fatal(err)
			}
		}
		prepare(local, other)
		sg := signer(b, local)
		s := mustOpen(b, local)
		remote, err := remote.Open(s.store, other)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.StartTimer()
		t0 := time.Now()
		rh, err := remote.Fetch(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		// What sync runs: only what the fetched ledger adds is verified.
		findings, err := audit.VerifyNew(s.view, rh)
		if err != nil || len(findings) > 0 {
			b.Fatalf("verify: %v %v", err, findings)
		}
		t2 := time.Now()
		w := &branch.Writer{Store: s.store, Signer: sg, Author: gitstore.Author{Name: "alice", Email: "alice@example.com"}}
		m, err := w.Merge(rh)
		if err != nil || m.FastForward || m.UpToDate {
			b.Fatalf("merge: %v %+v", err, m)
		}
		t3 := time.Now()
		if _, err := s.view.StateAt(m.Head); err != nil {
			b.Fatal(err)
		}
		t4 := time.Now()
		if err := remote.Push(ctx, rh, m.Head); err != nil {
			b.Fatal(err)
		}
		t5 := time.Now()
		b.StopTimer()
		if s.view.Rebuilt {
			rebuilt++
		}
		s.close()
		fetch, verify, merge, refresh, push = fetch+t1.Sub(t0), verify+t2.Sub(t1), merge+t3.Sub(t2), refresh+t4.Sub(t3), push+t5.Sub(t4)
		b.StartTimer()
	}
	perOp(b, fetch+verify+merge+refresh+push, b.N, "ms/op")
	perOp(b, fetch, b.N, "fetch-ms/op")
	perOp(b, verify, b.N, "verify-ms/op")
	perOp(b, merge, b.N, "merge-ms/op")
	perOp(b, refresh, b.N, "refresh-ms/op")
	perOp(b, push, b.N, "push-ms/op")
	b.ReportMetric(float64(rebuilt)/float64(b.N), "rebuilt")
}

// contains is the code-history check the audit command passes to Audit.
func contains(store *gitstore.Store) func(anc, desc string) (bool, error) {
	return func(anc, desc string) (bool, error) {
		if anc == desc {
			return true, nil
		}
		a, err := store.Commit(plumbing.NewHash(anc))
		if err != nil {
			return false, err
		}
		d, err := store.Commit(plumbing.NewHash(desc))
		if err != nil {
			return false, err
		}
		return a.IsAncestor(d)
	}
}

// BenchmarkAudit is porttracker audit on the whole ledger: "full" is
// audit.Audit as the command runs it (replay, verify every signature and
// rule with the code history at hand, rebuild porting.db); "verify" is
// audit.Verify alone, as the pre-push hook runs it. Each reports
// x-git-log-p, its time over that of git log -p porting-ledger on the
// same repository (see BenchmarkGitLogP).
func BenchmarkAudit(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	dir := copyLedger(b, res)
	gitLog := timeGitLog(b, dir)
	b.Run("full", func(b *testing.B) {
		s := mustOpen(b, dir)
		defer s.close()
		check := contains(s.store)
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			r, err := audit.Audit(s.view, check)
			if err != nil {
				b.Fatal(err)
			}
			if !r.OK() || r.Entries != res.Entries {
				b.Fatalf("audit: %d entries, %d findings %v, %d conflicts, %d mismatches", r.Entries, len(r.Findings), r.Findings, len(r.Conflicts), len(r.Mismatches))
			}
		}
		took := time.Since(start)
		b.StopTimer()
		perOp(b, took, b.N, "ms/op")
		b.ReportMetric(float64(took)/float64(b.N)/float64(gitLog), "x-git-log-p")
		reportRepo(b, res)
	})
	b.Run("verify", func(b *testing.B) {
		store, err := gitstore.Open(dir, ledger.DefaultBranch)
		if err != nil {
			b.Fatal(err)
		}
		head := plumbing.NewHash(res.Head)
		start := time.Now()
		for i := 0; i < b.N; i++ {
			r, err := audit.Verify(store, head, nil)
			if err != nil {
				b.Fatal(err)
			}
			if len(r.Findings) > 0 {
				b.Fatalf("verify: %v", r.Findings[0])
			}
		}
		took := time.Since(start)
		perOp(b, took, b.N, "ms/op")
		b.ReportMetric(float64(took)/float64(b.N)/float64(gitLog), "x-git-log-p")
	})
}

// gitLogP runs stock git log -p on the ledger branch of dir, output
// discarded.
func gitLogP(dir string) error {
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	defer null.Close()
	var stderr strings.Builder
	cmd := exec.Command("git", "log", "-p", ledger.DefaultBranch)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, null, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git log -p: %w: %s", err, stderr.String())
	}
	return nil
}

// timeGitLog is the best of three runs of gitLogP (the first warms the
// page cache, as the audit's own first run does not need to).
func timeGitLog(b *testing.B, dir string) time.Duration {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git binary")
	}
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		if err := gitLogP(dir); err != nil {
			b.Fatal(err)
		}
		best = min(best, time.Since(start))
	}
	return best
}

// BenchmarkGitLogP is stock git log -p porting-ledger on the generated
// repository, output discarded: the yardstick of BenchmarkAudit.
func BenchmarkGitLogP(b *testing.B) {
	res := benchLedger(b, benchOptions(b))
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git binary")
	}
	dir := copyLedger(b, res)
	if err := gitLogP(dir); err != nil { // warm the page cache
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if err := gitLogP(dir); err != nil {
			b.Fatal(err)
		}
	}
	perOp(b, time.Since(start), b.N, "ms/op")
}

// BenchmarkImport7500 is porttracker inventory import of the full
// inventory (4,000 features, 3,500 tests, 40 batches) into a new ledger:
// open and refresh the view, build the inventory entry against it, and
// write it through Writer.Append.
func BenchmarkImport7500(b *testing.B) {
	opt := benchOptions(b)
	features, tests, batches := gen.Inventory(opt)
	var took time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := filepath.Join(b.TempDir(), "repo")
		if _, err := git.PlainInit(dir, false); err != nil {
			b.Fatal(err)
		}
		sg := newSigner(b)
		func() {
			s, err := gitstore.Open(dir, ledger.DefaultBranch)
			if err != nil {
				b.Fatal(err)
			}
			v, err := viewdb.OpenView(filepath.Join(dir, "porting.db"), s)
			if err != nil {
				b.Fatal(err)
			}
			defer v.Close()
			w := &branch.Writer{Store: s, Signer: sg, Author: gitstore.Author{Name: "alice", Email: "alice@example.com"}}
			if _, err := w.Init(v, "alice@example.com"); err != nil {
				b.Fatal(err)
			}
		}()
		b.StartTimer()
		start := time.Now()
		s, err := open(dir)
		if err != nil {
			b.Fatal(err)
		}
		st, err := s.view.StateAt(s.head)
		if err != nil {
			b.Fatal(err)
		}
		if probe, err := ledger.BuildInventory(st, "import bench", features, tests, batches); err != nil || probe == nil {
			b.Fatalf("inventory: %v", err)
		}
		w := &branch.Writer{Store: s.store, Signer: sg, Author: gitstore.Author{Name: "alice", Email: "alice@example.com"}}
		if _, err := w.Append(s.view, func(st *ledger.State) (*ledger.Entry, error) {
			return ledger.BuildInventory(st, "import bench", features, tests, batches)
		}); err != nil {
			b.Fatal(err)
		}
		s.close()
		took += time.Since(start)
	}
	perOp(b, took, b.N, "ms/op")
	b.ReportMetric(float64(len(features)+len(tests)), "items")
}

// newSigner makes a fresh ed25519 signing key.
func newSigner(b *testing.B) *sshkey.Signer {
	b.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	sg, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		b.Fatal(err)
	}
	return sshkey.NewSigner(sg, "benchmark key")
}
