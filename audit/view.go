package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver

	"github.com/porttracker/porttracker/ledger"
)

// View is porting.db, the SQLite view of one ledger branch.
type View struct {
	Path  string
	db    *sql.DB
	store *ledger.Store
	// Rebuilt says that the last refresh replayed the ledger from scratch.
	Rebuilt bool
}

// OpenView opens (creating or repairing as needed) the view at path for the
// ledger in store. A file that is not a porttracker view of this schema is
// replaced: the view can always be rebuilt from the ledger.
func OpenView(path string, store *ledger.Store) (*View, error) {
	v := &View{Path: path, store: store}
	if err := v.open(); err != nil {
		// Corrupt or foreign: start over.
		v.Close()
		if rmErr := removeDB(path); rmErr != nil {
			return nil, fmt.Errorf("view %s is unusable (%v) and cannot be removed: %w", path, err, rmErr)
		}
		if err := v.open(); err != nil {
			return nil, fmt.Errorf("create view %s: %w", path, err)
		}
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

func (v *View) open() error {
	dsn := "file:" + v.Path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(wal)&_pragma=synchronous(normal)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	v.db = db
	var version int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		return err
	}
	var ok string
	if err := db.QueryRow(`PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
		return fmt.Errorf("integrity check failed: %v %s", err, ok)
	}
	if version == schemaVersion {
		branch, err := v.meta("branch")
		if err == nil && (branch == "" || branch == v.store.Branch()) {
			return nil
		}
	}
	return v.reset()
}

// reset drops everything and creates the empty schema.
func (v *View) reset() error {
	tx, err := v.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT type, name FROM sqlite_master WHERE type IN ('table') AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return err
	}
	var drops []string
	for rows.Next() {
		var typ, name string
		if err := rows.Scan(&typ, &name); err != nil {
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
	if _, err := tx.Exec(`PRAGMA user_version = ` + strconv.Itoa(schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
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
	err := v.db.QueryRow(`SELECT value FROM meta WHERE key = ?`, key).Scan(&val)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return val, err
}

type execer interface {
	Exec(query string, args ...any) (sql.Result, error)
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
	return st, nil
}

// Refresh brings the view up to the ledger's head.
func (v *View) Refresh() error {
	head, err := v.store.Head()
	if errors.Is(err, ledger.ErrNoLedger) {
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
		known, err := v.db.Prepare(`SELECT 1 FROM ledger_commits WHERE hash = ?`)
		if err != nil {
			return nil, err
		}
		defer known.Close()
		reached := false
		var qerr error
		col, err := v.store.Collect(head, func(h plumbing.Hash) bool {
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
		pos, _, err := v.position()
		if err != nil {
			return nil, err
		}
		// Incremental replay is exact when the view's head is still in the
		// branch's history and every new entry sorts after what the view
		// holds; otherwise replay everything.
		inOrder := len(col.Records) == 0 || pos.Before(ledger.Position{Clock: col.Records[0].Entry.Clock, ID: col.Records[0].ID})
		if reached && inOrder {
			if err := v.applyIncremental(head, col); err != nil {
				return nil, err
			}
			return v.state()
		}
	}
	return v.rebuild(head)
}

func (v *View) applyIncremental(head plumbing.Hash, col *ledger.Collected) error {
	st, err := v.state()
	if err != nil {
		return err
	}
	var findings []ledger.Finding
	findings = append(findings, col.Findings...)
	seen, err := v.db.Prepare(`SELECT 1 FROM entries WHERE id = ?`)
	if err != nil {
		return err
	}
	defer seen.Close()
	var fresh []*ledger.Record
	for _, rec := range col.Records {
		// The same entry reached through another commit (a cherry-pick) is
		// applied once.
		var one int
		if err := seen.QueryRow(rec.ID).Scan(&one); err == nil {
			continue
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		fresh = append(fresh, rec)
	}
	col = &ledger.Collected{Records: fresh, Commits: col.Commits, Findings: col.Findings}
	for _, rec := range col.Records {
		if err := st.Apply(rec); err != nil {
			findings = append(findings, ledger.Finding{Commit: rec.Commit, Path: ledger.EntryPath(rec.ID), Entry: rec.ID, Msg: err.Error()})
		}
	}
	return v.write(st, head, col.Records, col.Commits, findings, false)
}

// rebuild replays the whole ledger in memory and writes the view anew.
func (v *View) rebuild(head plumbing.Hash) (*ledger.State, error) {
	col, err := v.store.Collect(head, nil)
	if err != nil {
		return nil, err
	}
	st := ledger.NewState(nil)
	findings := append([]ledger.Finding(nil), col.Findings...)
	for _, rec := range col.Records {
		if err := st.Apply(rec); err != nil {
			findings = append(findings, ledger.Finding{Commit: rec.Commit, Path: ledger.EntryPath(rec.ID), Entry: rec.ID, Msg: err.Error()})
		}
	}
	if err := v.replace(head, col, st, findings); err != nil {
		return nil, err
	}
	return v.state()
}

// replace writes the view anew from a full replay: st, replayed from the
// records and commits of col.
func (v *View) replace(head plumbing.Hash, col *ledger.Collected, st *ledger.State, findings []ledger.Finding) error {
	if err := v.reset(); err != nil {
		return err
	}
	if err := v.write(st, head, col.Records, col.Commits, findings, true); err != nil {
		return err
	}
	v.Rebuilt = true
	return nil
}

// Save records st, to which the new entry rec was applied, as the state at
// the new ledger commit head.
func (v *View) Save(st *ledger.State, head plumbing.Hash, rec *ledger.Record) error {
	c, err := v.store.Repo.CommitObject(head)
	if err != nil {
		return err
	}
	return v.write(st, head, []*ledger.Record{rec}, []*ledger.CommitInfo{{Commit: c}}, nil, false)
}

// write stores the changes of st, the records and commits read, and the
// new head, in one transaction: a crash leaves the view at the old head or
// at the new one.
func (v *View) write(st *ledger.State, head plumbing.Hash, recs []*ledger.Record, commits []*ledger.CommitInfo, findings []ledger.Finding, fresh bool) error {
	tx, err := v.db.BeginTx(context.Background(), nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	items, batches, signers, ckpts := st.Changes()
	upsert := map[ledger.Kind]*sql.Stmt{}
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		q := `INSERT OR REPLACE INTO ` + k.Plural() + `(` + itemColumns + `) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
		if upsert[k], err = tx.Prepare(q); err != nil {
			return err
		}
		defer upsert[k].Close()
	}
	for _, it := range items {
		heads, _ := json.Marshal(it.Heads)
		if _, err := upsert[it.Key.Kind].Exec(it.Key.ID, string(it.Status), nullBatch(it.Batch), it.SourceFile, it.SourceSymbol,
			it.SourceStart, it.SourceEnd, it.SourceCommit, it.SourceDigest, it.TargetFile, it.TargetSymbol,
			it.TestFilter, it.Removed, it.Reason, string(heads), it.Conflict, it.CompleteEntry,
			int64(it.CompleteClock), it.CompleteCommit, it.Checkpoint, it.UpstreamChanged, it.LastEntry); err != nil {
			return fmt.Errorf("write %s: %w", it.Key, err)
		}
	}
	for _, b := range batches {
		deps := make([]string, len(b.Depends))
		for i, d := range b.Depends {
			deps[i] = strconv.Itoa(d)
		}
		if _, err := tx.Exec(`INSERT OR REPLACE INTO batches(id, name, status, depends) VALUES (?,?,?,?)`, b.ID, b.Name, string(b.Status), strings.Join(deps, ",")); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM batch_deps WHERE batch_id = ?`, b.ID); err != nil {
			return err
		}
		for _, d := range b.Depends {
			if _, err := tx.Exec(`INSERT INTO batch_deps(batch_id, depends_on) VALUES (?,?)`, b.ID, d); err != nil {
				return err
			}
		}
	}
	for _, sg := range signers {
		if _, err := tx.Exec(`INSERT OR REPLACE INTO signers(identity, key, active, added_by, revoked_by) VALUES (?,?,?,?,?)`,
			sg.Identity, sg.Key, sg.Active, sg.AddedBy, sg.RevokedBy); err != nil {
			return err
		}
	}
	for _, c := range ckpts {
		if _, err := tx.Exec(`INSERT OR REPLACE INTO checkpoints(entry, clock, code_commit, dirty) VALUES (?,?,?,?)`, c.Entry, int64(c.Clock), c.CodeCommit, c.Dirty); err != nil {
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
		if _, err := cm.Exec(c.Commit.Hash.String()); err != nil {
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
		"genesis":    st.Genesis,
	} {
		if err := setMeta(tx, k, val); err != nil {
			return err
		}
	}
	_ = fresh
	return tx.Commit()
}

func nullBatch(id int) any {
	if id == 0 {
		return nil
	}
	return id
}
