package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"

	"github.com/porttracker/porttracker/audit/internal/viewtest"
	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// sampleView writes a ledger of two batches over nine days: promotions,
// deferrals, a demotion, a remap that changes a promoted item's source,
// and (written into the view directly, as a merge of two clones would
// leave it) a conflict.
func sampleView(t *testing.T) *viewdb.View {
	f := viewtest.New(t)
	var feats, tests []ledger.ItemDef
	for id := 1; id <= 10; id++ {
		feats = append(feats, viewtest.Feature(id, "sha256:a"))
	}
	for id := 1; id <= 8; id++ {
		tests = append(tests, viewtest.Test(id))
	}
	batches := []ledger.BatchDef{
		{ID: 1, Name: "Streams | core", Features: "1-6", Tests: "1-4"},
		{ID: 2, Name: "Cluster", Depends: []int{1}, Features: "7-9", Tests: "5-7"},
		{ID: 3, Name: "Leftovers", Depends: []int{2}, Features: "10", Tests: "8"},
	}
	f.Inventory(feats, tests, batches)
	f.Batch(1, ledger.ActionStart)

	f.Day(2)
	f.Move(ledger.Feature, "1-4", ledger.Stub, "", "")
	f.Move(ledger.Test, "1-3", ledger.Stub, "", "")
	f.Move(ledger.Feature, "1-3", ledger.Complete, "", "")
	f.Move(ledger.Test, "1-2", ledger.Complete, "", "")

	f.Day(3)
	cp := f.Checkpoint()
	f.Move(ledger.Feature, "1-3", ledger.Verified, "", cp)
	f.Move(ledger.Test, "1-2", ledger.Verified, "", cp)
	f.Move(ledger.Feature, "5-6", ledger.Deferred, "blocked: needs the raft layer", "")
	f.Move(ledger.Test, "4", ledger.Deferred, "flaky upstream <see issue 12>", "")

	f.Day(5)
	f.Move(ledger.Feature, "4", ledger.Complete, "", "")
	f.Move(ledger.Test, "3", ledger.Complete, "", "")
	cp = f.Checkpoint()
	f.Move(ledger.Feature, "4", ledger.Verified, "", cp)
	f.Move(ledger.Test, "3", ledger.Verified, "", cp)
	f.Batch(1, ledger.ActionComplete)
	f.Batch(2, ledger.ActionStart)

	f.Day(6)
	f.Move(ledger.Feature, "2", ledger.Stub, "regressed: consumer acks lost", "")
	f.Move(ledger.Feature, "7-8", ledger.Stub, "", "")
	// The source of feature 1 changed after it was verified.
	changed := viewtest.Feature(1, "sha256:b")
	changed.SourceStart, changed.SourceEnd = 10, 42
	f.Inventory([]ledger.ItemDef{changed}, nil, nil)

	f.Day(8)
	f.Move(ledger.Test, "5", ledger.Deferred, "parked for a day", "")
	f.Move(ledger.Test, "5", ledger.NotStarted, "", "")
	f.Move(ledger.Feature, "9", ledger.Deferred, "blocked: needs the raft layer", "")

	// Two clones moved feature 8 concurrently and disagree.
	heads := []ledger.Head{
		{Entry: "1111111111111111111111111111111111111111", To: ledger.Stub, Signer: "alice@example.com"},
		{Entry: "2222222222222222222222222222222222222222", To: ledger.Deferred, Signer: "bob@example.com"},
	}
	hj, _ := json.Marshal(heads)
	if _, err := f.V.DB().Exec(`UPDATE features SET conflict = 1, heads = ? WHERE id = 8`, string(hj)); err != nil {
		t.Fatal(err)
	}
	return f.V
}

var reportTime = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

func sampleReport(t *testing.T) *viewdb.Report {
	t.Helper()
	r, err := sampleView(t).Report(reportTime, 20)
	if err != nil {
		t.Fatal(err)
	}
	r.Chart = "current.svg"
	return r
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./audit/report -run %s -update)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test ./audit/report -run %s -update to accept); got:\n%s", path, t.Name(), got)
	}
}

func render(t *testing.T, fn func(io.Writer, *viewdb.Report) error, r *viewdb.Report) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := fn(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReportFigures(t *testing.T) {
	r := sampleReport(t)
	if r.Generated != "2025-03-10T12:00:00Z" || len(r.LedgerHead) != 40 {
		t.Errorf("generated %q, head %q", r.Generated, r.LedgerHead)
	}
	wantF := viewdb.StatusCounts{ledger.NotStarted: 1, ledger.Stub: 3, ledger.Complete: 0, ledger.Verified: 3, ledger.Deferred: 3}
	if r.Features.Total != 10 || fmt.Sprint(r.Features.Status) != fmt.Sprint(wantF) {
		t.Errorf("features %+v, want total 10 and %v", r.Features, wantF)
	}
	wantT := viewdb.StatusCounts{ledger.NotStarted: 4, ledger.Stub: 0, ledger.Complete: 0, ledger.Verified: 3, ledger.Deferred: 1}
	if r.Tests.Total != 8 || fmt.Sprint(r.Tests.Status) != fmt.Sprint(wantT) {
		t.Errorf("tests %+v, want total 8 and %v", r.Tests, wantT)
	}
	if len(r.Batches) != 3 || r.Batches[0].Status != ledger.BatchComplete || r.Batches[1].Status != ledger.BatchStarted {
		t.Errorf("batches %+v", r.Batches)
	}
	var deferred []string
	for _, it := range r.Deferred {
		deferred = append(deferred, fmt.Sprintf("%s %d: %s", it.Kind, it.ID, it.Reason))
	}
	if got, want := strings.Join(deferred, "; "), "feature 5: blocked: needs the raft layer; feature 6: blocked: needs the raft layer; "+
		"feature 9: blocked: needs the raft layer; test 4: flaky upstream <see issue 12>"; got != want {
		t.Errorf("deferred %s\nwant %s", got, want)
	}
	if len(r.Conflicts) != 1 || r.Conflicts[0].ID != 8 || len(r.Conflicts[0].Heads) != 2 {
		t.Errorf("conflicts %+v", r.Conflicts)
	}
	if len(r.UpstreamChanged) != 1 || r.UpstreamChanged[0].Kind != ledger.Feature || r.UpstreamChanged[0].ID != 1 {
		t.Errorf("upstream changed %+v", r.UpstreamChanged)
	}
	if len(r.Recent) != 20 || !strings.Contains(r.Recent[0].Summary, "feature 9") {
		t.Errorf("recent: %d entries, newest %+v", len(r.Recent), r.Recent[0])
	}
	// Statuses stack as verified/complete/stub/deferred/not_started, for
	// features and tests apart, from the first move's day to the last's.
	var series []string
	for _, p := range r.BurnUp {
		series = append(series, fmt.Sprintf("%s F %s T %s", p.Day, stack(p.Features), stack(p.Tests)))
	}
	if got, want := strings.Join(series, ", "), "2025-03-02 F 0/3/1/0/6 T 0/2/1/0/5, 2025-03-03 F 3/0/1/2/4 T 2/0/1/1/4, "+
		"2025-03-05 F 4/0/0/2/4 T 3/0/0/1/4, 2025-03-06 F 3/0/3/2/2 T 3/0/0/1/4, 2025-03-08 F 3/0/3/3/1 T 3/0/0/1/4"; got != want {
		t.Errorf("burn-up %s\nwant    %s", got, want)
	}
	// The last point agrees with the totals.
	last := r.BurnUp[len(r.BurnUp)-1]
	if fmt.Sprint(last.Features) != fmt.Sprint(r.Features.Status) || fmt.Sprint(last.Tests) != fmt.Sprint(r.Tests.Status) {
		t.Errorf("last burn-up point %+v disagrees with the totals", last)
	}
	// 2025-03-02 is a Sunday: its week starts on Monday 24 February.
	if got := fmt.Sprint(r.Velocity); got != "[{2025-02-24 0 0} {2025-03-03 3 3}]" {
		t.Errorf("velocity %s", got)
	}
	// 8 open at 3 a week (6 over the last 2 weeks): 3 weeks after 8 March.
	if f := r.Forecast; f.Open != 8 || f.PerWeek != 3 || f.Weeks != 2 || f.WeeksLeft != 3 || f.Date != "2025-03-29" {
		t.Errorf("forecast %+v", f)
	}
	if len(r.Signers) != 1 || r.Signers[0].Signer != "alice@example.com" || r.Signers[0].Moves[ledger.Verified] != 7 || r.Signers[0].Moves[ledger.Deferred] != 5 {
		t.Errorf("signers %+v", r.Signers)
	}
}

// stack is a point's counts in stacking order.
func stack(c viewdb.StatusCounts) string {
	var s []string
	for _, st := range stackOrder {
		s = append(s, fmt.Sprint(c[st]))
	}
	return strings.Join(s, "/")
}

func TestReportGolden(t *testing.T) {
	r := sampleReport(t)
	md := render(t, Markdown, r)
	svg := render(t, SVG, r)
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := sampleView(t).AddDetail(r); err != nil {
		t.Fatal(err)
	}
	html := render(t, HTML, r)
	golden(t, "report.md", md)
	golden(t, "report.svg", svg)
	golden(t, "report.html", html)
	golden(t, "report.json", append(js, '\n'))
	// The same view gives the same bytes.
	r2 := sampleReport(t)
	if !bytes.Equal(md, render(t, Markdown, r2)) || !bytes.Equal(svg, render(t, SVG, r2)) {
		t.Error("two reports of the same ledger differ")
	}
	checkSVG(t, svg)
}

// checkSVG parses the chart with encoding/xml and checks its frame.
func checkSVG(t *testing.T, svg []byte) {
	t.Helper()
	if !bytes.HasPrefix(svg, []byte("<svg ")) {
		t.Errorf("SVG does not start with <svg: %.40q", svg)
	}
	for _, bad := range []string{"NaN", "Inf", "<script", "href", "@import", "url("} {
		if bytes.Contains(svg, []byte(bad)) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	depth, elems := 0, map[string]int{}
	var root xml.Name
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root.Local != "" {
					t.Fatalf("SVG has a second root element %s", tk.Name.Local)
				}
				root = tk.Name
			}
			depth++
			elems[tk.Name.Local]++
		case xml.EndElement:
			depth--
		}
	}
	if root.Local != "svg" || root.Space != "http://www.w3.org/2000/svg" {
		t.Errorf("root element %v, want svg in the SVG namespace", root)
	}
	if elems["title"] < 1 || elems["text"] < 4 {
		t.Errorf("SVG elements %v: want a title and labels", elems)
	}
}

func TestSVGFewPoints(t *testing.T) {
	c := func(v, ns int) viewdb.StatusCounts {
		return viewdb.StatusCounts{ledger.Verified: v, ledger.NotStarted: ns}
	}
	for _, tc := range []struct {
		name  string
		r     viewdb.Report
		paths int
		want  string
	}{
		{"empty", viewdb.Report{Generated: "2025-03-10T12:00:00Z"}, 0, "No moves recorded yet"},
		{"no points with items", viewdb.Report{Generated: "2025-03-10T12:00:00Z", Features: viewdb.Totals{Total: 3}}, 0, "Features (3)"},
		{"one point", viewdb.Report{Generated: "2025-03-10T12:00:00Z", BurnUp: []viewdb.BurnUpPoint{{Day: "2025-03-10", Features: c(2, 5), Tests: c(0, 1)}}}, 3, "2025-03-10"},
		{"unsorted", viewdb.Report{Generated: "2025-03-10T12:00:00Z", BurnUp: []viewdb.BurnUpPoint{
			{Day: "2025-03-10", Features: c(2, 5), Tests: c(0, 3)}, {Day: "2024-12-01", Features: c(0, 7), Tests: c(0, 3)}}}, 3, "2024-12-01"},
		{"long", viewdb.Report{Generated: "2025-03-10T12:00:00Z", Features: viewdb.Totals{Total: 4000}, Tests: viewdb.Totals{Total: 3500}, BurnUp: []viewdb.BurnUpPoint{
			{Day: "2022-01-01", Features: c(0, 4000), Tests: c(0, 3500)}, {Day: "2024-06-30", Features: c(3000, 1000), Tests: c(2000, 1500)}}}, 4, "Features (4,000)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svg := render(t, SVG, &tc.r)
			checkSVG(t, svg)
			if n := bytes.Count(svg, []byte("<path ")); n != tc.paths {
				t.Errorf("%d paths, want %d", n, tc.paths)
			}
			if !bytes.Contains(svg, []byte(tc.want)) {
				t.Errorf("SVG lacks %q", tc.want)
			}
			if !bytes.Equal(svg, render(t, SVG, &tc.r)) {
				t.Error("SVG output is not deterministic")
			}
			md := render(t, Markdown, &tc.r)
			if !bytes.HasPrefix(md, []byte("# Porting progress report\n")) {
				t.Errorf("markdown: %s", md)
			}
			if err := HTML(io.Discard, &tc.r); err != nil {
				t.Errorf("HTML: %v", err)
			}
		})
	}
	bad := viewdb.Report{BurnUp: []viewdb.BurnUpPoint{{Day: "yesterday"}}}
	if err := SVG(io.Discard, &bad); err == nil {
		t.Error("a point with a bad day was drawn")
	}
}

// The y axis of each chart runs to that kind's total, not to the total of
// both: a chart of 4,000 features tops at 4,000.
func TestBurnUpScales(t *testing.T) {
	r := &viewdb.Report{Generated: "2025-03-10T12:00:00Z", BurnUp: []viewdb.BurnUpPoint{
		{Day: "2025-03-01", Features: viewdb.StatusCounts{ledger.NotStarted: 4000}, Tests: viewdb.StatusCounts{ledger.NotStarted: 350}},
		{Day: "2025-03-20", Features: viewdb.StatusCounts{ledger.Verified: 1000, ledger.NotStarted: 3000}, Tests: viewdb.StatusCounts{ledger.Verified: 350}}}}
	svg := string(render(t, SVG, r))
	for _, want := range []string{">4,000</text>", ">400</text>", ">2025-03-01</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	for _, bad := range []string{">4,350</text>", ">5,000</text>"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG has the tick %s: a scale beyond the kind's total", bad)
		}
	}
}

func TestReportEmptyLedger(t *testing.T) {
	f := viewtest.New(t)
	r, err := f.V.Report(reportTime, 20)
	if err != nil {
		t.Fatal(err)
	}
	if r.Features.Total != 0 || len(r.Batches) != 0 || len(r.Recent) != 1 {
		t.Errorf("report of a new ledger: %+v", r)
	}
	// Nothing has moved: no burn-up point, no week, no forecast.
	if len(r.BurnUp) != 0 || len(r.Velocity) != 0 || r.Forecast.Date != "" {
		t.Errorf("burn-up %+v, velocity %+v, forecast %+v", r.BurnUp, r.Velocity, r.Forecast)
	}
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"batches":[]`, `"deferred":[]`, `"conflicts":[]`, `"upstream_changed":[]`, `"burn_up":[]`, `"velocity":[]`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("JSON lacks %s: %s", key, js)
		}
	}
	checkSVG(t, render(t, SVG, r))
	md := string(render(t, Markdown, r))
	for _, want := range []string{"No batches are defined.", "No item is deferred.", "No open conflicts.", "No item has moved yet.", "genesis: first signer alice@example.com"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

// insertTransitions writes rows into the transitions table directly:
// kind, id, from, to, time.
func insertTransitions(t *testing.T, v *viewdb.View, rows [][5]any) {
	t.Helper()
	tx, err := v.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO transitions(item_kind, item_id, from_status, to_status, actor, entry, clock, time) VALUES (?,?,?,?,'alice@example.com','e',?,?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if _, err := st.Exec(r[0], r[1], r[2], r[3], i+1, r[4]); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func emptyView(t *testing.T) *viewdb.View {
	t.Helper()
	dir := t.TempDir()
	if _, err := git.PlainInit(dir, false); err != nil {
		t.Fatal(err)
	}
	store, err := gitstore.Open(dir, ledger.DefaultBranch)
	if err != nil {
		t.Fatal(err)
	}
	v, err := viewdb.OpenView(filepath.Join(dir, "porting.db"), store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

// Concurrent entries that both verified an item count it once; an item
// verified and demoted on the same day does not move the count.
func TestBurnUpCounting(t *testing.T) {
	v := emptyView(t)
	insertTransitions(t, v, [][5]any{
		{"feature", 1, "complete", "verified", "2025-03-01T10:00:00Z"},
		{"feature", 1, "complete", "verified", "2025-03-01T11:00:00Z"}, // a second clone's concurrent entry
		{"feature", 2, "complete", "verified", "2025-03-01T12:00:00Z"},
		{"test", 1, "complete", "verified", "2025-03-02T09:00:00Z"},
		{"test", 1, "verified", "stub", "2025-03-02T10:00:00Z"},
		{"feature", 2, "verified", "complete", "2025-03-04T10:00:00Z"},
		{"test", 2, "stub", "complete", "2025-03-05T10:00:00Z"},
		{"test", 2, "complete", "verified", "2025-03-06T10:00:00Z"},
	})
	r, err := v.Report(reportTime, 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.BurnUp {
		got = append(got, fmt.Sprintf("%s %d+%d", p.Day, p.Features[ledger.Verified], p.Tests[ledger.Verified]))
	}
	if g, want := strings.Join(got, ", "), "2025-03-01 2+0, 2025-03-02 2+0, 2025-03-04 1+0, 2025-03-05 1+0, 2025-03-06 1+1"; g != want {
		t.Errorf("burn-up %s, want %s", g, want)
	}
}

// The report stays a handful of aggregate queries at the size of a real
// port: 7,500 items and over 20,000 transitions, generated in SQL.
func TestReportScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	v := emptyView(t)
	// Every third item is claimed and deferred; the others go to verified,
	// and every tenth of those is demoted to stub again, on days spread
	// over 200 days from 2024-01-01.
	day := func(offset string) string {
		return `strftime('%Y-%m-%dT10:00:00Z', '2024-01-01', '+' || (i % 200 + ` + offset + `) || ' days')`
	}
	tr := func(table, cond, from, to, offset string) string {
		return `INSERT INTO transitions(item_kind, item_id, from_status, to_status, actor, entry, clock, time)
			SELECT '` + strings.TrimSuffix(table, "s") + `', i, '` + from + `', '` + to + `', 'a', 'e', 0, ` + day(offset) + ` FROM n WHERE ` + cond
	}
	for _, k := range []struct {
		table string
		n     int
	}{{"features", 4000}, {"tests", 3500}} {
		n := fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) `, k.n)
		for _, q := range []string{
			`INSERT INTO ` + k.table + `(id, status, batch_id) SELECT i, CASE WHEN i % 3 = 0 THEN 'deferred' WHEN i % 10 = 0 THEN 'stub' ELSE 'verified' END, 1 + i / 100 FROM n`,
			tr(k.table, `1`, "not_started", "stub", "0"),
			tr(k.table, `i % 3 = 0`, "stub", "deferred", "1"),
			tr(k.table, `i % 3 <> 0`, "stub", "complete", "1"),
			tr(k.table, `i % 3 <> 0`, "complete", "verified", "2"),
			tr(k.table, `i % 3 <> 0 AND i % 10 = 0`, "verified", "stub", "5"),
		} {
			if _, err := v.DB().Exec(n + q); err != nil {
				t.Fatalf("%v\n%s", err, q)
			}
		}
	}
	verified := func(n int) int {
		c := 0
		for i := 1; i <= n; i++ {
			if i%3 != 0 && i%10 != 0 {
				c++
			}
		}
		return c
	}
	var count int
	if err := v.DB().QueryRow(`SELECT count(*) FROM transitions`).Scan(&count); err != nil || count < 20000 {
		t.Fatalf("%d transitions (%v)", count, err)
	}
	start := time.Now()
	r, err := v.Report(time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), 20)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report of 7,500 items and %d transitions in %v", count, time.Since(start))
	last := r.BurnUp[len(r.BurnUp)-1]
	if last.Features[ledger.Verified] != verified(4000) || last.Tests[ledger.Verified] != verified(3500) || last.Features.Total() != 4000 || last.Tests.Total() != 3500 {
		t.Errorf("last point %+v, want %d features and %d tests verified of 4,000 and 3,500", last, verified(4000), verified(3500))
	}
	if fmt.Sprint(last.Features) != fmt.Sprint(r.Features.Status) || fmt.Sprint(last.Tests) != fmt.Sprint(r.Tests.Status) {
		t.Errorf("burn-up %+v, totals %v and %v", last, r.Features.Status, r.Tests.Status)
	}
	if len(r.Deferred) != 4000/3+3500/3 || len(r.Batches) != 0 {
		t.Errorf("%d deferred, %d batches", len(r.Deferred), len(r.Batches))
	}
	checkSVG(t, render(t, SVG, r))
	if err := Markdown(io.Discard, r); err != nil {
		t.Fatal(err)
	}
}

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"a | b":          `a \| b`,
		"not_started":    "not_started",
		"_x_ *y* `z`":    "\\_x\\_ \\*y\\* \\`z\\`",
		"<b>x</b>\nnext": "&lt;b>x&lt;/b> next",
		"[link](url)":    `\[link\](url)`,
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCode("a`b|c"); got != "``a`b\\|c``" {
		t.Errorf("mdCode = %q", got)
	}
	for n, want := range map[int]int{0: 1, 5: 1, 6: 2, 18: 5, 99: 20, 7500: 2000} {
		if got := niceStep(n); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", n, got, want)
		}
	}
}
