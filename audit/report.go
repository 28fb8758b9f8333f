package audit

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/porttracker/porttracker/ledger"
)

// Report is the progress report of the port: what porttracker report
// writes as markdown with an SVG burn-up chart beside it, or as JSON.
// Lists are never nil, so that the JSON always has every key.
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
	Batches []Batch `json:"batches"`
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
	// BurnUp is the burn-up series, oldest day first.
	BurnUp []BurnUpPoint `json:"burn_up"`
	// Chart, when set, is the path of the SVG chart relative to the
	// markdown file; Markdown then shows it.
	Chart string `json:"chart,omitempty"`
}

// Totals are the item counts of one kind. Status has every status, zero
// counts included.
type Totals struct {
	Total int `json:"total"`
	// Removed counts the items whose source declaration is gone; they are
	// counted in Total and Status as well.
	Removed int    `json:"removed"`
	Status  Counts `json:"status"`
}

// ReportItem is one item listed by the report.
type ReportItem struct {
	Kind         ledger.Kind   `json:"kind"`
	ID           int           `json:"id"`
	Status       ledger.Status `json:"status"`
	Batch        int           `json:"batch_id,omitempty"`
	SourceFile   string        `json:"source_file,omitempty"`
	SourceSymbol string        `json:"source_symbol,omitempty"`
	TargetFile   string        `json:"target_file,omitempty"`
	TargetSymbol string        `json:"target_symbol,omitempty"`
	Reason       string        `json:"reason,omitempty"`
	Heads        []ledger.Head `json:"heads,omitempty"`
}

// Activity is one ledger entry in the report's recent activity (without
// its evidence).
type Activity = EntryRow

// BurnUpPoint is the state at the end of one day (UTC): how many features
// and tests were verified, and the total number of items.
type BurnUpPoint struct {
	Day      string `json:"day"`
	Features int    `json:"verified_features"`
	Tests    int    `json:"verified_tests"`
	Total    int    `json:"total_items"`
}

// reportStatuses is the order in which the report shows statuses.
var reportStatuses = [...]ledger.Status{ledger.NotStarted, ledger.Stub, ledger.Complete, ledger.Verified, ledger.Deferred}

const dayLayout = "2006-01-02"

// Report computes the progress report from the view: every figure is
// aggregated in SQL, so that it stays fast for thousands of items and tens
// of thousands of transitions. now is the report's time; recent is how
// many of the last ledger entries to list (0 or less: none).
//
// The burn-up series has one point per day on which an item became or
// stopped being verified, from the recorded transitions: for each item,
// its status at the end of each day is the target of its last move that
// day (in replay order), and the day's count changes by one for each item
// that became verified or stopped being so. This gives the same figures as
// adding one for each move to verified and taking one for each move away
// from it, but stays right when concurrent entries both verified an item.
// A first point at the day of the first ledger entry (nothing verified)
// and a last one at the report's day are added when they differ from the
// days with moves. The view keeps no history of item definitions, so the
// total is today's inventory on every day.
func (v *View) Report(now time.Time, recent int) (*Report, error) {
	now = now.UTC()
	r := &Report{
		Generated:       now.Format(time.RFC3339),
		Batches:         []Batch{},
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
	if batches != nil {
		r.Batches = batches
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
	if r.BurnUp, err = v.burnUp(now, r.Features.Total+r.Tests.Total); err != nil {
		return nil, err
	}
	return r, nil
}

func (v *View) totals(kind ledger.Kind) (Totals, error) {
	t := Totals{Status: Counts{}}
	for _, st := range reportStatuses {
		t.Status[st] = 0
	}
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

// burnUpQuery gives, for each day on which some item's verified state
// changed, the net change of verified features and tests.
const burnUpQuery = `
WITH daily AS (
	SELECT item_kind, item_id, day, to_status = 'verified' AS v FROM (
		SELECT item_kind, item_id, substr(time, 1, 10) AS day, to_status,
			row_number() OVER (PARTITION BY item_kind, item_id, substr(time, 1, 10) ORDER BY seq DESC) AS rn
		FROM transitions
		WHERE (item_kind, item_id) IN (SELECT item_kind, item_id FROM transitions WHERE to_status = 'verified'))
	WHERE rn = 1
), deltas AS (
	SELECT item_kind, day, v - coalesce(lag(v) OVER (PARTITION BY item_kind, item_id ORDER BY day), 0) AS d
	FROM daily
)
SELECT day,
	coalesce(sum(CASE WHEN item_kind = 'feature' THEN d END), 0),
	coalesce(sum(CASE WHEN item_kind = 'test' THEN d END), 0)
FROM deltas
GROUP BY day
HAVING sum(d <> 0) > 0
ORDER BY day`

func (v *View) burnUp(now time.Time, total int) ([]BurnUpPoint, error) {
	rows, err := v.db.Query(burnUpQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []BurnUpPoint{}
	var feats, tests int
	for rows.Next() {
		var day string
		var df, dt int
		if err := rows.Scan(&day, &df, &dt); err != nil {
			return nil, err
		}
		feats += df
		tests += dt
		out = append(out, BurnUpPoint{Day: day, Features: feats, Tests: tests, Total: total})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var first sql.NullString
	if err := v.db.QueryRow(`SELECT min(substr(time, 1, 10)) FROM entries`).Scan(&first); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if first.Valid && first.String != "" && (len(out) == 0 || first.String < out[0].Day) {
		out = append([]BurnUpPoint{{Day: first.String, Total: total}}, out...)
	}
	if today := now.Format(dayLayout); len(out) > 0 && today > out[len(out)-1].Day {
		last := out[len(out)-1]
		last.Day = today
		out = append(out, last)
	}
	return out, nil
}

// Markdown writes the report as GitHub-flavoured markdown.
func (r *Report) Markdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# Porting progress report\n\n")
	if r.LedgerHead != "" {
		p("Generated %s from ledger commit `%s`.\n\n", r.Generated, r.LedgerHead)
	} else {
		p("Generated %s; there is no ledger yet (run `porttracker init`).\n\n", r.Generated)
	}
	if r.Findings > 0 {
		p("> **Warning:** the ledger has %d %s (entries that failed verification or broke a rule); run `porttracker audit` to see them.\n\n",
			r.Findings, plural(r.Findings, "finding", "findings"))
	}

	p("## Totals\n\n")
	p("| Kind | Total |")
	for _, st := range reportStatuses {
		p(" %s |", st)
	}
	p(" %% verified |\n| :--- | ---: |")
	for range reportStatuses {
		p(" ---: |")
	}
	p(" ---: |\n")
	all := Totals{Status: Counts{}}
	for _, row := range []struct {
		name string
		t    Totals
	}{{"Features", r.Features}, {"Tests", r.Tests}} {
		p("| %s | %d |", row.name, row.t.Total)
		for _, st := range reportStatuses {
			p(" %d |", row.t.Status[st])
			all.Status[st] += row.t.Status[st]
		}
		p(" %s |\n", percent(row.t.Status[ledger.Verified], row.t.Total))
		all.Total += row.t.Total
	}
	p("| **All** | **%d** |", all.Total)
	for _, st := range reportStatuses {
		p(" **%d** |", all.Status[st])
	}
	p(" **%s** |\n\n", percent(all.Status[ledger.Verified], all.Total))
	if r.Features.Removed+r.Tests.Removed > 0 {
		p("Of these, %d %s and %d %s are marked removed: their source declaration is gone.\n\n",
			r.Features.Removed, plural(r.Features.Removed, "feature", "features"), r.Tests.Removed, plural(r.Tests.Removed, "test", "tests"))
	}

	p("## Burn-up\n\n")
	if r.Chart != "" {
		p("![Burn-up chart: verified features and tests over time](%s)\n\n", mdLink(r.Chart))
	}
	if n := len(r.BurnUp); n > 0 {
		last := r.BurnUp[n-1]
		p("As of %s: %d of %d features and %d of %d tests verified (%d of %d items, %s).\n\n",
			last.Day, last.Features, r.Features.Total, last.Tests, r.Tests.Total,
			last.Features+last.Tests, last.Total, percent(last.Features+last.Tests, last.Total))
	} else {
		p("Nothing is recorded yet.\n\n")
	}

	p("## Batches\n\n")
	if len(r.Batches) == 0 {
		p("No batches are defined.\n\n")
	} else {
		p("| Batch | Name | Depends on | Status | Features verified | Tests verified | Deferred | Open |\n")
		p("| ---: | :--- | :--- | :--- | ---: | ---: | ---: | ---: |\n")
		for _, b := range r.Batches {
			deps := "—"
			if len(b.Depends) > 0 {
				deps = intList(b.Depends)
			}
			status := string(b.Status)
			if b.Status == ledger.BatchPlanned {
				if b.Ready {
					status += " (ready)"
				} else {
					status += " (waiting for " + intList(b.OpenDeps) + ")"
				}
			}
			total := b.Features.Total() + b.Tests.Total()
			deferred := b.Features[ledger.Deferred] + b.Tests[ledger.Deferred]
			open := total - deferred - b.Features[ledger.Verified] - b.Tests[ledger.Verified]
			p("| %d | %s | %s | %s | %d/%d | %d/%d | %d | %d |\n", b.ID, mdText(b.Name), deps, status,
				b.Features[ledger.Verified], b.Features.Total(), b.Tests[ledger.Verified], b.Tests.Total(), deferred, open)
		}
		p("\n")
	}

	if err := markdownTasks(bw, r.Tasks); err != nil {
		return err
	}
	p("## Deferred (%d)\n\n", len(r.Deferred))
	if len(r.Deferred) == 0 {
		p("No item is deferred.\n\n")
	} else {
		p("| Kind | Reason | Count | IDs |\n| :--- | :--- | ---: | :--- |\n")
		for _, g := range groupDeferred(r.Deferred) {
			reason := mdText(g.reason)
			if g.reason == "" {
				reason = "*(no reason)*"
			}
			p("| %s | %s | %d | %s |\n", g.kind, reason, len(g.ids), ledger.FormatIDs(g.ids))
		}
		p("\n")
	}

	p("## Conflicts (%d)\n\n", len(r.Conflicts))
	if len(r.Conflicts) == 0 {
		p("No open conflicts.\n\n")
	} else {
		p("Concurrent entries disagree about these items; settle each with `--override \"resolve: why\"`.\n\n")
		p("| Item | Status | Batch | Heads |\n| :--- | :--- | ---: | :--- |\n")
		for _, it := range r.Conflicts {
			heads := make([]string, len(it.Heads))
			for i, h := range it.Heads {
				heads[i] = fmt.Sprintf("%s by %s in %s", h.To, mdText(h.Signer), mdCode(shortID(h.Entry)))
			}
			p("| %s %d | %s | %s | %s |\n", it.Kind, it.ID, it.Status, batchCell(it.Batch), strings.Join(heads, "; "))
		}
		p("\n")
	}

	p("## Changed upstream (%d)\n\n", len(r.UpstreamChanged))
	if len(r.UpstreamChanged) == 0 {
		p("No promoted item's source has changed since its promotion.\n\n")
	} else {
		p("The source declaration of these items changed after they were promoted; check the port against it.\n\n")
		p("| Item | Status | Batch | Source | Target |\n| :--- | :--- | ---: | :--- | :--- |\n")
		for _, it := range r.UpstreamChanged {
			p("| %s %d | %s | %s | %s | %s |\n", it.Kind, it.ID, it.Status, batchCell(it.Batch),
				location(it.SourceFile, it.SourceSymbol), location(it.TargetFile, it.TargetSymbol))
		}
		p("\n")
	}

	if len(r.Recent) > 0 {
		p("## Recent activity\n\n")
		if len(r.Recent) == 1 {
			p("The last entry.\n\n")
		} else {
			p("The last %d entries, newest first.\n\n", len(r.Recent))
		}
		p("| Time | Signer | Entry | Summary |\n| :--- | :--- | :--- | :--- |\n")
		for _, a := range r.Recent {
			summary := mdText(a.Summary)
			if a.Reason != "" && !strings.Contains(a.Summary, a.Reason) {
				summary += " — " + mdText(a.Reason)
			}
			p("| %s | %s | %s | %s |\n", mdText(a.Time), mdText(a.Signer), mdCode(shortID(a.ID)), summary)
		}
	}
	return bw.Flush()
}

type deferredGroup struct {
	kind   ledger.Kind
	reason string
	ids    []int
}

// groupDeferred groups deferred items by kind and reason, features first,
// then by reason.
func groupDeferred(items []ReportItem) []deferredGroup {
	idx := map[[2]string]int{}
	var out []deferredGroup
	for _, it := range items {
		k := [2]string{string(it.Kind), it.Reason}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, deferredGroup{kind: it.Kind, reason: it.Reason})
		}
		out[i].ids = append(out[i].ids, it.ID)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].kind != out[j].kind {
			return out[i].kind < out[j].kind
		}
		return out[i].reason < out[j].reason
	})
	for _, g := range out {
		sort.Ints(g.ids)
	}
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func percent(n, total int) string {
	if total == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(n)/float64(total), 'f', 1, 64) + "%"
}

func intList(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(id)
	}
	return strings.Join(s, ", ")
}

func batchCell(id int) string {
	if id == 0 {
		return "—"
	}
	return strconv.Itoa(id)
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func location(file, symbol string) string {
	switch {
	case file == "" && symbol == "":
		return "—"
	case file == "":
		return mdCode(symbol)
	case symbol == "":
		return mdCode(file)
	}
	return mdCode(file) + " " + mdCode(symbol)
}

// oneLine folds line breaks and tabs into spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// mdText escapes free text for a table cell: it cannot end the cell, start
// emphasis, a link, inline HTML or a code span.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for i, c := range s {
		switch c {
		case '\\', '|', '*', '`', '[', ']':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '<':
			b.WriteString("&lt;")
		case '_':
			// Intraword underscores (not_started) are literal in GFM.
			if i > 0 && i < len(s)-1 && isWordByte(s[i-1]) && isWordByte(s[i+1]) {
				b.WriteByte('_')
			} else {
				b.WriteString(`\_`)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// mdCode writes s as a code span for a table cell.
func mdCode(s string) string {
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdLink escapes a relative path for a link destination.
func mdLink(p string) string {
	r := strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")
	return r.Replace(p)
}

// SVG geometry of the burn-up chart.
const (
	svgWidth  = 760
	svgHeight = 440
	plotLeft  = 72.0
	plotRight = svgWidth - 28.0
	plotTop   = 80.0
	legendY   = 60.0
	plotBot   = svgHeight - 64.0

	colorFeatures = "#2563eb"
	colorTests    = "#16a34a"
	colorTotal    = "#6b7280"
)

// SVG writes the burn-up chart: verified features and verified tests per
// day, and the total scope as a dashed line, as a self-contained SVG image
// (no scripts, no external fonts or styles). The same report gives the same
// bytes.
func (r *Report) SVG(w io.Writer) error {
	pts := append([]BurnUpPoint(nil), r.BurnUp...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Day < pts[j].Day })
	days := make([]int, len(pts))
	var t0 time.Time
	for i, pt := range pts {
		t, err := time.Parse(dayLayout, pt.Day)
		if err != nil {
			return fmt.Errorf("burn-up point %q: not a day (%s)", pt.Day, dayLayout)
		}
		if i == 0 {
			t0 = t
		}
		days[i] = int(math.Round(t.Sub(t0).Hours() / 24))
	}
	// Each day is one unit wide: the value reached on a day holds until the
	// next point, and the last day gets its own width.
	span := 1
	if n := len(days); n > 0 {
		span = days[n-1] + 1
	}
	ymax := r.Features.Total + r.Tests.Total
	for _, pt := range pts {
		ymax = max(ymax, pt.Total, pt.Features, pt.Tests)
	}
	ystep := niceStep(ymax)
	ytop := ystep * int(math.Ceil(float64(max(ymax, 1))/float64(ystep)))
	x := func(day int) float64 { return plotLeft + (plotRight-plotLeft)*float64(day)/float64(span) }
	y := func(n int) float64 { return plotBot - (plotBot-plotTop)*float64(n)/float64(ytop) }

	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	title := "Burn-up: verified items over time"
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="burnup-title" font-family="sans-serif" font-size="12">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	p(`<title id="burnup-title">%s</title>`+"\n", svgEscape(title))
	p(`<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", svgWidth, svgHeight)
	p(`<text x="%d" y="24" text-anchor="middle" font-size="16" font-weight="bold" fill="#111827">%s</text>`+"\n", svgWidth/2, svgEscape(title))
	sub := "Generated " + r.Generated
	if n := len(pts); n > 1 {
		sub = fmt.Sprintf("%s to %s; generated %s", pts[0].Day, pts[n-1].Day, r.Generated)
	} else if n == 1 {
		sub = fmt.Sprintf("%s; generated %s", pts[0].Day, r.Generated)
	}
	p(`<text x="%d" y="42" text-anchor="middle" fill="#4b5563">%s</text>`+"\n", svgWidth/2, svgEscape(sub))

	// Grid and Y ticks.
	p(`<g stroke="#e5e7eb" stroke-width="1">` + "\n")
	for v := ystep; v <= ytop; v += ystep {
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n", plotLeft, y(v), plotRight, y(v))
	}
	p("</g>\n")
	p(`<g fill="#374151" text-anchor="end">` + "\n")
	for v := 0; v <= ytop; v += ystep {
		p(`<text x="%.1f" y="%.1f">%d</text>`+"\n", plotLeft-8, y(v)+4, v)
	}
	p("</g>\n")
	// X ticks: at most seven labelled days.
	p(`<g fill="#374151" text-anchor="middle">` + "\n")
	if len(pts) > 0 {
		lastDay := days[len(days)-1]
		xstep := max(1, int(math.Ceil(float64(lastDay+1)/7)))
		for d := 0; d <= lastDay; d += xstep {
			p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`+"\n", x(d), plotBot, x(d), plotBot+5)
			p(`<text x="%.1f" y="%.1f">%s</text>`+"\n", x(d), plotBot+19, t0.AddDate(0, 0, d).Format(dayLayout))
		}
	}
	p("</g>\n")
	// Axes and their titles.
	p(`<g stroke="#374151" stroke-width="1">`+"\n"+`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n"+`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f"/>`+"\n</g>\n",
		plotLeft, plotTop, plotLeft, plotBot, plotLeft, plotBot, plotRight, plotBot)
	p(`<text x="%.1f" y="%d" text-anchor="middle" fill="#374151">Day (UTC)</text>`+"\n", (plotLeft+plotRight)/2, svgHeight-18)
	p(`<text x="18" y="%.1f" text-anchor="middle" fill="#374151" transform="rotate(-90 18 %.1f)">Items</text>`+"\n", (plotTop+plotBot)/2, (plotTop+plotBot)/2)

	// The series, as steps.
	if len(pts) == 0 {
		p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#6b7280">No data yet</text>`+"\n", (plotLeft+plotRight)/2, (plotTop+plotBot)/2)
	} else {
		step := func(val func(BurnUpPoint) int) string {
			var b strings.Builder
			fmt.Fprintf(&b, "M%.1f %.1f", x(days[0]), y(val(pts[0])))
			for i := 1; i < len(pts); i++ {
				fmt.Fprintf(&b, " H%.1f V%.1f", x(days[i]), y(val(pts[i])))
			}
			fmt.Fprintf(&b, " H%.1f", x(span))
			return b.String()
		}
		p(`<path d="%s" fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="6 4"/>`+"\n", step(func(pt BurnUpPoint) int { return pt.Total }), colorTotal)
		p(`<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", step(func(pt BurnUpPoint) int { return pt.Tests }), colorTests)
		p(`<path d="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", step(func(pt BurnUpPoint) int { return pt.Features }), colorFeatures)
	}

	// Legend: one row under the title, with the latest values.
	var last BurnUpPoint
	if n := len(pts); n > 0 {
		last = pts[n-1]
	} else {
		last.Total = r.Features.Total + r.Tests.Total
	}
	legend := []struct {
		label, color, dash string
	}{
		{fmt.Sprintf("Verified features (%d)", last.Features), colorFeatures, ""},
		{fmt.Sprintf("Verified tests (%d)", last.Tests), colorTests, ""},
		{fmt.Sprintf("Total items (%d)", last.Total), colorTotal, ` stroke-dasharray="6 4"`},
	}
	p("<g>\n")
	for i, l := range legend {
		lx, ly := plotLeft+40+210*float64(i), legendY
		p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", lx, ly, lx+24, ly, l.color, l.dash)
		p(`<text x="%.1f" y="%.1f" fill="#111827">%s</text>`+"\n", lx+32, ly+4, svgEscape(l.label))
	}
	p("</g>\n</svg>\n")
	return bw.Flush()
}

// niceStep is a step of 1, 2 or 5 times a power of ten that divides 0..n
// into at most about five intervals.
func niceStep(n int) int {
	if n <= 5 {
		return 1
	}
	raw := float64(n) / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * pow; s >= raw {
			return int(s)
		}
	}
	return int(10 * pow)
}

func svgEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
