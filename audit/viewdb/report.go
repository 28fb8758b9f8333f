package viewdb

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// Report is the progress report of the port, a value that the markdown,
// HTML and SVG writers render (report_md.go, report_html.go,
// report_svg.go) and that porttracker report --json prints. Lists are
// never nil, so that the JSON always has every key.
type Report struct {
	// Generated is when the report was made, RFC 3339 in UTC.
	Generated string `json:"generated"`
	// LedgerHead is the ledger commit the view was built from ("" when
	// there is no ledger yet).
	LedgerHead string `json:"ledger_head"`
	// Features and Tests are the item totals by status.
	Features Totals `json:"features"`
	Tests    Totals `json:"tests"`
	// Batches are every batch with its counts, by ID.
	Batches []ReportBatch `json:"batches"`
	// Tasks are the tasks of the batches with a plan, by batch, each in
	// its plan's order, with their items counted by status.
	Tasks []Task `json:"tasks"`
	// Deferred are the deferred items with their reasons.
	Deferred []ReportItem `json:"deferred"`
	// Conflicts are the items whose concurrent entries disagree, with the
	// entries (heads) that disagree.
	Conflicts []ReportItem `json:"conflicts"`
	// UpstreamChanged are the items whose source declaration changed after
	// they were promoted.
	UpstreamChanged []ReportItem `json:"upstream_changed"`
	// Findings counts the problems the view met while replaying the ledger
	// (porttracker audit names them).
	Findings int `json:"findings"`
	// Recent are the last ledger entries, newest first.
	Recent []Activity `json:"recent"`
	// BurnUp is every item's status at the end of each day with a move,
	// from the first recorded move to the last, oldest first.
	BurnUp []BurnUpPoint `json:"burn_up"`
	// Velocity is the items verified per week over the same span.
	Velocity []WeekVelocity `json:"velocity"`
	// Forecast projects the open items at the recent velocity.
	Forecast Forecast `json:"forecast"`
	// Signers is what each signer recorded.
	Signers []SignerActivity `json:"signers"`
	// Chart, when set, is the path of the SVG chart relative to the
	// markdown file; Markdown then shows it.
	Chart string `json:"chart,omitempty"`
	// Detailed says that AddDetail filled each batch's Items.
	Detailed bool `json:"detailed"`
}

// ReportBatch is one batch of the report: its counts and, in a detailed
// report, its items with their history and evidence.
type ReportBatch struct {
	Batch
	Items []DetailItem `json:"items,omitempty"`
}

// DetailItem is one item of a batch's drill-down.
type DetailItem struct {
	Item
	History []HistoryRow `json:"history"`
}

// Totals are the item counts of one kind. Status has every status, zero
// counts included.
type Totals struct {
	Total int `json:"total"`
	// Removed counts the items whose source declaration is gone; they are
	// counted in Total and Status as well.
	Removed int          `json:"removed"`
	Status  StatusCounts `json:"status"`
}

// Open counts the items neither verified nor deferred.
func (t Totals) Open() int { return t.Total - t.Status[ledger.Verified] - t.Status[ledger.Deferred] }

// ReportItem is one item listed by the report.
type ReportItem struct {
	ledger.ItemKey
	Status ledger.Status `json:"status"`
	Batch  int           `json:"batch_id,omitempty"`
	// Mapping holds the source and target files and symbols only.
	ledger.Mapping
	Reason string        `json:"reason,omitempty"`
	Heads  []ledger.Head `json:"heads,omitempty"`
}

// Activity is one ledger entry in the report's recent activity (without
// its evidence).
type Activity = EntryRow

// DayLayout is the layout of a report day (BurnUpPoint.Day, Forecast.Date).
const DayLayout = "2006-01-02"

// Report computes the progress report from the view: the figures are
// aggregated in SQL or in one pass over the transitions, so that it stays
// fast for thousands of items and tens of thousands of moves. now is the
// report's time; recent is how many of the last ledger entries to list (0
// or less: none). The drill-down into each batch's items is added by
// AddDetail.
func (v *View) Report(now time.Time, recent int) (*Report, error) {
	if err := v.vouch(readTables...); err != nil {
		return nil, err
	}
	now = now.UTC()
	r := &Report{
		Generated:       now.Format(time.RFC3339),
		Batches:         []ReportBatch{},
		Deferred:        []ReportItem{},
		Conflicts:       []ReportItem{},
		UpstreamChanged: []ReportItem{},
		Recent:          []Activity{},
		BurnUp:          []BurnUpPoint{},
	}
	head, err := v.Head()
	if err != nil {
		return nil, err
	}
	if !head.IsZero() {
		r.LedgerHead = head.String()
	}
	for _, t := range []struct {
		kind ledger.Kind
		out  *Totals
	}{{ledger.Feature, &r.Features}, {ledger.Test, &r.Tests}} {
		if *t.out, err = v.totals(t.kind); err != nil {
			return nil, err
		}
	}
	batches, err := v.Batches()
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		r.Batches = append(r.Batches, ReportBatch{Batch: b})
	}
	if r.Tasks, err = v.reportTasks(); err != nil {
		return nil, err
	}
	if r.Deferred, err = v.reportItems(`status = 'deferred'`, false); err != nil {
		return nil, err
	}
	if r.Conflicts, err = v.reportItems(`conflict <> 0`, true); err != nil {
		return nil, err
	}
	if r.UpstreamChanged, err = v.reportItems(`upstream_changed <> 0`, false); err != nil {
		return nil, err
	}
	if err := v.db.QueryRow(`SELECT count(*) FROM findings`).Scan(&r.Findings); err != nil {
		return nil, err
	}
	if recent > 0 {
		if r.Recent, err = v.recentActivity(recent); err != nil {
			return nil, err
		}
	}
	if r.BurnUp, err = v.burnUp(map[ledger.Kind]int{ledger.Feature: r.Features.Total, ledger.Test: r.Tests.Total}); err != nil {
		return nil, err
	}
	if r.Velocity, err = velocity(r.BurnUp); err != nil {
		return nil, err
	}
	last := now.Format(DayLayout)
	if n := len(r.BurnUp); n > 0 {
		last = r.BurnUp[n-1].Day
	}
	r.Forecast = forecast(r.Features.Open()+r.Tests.Open(), r.Velocity, last)
	if r.Signers, err = v.signerActivity(); err != nil {
		return nil, err
	}
	return r, nil
}

// AddDetail fills each batch's Items: every item of the batch with its
// recorded moves and their evidence, read in two queries.
func (v *View) AddDetail(r *Report) error {
	idx := map[int]int{}
	for i, b := range r.Batches {
		idx[b.ID] = i
		r.Batches[i].Items = []DetailItem{}
	}
	hist, err := v.allHistory()
	if err != nil {
		return err
	}
	for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
		items, err := v.List(k, ListFilter{})
		if err != nil {
			return err
		}
		for _, it := range items {
			i, ok := idx[it.Batch]
			if !ok {
				continue
			}
			h := hist[ledger.ItemKey{Kind: k, ID: it.ID}]
			if h == nil {
				h = []HistoryRow{}
			}
			r.Batches[i].Items = append(r.Batches[i].Items, DetailItem{Item: it, History: h})
		}
	}
	r.Detailed = true
	return nil
}

func (v *View) totals(kind ledger.Kind) (Totals, error) {
	t := Totals{Status: zeroCounts()}
	rows, err := v.db.Query(`SELECT status, count(*), coalesce(sum(removed <> 0), 0) FROM ` + kind.Plural() + ` GROUP BY status`)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n, removed int
		if err := rows.Scan(&st, &n, &removed); err != nil {
			return t, err
		}
		t.Status[ledger.Status(st)] += n
		t.Total += n
		t.Removed += removed
	}
	return t, rows.Err()
}

// reportItems lists the features, then the tests, that match cond (an SQL
// condition on the item columns), by ID; withHeads adds each item's heads.
func (v *View) reportItems(cond string, withHeads bool) ([]ReportItem, error) {
	cols := `id, status, coalesce(batch_id, 0), source_file, source_symbol, target_file, target_symbol, reason, heads`
	q := `SELECT 'feature', ` + cols + ` FROM features WHERE ` + cond +
		` UNION ALL SELECT 'test', ` + cols + ` FROM tests WHERE ` + cond + ` ORDER BY 1, 2`
	rows, err := v.db.Query(q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ReportItem{}
	for rows.Next() {
		var it ReportItem
		var kind, status, heads string
		if err := rows.Scan(&kind, &it.ID, &status, &it.Batch, &it.SourceFile, &it.SourceSymbol,
			&it.TargetFile, &it.TargetSymbol, &it.Reason, &heads); err != nil {
			return nil, err
		}
		it.Kind, it.Status = ledger.Kind(kind), ledger.Status(status)
		if withHeads && heads != "" {
			if err := json.Unmarshal([]byte(heads), &it.Heads); err != nil {
				return nil, fmt.Errorf("%s %d: heads: %w", kind, it.ID, err)
			}
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// recentActivity is the last limit entries, newest first.
func (v *View) recentActivity(limit int) ([]Activity, error) {
	rows, err := v.Entries(limit)
	if err != nil {
		return nil, err
	}
	out := make([]Activity, 0, len(rows))
	for i := len(rows) - 1; i >= 0; i-- {
		a := rows[i]
		a.Evidence = nil
		out = append(out, a)
	}
	return out, nil
}
