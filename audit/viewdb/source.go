package viewdb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// The View is the ledger.Source of the states that writes check their
// rules against: it loads only what the rules look at.

type scanner interface{ Scan(dest ...any) error }

func scanItem(kind ledger.Kind, row scanner) (*ledger.ItemState, error) {
	var it ledger.ItemState
	var status, heads string
	var batch sql.NullInt64
	var clock int64
	err := row.Scan(&it.Key.ID, &status, &batch, &it.SourceFile, &it.SourceSymbol, &it.SourceStart, &it.SourceEnd,
		&it.SourceCommit, &it.SourceDigest, &it.TargetFile, &it.TargetSymbol, &it.TestFilter, &it.Removed, &it.Reason,
		&heads, &it.Conflict, &it.CompleteEntry, &clock, &it.CompleteCommit, &it.Checkpoint,
		&it.UpstreamChanged, &it.LastEntry, &it.RedEntry, &it.RedCommit, &it.DefEntry, &it.BatchEntry)
	if err != nil {
		return nil, err
	}
	it.Key.Kind = kind
	it.Status = ledger.Status(status)
	it.Batch = int(batch.Int64)
	it.CompleteClock = uint64(clock)
	if err := json.Unmarshal([]byte(heads), &it.Heads); err != nil {
		return nil, err
	}
	return &it, nil
}

// LoadItem implements ledger.Source.
// The row is checked against the entries it cites (see ledger.CheckItemRow)
// and against what porttracker wrote (sameRows): a row missing from the
// view is missing from its shadow too.
func (v *View) LoadItem(k ledger.ItemKey) (*ledger.ItemState, error) {
	it, err := v.loadItem(k)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		if it != nil {
			if err := v.checkItem(it); err != nil {
				return err
			}
		}
		return v.sameRows(k.String(), k.Kind.Plural(), "id = ?1", k.ID)
	}, func() error { it, err = v.loadItem(k); return err })
	return it, err
}

// checkItem checks an item row against the entries it cites: its moves
// (ledger.CheckItemRow) and its red run (checkRed).
func (v *View) checkItem(it *ledger.ItemState) error {
	if err := ledger.CheckItemRow(it, v.entry); err != nil {
		return err
	}
	return v.checkRed(it)
}

func (v *View) loadItem(k ledger.ItemKey) (*ledger.ItemState, error) {
	row := v.q.QueryRow(`SELECT `+itemColumns+` FROM `+k.Kind.Plural()+` WHERE id = ?`, k.ID)
	it, err := scanItem(k.Kind, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return it, err
}

// loadItemsChunk bounds the IDs of one query of LoadItems (SQLite's limit
// on a statement's parameters is far above it).
const loadItemsChunk = 900

// minIDRun is the shortest run of consecutive IDs that LoadItems asks for
// as a range (id BETWEEN first AND last) rather than one by one.
const minIDRun = 16

// idClause selects some of the IDs that LoadItems was asked for: where, with
// its parameters, and what names them in a disagreement.
type idClause struct {
	what, where string
	args        []any
}

// idClauses splits ids into the WHERE clauses of LoadItems' queries: a run
// of at least minIDRun consecutive IDs is one range, whatever its length
// (an inventory of a million new items asks once), and the other IDs go
// loadItemsChunk to an IN list. Duplicate IDs are asked for once.
func idClauses(ids []int) []idClause {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var out []idClause
	var single []int
	flush := func() {
		for len(single) > 0 {
			part := single[:min(len(single), loadItemsChunk)]
			single = single[len(part):]
			args := make([]any, len(part))
			marks := make([]string, len(part))
			for i, id := range part {
				args[i] = id
				marks[i] = "?" + strconv.Itoa(i+1)
			}
			out = append(out, idClause{what: idRange(part), where: "id IN (" + strings.Join(marks, ",") + ")", args: args})
		}
	}
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j] == sorted[j-1]+1 {
			j++
		}
		if j-i >= minIDRun {
			out = append(out, idClause{what: idRange(sorted[i:j]), where: "id BETWEEN ?1 AND ?2", args: []any{sorted[i], sorted[j-1]}})
		} else {
			single = append(single, sorted[i:j]...)
		}
		i = j
	}
	flush()
	return out
}

// LoadItems implements ledger.Source: one query per few hundred IDs. Every
// row is checked as LoadItem checks one.
func (v *View) LoadItems(kind ledger.Kind, ids []int) ([]*ledger.ItemState, error) {
	clauses := idClauses(ids)
	out, err := v.loadItems(kind, clauses)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		for _, it := range out {
			if err := v.checkItem(it); err != nil {
				return err
			}
		}
		return v.sameItemRows(kind, clauses)
	}, func() error { out, err = v.loadItems(kind, clauses); return err })
	return out, err
}

// sameItemRows checks the rows of the items of one kind that clauses select
// against what porttracker wrote: a range, or a few hundred IDs, per query.
func (v *View) sameItemRows(kind ledger.Kind, clauses []idClause) error {
	for _, c := range clauses {
		if err := v.sameRows("the rows of "+kind.Plural()+" "+c.what, kind.Plural(), c.where, c.args...); err != nil {
			return err
		}
	}
	return nil
}

// idRange names a run of IDs by its first and last.
func idRange(ids []int) string {
	if len(ids) == 1 {
		return strconv.Itoa(ids[0])
	}
	return fmt.Sprintf("%d..%d", slices.Min(ids), slices.Max(ids))
}

func (v *View) loadItems(kind ledger.Kind, clauses []idClause) ([]*ledger.ItemState, error) {
	var out []*ledger.ItemState
	for _, c := range clauses {
		rows, err := v.q.Query(`SELECT `+itemColumns+` FROM `+kind.Plural()+` WHERE `+c.where, c.args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			it, err := scanItem(kind, rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// LoadBatch implements ledger.Source. The batch's row, dependencies and
// tasks are checked against the entries they cite and against what
// porttracker wrote (sameBatchRows).
func (v *View) LoadBatch(id int) (*ledger.BatchState, error) {
	b, err := v.loadBatch(id)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		if b != nil {
			if err := v.checkTasks(b); err != nil {
				return err
			}
		}
		return v.sameBatchRows(id)
	}, func() error { b, err = v.loadBatch(id); return err })
	return b, err
}

// sameBatchRows checks batch id's row, dependencies and tasks against what
// porttracker wrote.
func (v *View) sameBatchRows(id int) error {
	what := fmt.Sprintf("batch %d", id)
	if err := v.sameRows(what, "batches", "id = ?1", id); err != nil {
		return err
	}
	if err := v.sameRows("the dependencies of "+what, "batch_deps", "batch_id = ?1", id); err != nil {
		return err
	}
	if err := v.sameRows("the tasks of "+what, "tasks", "batch_id = ?1", id); err != nil {
		return err
	}
	return v.sameRows("the task members of "+what, "task_items", "batch_id = ?1", id)
}

func (v *View) loadBatch(id int) (*ledger.BatchState, error) {
	var b ledger.BatchState
	var status, deps string
	var clock int64
	err := v.q.QueryRow(`SELECT id, name, status, depends, start_clock, plan_entry, def_entry FROM batches WHERE id = ?`, id).
		Scan(&b.ID, &b.Name, &status, &deps, &clock, &b.Plan, &b.DefEntry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	b.Status = ledger.BatchStatus(status)
	b.Depends = splitInts(deps)
	b.StartClock = uint64(clock)
	if b.Tasks, err = v.loadTasks(id); err != nil {
		return nil, err
	}
	return &b, nil
}

// loadTasks reads a batch's tasks, in the plan's order.
func (v *View) loadTasks(batch int) ([]ledger.TaskState, error) {
	rows, err := v.q.Query(`SELECT name, kind, title, status, ids, started_entry, completed_entry, last_move_clock
		FROM tasks WHERE batch_id = ? ORDER BY position`, batch)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.TaskState
	for rows.Next() {
		var t ledger.TaskState
		var kind, status, ids string
		var clock int64
		if err := rows.Scan(&t.Name, &kind, &t.Title, &status, &ids, &t.StartedBy, &t.CompletedBy, &clock); err != nil {
			return nil, err
		}
		t.Kind, t.Status, t.LastMove = ledger.Kind(kind), ledger.TaskStatus(status), uint64(clock)
		if t.IDs, err = ledger.ParseIDs(ids); err != nil {
			return nil, fmt.Errorf("task %s of batch %d: %w", t.Name, batch, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func splitInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// LoadSigner implements ledger.Source. The row is checked against what
// porttracker wrote.
func (v *View) LoadSigner(identity string) (*ledger.SignerState, error) {
	s, err := v.loadSigner(identity)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error { return v.sameRows("signer "+identity, "signers", "identity = ?1", identity) },
		func() error { s, err = v.loadSigner(identity); return err })
	return s, err
}

func (v *View) loadSigner(identity string) (*ledger.SignerState, error) {
	var s ledger.SignerState
	err := v.q.QueryRow(`SELECT identity, key, active, added_by, revoked_by FROM signers WHERE identity = ?`, identity).
		Scan(&s.Identity, &s.Key, &s.Active, &s.AddedBy, &s.RevokedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &s, err
}

// Signers implements ledger.Source. The active signers are checked against
// the allowed_signers of the ledger's head.
func (v *View) Signers() ([]ledger.SignerState, error) {
	out, err := v.signers()
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		head, err := v.store.Head()
		if errors.Is(err, gitstore.ErrNoLedger) {
			return nil
		}
		if err != nil {
			return err
		}
		// What a writer writes there is the active rows formatted: when
		// the blob's hash is theirs, the file says what the rows say, and
		// the blob (packed, as it changes seldom) need not be read.
		if blob, err := v.store.BlobAt(head, gitstore.AllowedSignersFile); err == nil && blob == gitstore.BlobHash(sshkey.FormatAllowedSigners(activeSigners(out))) {
			return v.sameRows("the signers", "signers", "1")
		}
		data, err := v.store.ReadFile(head, gitstore.AllowedSignersFile)
		if err != nil {
			// A ledger without the file: audit names it.
			return v.sameRows("the signers", "signers", "1")
		}
		allowed, err := sshkey.ParseAllowedSigners(data)
		if err == nil {
			if err := ledger.CheckSignerRows(out, allowed); err != nil {
				return err
			}
		}
		return v.sameRows("the signers", "signers", "1")
	}, func() error { out, err = v.signers(); return err })
	return out, err
}

// activeSigners lists the signers of rows in force, in their order.
func activeSigners(rows []ledger.SignerState) []sshkey.AllowedSigner {
	var out []sshkey.AllowedSigner
	for _, sg := range rows {
		if sg.Active {
			out = append(out, sshkey.AllowedSigner{Identity: sg.Identity, Key: sg.Key})
		}
	}
	return out
}

func (v *View) signers() ([]ledger.SignerState, error) {
	rows, err := v.q.Query(`SELECT identity, key, active, added_by, revoked_by FROM signers ORDER BY identity`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.SignerState
	for rows.Next() {
		var s ledger.SignerState
		if err := rows.Scan(&s.Identity, &s.Key, &s.Active, &s.AddedBy, &s.RevokedBy); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// LoadCheckpoint implements ledger.Source.
// The row is checked against its entry and against what porttracker wrote.
func (v *View) LoadCheckpoint(entry string) (*ledger.CheckpointState, error) {
	c, err := v.loadCheckpoint(entry)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		if c != nil {
			if err := ledger.CheckCheckpointRow(c, v.entry); err != nil {
				return err
			}
		}
		return v.sameRows("checkpoint "+short(entry), "checkpoints", "entry = ?1", entry)
	}, func() error { c, err = v.loadCheckpoint(entry); return err })
	return c, err
}

func (v *View) loadCheckpoint(entry string) (*ledger.CheckpointState, error) {
	var c ledger.CheckpointState
	var clock int64
	err := v.q.QueryRow(`SELECT entry, clock, code_commit, dirty, baseline FROM checkpoints WHERE entry = ?`, entry).
		Scan(&c.Entry, &clock, &c.CodeCommit, &c.Dirty, &c.Baseline)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	c.Clock = uint64(clock)
	return &c, err
}

// BatchItems implements ledger.Source: the items whose rows say they are
// in batch id, those rows checked against what porttracker wrote (an item
// moved out of the batch in the view is in it in the shadow).
func (v *View) BatchItems(id int) ([]ledger.ItemKey, error) {
	out, err := v.batchItems(id)
	if err != nil {
		return nil, err
	}
	err = v.checked(func() error {
		for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
			if err := v.sameRows(fmt.Sprintf("the %s of batch %d", k.Plural(), id), k.Plural(), "batch_id = ?1", id); err != nil {
				return err
			}
		}
		return nil
	}, func() error { out, err = v.batchItems(id); return err })
	return out, err
}

func (v *View) batchItems(id int) ([]ledger.ItemKey, error) {
	var out []ledger.ItemKey
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		rows, err := v.q.Query(`SELECT id FROM `+k.Plural()+` WHERE batch_id = ? ORDER BY id`, id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var n int
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, ledger.ItemKey{Kind: k, ID: n})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b ledger.ItemKey) int {
		if c := strings.Compare(string(a.Kind), string(b.Kind)); c != 0 {
			return c
		}
		return a.ID - b.ID
	})
	return slices.Compact(out), nil
}

// MoveTo implements ledger.Source.
// The row is checked against the entry.
func (v *View) MoveTo(entry string, k ledger.ItemKey) (ledger.Status, error) {
	to, err := v.moveTo(entry, k)
	if err != nil {
		return "", err
	}
	err = v.checked(func() error {
		if to != "" {
			if err := ledger.CheckMoveRow(entry, k, to, v.entry); err != nil {
				return err
			}
		}
		return v.sameRows(fmt.Sprintf("the move of %s by entry %s", k, short(entry)), "transitions", "entry = ?1 AND item_kind = ?2 AND item_id = ?3", entry, string(k.Kind), k.ID)
	}, func() error { to, err = v.moveTo(entry, k); return err })
	return to, err
}

func (v *View) moveTo(entry string, k ledger.ItemKey) (ledger.Status, error) {
	var to string
	err := v.q.QueryRow(`SELECT to_status FROM transitions WHERE entry = ? AND item_kind = ? AND item_id = ?`, entry, string(k.Kind), k.ID).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return ledger.Status(to), err
}
