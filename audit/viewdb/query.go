package viewdb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// Item is one item as the show and list commands print it.
type Item struct {
	ledger.ItemKey
	Status          ledger.Status  `json:"status"`
	Batch           int            `json:"batch_id,omitempty"`
	Removed         bool           `json:"removed,omitempty"`
	Reason          string         `json:"reason,omitempty"`
	Conflict        bool           `json:"conflict,omitempty"`
	Heads           []ledger.Head  `json:"heads,omitempty"`
	UpstreamChanged bool           `json:"upstream_changed,omitempty"`
	CompleteEntry   string         `json:"complete_entry,omitempty"`
	Checkpoint      string         `json:"checkpoint,omitempty"`
	Mapping         ledger.Mapping `json:"mapping"`
}

// ItemOf is the Item that it shows.
func ItemOf(it *ledger.ItemState) Item {
	out := Item{ItemKey: it.Key, Status: it.Status, Batch: it.Batch, Removed: it.Removed,
		Reason: it.Reason, Conflict: it.Conflict, UpstreamChanged: it.UpstreamChanged,
		CompleteEntry: it.CompleteEntry, Checkpoint: it.Checkpoint, Mapping: it.Mapping}
	if it.Conflict {
		out.Heads = it.Heads
	}
	return out
}

// ErrNotFound says that the view has no such item or batch.
var ErrNotFound = errors.New("not found")

// Item returns one item.
func (v *View) Item(k ledger.ItemKey) (*Item, error) {
	it, err := v.LoadItem(k)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, fmt.Errorf("%s: %w", k, ErrNotFound)
	}
	out := ItemOf(it)
	return &out, nil
}

// ListFilter selects items for List.
type ListFilter struct {
	Batch  int
	Status ledger.Status
}

// List returns the items of a kind, by ID.
func (v *View) List(kind ledger.Kind, f ListFilter) ([]Item, error) {
	if err := v.vouch(kind.Plural()); err != nil {
		return nil, err
	}
	q := `SELECT ` + itemColumns + ` FROM ` + kind.Plural()
	var conds []string
	var args []any
	if f.Batch != 0 {
		conds = append(conds, "batch_id = ?")
		args = append(args, f.Batch)
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, string(f.Status))
	}
	if len(conds) > 0 {
		q += " WHERE " + strings.Join(conds, " AND ")
	}
	rows, err := v.db.Query(q+" ORDER BY id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Item{}
	for rows.Next() {
		it, err := scanItem(kind, rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ItemOf(it))
	}
	return out, rows.Err()
}

// StatusCounts are item counts by status (gates.Counts are a test run's).
type StatusCounts map[ledger.Status]int

// zeroCounts has every status, at zero, so that JSON shows them all.
func zeroCounts() StatusCounts {
	c := StatusCounts{}
	for _, st := range ledger.Statuses() {
		c[st] = 0
	}
	return c
}

// Total is the number of items counted.
func (c StatusCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Batch is one batch with its item counts.
type Batch struct {
	ID       int                `json:"id"`
	Name     string             `json:"name"`
	Status   ledger.BatchStatus `json:"status"`
	Depends  []int              `json:"depends"`
	Features StatusCounts       `json:"features"`
	Tests    StatusCounts       `json:"tests"`
	// Ready says that every dependency is complete.
	Ready bool `json:"ready"`
	// OpenDeps lists the dependencies that are not complete.
	OpenDeps []int `json:"open_dependencies,omitempty"`
}

// Batches returns every batch with its counts, by ID.
func (v *View) Batches() ([]Batch, error) {
	if err := v.vouch("batches", "batch_deps", "features", "tests"); err != nil {
		return nil, err
	}
	rows, err := v.db.Query(`SELECT id, name, status, depends FROM batches ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []Batch
	status := map[int]ledger.BatchStatus{}
	for rows.Next() {
		var b Batch
		var st, deps string
		if err := rows.Scan(&b.ID, &b.Name, &st, &deps); err != nil {
			rows.Close()
			return nil, err
		}
		b.Status = ledger.BatchStatus(st)
		b.Depends = splitInts(deps)
		if b.Depends == nil {
			b.Depends = []int{}
		}
		b.Features, b.Tests = zeroCounts(), zeroCounts()
		status[b.ID] = b.Status
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	idx := map[int]int{}
	for i, b := range out {
		idx[b.ID] = i
	}
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		rows, err := v.db.Query(`SELECT batch_id, status, count(*) FROM ` + k.Plural() + ` WHERE batch_id IS NOT NULL GROUP BY batch_id, status`)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n int
			var st string
			if err := rows.Scan(&id, &st, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := idx[id]; ok {
				if k == ledger.Feature {
					out[i].Features[ledger.Status(st)] = n
				} else {
					out[i].Tests[ledger.Status(st)] = n
				}
			}
		}
		rows.Close()
	}
	for i := range out {
		out[i].Ready = true
		for _, d := range out[i].Depends {
			if status[d] != ledger.BatchComplete {
				out[i].Ready = false
				out[i].OpenDeps = append(out[i].OpenDeps, d)
			}
		}
	}
	return out, nil
}

// Batch returns one batch with its counts.
func (v *View) Batch(id int) (*Batch, error) {
	all, err := v.Batches()
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("batch %d: %w", id, ErrNotFound)
}

// HistoryRow is one recorded move of an item, with the entry's evidence.
type HistoryRow struct {
	ledger.ItemKey
	From ledger.Status `json:"from"`
	To   ledger.Status `json:"to"`
	// Actor is the entry's signer (the transitions table's actor column);
	// JSON calls the person "signer" everywhere.
	Actor    string           `json:"signer"`
	Entry    string           `json:"entry"`
	Commit   string           `json:"commit,omitempty"`
	Reason   string           `json:"reason,omitempty"`
	Time     string           `json:"time"`
	Clock    uint64           `json:"clock"`
	Evidence *ledger.Evidence `json:"evidence,omitempty"`
}

// History returns the recorded moves of one item, oldest first.
func (v *View) History(k ledger.ItemKey) ([]HistoryRow, error) {
	what := "the moves of " + k.String()
	if err := v.vouchRows(what, "transitions", "item_kind = ?1 AND item_id = ?2", string(k.Kind), k.ID); err != nil {
		return nil, err
	}
	if err := v.vouchRows("the entries of "+what, "entries", "id IN (SELECT entry FROM main.transitions WHERE item_kind = ?1 AND item_id = ?2)", string(k.Kind), k.ID); err != nil {
		return nil, err
	}
	out := []HistoryRow{}
	err := v.scanHistory(`WHERE t.item_kind = ? AND t.item_id = ?`, []any{string(k.Kind), k.ID}, func(r HistoryRow) { out = append(out, r) })
	return out, err
}

// allHistory returns the recorded moves of every item, oldest first; the
// moves of one entry share its evidence.
func (v *View) allHistory() (map[ledger.ItemKey][]HistoryRow, error) {
	if err := v.vouch("transitions", "entries"); err != nil {
		return nil, err
	}
	out := map[ledger.ItemKey][]HistoryRow{}
	err := v.scanHistory("", nil, func(r HistoryRow) {
		k := r.ItemKey
		out[k] = append(out[k], r)
	})
	return out, err
}

// scanHistory calls add for each move that where (an SQL condition on the
// transitions t, with its args) selects, in replay order, parsing each
// entry's evidence once.
func (v *View) scanHistory(where string, args []any, add func(HistoryRow)) error {
	q := `SELECT t.item_kind, t.item_id, t.from_status, t.to_status, t.actor, t.entry, t.commit_hash, t.reason, t.time, t.clock, coalesce(e.evidence, '')
		FROM transitions t LEFT JOIN entries e ON e.id = t.entry ` + where + `
		ORDER BY t.clock, t.entry`
	rows, err := v.db.Query(q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	evidence := map[string]*ledger.Evidence{}
	for rows.Next() {
		var r HistoryRow
		var kind, from, to, ev string
		var clock int64
		if err := rows.Scan(&kind, &r.ID, &from, &to, &r.Actor, &r.Entry, &r.Commit, &r.Reason, &r.Time, &clock, &ev); err != nil {
			return err
		}
		r.Kind, r.From, r.To, r.Clock = ledger.Kind(kind), ledger.Status(from), ledger.Status(to), uint64(clock)
		if ev != "" {
			if r.Evidence = evidence[r.Entry]; r.Evidence == nil {
				r.Evidence = &ledger.Evidence{}
				if err := json.Unmarshal([]byte(ev), r.Evidence); err != nil {
					return fmt.Errorf("entry %s: evidence: %w", r.Entry, err)
				}
				evidence[r.Entry] = r.Evidence
			}
		}
		add(r)
	}
	return rows.Err()
}

// EntryRow is one ledger entry as listed by log.
type EntryRow struct {
	ID       string           `json:"id"`
	Kind     string           `json:"kind"`
	Signer   string           `json:"signer"`
	Clock    uint64           `json:"clock"`
	Time     string           `json:"time"`
	Commit   string           `json:"commit,omitempty"`
	Summary  string           `json:"summary"`
	Reason   string           `json:"reason,omitempty"`
	Evidence *ledger.Evidence `json:"evidence,omitempty"`
}

// Entries returns the ledger's entries in replay order; limit 0 means all,
// otherwise the last limit entries.
func (v *View) Entries(limit int) ([]EntryRow, error) {
	if err := v.vouch("entries"); err != nil {
		return nil, err
	}
	q := `SELECT id, kind, signer, clock, time, commit_hash, summary, reason, evidence FROM entries ORDER BY clock DESC, id DESC`
	if limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", limit)
	}
	rows, err := v.db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EntryRow
	for rows.Next() {
		var r EntryRow
		var clock int64
		var ev string
		if err := rows.Scan(&r.ID, &r.Kind, &r.Signer, &clock, &r.Time, &r.Commit, &r.Summary, &r.Reason, &ev); err != nil {
			return nil, err
		}
		r.Clock = uint64(clock)
		if ev != "" {
			r.Evidence = &ledger.Evidence{}
			if err := json.Unmarshal([]byte(ev), r.Evidence); err != nil {
				return nil, err
			}
		}
		out = append(out, r)
	}
	// Oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, rows.Err()
}

// LatestCheckpoint returns the most recent checkpoint entry, or "".
func (v *View) LatestCheckpoint() (string, error) {
	return v.latestCheckpoint(false)
}

// LatestBaseline returns the most recent baseline entry, or "".
func (v *View) LatestBaseline() (string, error) {
	return v.latestCheckpoint(true)
}

func (v *View) latestCheckpoint(baseline bool) (string, error) {
	if err := v.vouch("checkpoints"); err != nil {
		return "", err
	}
	var id string
	err := v.db.QueryRow(`SELECT entry FROM checkpoints WHERE baseline = ? ORDER BY clock DESC, entry DESC LIMIT 1`, baseline).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}
