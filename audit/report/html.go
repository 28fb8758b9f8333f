package report

import (
	"bufio"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/internal/numfmt"
	"github.com/porttracker/porttracker/ledger"
)

// HTML writes the report as one self-contained HTML page for auditors and
// managers: inline CSS and SVG, no script, nothing loaded from anywhere.
// A detailed report (AddDetail) drills down from each batch to its items,
// each with its history and evidence.
func HTML(w io.Writer, r *viewdb.Report) error {
	var features, tests svgWriter
	fh := chartHeight + 8
	svgOpen(&features, chartWidth, fh, "Burn-up of features by status")
	if err := burnUpChart(&features, 0, 0, fmt.Sprintf("Features (%s)", numfmt.Thousands(r.Features.Total)), r.BurnUp, pickFeatures); err != nil {
		return err
	}
	features.p("</svg>\n")
	svgOpen(&tests, chartWidth, fh, "Burn-up of tests by status")
	if err := burnUpChart(&tests, 0, 0, fmt.Sprintf("Tests (%s)", numfmt.Thousands(r.Tests.Total)), r.BurnUp, pickTests); err != nil {
		return err
	}
	tests.p("</svg>\n")
	var bars svgWriter
	svgOpen(&bars, chartWidth, batchBarsHeight(len(r.Batches)), "Each batch's items by status")
	batchBars(&bars, 0, 0, r.Batches)
	bars.p("</svg>\n")
	data := htmlData{
		R:        r,
		Features: template.HTML(features.b.String()), // built from escaped parts only
		Tests:    template.HTML(tests.b.String()),
		Bars:     template.HTML(bars.b.String()),
		Deferred: groupDeferred(r.Deferred),
		Statuses: ledger.Statuses(),
	}
	bw := bufio.NewWriter(w)
	if err := reportTemplate().Execute(bw, data); err != nil {
		return fmt.Errorf("render the HTML report: %w", err)
	}
	return bw.Flush()
}

type htmlData struct {
	R                     *viewdb.Report
	Features, Tests, Bars template.HTML
	Deferred              []deferredGroup
	Statuses              []ledger.Status
}

// DeferredGroup accessors for the template.
func (g deferredGroup) Kind() ledger.Kind { return g.kind }
func (g deferredGroup) Reason() string    { return g.reason }
func (g deferredGroup) IDs() string       { return ledger.FormatIDs(g.ids) }
func (g deferredGroup) Count() int        { return len(g.ids) }

func reportTemplate() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"n":       numfmt.Thousands,
		"pct":     percent,
		"short":   ledger.ShortID,
		"color":   func(st ledger.Status) template.CSS { return template.CSS(statusColor(st)) },
		"bar":     htmlBar,
		"total":   func(c viewdb.StatusCounts) int { return c.Total() },
		"sum":     func(a, b int) int { return a + b },
		"count":   func(f, t viewdb.StatusCounts, st string) int { return f[ledger.Status(st)] + t[ledger.Status(st)] },
		"of":      func(c viewdb.StatusCounts, st string) int { return c[ledger.Status(st)] },
		"tasksOf": tasksOf,
		"bstatus": batchStatusText,
		"fcast":   forecastText,
		"secs":    func(ms int64) string { return fmt.Sprintf("%.1fs", float64(ms)/1000) },
		"ids":     ledger.FormatIDs,
	}).Parse(reportHTML))
}

// tasksOf are the tasks of batch id.
func tasksOf(tasks []viewdb.Task, id int) []viewdb.Task {
	var out []viewdb.Task
	for _, t := range tasks {
		if t.Batch == id {
			out = append(out, t)
		}
	}
	return out
}

// htmlBar is a batch's progress bar: one inline SVG, its items by status.
func htmlBar(b viewdb.ReportBatch) template.HTML {
	total := b.Features.Total() + b.Tests.Total()
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="bar" width="240" height="14" viewBox="0 0 240 14" role="img" aria-label="batch %d by status">`, b.ID)
	s.WriteString(`<rect width="240" height="14" fill="#f3f4f6"/>`)
	at := 0.0
	for _, st := range stackOrder {
		n := b.Features[st] + b.Tests[st]
		if n == 0 || total == 0 {
			continue
		}
		w := 240 * float64(n) / float64(total)
		fmt.Fprintf(&s, `<rect x="%.1f" width="%.1f" height="14" fill="%s"><title>%s: %s</title></rect>`, at, w, statusColor(st), st, numfmt.Thousands(n))
		at += w
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Porting progress report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #111827; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #e5e7eb; padding-bottom: .2rem; margin-top: 2rem; }
.meta { color: #4b5563; } .warn { background: #fef2f2; border: 1px solid #dc2626; padding: .5rem 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; } th, td { border: 1px solid #e5e7eb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
th { background: #f9fafb; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .9em; } .chart { max-width: 100%; height: auto; }
.st { display: inline-block; padding: 0 .4rem; border-radius: .3rem; color: #fff; font-size: .85em; }
.st-not_started { background: #9ca3af; } .st-stub { background: #d97706; } .st-complete { background: #0891b2; } .st-verified { background: #16a34a; } .st-deferred { background: #dc2626; }
.legend span { margin-right: 1rem; } .swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem; vertical-align: middle; }
details.batch { border: 1px solid #e5e7eb; border-radius: .4rem; padding: .4rem .8rem; margin: .5rem 0; }
details.batch > summary { cursor: pointer; font-weight: 600; }
details.item > summary { cursor: pointer; } .evidence { margin: .3rem 0 .3rem 1rem; font-size: .9em; }
.muted { color: #6b7280; }
</style>
</head>
<body>
<h1>Porting progress report</h1>
<p class="meta">Generated {{.R.Generated}}{{if .R.LedgerHead}} from ledger commit <code>{{.R.LedgerHead}}</code>{{else}}; there is no ledger yet (run <code>porttracker init</code>){{end}}.</p>
{{if .R.Findings}}<p class="warn">The ledger has {{n .R.Findings}} findings (entries that failed verification or broke a rule); run <code>porttracker audit</code> to see them.</p>{{end}}

<h2 id="totals">Totals</h2>
<table class="totals">
<tr><th>Kind</th><th class="n">Total</th>{{range .Statuses}}<th class="n">{{.}}</th>{{end}}<th class="n">% verified</th></tr>
<tr><td>Features</td><td class="n">{{n .R.Features.Total}}</td>{{range .Statuses}}<td class="n">{{n (index $.R.Features.Status .)}}</td>{{end}}<td class="n">{{pct (of .R.Features.Status "verified") .R.Features.Total}}</td></tr>
<tr><td>Tests</td><td class="n">{{n .R.Tests.Total}}</td>{{range .Statuses}}<td class="n">{{n (index $.R.Tests.Status .)}}</td>{{end}}<td class="n">{{pct (of .R.Tests.Status "verified") .R.Tests.Total}}</td></tr>
</table>

<h2 id="burn-up">Burn-up</h2>
<p class="legend">{{range .Statuses}}<span><span class="swatch" style="background: {{color .}}"></span>{{.}}</span>{{end}}</p>
{{if .R.BurnUp}}<p>Recorded work runs from {{(index .R.BurnUp 0).Day}} to {{(index .R.BurnUp (len .R.BurnUp | sum -1)).Day}}; each chart runs to its own total.</p>{{else}}<p class="muted">No item has moved yet.</p>{{end}}
<div class="chart">{{.Features}}</div>
<div class="chart">{{.Tests}}</div>

<h2 id="velocity">Velocity and forecast</h2>
{{if .R.Velocity}}<table class="velocity">
<tr><th>Week of</th><th class="n">Features verified</th><th class="n">Tests verified</th></tr>
{{range .R.Velocity}}<tr><td>{{.Week}}</td><td class="n">{{n .Features}}</td><td class="n">{{n .Tests}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No week of recorded work yet.</p>{{end}}
<p class="forecast">{{n .R.Forecast.Open}} open (neither verified nor deferred). {{fcast .R.Forecast}}.</p>

<h2 id="batches">Batches</h2>
{{if .R.Batches}}<div class="chart">{{.Bars}}</div>
<table class="batches">
<tr><th class="n">Batch</th><th>Name</th><th>Status</th><th>Depends on</th><th>Progress</th><th class="n">Features verified</th><th class="n">Tests verified</th><th class="n">Deferred</th></tr>
{{range .R.Batches}}<tr><td class="n"><a href="#batch-{{.ID}}">{{.ID}}</a></td><td>{{.Name}}</td><td>{{bstatus .Batch}}</td><td>{{range $i, $d := .Depends}}{{if $i}}, {{end}}{{$d}}{{else}}—{{end}}</td><td>{{bar .}}</td>
<td class="n">{{n (of .Features "verified")}} / {{n (total .Features)}}</td><td class="n">{{n (of .Tests "verified")}} / {{n (total .Tests)}}</td><td class="n">{{n (count .Features .Tests "deferred")}}</td></tr>
{{end}}</table>
{{range .R.Batches}}<details class="batch" id="batch-{{.ID}}" data-batch="{{.ID}}">
<summary>Batch {{.ID}}: {{.Name}} — {{bstatus .Batch}}, {{n (sum (total .Features) (total .Tests))}} items</summary>
{{with tasksOf $.R.Tasks .ID}}<table class="tasks"><tr><th>Task</th><th>Kind</th><th class="n">Items</th><th>Status</th><th class="n">Verified</th><th class="n">Deferred</th></tr>
{{range .}}<tr class="task"><td>{{.Name}}{{if .Title}} — {{.Title}}{{end}}</td><td>{{.Kind.Plural}}</td><td class="n">{{n (len .IDs)}}</td><td>{{.Status}}</td><td class="n">{{n (of .Items "verified")}}</td><td class="n">{{n (of .Items "deferred")}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No tasks (no plan imported for this batch).</p>{{end}}
{{if $.R.Detailed}}{{if .Items}}<table class="items"><tr><th>Item</th><th>Status</th><th>Source</th><th>Target</th><th>History and evidence</th></tr>
{{range .Items}}<tr class="item" id="{{.Kind}}-{{.ID}}"><td>{{.Kind}} {{.ID}}</td><td><span class="st st-{{.Status}}">{{.Status}}</span>{{if .Conflict}} <strong>conflict</strong>{{end}}{{if .UpstreamChanged}} <em>upstream changed</em>{{end}}{{if .Reason}}<br><span class="muted">{{.Reason}}</span>{{end}}</td>
<td><code>{{.Mapping.SourceFile}}</code><br><code>{{.Mapping.SourceSymbol}}</code></td><td>{{if .Mapping.TargetSymbol}}<code>{{.Mapping.TargetFile}}</code><br><code>{{.Mapping.TargetSymbol}}</code>{{else}}—{{end}}</td>
<td>{{if .History}}<details class="item"><summary>{{len .History}} moves</summary><ol class="history">
{{range .History}}<li class="move">{{.Time}} <strong>{{.Actor}}</strong>: {{.From}} → {{.To}} <span class="muted">(entry <code>{{short .Entry}}</code>{{if .Commit}}, ledger commit <code>{{short .Commit}}</code>{{end}})</span>{{if .Reason}}<br>reason: {{.Reason}}{{end}}
{{with .Evidence}}<div class="evidence">evidence at code commit <code class="code-commit">{{.CodeCommit}}</code> ({{if .Dirty}}dirty, diff <code>{{.DiffDigest}}</code>{{else}}clean{{end}})
<table class="gates"><tr><th>Gate</th><th>Result</th><th class="n">Exit</th><th class="n">Passed</th><th class="n">Failed</th><th class="n">Skipped</th><th class="n">Time</th><th>Command</th></tr>
{{range .Gates}}<tr class="gate"><td>{{.Name}}</td><td>{{if .OK}}ok{{else}}<strong>FAILED</strong>{{end}}</td><td class="n">{{.ExitCode}}</td><td class="n">{{if .Parsed}}{{n .Passed}}{{else}}—{{end}}</td><td class="n">{{if .Parsed}}{{n .Failed}}{{else}}—{{end}}</td><td class="n">{{if .Parsed}}{{n .Skipped}}{{else}}—{{end}}</td><td class="n">{{secs .DurationMS}}</td><td>{{if .Command}}<code>{{.Command}}</code>{{end}}{{if .Filter}} <span class="muted">[filter {{.Filter}}]</span>{{end}}{{range .Matches}}<br><code>{{.}}</code>{{end}}</td></tr>
{{end}}</table></div>{{end}}</li>
{{end}}</ol></details>{{else}}<span class="muted">no moves yet</span>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No items in this batch.</p>{{end}}{{end}}
</details>
{{end}}{{else}}<p class="muted">No batches are defined.</p>{{end}}

<h2 id="signers">Activity per signer</h2>
{{if .R.Signers}}<table class="signers"><tr><th>Signer</th><th class="n">Entries</th>{{range .Statuses}}<th class="n">to {{.}}</th>{{end}}<th>First</th><th>Last</th></tr>
{{range .R.Signers}}<tr class="signer"><td>{{.Signer}}</td><td class="n">{{n .Entries}}</td>{{$m := .Moves}}{{range $.Statuses}}<td class="n">{{n (index $m .)}}</td>{{end}}<td>{{.First}}</td><td>{{.Last}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No entries yet.</p>{{end}}

<h2 id="deferred">Deferred ({{n (len .R.Deferred)}})</h2>
{{if .Deferred}}<table class="deferred"><tr><th>Kind</th><th>Reason</th><th class="n">Count</th><th>IDs</th></tr>
{{range .Deferred}}<tr><td>{{.Kind}}</td><td>{{if .Reason}}{{.Reason}}{{else}}<em>(no reason)</em>{{end}}</td><td class="n">{{n .Count}}</td><td>{{.IDs}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No item is deferred.</p>{{end}}

<h2 id="conflicts">Conflicts ({{n (len .R.Conflicts)}})</h2>
{{if .R.Conflicts}}<p>Concurrent entries disagree about these items; settle each with <code>--override "resolve: why"</code>.</p>
<table class="conflicts"><tr><th>Item</th><th>Status</th><th class="n">Batch</th><th>Heads</th></tr>
{{range .R.Conflicts}}<tr><td>{{.Kind}} {{.ID}}</td><td>{{.Status}}</td><td class="n">{{if .Batch}}{{.Batch}}{{else}}—{{end}}</td><td>{{range $i, $h := .Heads}}{{if $i}}; {{end}}{{$h.To}} by {{$h.Signer}} in <code>{{short $h.Entry}}</code>{{end}}</td></tr>
{{end}}</table>{{else}}<p class="muted">No open conflicts.</p>{{end}}

<h2 id="upstream">Changed upstream ({{n (len .R.UpstreamChanged)}})</h2>
{{if .R.UpstreamChanged}}<p>The source declaration of these items changed after they were promoted; check the port against it.</p>
<table class="upstream"><tr><th>Item</th><th>Status</th><th class="n">Batch</th><th>Source</th><th>Target</th></tr>
{{range .R.UpstreamChanged}}<tr><td>{{.Kind}} {{.ID}}</td><td>{{.Status}}</td><td class="n">{{if .Batch}}{{.Batch}}{{else}}—{{end}}</td><td><code>{{.SourceFile}}</code> <code>{{.SourceSymbol}}</code></td><td><code>{{.TargetFile}}</code> <code>{{.TargetSymbol}}</code></td></tr>
{{end}}</table>{{else}}<p class="muted">No promoted item's source has changed since its promotion.</p>{{end}}

{{if .R.Recent}}<h2 id="recent">Recent activity</h2>
<table class="recent"><tr><th>Time</th><th>Signer</th><th>Entry</th><th>Summary</th></tr>
{{range .R.Recent}}<tr><td>{{.Time}}</td><td>{{.Signer}}</td><td><code>{{short .ID}}</code></td><td>{{.Summary}}{{if .Reason}} — {{.Reason}}{{end}}</td></tr>
{{end}}</table>{{end}}
</body>
</html>
`
