package audit

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/ledger"
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
		&it.UpstreamChanged, &it.LastEntry, &it.RedEntry, &it.RedCommit)
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
func (v *View) LoadItem(k ledger.ItemKey) (*ledger.ItemState, error) {
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

// LoadItems implements ledger.Source: one query per few hundred IDs.
func (v *View) LoadItems(kind ledger.Kind, ids []int) ([]*ledger.ItemState, error) {
	var out []*ledger.ItemState
	for len(ids) > 0 {
		part := ids[:min(len(ids), loadItemsChunk)]
		ids = ids[len(part):]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		marks := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		rows, err := v.q.Query(`SELECT `+itemColumns+` FROM `+kind.Plural()+` WHERE id IN (`+marks+`)`, args...)
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

// LoadBatch implements ledger.Source.
func (v *View) LoadBatch(id int) (*ledger.BatchState, error) {
	var b ledger.BatchState
	var status, deps string
	var clock int64
	err := v.q.QueryRow(`SELECT id, name, status, depends, start_clock, plan_entry FROM batches WHERE id = ?`, id).
		Scan(&b.ID, &b.Name, &status, &deps, &clock, &b.Plan)
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

// LoadSigner implements ledger.Source.
func (v *View) LoadSigner(identity string) (*ledger.SignerState, error) {
	var s ledger.SignerState
	err := v.q.QueryRow(`SELECT identity, key, active, added_by, revoked_by FROM signers WHERE identity = ?`, identity).
		Scan(&s.Identity, &s.Key, &s.Active, &s.AddedBy, &s.RevokedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &s, err
}

// Signers implements ledger.Source.
func (v *View) Signers() ([]ledger.SignerState, error) {
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
func (v *View) LoadCheckpoint(entry string) (*ledger.CheckpointState, error) {
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

// BatchItems implements ledger.Source.
func (v *View) BatchItems(id int) ([]ledger.ItemKey, error) {
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
	return out, nil
}

// MoveTo implements ledger.Source.
func (v *View) MoveTo(entry string, k ledger.ItemKey) (ledger.Status, error) {
	var to string
	err := v.q.QueryRow(`SELECT to_status FROM transitions WHERE entry = ? AND item_kind = ? AND item_id = ?`, entry, string(k.Kind), k.ID).Scan(&to)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return ledger.Status(to), err
}
