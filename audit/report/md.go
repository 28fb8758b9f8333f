package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/internal/numfmt"
	"github.com/porttracker/porttracker/ledger"
)

// Markdown writes the report as GitHub-flavoured markdown; the chart
// (r.Chart, when set) holds the burn-ups and the batches' bars.
func Markdown(w io.Writer, r *viewdb.Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	n := numfmt.Thousands

	p("# Porting progress report\n\n")
	if r.LedgerHead != "" {
		p("Generated %s from ledger commit `%s`.\n\n", r.Generated, r.LedgerHead)
	} else {
		p("Generated %s; there is no ledger yet (run `porttracker init`).\n\n", r.Generated)
	}
	if r.Findings > 0 {
		p("> **Warning:** the ledger has %s %s (entries that failed verification or broke a rule); run `porttracker audit` to see them.\n\n",
			n(r.Findings), numfmt.Plural(r.Findings, "finding", "findings"))
	}

	p("## Totals\n\n")
	p("| Kind | Total |")
	for _, st := range ledger.Statuses() {
		p(" %s |", st)
	}
	p(" %% verified |\n| :--- | ---: |")
	for range ledger.Statuses() {
		p(" ---: |")
	}
	p(" ---: |\n")
	all := viewdb.Totals{Status: viewdb.StatusCounts{}}
	for _, row := range []struct {
		name string
		t    viewdb.Totals
	}{{"Features", r.Features}, {"Tests", r.Tests}} {
		p("| %s | %s |", row.name, n(row.t.Total))
		for _, st := range ledger.Statuses() {
			p(" %s |", n(row.t.Status[st]))
			all.Status[st] += row.t.Status[st]
		}
		p(" %s |\n", percent(row.t.Status[ledger.Verified], row.t.Total))
		all.Total += row.t.Total
	}
	p("| **All** | **%s** |", n(all.Total))
	for _, st := range ledger.Statuses() {
		p(" **%s** |", n(all.Status[st]))
	}
	p(" **%s** |\n\n", percent(all.Status[ledger.Verified], all.Total))
	if r.Features.Removed+r.Tests.Removed > 0 {
		p("Of these, %s %s and %s %s are marked removed: their source declaration is gone.\n\n",
			n(r.Features.Removed), numfmt.Plural(r.Features.Removed, "feature", "features"), n(r.Tests.Removed), numfmt.Plural(r.Tests.Removed, "test", "tests"))
	}

	p("## Burn-up\n\n")
	if r.Chart != "" {
		p("![Burn-up of features and of tests by status, and each batch's items by status](%s)\n\n", mdLink(r.Chart))
	}
	if k := len(r.BurnUp); k > 0 {
		first, last := r.BurnUp[0], r.BurnUp[k-1]
		p("Recorded work runs from %s to %s. At the last move: %s of %s features and %s of %s tests verified.\n\n",
			first.Day, last.Day, n(last.Features[ledger.Verified]), n(r.Features.Total), n(last.Tests[ledger.Verified]), n(r.Tests.Total))
	} else {
		p("No item has moved yet.\n\n")
	}

	p("## Velocity and forecast\n\n")
	if len(r.Velocity) == 0 {
		p("No week of recorded work yet.\n\n")
	} else {
		p("| Week of | Features verified | Tests verified |\n| :--- | ---: | ---: |\n")
		for _, v := range r.Velocity {
			p("| %s | %s | %s |\n", v.Week, n(v.Features), n(v.Tests))
		}
		p("\n")
	}
	p("%s open (neither verified nor deferred). %s.\n\n", n(r.Forecast.Open), forecastText(r.Forecast))

	p("## Batches\n\n")
	if len(r.Batches) == 0 {
		p("No batches are defined.\n\n")
	} else {
		p("| Batch | Name | Depends on | Status | Features verified | Tests verified | Deferred | Open | Progress |\n")
		p("| ---: | :--- | :--- | :--- | ---: | ---: | ---: | ---: | :--- |\n")
		for _, b := range r.Batches {
			deps := "—"
			if len(b.Depends) > 0 {
				deps = intList(b.Depends)
			}
			total := b.Features.Total() + b.Tests.Total()
			deferred := b.Features[ledger.Deferred] + b.Tests[ledger.Deferred]
			verified := b.Features[ledger.Verified] + b.Tests[ledger.Verified]
			p("| %d | %s | %s | %s | %s/%s | %s/%s | %s | %s | %s |\n", b.ID, mdText(b.Name), deps, batchStatusText(b.Batch),
				n(b.Features[ledger.Verified]), n(b.Features.Total()), n(b.Tests[ledger.Verified]), n(b.Tests.Total()),
				n(deferred), n(total-deferred-verified), textBar(verified, deferred, total))
		}
		p("\n")
	}
	if err := markdownTasks(bw, r.Tasks); err != nil {
		return err
	}

	p("## Deferred (%s)\n\n", n(len(r.Deferred)))
	if len(r.Deferred) == 0 {
		p("No item is deferred.\n\n")
	} else {
		p("| Kind | Reason | Count | IDs |\n| :--- | :--- | ---: | :--- |\n")
		for _, g := range groupDeferred(r.Deferred) {
			reason := mdText(g.reason)
			if g.reason == "" {
				reason = "*(no reason)*"
			}
			p("| %s | %s | %s | %s |\n", g.kind, reason, n(len(g.ids)), ledger.FormatIDs(g.ids))
		}
		p("\n")
	}

	p("## Conflicts (%s)\n\n", n(len(r.Conflicts)))
	if len(r.Conflicts) == 0 {
		p("No open conflicts.\n\n")
	} else {
		p("Concurrent entries disagree about these items; settle each with `--override \"resolve: why\"`.\n\n")
		p("| Item | Status | Batch | Heads |\n| :--- | :--- | ---: | :--- |\n")
		for _, it := range r.Conflicts {
			heads := make([]string, len(it.Heads))
			for i, h := range it.Heads {
				heads[i] = fmt.Sprintf("%s by %s in %s", h.To, mdText(h.Signer), mdCode(ledger.ShortID(h.Entry)))
			}
			p("| %s %d | %s | %s | %s |\n", it.Kind, it.ID, it.Status, batchCell(it.Batch), strings.Join(heads, "; "))
		}
		p("\n")
	}

	p("## Changed upstream (%s)\n\n", n(len(r.UpstreamChanged)))
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

	p("## Signers\n\n")
	if len(r.Signers) == 0 {
		p("No entries yet.\n\n")
	} else {
		p("| Signer | Entries | Moves to stub | complete | verified | deferred | First | Last |\n| :--- | ---: | ---: | ---: | ---: | ---: | :--- | :--- |\n")
		for _, a := range r.Signers {
			p("| %s | %s | %s | %s | %s | %s | %s | %s |\n", mdText(a.Signer), n(a.Entries), n(a.Moves[ledger.Stub]), n(a.Moves[ledger.Complete]),
				n(a.Moves[ledger.Verified]), n(a.Moves[ledger.Deferred]), mdText(a.First), mdText(a.Last))
		}
		p("\n")
	}

	if len(r.Recent) > 0 {
		p("## Recent activity\n\n")
		if len(r.Recent) == 1 {
			p("The last entry.\n\n")
		} else {
			p("The last %s entries, newest first.\n\n", n(len(r.Recent)))
		}
		p("| Time | Signer | Entry | Summary |\n| :--- | :--- | :--- | :--- |\n")
		for _, a := range r.Recent {
			summary := mdText(a.Summary)
			if a.Reason != "" && !strings.Contains(a.Summary, a.Reason) {
				summary += " — " + mdText(a.Reason)
			}
			p("| %s | %s | %s | %s |\n", mdText(a.Time), mdText(a.Signer), mdCode(ledger.ShortID(a.ID)), summary)
		}
	}
	return bw.Flush()
}

// batchStatusText is a batch's status, with whether a planned one is ready.
func batchStatusText(b viewdb.Batch) string {
	status := string(b.Status)
	if b.Status == ledger.BatchPlanned {
		if b.Ready {
			status += " (ready)"
		} else {
			status += " (waiting for " + intList(b.OpenDeps) + ")"
		}
	}
	return status
}

// forecastText says the forecast in words.
func forecastText(f viewdb.Forecast) string {
	if f.Date == "" {
		if f.Note == "" {
			return "No forecast"
		}
		return strings.ToUpper(f.Note[:1]) + f.Note[1:]
	}
	return fmt.Sprintf("At %s, they are verified in %s %s, around %s", f.Note, numfmt.Thousands(f.WeeksLeft), numfmt.Plural(f.WeeksLeft, "week", "weeks"), f.Date)
}

// textBar is a ten-cell bar: verified, then deferred, then what is open.
func textBar(verified, deferred, total int) string {
	if total == 0 {
		return "—"
	}
	v := verified * 10 / total
	d := min(10-v, (verified+deferred)*10/total-v)
	return strings.Repeat("█", v) + strings.Repeat("▒", d) + strings.Repeat("░", 10-v-d) + " " + percent(verified+deferred, total)
}
