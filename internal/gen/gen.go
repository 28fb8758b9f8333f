// Package gen generates realistic porttracker ledgers, for benchmarks and
// for trying porttracker at scale.
//
// Generate writes every entry through the real write path: branch.Writer
// with an viewdb.View (porting.db) in each of several clones of one
// repository, which exchange their ledgers the way porttracker sync does
// (fetch, merge, push). The rules of the status model are checked at every
// write, so a generated ledger audits clean.
//
// The benchmarks of package audit use it; run them with
//
//	go test -p 1 -run '^$' -bench . -benchtime 1x -timeout 0 ./audit/ ./ledger/
//
// (see audit/bench_test.go for the sizes and PORTTRACKER_BENCH_ENTRIES).
package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/remote"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Version names the shape of the ledgers Generate writes; it changes
// whenever Generate would write a different ledger for the same options,
// so that caches keyed by it are not reused across such a change.
const Version = 1

// Options size a generated ledger.
type Options struct {
	// Features and Tests are the items of the inventory; Batches the
	// batches they are split into.
	Features, Tests, Batches int
	// Entries is the number of ledger entries to write (merge commits add
	// none). Generation stops there, in the middle of the port, unless the
	// port is finished first.
	Entries int
	// Clones is the number of repositories that write entries: the
	// generated one and Clones-1 clones of it.
	Clones int
	// Seed makes the ledger deterministic: keys, items, dependencies, the
	// order of the work and the entries' times all derive from it.
	Seed uint64
}

// Default is a real port of a Go server: 4,000 features, 3,500 tests and
// 40 batches, 20,000 entries written by three clones.
func Default() Options {
	return Options{Features: 4000, Tests: 3500, Batches: 40, Entries: 20000, Clones: 3, Seed: 1}
}

// String names the options, for cache keys and messages.
func (o Options) String() string {
	return fmt.Sprintf("f%d-t%d-b%d-e%d-c%d-s%d", o.Features, o.Tests, o.Batches, o.Entries, o.Clones, o.Seed)
}

// ErrOptions is wrapped by the errors of options that cannot make a
// ledger, and of a directory that cannot take one.
var ErrOptions = errors.New("gen: invalid options")

func (o Options) check() error {
	switch {
	case o.Batches < 1:
		return fmt.Errorf("%w: %d batches: want at least one", ErrOptions, o.Batches)
	case o.Features < 0 || o.Tests < 0 || o.Features+o.Tests < 1:
		return fmt.Errorf("%w: %d features and %d tests: want at least one item", ErrOptions, o.Features, o.Tests)
	case o.Clones < 1:
		return fmt.Errorf("%w: %d clones: want at least one", ErrOptions, o.Clones)
	case o.Entries < o.Clones+1:
		return fmt.Errorf("%w: %d entries: the genesis, signer and inventory entries alone are %d", ErrOptions, o.Entries, o.Clones+1)
	}
	return nil
}

// Result describes a generated ledger.
type Result struct {
	Options Options `json:"options"`
	// Dir is the repository; its view is Dir/porting.db.
	Dir string `json:"dir"`
	// Head is the ledger branch's commit.
	Head string `json:"head"`
	// Entries counts the ledger's entries; Commits its commits (one per
	// entry, plus the merge commits, counted in Merges).
	Entries int `json:"entries"`
	Commits int `json:"commits"`
	Merges  int `json:"merges"`
	// Syncs counts the syncs of a clone with the generated repository.
	Syncs int `json:"syncs"`
	// CodeCommits are the commits of the code branch, main.
	CodeCommits int `json:"code_commits"`
	// Items counts the features and tests by status at the end.
	Items map[ledger.Status]int `json:"items"`
	// BatchesComplete and BatchesStarted count the batches by status.
	BatchesComplete int `json:"batches_complete"`
	BatchesStarted  int `json:"batches_started"`
	// Identities are the signers, one per clone; Keys their private key
	// files (Keys[0] signed the genesis entry).
	Identities []string `json:"identities"`
	Keys       []string `json:"keys"`
	// Elapsed is how long generation took.
	Elapsed time.Duration `json:"elapsed_ns"`
}

// Generate creates a git repository at dir (which must not exist or be
// empty) with a code history on main and a ledger of opt.Entries entries
// on porting-ledger, and its view dir/porting.db up to date.
//
// The ledger is what a team of opt.Clones developers writes: the first
// signs the genesis entry, adds the others as signers and imports the
// inventory (see Inventory); then each clone, in turn, starts a batch whose
// dependencies it knows complete, claims, completes (with passing stub,
// build and test gates at a code commit), checkpoints, verifies and
// sometimes defers or reworks that batch's items, mostly one at a time and
// at times up to 15 at once, and completes the batch. Every few hundred
// entries each clone syncs as porttracker sync does (but for verifying
// what it fetched): it fetches the generated repository's ledger, merges
// it with its own (a signed merge commit when both moved) and pushes the
// result back. The work is spread so that the entry budget runs out when
// about nine tenths of the port is done.
//
// Progress lines go to progress, which may be nil. Clones are made with
// go-git's file transport, which runs git-upload-pack: git must be
// installed. They are removed at the end; the signing keys stay under
// dir/.git/porttracker-gen.
func Generate(dir string, opt Options, progress io.Writer) (*Result, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%w: %s is not empty", ErrOptions, dir)
	}
	g := &generator{opt: opt, dir: dir, progress: progress, began: time.Now(),
		rng:   rand.New(rand.NewPCG(opt.Seed, 0x666c6f77)), // "flow"
		clock: time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC), nextReport: 1000}
	defer g.close()
	if err := g.setUp(); err != nil {
		return nil, err
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	return g.finish()
}

// syncEvery is how many entries are written between two sync rounds.
func (o Options) syncEvery() int { return min(max(o.Entries/40, 50), 500) }

// generator is the state of one Generate.
type generator struct {
	opt      Options
	dir      string
	progress io.Writer
	began    time.Time
	rng      *rand.Rand
	clock    time.Time

	code    []string // code commits; code[b] ported batch b
	workers []*worker
	batches []*batch // by ID - 1
	items   map[ledger.ItemKey]*item
	clones  string // the directory of the clones

	// chunk is the mean number of items a transition moves; reworkP the
	// probability that a promotion is followed by a demotion for rework,
	// deferP the probability that a claimed item is deferred instead.
	chunk, reworkP, deferP float64

	entries, merges, syncs, lastSync, nextReport int
}

// worker is one clone and the developer who writes in it.
type worker struct {
	n        int
	identity string
	dir      string
	key      string
	store    *gitstore.Store
	view     *viewdb.View
	w        *branch.Writer
	// known are the batches this clone's ledger has as complete.
	known map[int]bool
	// batch is the batch it works on (nil: none).
	batch *batch
	// seq counts its entries; cp is its last checkpoint entry, written as
	// its cpSeq-th entry.
	seq, cpSeq int
	cp         string
	// code is the index of the code commit it works at.
	code int
}

// batch is the generator's model of one batch.
type batch struct {
	def    ledger.BatchDef
	items  []*item // features, then tests, by ID
	owner  *worker
	status ledger.BatchStatus
}

// item is the generator's model of one item; the ledger's rules check
// that it matches the real state at every write.
type item struct {
	key    ledger.ItemKey
	batch  *batch
	status ledger.Status
	// doneSeq is the owner's seq of the entry that completed the item.
	doneSeq int
}

// now is the clock of every entry and commit: one to four minutes after
// the one before, so that a ledger spans weeks to months.
func (g *generator) now() time.Time {
	g.clock = g.clock.Add(time.Duration(60+g.rng.IntN(181)) * time.Second)
	return g.clock
}

func (g *generator) logf(format string, args ...any) {
	fmt.Fprintf(g.progress, "gen: "+format+"\n", args...)
}

func (g *generator) close() {
	for _, wk := range g.workers {
		if wk.view != nil {
			wk.view.Close()
		}
	}
	if g.clones != "" {
		os.RemoveAll(g.clones)
	}
}

// setUp makes the repository, its code history, the keys, the genesis,
// signer and inventory entries, and the clones.
func (g *generator) setUp() error {
	opt := g.opt
	var err error
	if g.code, err = initCode(g.dir, opt.Batches, g.now); err != nil {
		return err
	}
	g.logf("%s: %d code commits on main", g.dir, len(g.code))
	features, tests, defs := Inventory(opt)
	g.items = map[ledger.ItemKey]*item{}
	for _, d := range defs {
		b := &batch{def: d, status: ledger.BatchPlanned}
		members, err := d.Members()
		if err != nil {
			return err
		}
		for _, k := range members {
			it := &item{key: k, batch: b, status: ledger.NotStarted}
			b.items = append(b.items, it)
			g.items[k] = it
		}
		g.batches = append(g.batches, b)
	}
	g.plan()

	main, err := g.newWorker(0, g.dir)
	if err != nil {
		return err
	}
	if _, err := main.w.Init(main.view, main.identity); err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	g.entries++
	signers := []*worker{main}
	for n := 1; n < opt.Clones; n++ {
		// The clones' keys are made now, their repositories below.
		wk := &worker{n: n, identity: identity(n)}
		sg, path, err := newKey(g.dir, opt.Seed, n)
		if err != nil {
			return err
		}
		wk.key = path
		wk.w = &branch.Writer{Signer: sg, Author: author(n)}
		pub := sshkey.AuthorizedKey(sg.PublicKey())
		if err := g.append(main, func(*ledger.State) (*ledger.Entry, error) {
			return ledger.BuildSigner(wk.identity, pub, ledger.ActionAdd)
		}); err != nil {
			return fmt.Errorf("add signer %s: %w", wk.identity, err)
		}
		signers = append(signers, wk)
	}
	if err := g.append(main, func(st *ledger.State) (*ledger.Entry, error) {
		return ledger.BuildInventory(st, "gen "+opt.String(), features, tests, defs)
	}); err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	g.logf("genesis, %d signers, inventory of %d features, %d tests and %d batches", opt.Clones, len(features), len(tests), len(defs))
	g.workers = []*worker{main}
	if opt.Clones > 1 {
		if g.clones, err = os.MkdirTemp("", "porttracker-gen-clones-"); err != nil {
			return err
		}
	}
	for _, wk := range signers[1:] {
		dir := filepath.Join(g.clones, fmt.Sprintf("clone-%d", wk.n))
		if _, err := git.PlainClone(dir, false, &git.CloneOptions{URL: g.dir, ReferenceName: plumbing.Main, SingleBranch: true}); err != nil {
			return fmt.Errorf("clone %s: %w (the file transport needs git)", g.dir, err)
		}
		if err := g.openWorker(wk, dir); err != nil {
			return err
		}
		g.workers = append(g.workers, wk)
		if err := g.pull(wk); err != nil {
			return err
		}
		union(wk.known, main.known)
	}
	g.lastSync = g.entries
	return nil
}

// plan sets the sizes of the moves so that the entry budget runs out when
// about nine tenths of the port is done. Each item takes three moves
// (claim, complete, verify); checkpoints and batch entries come on top.
func (g *generator) plan() {
	const done = 0.9
	items := float64(len(g.items))
	moves := 3 * done * items
	budget := float64(g.opt.Entries-g.opt.Clones-1) - 2*float64(g.opt.Batches) - done*items/12
	g.deferP, g.reworkP = 0.02, 0.02
	g.chunk = moves / max(budget, 1)
	if g.chunk < 1 {
		// More entries than single moves fill: more rework (two entries each).
		g.chunk = 1
		g.reworkP = min(0.45, g.reworkP+(budget-moves)/(2*done*items))
	}
	g.chunk = min(g.chunk, 15)
}

func identity(n int) string {
	names := []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"}
	if n < len(names) {
		return names[n] + "@example.com"
	}
	return fmt.Sprintf("dev%d@example.com", n)
}

func author(n int) gitstore.Author {
	id := identity(n)
	return gitstore.Author{Name: id[:len(id)-len("@example.com")], Email: id}
}

// newWorker makes worker n with its key, writing in the repository at dir.
func (g *generator) newWorker(n int, dir string) (*worker, error) {
	sg, path, err := newKey(g.dir, g.opt.Seed, n)
	if err != nil {
		return nil, err
	}
	wk := &worker{n: n, identity: identity(n), key: path, w: &branch.Writer{Signer: sg, Author: author(n)}}
	return wk, g.openWorker(wk, dir)
}

// openWorker opens the ledger store and the view of wk's repository.
func (g *generator) openWorker(wk *worker, dir string) error {
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		return err
	}
	store.Now = g.now
	view, err := viewdb.OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		return err
	}
	wk.dir, wk.store, wk.view, wk.known = dir, store, view, map[int]bool{}
	wk.w.Store = store
	return nil
}

// append writes one entry in wk's clone.
func (g *generator) append(wk *worker, build func(*ledger.State) (*ledger.Entry, error)) error {
	if _, err := g.appendRecord(wk, build); err != nil {
		return err
	}
	return nil
}

func (g *generator) appendRecord(wk *worker, build func(*ledger.State) (*ledger.Entry, error)) (*ledger.Record, error) {
	rec, err := wk.w.Append(wk.view, build)
	if err != nil {
		return nil, fmt.Errorf("%s, entry %d: %w", wk.identity, g.entries+1, err)
	}
	g.entries++
	wk.seq++
	if g.entries >= g.nextReport {
		g.report()
		g.nextReport = g.entries + 1000
	}
	return rec, nil
}

func (g *generator) report() {
	complete := 0
	for _, b := range g.batches {
		if b.status == ledger.BatchComplete {
			complete++
		}
	}
	g.logf("%d/%d entries, %d merges, %d of %d batches complete, %s", g.entries, g.opt.Entries, g.merges,
		complete, len(g.batches), time.Since(g.began).Round(100*time.Millisecond))
}

// run writes entries until the budget is spent or the port is done. The
// clones take turns, one entry each; a sync round follows every few
// hundred entries, and whenever every clone waits for a batch that
// another has yet to complete.
func (g *generator) run() error {
	idleRounds := 0
	for g.entries < g.opt.Entries {
		progressed := false
		for _, wk := range g.workers {
			if g.entries >= g.opt.Entries {
				break
			}
			ok, err := g.step(wk)
			if err != nil {
				return err
			}
			progressed = progressed || ok
			if g.entries-g.lastSync >= g.opt.syncEvery() {
				if err := g.syncAll(); err != nil {
					return err
				}
			}
		}
		if progressed {
			idleRounds = 0
			continue
		}
		if g.portDone() {
			g.logf("the port is done at %d entries", g.entries)
			break
		}
		if idleRounds++; idleRounds > 3 {
			return errors.New("gen: no clone can make progress (a bug in the generator)")
		}
		if err := g.syncAll(); err != nil {
			return err
		}
	}
	return g.syncAll()
}

func (g *generator) portDone() bool {
	for _, b := range g.batches {
		if b.status != ledger.BatchComplete {
			return false
		}
	}
	return true
}

// syncAll is a sync round. Each clone in turn syncs with the generated
// repository: it fetches its ledger, merges it with its own (a signed
// merge commit when both moved) and pushes the result back, so that the
// generated repository ends with every entry. Its view is brought up to
// date; then each clone fetches again, fast-forwards to the same head and
// takes a copy of that view (see pull).
func (g *generator) syncAll() error {
	for _, wk := range g.workers[1:] {
		if err := g.push(wk); err != nil {
			return err
		}
	}
	main := g.workers[0]
	head, err := main.store.Head()
	if err != nil {
		return err
	}
	if _, err := main.view.StateAt(head); err != nil {
		return fmt.Errorf("%s: refresh: %w", main.identity, err)
	}
	for _, wk := range g.workers[1:] {
		if err := g.pull(wk); err != nil {
			return err
		}
		union(main.known, wk.known)
	}
	for _, wk := range g.workers[1:] {
		union(wk.known, main.known)
	}
	g.lastSync = g.entries
	return nil
}

// union adds the keys of src to dst.
func union(dst, src map[int]bool) {
	for k := range src {
		dst[k] = true
	}
}

// fetch brings the generated repository's ledger into wk's clone and
// merges it with the clone's, as porttracker sync does (but for verifying
// the fetched ledger first). It returns the remote and its head.
func (g *generator) fetch(wk *worker) (remote.Remote, plumbing.Hash, *gitstore.MergeResult, error) {
	remote, err := remote.Open(wk.store, "origin")
	if err != nil {
		return nil, plumbing.ZeroHash, nil, err
	}
	rh, err := remote.Fetch(context.Background())
	if err != nil {
		return nil, plumbing.ZeroHash, nil, fmt.Errorf("%s: %w", wk.identity, err)
	}
	m, err := wk.w.Merge(rh)
	if err != nil {
		return nil, plumbing.ZeroHash, nil, fmt.Errorf("%s: merge: %w", wk.identity, err)
	}
	return remote, rh, m, nil
}

// push is the first half of a sync of wk's clone: fetch, merge, push.
func (g *generator) push(wk *worker) error {
	remote, rh, m, err := g.fetch(wk)
	if err != nil {
		return err
	}
	if !m.FastForward && !m.UpToDate {
		g.merges++
	}
	if m.Head != rh {
		if err := remote.Push(context.Background(), rh, m.Head); err != nil {
			return fmt.Errorf("%s: %w", wk.identity, err)
		}
	}
	g.syncs++
	return nil
}

// pull brings wk's clone to the generated repository's head, which must
// contain the clone's, and gives it a copy of the generated repository's
// view, which is up to date at that head. A view is a function of the
// ledger head alone, so the copy is the view that refreshing the clone's
// own would give; refreshing it would replay the whole ledger, since the
// clone's last entries are concurrent with others, once per clone and
// round.
func (g *generator) pull(wk *worker) error {
	_, rh, m, err := g.fetch(wk)
	if err != nil {
		return err
	}
	if m.Head != rh {
		return fmt.Errorf("%s: the generated repository's ledger does not contain the clone's", wk.identity)
	}
	main := g.workers[0]
	if err := wk.view.Close(); err != nil {
		return err
	}
	path := filepath.Join(wk.dir, "porting.db")
	if err := main.view.CopyTo(path, wk.store); err != nil {
		return err
	}
	if wk.view, err = viewdb.OpenView(path, wk.store); err != nil {
		return err
	}
	if _, err := wk.view.StateAt(rh); err != nil {
		return err
	}
	if wk.view.Rebuilt {
		return fmt.Errorf("%s: the copied view was rebuilt", wk.identity)
	}
	return nil
}

// step writes one entry in wk's clone, if it has work: it reports false
// when wk waits for a batch to become ready.
func (g *generator) step(wk *worker) (bool, error) {
	if wk.batch == nil {
		b := g.nextBatch(wk)
		if b == nil {
			return false, nil
		}
		if err := g.append(wk, func(*ledger.State) (*ledger.Entry, error) {
			return ledger.BuildBatch(b.def.ID, ledger.ActionStart), nil
		}); err != nil {
			return false, err
		}
		b.owner, b.status, wk.batch = wk, ledger.BatchStarted, b
		wk.code = max(wk.code, b.def.ID)
		return true, nil
	}
	b := wk.batch
	var notStarted, stubs, unchecked, verifiable []*item
	for _, it := range b.items {
		switch it.status {
		case ledger.NotStarted:
			notStarted = append(notStarted, it)
		case ledger.Stub:
			stubs = append(stubs, it)
		case ledger.Complete:
			if wk.cp != "" && it.doneSeq < wk.cpSeq {
				verifiable = append(verifiable, it)
			} else {
				unchecked = append(unchecked, it)
			}
		}
	}
	open := len(notStarted) + len(stubs) + len(unchecked) + len(verifiable)
	switch {
	case open == 0:
		if err := g.append(wk, func(*ledger.State) (*ledger.Entry, error) {
			return ledger.BuildBatch(b.def.ID, ledger.ActionComplete), nil
		}); err != nil {
			return false, err
		}
		b.status, wk.batch, wk.known[b.def.ID] = ledger.BatchComplete, nil, true
		return true, nil
	case len(verifiable) > 0 && (g.rng.IntN(2) == 0 || len(stubs)+len(notStarted) == 0):
		return true, g.verify(wk, verifiable)
	case len(unchecked) >= 8+g.rng.IntN(16) || (len(unchecked) > 0 && len(stubs)+len(notStarted)+len(verifiable) == 0):
		return true, g.checkpoint(wk)
	case len(stubs) > 0 && (len(notStarted) == 0 || len(stubs) >= 3 || g.rng.IntN(3) > 0):
		if len(unchecked)+len(verifiable) > 0 && g.rng.Float64() < g.reworkP {
			return true, g.rework(wk, append(unchecked, verifiable...))
		}
		return true, g.complete(wk, stubs)
	case len(notStarted) > 0:
		if g.rng.Float64() < g.deferP {
			return true, g.deferItem(wk, notStarted)
		}
		return true, g.claim(wk, notStarted)
	case len(verifiable) > 0:
		return true, g.verify(wk, verifiable)
	}
	return false, fmt.Errorf("gen: %s has nothing to do in batch %d (a bug in the generator)", wk.identity, b.def.ID)
}

// nextBatch assigns to wk the first batch that no clone has taken and whose
// dependencies wk's ledger has as complete.
func (g *generator) nextBatch(wk *worker) *batch {
	for _, b := range g.batches {
		if b.owner != nil {
			continue
		}
		ready := true
		for _, d := range b.def.Depends {
			if !wk.known[d] {
				ready = false
				break
			}
		}
		if ready {
			return b
		}
	}
	return nil
}

// pick takes the first n items of one kind from list (of one batch, by
// kind then ID): mostly a single item, at times a run of up to 15, as
// feature update and batch-update write them.
func (g *generator) pick(list []*item) []*item {
	kind := list[0].key.Kind
	if i := slices.IndexFunc(list, func(it *item) bool { return it.key.Kind != kind }); i >= 0 {
		if g.rng.IntN(2) == 0 {
			kind = list[i].key.Kind
		}
	}
	var same []*item
	for _, it := range list {
		if it.key.Kind == kind {
			same = append(same, it)
		}
	}
	return same[:min(len(same), g.chunkSize())]
}

// chunkSize draws a number of items in [1, 15] whose mean is g.chunk.
func (g *generator) chunkSize() int {
	extra := 2 * (g.chunk - 1) * g.rng.Float64()
	n := 1 + int(extra)
	if g.rng.Float64() < extra-math.Floor(extra) {
		n++
	}
	return min(n, 15)
}

func ids(items []*item) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.key.ID
	}
	return out
}

// move writes one transition of items.
func (g *generator) move(wk *worker, items []*item, req ledger.MoveRequest) error {
	req.Kind, req.IDs = items[0].key.Kind, ids(items)
	if err := g.append(wk, func(st *ledger.State) (*ledger.Entry, error) { return ledger.BuildTransition(st, req) }); err != nil {
		return err
	}
	for _, it := range items {
		it.status = req.To
		if req.To == ledger.Complete {
			it.doneSeq = wk.seq
		}
	}
	return nil
}

func (g *generator) claim(wk *worker, list []*item) error {
	return g.move(wk, g.pick(list), ledger.MoveRequest{To: ledger.Stub})
}

func (g *generator) deferItem(wk *worker, list []*item) error {
	it := list[g.rng.IntN(len(list))]
	return g.move(wk, []*item{it}, ledger.MoveRequest{To: ledger.Deferred,
		Reason: fmt.Sprintf("blocked: needs %s of a later batch", it.key)})
}

func (g *generator) rework(wk *worker, list []*item) error {
	it := list[g.rng.IntN(len(list))]
	return g.move(wk, []*item{it}, ledger.MoveRequest{To: ledger.Stub,
		Reason: "rework: review found a missing edge case"})
}

// complete promotes items with the evidence their gates would give.
func (g *generator) complete(wk *worker, list []*item) error {
	items := g.pick(list)
	ev := &ledger.Evidence{CodeCommit: g.code[wk.code], Gates: []ledger.GateResult{
		{Name: "stub", OK: true, DurationMS: int64(20 + g.rng.IntN(80))},
		{Name: "build", Command: "go build ./...", OK: true, DurationMS: int64(3000 + g.rng.IntN(9000)),
			OutputDigest: digest(fmt.Sprint("build", wk.seq, wk.n))},
	}}
	for _, it := range items {
		filter := fmt.Sprintf("TestHandle%04d", it.key.ID)
		if it.key.Kind == ledger.Test {
			filter = fmt.Sprintf("TestServer%04d", it.key.ID)
		}
		passed := 1 + g.rng.IntN(6)
		ev.Gates = append(ev.Gates, ledger.GateResult{Name: "test", Command: "go test -run '^{filter}$' -v ./...",
			Filter: filter, Parsed: true, Passed: passed, OK: true, DurationMS: int64(800 + g.rng.IntN(20000)),
			OutputDigest: digest(fmt.Sprint("test", filter, wk.seq))})
	}
	return g.move(wk, items, ledger.MoveRequest{To: ledger.Complete, Evidence: ev})
}

// checkpoint records the checkpoint gates' evidence at wk's code.
func (g *generator) checkpoint(wk *worker) error {
	ev := &ledger.Evidence{CodeCommit: g.code[wk.code], Gates: []ledger.GateResult{
		{Name: "stub", OK: true, DurationMS: int64(200 + g.rng.IntN(800))},
		{Name: "build", Command: "go build ./...", OK: true, DurationMS: int64(3000 + g.rng.IntN(9000))},
		{Name: "full_test", Command: "go test -json ./...", Parsed: true, Passed: 200 + wk.seq%3000, Skipped: g.rng.IntN(5),
			OK: true, DurationMS: int64(60000 + g.rng.IntN(240000)), OutputDigest: digest(fmt.Sprint("full", wk.seq, wk.n))},
	}}
	label := fmt.Sprintf("batch %d", wk.batch.def.ID)
	rec, err := g.appendRecord(wk, func(*ledger.State) (*ledger.Entry, error) { return ledger.BuildCheckpoint(ev, label), nil })
	if err != nil {
		return err
	}
	wk.cp, wk.cpSeq = rec.ID, wk.seq
	return nil
}

func (g *generator) verify(wk *worker, list []*item) error {
	return g.move(wk, g.pick(list), ledger.MoveRequest{To: ledger.Verified, Checkpoint: wk.cp})
}

// finish brings the generated repository's view up to its head and counts
// what was written.
func (g *generator) finish() (*Result, error) {
	main := g.workers[0]
	head, err := main.store.Head()
	if err != nil {
		return nil, err
	}
	if _, err := main.view.StateAt(head); err != nil {
		return nil, err
	}
	res := &Result{Options: g.opt, Dir: g.dir, Head: head.String(), Entries: g.entries, Merges: g.merges,
		Commits: g.entries + g.merges, Syncs: g.syncs, CodeCommits: len(g.code), Items: map[ledger.Status]int{}}
	for _, it := range g.items {
		res.Items[it.status]++
	}
	for _, b := range g.batches {
		switch b.status {
		case ledger.BatchComplete:
			res.BatchesComplete++
		case ledger.BatchStarted:
			res.BatchesStarted++
		}
	}
	for _, wk := range g.workers {
		res.Identities = append(res.Identities, wk.identity)
		res.Keys = append(res.Keys, wk.key)
	}
	res.Elapsed = time.Since(g.began)
	g.report()
	g.logf("done: %d entries, %d commits (%d merges), %d syncs, %s", res.Entries, res.Commits, res.Merges, res.Syncs, res.Elapsed.Round(time.Millisecond))
	return res, nil
}
