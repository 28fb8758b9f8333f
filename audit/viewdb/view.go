package viewdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
	"modernc.org/sqlite" // the pure-Go SQLite driver
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

// View is porting.db, the SQLite view of one ledger branch.
type View struct {
	Path string
	db   *sql.DB
	// q is what reads go through: the database, or the transaction that a
	// refresh or write has open (the connection pool has one connection).
	q     querier
	store *gitstore.Store
	// Rebuilt says that the last refresh replayed the ledger from scratch.
	Rebuilt bool
	// Notice, if set, is told when the view was found to disagree with the
	// ledger and was rebuilt.
	Notice func(msg string)
	integ  integrity
	// shadowFile is the shadow's path (shadow.go); untrusted, when set,
	// says why the shadow does not vouch for the view as opened, which the
	// next refresh then rebuilds.
	shadowFile string
	untrusted  string
}

// OpenView opens the view at path for the ledger in store, creating it if
// the file is missing or empty. A porttracker view of another schema or
// branch is started again (the view can always be rebuilt from the
// ledger); any other file is refused with an error wrapping ErrNotView and
// left untouched.
func OpenView(path string, store *gitstore.Store) (*View, error) {
	if err := checkViewFile(path); err != nil {
		return nil, err
	}
	v := &View{Path: path, store: store}
	if err := v.open(); err != nil {
		v.Close()
		return nil, fmt.Errorf("open view %s: %w", path, err)
	}
	return v, nil
}

func removeDB(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm", path + "-journal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// viewCacheKiB is the page cache of each of the view's two files, as
// PRAGMA cache_size gives it (negative: in KiB, here 64 MiB). SQLite
// allocates it as pages are read, so a command that reads a few rows
// uses little of it; a rebuild of a large view no longer spills dirty
// pages before its commit.
const viewCacheKiB = -64 << 10

func (v *View) open() error {
	// The path is escaped as a URI's: a "#" or "?" in it would otherwise
	// end the file name, and another file would be opened. Statement
	// journals (every write fires the shadow's triggers, so SQLite journals
	// each statement) are kept in memory.
	dsn := "file:" + (&url.URL{Path: v.Path}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_pragma=temp_store(memory)&_pragma=cache_size(" + strconv.Itoa(viewCacheKiB) + ")&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	// One connection, kept for the View's life: the shadow is attached to
	// it and its temporary triggers mirror what it writes (shadow.go).
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	v.db, v.q = db, db
	if err := v.attachShadow(); err != nil {
		return err
	}
	var version int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	// A file that is not a database fails the query above; a damaged one
	// fails a query later and is rebuilt then (see Refresh). The full
	// integrity check reads the whole file: audit runs it, commands don't.
	if version == schemaVersion {
		branch, err := v.meta("branch")
		if err == nil && (branch == "" || branch == v.store.Branch()) {
			why, err := v.shadowMismatch()
			if err != nil {
				return err
			}
			if why == "" {
				return v.inTx(v.mirrorTx)
			}
			v.untrusted = why
			return nil
		}
	}
	return v.reset()
}

// reset drops everything and creates the empty schema.
func (v *View) reset() error {
	return v.inTx(func(tx *sql.Tx) error { return v.resetTx(tx, true) })
}

// resetTx drops everything and creates the empty schema, within tx; with
// mirror, the shadow then mirrors every write (see resetShadowTx).
func (v *View) resetTx(tx *sql.Tx, mirror bool) error {
	rows, err := tx.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		drops = append(drops, `DROP TABLE IF EXISTS "`+name+`"`)
	}
	rows.Close()
	for _, q := range append(drops, schema...) {
		if _, err := tx.Exec(q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES ('branch', ?)`, v.store.Branch()); err != nil {
		return err
	}
	if _, err := tx.Exec(`PRAGMA application_id = ` + strconv.Itoa(applicationID)); err != nil {
		return err
	}
	if _, err = tx.Exec(`PRAGMA user_version = ` + strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	if err := v.resetShadowTx(tx, mirror); err != nil {
		return err
	}
	if mirror {
		// The meta row above was written before the triggers that mirror it.
		if _, err := tx.Exec(`INSERT INTO shadow.meta(key, value) VALUES ('branch', ?)`, v.store.Branch()); err != nil {
			return err
		}
	}
	v.untrusted = ""
	return nil
}

// Close closes the database.
func (v *View) Close() error {
	if v.db == nil {
		return nil
	}
	err := v.db.Close()
	v.db = nil
	return err
}

// DB is the underlying database, for queries.
func (v *View) DB() *sql.DB { return v.db }

func (v *View) meta(key string) (string, error) {
	var val string
	err := v.q.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&val)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return val, err
}

type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
}

// querier is the part of *sql.DB and *sql.Tx that the view uses.
type querier interface {
	execer
	Query(query string, args ...any) (*sql.Rows, error)
	QueryRow(query string, args ...any) *sql.Row
	Prepare(query string) (*sql.Stmt, error)
}

// inTx runs fn in one transaction, with every read of the view going
// through it: a crash leaves the view as it was before, or as fn left it.
func (v *View) inTx(fn func(tx *sql.Tx) error) error {
	tx, err := v.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	v.q = tx
	v.integ.vouched = nil
	defer func() { v.q = v.db }()
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func setMeta(tx execer, key, val string) error {
	_, err := tx.Exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, val)
	return err
}

// Head is the ledger commit the view was built from (zero if none).
func (v *View) Head() (plumbing.Hash, error) {
	h, err := v.meta("head")
	if err != nil || h == "" {
		return plumbing.ZeroHash, err
	}
	return plumbing.NewHash(h), nil
}

func (v *View) position() (ledger.Position, string, error) {
	clock, err := v.meta("last_clock")
	if err != nil {
		return ledger.Position{}, "", err
	}
	id, err := v.meta("last_id")
	if err != nil {
		return ledger.Position{}, "", err
	}
	gen, err := v.meta("genesis")
	if err != nil {
		return ledger.Position{}, "", err
	}
	n, _ := strconv.ParseUint(clock, 10, 64)
	return ledger.Position{Clock: n, ID: id}, gen, nil
}

// state returns a State backed by the view at its current head.
func (v *View) state() (*ledger.State, error) {
	pos, gen, err := v.position()
	if err != nil {
		return nil, err
	}
	st := ledger.NewState(v)
	st.Last, st.Genesis = pos, gen
	clock, err := v.meta("clock")
	if err != nil {
		return nil, err
	}
	if pol, err := v.meta("policy"); err != nil {
		return nil, err
	} else if pol != "" {
		var p ledger.Policy
		if err := json.Unmarshal([]byte(pol), &p); err != nil {
			return nil, fmt.Errorf("%w: meta policy: %v", errRebuild, err)
		}
		st.Policy = &p
	}
	if st.PolicyEntry, err = v.meta("policy_entry"); err != nil {
		return nil, err
	}
	if clock == "" {
		st.Clock = pos.Clock
	} else if st.Clock, err = strconv.ParseUint(clock, 10, 64); err != nil {
		return nil, fmt.Errorf("%w: meta clock %q", errRebuild, clock)
	}
	// The policy is checked against the entry it cites; after a rebuild
	// the state is read again.
	err = v.checked(func() error {
		if err := v.checkPolicy(st.Policy, st.PolicyEntry); err != nil {
			return err
		}
		return v.sameRows("the meta table", "meta", "1")
	},
		func() error {
			again, err := v.state()
			if err == nil {
				st = again
			}
			return err
		})
	if err != nil {
		return nil, err
	}
	v.integ.st = st
	return st, nil
}

// Refresh brings the view up to the ledger's head.
func (v *View) Refresh() error {
	head, err := v.store.Head()
	if errors.Is(err, gitstore.ErrNoLedger) {
		head = plumbing.ZeroHash
	} else if err != nil {
		return err
	}
	_, err = v.StateAt(head)
	return err
}

// StateAt brings the view up to head, reading only the ledger commits it
// has not seen, and returns a State backed by it. Entries are replayed in
// (clock, ID) order; when merged entries sort before what the view already
// holds, the view is rebuilt so that the result is the one a full replay
// gives, whatever order the histories were merged in.
func (v *View) StateAt(head plumbing.Hash) (*ledger.State, error) {
	if v.untrusted != "" {
		// porting.db is not what porttracker wrote: replay the ledger (an
		// empty view where there is no ledger branch) before anything
		// reads it.
		// The rebuild starts the view again in the transaction that
		// writes it: a process killed in between leaves the view as it
		// was (untrusted still), never empty at a head it claims.
		why := v.untrusted
		var st *ledger.State
		var err error
		if !head.IsZero() {
			st, err = v.rebuild(head)
		} else if err = v.reset(); err == nil {
			st, err = v.state()
		}
		if err == nil && v.Notice != nil {
			v.Notice(fmt.Sprintf("%s: %s; rebuilt it from the ledger", v.Path, why))
		}
		return st, err
	}
	for attempt := 0; ; attempt++ {
		st, err := v.stateAt(head)
		if errors.Is(err, errViewMoved) {
			if attempt < maxViewRetries {
				continue
			}
			return v.rebuild(head)
		}
		return st, err
	}
}

// errViewMoved says that another process brought the view to another
// head between the reading of the new commits and the transaction that
// applies them: they are read again from the view's new head.
var errViewMoved = errors.New("the view moved under the refresh")

// maxViewRetries bounds how often a refresh starts again after the view
// moved under it; past that it rebuilds.
const maxViewRetries = 5

func (v *View) stateAt(head plumbing.Hash) (*ledger.State, error) {
	cur, err := v.Head()
	if err != nil {
		return nil, err
	}
	if cur == head {
		return v.state()
	}
	if head.IsZero() {
		// The branch is gone (or not made yet): an empty view.
		if err := v.reset(); err != nil {
			return nil, err
		}
		return v.state()
	}
	v.Rebuilt = false
	if !cur.IsZero() {
		known, err := v.db.Prepare(`SELECT 1 FROM shadow.ledger_commits WHERE hash = ?`)
		if err != nil {
			return nil, err
		}
		defer known.Close()
		reached := false
		var qerr error
		col, err := branch.Collect(v.store, head, func(h plumbing.Hash) bool {
			if h == cur {
				reached = true
			}
			var one int
			switch err := known.QueryRow(h.String()).Scan(&one); {
			case err == nil:
				return true
			case !errors.Is(err, sql.ErrNoRows):
				qerr = err
			}
			return false
		})
		if err == nil {
			err = qerr
		}
		if err != nil {
			return nil, err
		}
		if reached {
			err := v.inTx(func(tx *sql.Tx) error {
				// The commits were read against the view's head cur, outside
				// this transaction: another process may have moved it since.
				if now, err := v.Head(); err != nil {
					return err
				} else if now != cur {
					return errViewMoved
				}
				return v.advance(tx, head, col)
			})
			if err == nil {
				return v.state()
			}
			if !errors.Is(err, errRebuild) {
				return nil, err
			}
		}
	}
	return v.rebuild(head)
}

// errRebuild says that the view cannot be brought forward in place.
var errRebuild = errors.New("the view must be rebuilt")

// advance applies the entries of col, read from the commits the view had
// not seen, in replay order. Entries merged from another clone may sort
// before entries the view already holds: those are taken back out first,
// newest first, with the undo records kept for each entry, and replayed
// with the new ones, so that the result is what a full replay gives
// whatever order the histories were merged in, at a cost that grows with
// the entries since the merge base, not with the ledger.
func (v *View) advance(tx *sql.Tx, head plumbing.Hash, col *branch.Collected) error {
	st, recs, findings, err := v.replay(tx, col)
	if err != nil {
		return err
	}
	return v.write(tx, st, head, recs, commitHashes(col), findings)
}

// replay applies the entries of col on top of the view, within tx,
// rewinding later entries first where merged ones sort before them, and
// returns the resulting state, the records it applied and what they broke.
func (v *View) replay(tx *sql.Tx, col *branch.Collected) (*ledger.State, []*ledger.Record, []ledger.Finding, error) {
	cur, err := v.Head()
	if err != nil {
		return nil, nil, nil, err
	}
	lin, valid, clockFindings, err := ledger.NewLineage(&col.History, func(h string) (uint64, error) { return v.knownClock(tx, cur, plumbing.NewHash(h)) })
	if err != nil {
		return nil, nil, nil, err
	}
	if err := v.needsFullReplay(tx, col, cur, lin); err != nil {
		return nil, nil, nil, err
	}
	var fresh []*ledger.Record
	for _, rec := range valid {
		// The same entry reached through another commit (a cherry-pick) is
		// applied once.
		var one int
		if err := tx.QueryRow(`SELECT 1 FROM shadow.entries WHERE id = ?`, rec.ID).Scan(&one); err == nil {
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return nil, nil, nil, err
		}
		fresh = append(fresh, rec)
	}
	pos, _, err := v.position()
	if err != nil {
		return nil, nil, nil, err
	}
	if len(fresh) > 0 {
		if first := fresh[0].Position(); first.Before(pos) {
			taken, err := v.rewind(tx, first)
			if err != nil {
				return nil, nil, nil, err
			}
			fresh = append(fresh, taken...)
			ledger.SortRecords(fresh)
		}
	}
	st, err := v.state()
	if err != nil {
		return nil, nil, nil, err
	}
	findings := append(append([]ledger.Finding(nil), col.Findings...), clockFindings...)
	for _, rec := range fresh {
		if err := st.Apply(rec); err != nil {
			findings = append(findings, ledger.Finding{Commit: rec.Commit, Path: gitstore.EntryPath(rec.ID), Entry: rec.ID, Msg: err.Error()})
		}
	}
	if len(col.Commits) > 0 {
		if st.Clock, err = lin.Clock(col.Commits[0].Commit.Hash.String()); err != nil {
			return nil, nil, nil, err
		}
	}
	return st, fresh, findings, nil
}

// rewind takes every entry at or after p back out of the view, newest
// first, restoring what each replaced, and returns their records, read
// again from the ledger, for replay.
func (v *View) rewind(tx *sql.Tx, p ledger.Position) ([]*ledger.Record, error) {
	rows, err := tx.Query(`SELECT id, commit_hash, kind FROM shadow.entries WHERE clock > ? OR (clock = ? AND id >= ?) ORDER BY clock DESC, id DESC`,
		int64(p.Clock), int64(p.Clock), p.ID)
	if err != nil {
		return nil, err
	}
	type taken struct{ id, commit, kind string }
	var list []taken
	for rows.Next() {
		var t taken
		if err := rows.Scan(&t.id, &t.commit, &t.kind); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var recs []*ledger.Record
	for _, t := range list {
		if t.kind == string(ledger.KindGenesis) || t.kind == string(ledger.KindPolicy) || t.kind == string(ledger.KindResolution) || t.commit == "" {
			return nil, errRebuild
		}
		if err := v.undo(tx, t.id); err != nil {
			return nil, err
		}
		data, err := v.store.ReadFile(plumbing.NewHash(t.commit), gitstore.EntryPath(t.id))
		if err != nil {
			return nil, errRebuild
		}
		rec, err := ledger.ParseRecord(gitstore.EntryPath(t.id), data)
		if err != nil {
			return nil, errRebuild
		}
		if err := rec.Verify(); err != nil {
			return nil, errRebuild
		}
		rec.Commit = t.commit
		recs = append(recs, rec)
	}
	// The view's position is now its last remaining entry.
	var clock int64
	var id string
	err = tx.QueryRow(`SELECT clock, id FROM shadow.entries ORDER BY clock DESC, id DESC LIMIT 1`).Scan(&clock, &id)
	if err != nil {
		return nil, errRebuild
	}
	if err := setMeta(tx, "last_clock", strconv.FormatInt(clock, 10)); err != nil {
		return nil, err
	}
	return recs, setMeta(tx, "last_id", id)
}

// undo takes one entry back out: it restores the rows its changes replaced
// and deletes the rows it added.
func (v *View) undo(tx *sql.Tx, entry string) error {
	rows, err := tx.Query(`SELECT kind, key, before FROM shadow.undo WHERE entry = ? ORDER BY seq DESC`, entry)
	if err != nil {
		return err
	}
	type change struct{ kind, key, before string }
	var changes []change
	for rows.Next() {
		var c change
		var before sql.NullString
		if err := rows.Scan(&c.kind, &c.key, &before); err != nil {
			rows.Close()
			return err
		}
		c.before = before.String
		if !before.Valid {
			c.before = ""
		}
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range changes {
		if err := restore(tx, c.kind, c.key, c.before); err != nil {
			return fmt.Errorf("undo entry %s: %w", entry, err)
		}
	}
	for _, q := range []string{
		`DELETE FROM undo WHERE entry = ?`,
		`DELETE FROM transitions WHERE entry = ?`,
		`DELETE FROM checkpoints WHERE entry = ?`,
		`DELETE FROM findings WHERE entry = ?`,
		`DELETE FROM entries WHERE id = ?`,
	} {
		if _, err := tx.Exec(q, entry); err != nil {
			return err
		}
	}
	return nil
}

// rebuild replays the whole ledger in memory and writes the view anew.
func (v *View) rebuild(head plumbing.Hash) (*ledger.State, error) {
	col, err := branch.Collect(v.store, head, nil)
	if err != nil {
		return nil, err
	}
	st := ledger.NewState(nil)
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		return nil, err
	}
	findings := append(append([]ledger.Finding(nil), col.Findings...), refused...)
	if err := v.WriteFull(head, col, st, findings); err != nil {
		return nil, err
	}
	return v.state()
}

// WriteFull writes the view anew from a full replay: st, replayed from the
// records and commits of col.
func (v *View) WriteFull(head plumbing.Hash, col *branch.Collected, st *ledger.State, findings []ledger.Finding) error {
	// One transaction: readers see the old view or the new one, never an
	// empty one.
	err := v.inTx(func(tx *sql.Tx) error {
		if err := v.resetTx(tx, false); err != nil {
			return err
		}
		if err := v.write(tx, st, head, col.Records, commitHashes(col), findings); err != nil {
			return err
		}
		return v.copyToShadowTx(tx)
	})
	if err != nil {
		return err
	}
	v.Rebuilt = true
	v.integ.fresh = true
	return nil
}

// commitHashes lists the commits Collect read.
func commitHashes(col *branch.Collected) []plumbing.Hash {
	out := make([]plumbing.Hash, len(col.Commits))
	for i, ci := range col.Commits {
		out[i] = ci.Commit.Hash
	}
	return out
}

// Save records st, read from the view at from and to which the new
// entries recs were applied, as the state at the new ledger commit head
// (each record names its commit; the last one's is head). st holds only
// what changed since from, so it is written only if the view is still at
// from: a view another process started again or moved meanwhile (a
// command that found it untrusted, say) is left as it is, and its next
// refresh reads the new commits. Writing the changes into it would leave
// it at head with the rows of those changes alone.
func (v *View) Save(st *ledger.State, from, head plumbing.Hash, recs ...*ledger.Record) error {
	for _, r := range recs {
		if r.Entry.Kind == ledger.KindResolution {
			// Its decisions change entries replayed before it: only a
			// full replay has them.
			_, err := v.rebuild(head)
			return err
		}
	}
	commits := make([]plumbing.Hash, 0, len(recs))
	for _, r := range recs {
		commits = append(commits, plumbing.NewHash(r.Commit))
	}
	if len(recs) == 0 || commits[len(commits)-1] != head {
		commits = append(commits, head)
	}
	return v.inTx(func(tx *sql.Tx) error {
		cur, err := shadowHead(tx)
		if err != nil || cur != from {
			return err
		}
		return v.write(tx, st, head, recs, commits, nil)
	})
}

// shadowHead is the ledger commit the view is at, as its shadow records
// it, read within tx (zero for a view that has read none).
func shadowHead(tx *sql.Tx) (plumbing.Hash, error) {
	var h string
	err := tx.QueryRow(`SELECT value FROM shadow.meta WHERE key = 'head'`).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && h == "") {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return plumbing.NewHash(h), nil
}

// write stores the changes of st, the records and commits read, and the
// new head, in one transaction: a crash leaves the view at the old head or
// at the new one.
func (v *View) write(tx *sql.Tx, st *ledger.State, head plumbing.Hash, recs []*ledger.Record, commits []plumbing.Hash, findings []ledger.Finding) error {
	items, batches, signers, ckpts := st.Changes()
	if err := putItemRows(tx, items); err != nil {
		return err
	}
	for _, b := range batches {
		if err := putBatchRow(tx, b); err != nil {
			return err
		}
	}
	for _, sg := range signers {
		if err := putSignerRow(tx, sg); err != nil {
			return err
		}
	}
	for _, c := range ckpts {
		if _, err := tx.Exec(`INSERT OR REPLACE INTO checkpoints(entry, clock, code_commit, dirty, baseline) VALUES (?,?,?,?,?)`, c.Entry, int64(c.Clock), c.CodeCommit, c.Dirty, c.Baseline); err != nil {
			return err
		}
	}
	tr, err := tx.Prepare(`INSERT INTO transitions(item_kind, item_id, from_status, to_status, actor, entry, commit_hash, reason, clock, time) VALUES (?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer tr.Close()
	for _, t := range st.Transitions {
		if _, err := tr.Exec(string(t.Item.Kind), t.Item.ID, string(t.From), string(t.To), t.Signer, t.Entry, t.Commit, t.Reason, int64(t.Clock), t.Time); err != nil {
			return err
		}
	}
	en, err := tx.Prepare(`INSERT OR REPLACE INTO entries(id, kind, signer, clock, time, commit_hash, summary, reason, evidence) VALUES (?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer en.Close()
	for _, r := range recs {
		ev := ""
		if r.Entry.Evidence != nil {
			b, _ := json.Marshal(r.Entry.Evidence)
			ev = string(b)
		}
		if _, err := en.Exec(r.ID, string(r.Entry.Kind), r.Entry.Signer, int64(r.Entry.Clock), r.Entry.Time.UTC().Format("2006-01-02T15:04:05Z"),
			r.Commit, r.Entry.Summary, r.Entry.Reason, ev); err != nil {
			return err
		}
	}
	cm, err := tx.Prepare(`INSERT OR IGNORE INTO ledger_commits(hash) VALUES (?)`)
	if err != nil {
		return err
	}
	defer cm.Close()
	for _, c := range commits {
		if _, err := cm.Exec(c.String()); err != nil {
			return err
		}
	}
	for _, f := range findings {
		if _, err := tx.Exec(`INSERT INTO findings(commit_hash, path, entry, message) VALUES (?,?,?,?)`, f.Commit, f.Path, f.Entry, f.Msg); err != nil {
			return err
		}
	}
	for k, val := range map[string]string{
		"head":       head.String(),
		"last_clock": strconv.FormatUint(st.Last.Clock, 10),
		"last_id":    st.Last.ID,
		"clock":      strconv.FormatUint(st.Clock, 10),
		"genesis":    st.Genesis,
	} {
		if err := setMeta(tx, k, val); err != nil {
			return err
		}
	}
	if p, changed := st.PolicyChanged(); changed && p != nil {
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if err := setMeta(tx, "policy", string(b)); err != nil {
			return err
		}
		if err := setMeta(tx, "policy_entry", st.PolicyEntry); err != nil {
			return err
		}
	}
	return writeUndo(tx, st.Undo)
}

func nullBatch(id int) any {
	if id == 0 {
		return nil
	}
	return id
}

// IsCorrupt reports whether err says that the database file is damaged.
func IsCorrupt(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return true
		}
	}
	return false
}

// Reset throws the view's file away and starts an empty one, for a view
// found damaged; the next refresh rebuilds it from the ledger.
func (v *View) Reset() error {
	v.Close()
	if err := removeDB(v.Path); err != nil {
		return fmt.Errorf("remove damaged view %s: %w", v.Path, err)
	}
	return v.open()
}
