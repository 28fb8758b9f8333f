package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/internal/numfmt"
	"github.com/porttracker/porttracker/ledger"
)

// statusColors are the fills of the statuses in every chart and bar.
func statusColor(st ledger.Status) string {
	switch st {
	case ledger.Verified:
		return "#16a34a"
	case ledger.Complete:
		return "#0891b2"
	case ledger.Stub:
		return "#d97706"
	case ledger.Deferred:
		return "#dc2626"
	}
	return "#d1d5db"
}

// stackOrder is the order in which the statuses stack, from the bottom:
// the finished work first, what is left on top.
var stackOrder = [...]ledger.Status{ledger.Verified, ledger.Complete, ledger.Stub, ledger.Deferred, ledger.NotStarted}

// Chart geometry.
const (
	chartWidth  = 760.0
	chartHeight = 300.0
	chartLeft   = 72.0
	chartRight  = chartWidth - 24.0
	chartTop    = 36.0
	chartBottom = chartHeight - 44.0
	barRow      = 24.0
	barLeft     = 250.0
	barRight    = chartWidth - 150.0
)

// svgWriter accumulates SVG markup.
type svgWriter struct{ b strings.Builder }

func (s *svgWriter) p(format string, args ...any) { fmt.Fprintf(&s.b, format, args...) }

// burnUpSeries is one kind's series, days counted from the first point.
type burnUpSeries struct {
	t0     time.Time
	days   []int
	counts []viewdb.StatusCounts
	span   int
}

func newSeries(pts []viewdb.BurnUpPoint, pick func(viewdb.BurnUpPoint) viewdb.StatusCounts) (burnUpSeries, error) {
	pts = append([]viewdb.BurnUpPoint(nil), pts...)
	sort.SliceStable(pts, func(i, j int) bool { return pts[i].Day < pts[j].Day })
	var s burnUpSeries
	for i, pt := range pts {
		t, err := time.Parse(viewdb.DayLayout, pt.Day)
		if err != nil {
			return s, fmt.Errorf("burn-up point %q: not a day (%s)", pt.Day, viewdb.DayLayout)
		}
		if i == 0 {
			s.t0 = t
		}
		s.days = append(s.days, int(math.Round(t.Sub(s.t0).Hours()/24)))
		s.counts = append(s.counts, pick(pt))
	}
	// Each day is one unit wide: a day's state holds until the next point,
	// and the last day gets its own width.
	s.span = 1
	if n := len(s.days); n > 0 {
		s.span = s.days[n-1] + 1
	}
	return s, nil
}

// burnUpChart draws one kind's burn-up at (ox, oy): the statuses stacked as
// step areas, on a scale that runs to that kind's total, over the days
// from its first recorded move to its last.
func burnUpChart(s *svgWriter, ox, oy float64, title string, pts []viewdb.BurnUpPoint, pick func(viewdb.BurnUpPoint) viewdb.StatusCounts) error {
	ser, err := newSeries(pts, pick)
	if err != nil {
		return err
	}
	ymax := 0
	for _, c := range ser.counts {
		ymax = max(ymax, c.Total())
	}
	ystep := niceStep(ymax)
	ytop := ystep * int(math.Ceil(float64(max(ymax, 1))/float64(ystep)))
	x := func(day int) float64 { return ox + chartLeft + (chartRight-chartLeft)*float64(day)/float64(ser.span) }
	y := func(n int) float64 { return oy + chartBottom - (chartBottom-chartTop)*float64(n)/float64(ytop) }

	s.p(`<g class="burnup">` + "\n")
	s.p(`<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" fill="#111827">%s</text>`+"\n", ox+chartLeft, oy+20, svgEscape(title))
	// Grid and Y ticks.
	for v := 0; v <= ytop; v += ystep {
		if v > 0 {
			s.p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e7eb"/>`+"\n", ox+chartLeft, y(v), ox+chartRight, y(v))
		}
		s.p(`<text x="%.1f" y="%.1f" text-anchor="end" fill="#374151">%s</text>`+"\n", ox+chartLeft-8, y(v)+4, numfmt.Thousands(v))
	}
	if len(ser.days) == 0 {
		s.p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#6b7280">No moves recorded yet</text>`+"\n", ox+(chartLeft+chartRight)/2, oy+(chartTop+chartBottom)/2)
	} else {
		// The stacked areas, from the bottom.
		lower := make([]int, len(ser.counts))
		for _, st := range stackOrder {
			upper := make([]int, len(ser.counts))
			empty := true
			for i, c := range ser.counts {
				upper[i] = lower[i] + c[st]
				if c[st] > 0 {
					empty = false
				}
			}
			if !empty {
				var d strings.Builder
				for i := range ser.days {
					end := ser.span
					if i+1 < len(ser.days) {
						end = ser.days[i+1]
					}
					cmd := "L"
					if i == 0 {
						cmd = "M"
					}
					fmt.Fprintf(&d, "%s%.1f %.1f L%.1f %.1f ", cmd, x(ser.days[i]), y(upper[i]), x(end), y(upper[i]))
				}
				for i := len(ser.days) - 1; i >= 0; i-- {
					end := ser.span
					if i+1 < len(ser.days) {
						end = ser.days[i+1]
					}
					fmt.Fprintf(&d, "L%.1f %.1f L%.1f %.1f ", x(end), y(lower[i]), x(ser.days[i]), y(lower[i]))
				}
				s.p(`<path class="area-%s" d="%sZ" fill="%s" stroke="none"/>`+"\n", st, strings.TrimSpace(d.String()), statusColor(st))
			}
			lower = upper
		}
		// X ticks: at most seven labelled days.
		last := ser.days[len(ser.days)-1]
		xstep := max(1, int(math.Ceil(float64(last+1)/7)))
		for d := 0; d <= last; d += xstep {
			s.p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`+"\n", x(d), oy+chartBottom, x(d), oy+chartBottom+5)
			s.p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#374151">%s</text>`+"\n", x(d), oy+chartBottom+19, ser.t0.AddDate(0, 0, d).Format(viewdb.DayLayout))
		}
	}
	s.p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`+"\n", ox+chartLeft, oy+chartTop, ox+chartLeft, oy+chartBottom)
	s.p(`<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#374151"/>`+"\n", ox+chartLeft, oy+chartBottom, ox+chartRight, oy+chartBottom)
	s.p(`<text x="%.1f" y="%.1f" text-anchor="middle" fill="#374151">Day (UTC)</text>`+"\n", ox+(chartLeft+chartRight)/2, oy+chartHeight-6)
	s.p("</g>\n")
	return nil
}

// legend draws the statuses' colours in one row at (ox, oy).
func legend(s *svgWriter, ox, oy float64) {
	s.p(`<g class="legend">` + "\n")
	for i, st := range stackOrder {
		lx := ox + 130*float64(i)
		s.p(`<rect x="%.1f" y="%.1f" width="14" height="14" fill="%s"/>`+"\n", lx, oy-11, statusColor(st))
		s.p(`<text x="%.1f" y="%.1f" fill="#111827">%s</text>`+"\n", lx+20, oy, st)
	}
	s.p("</g>\n")
}

// batchBars draws one progress bar per batch at (ox, oy): its features and
// tests by status, the full width being the batch's items.
func batchBars(s *svgWriter, ox, oy float64, batches []viewdb.ReportBatch) {
	s.p(`<g class="batches">` + "\n")
	s.p(`<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" fill="#111827">Batches: items by status</text>`+"\n", ox+chartLeft, oy+20)
	for i, b := range batches {
		ry := oy + 36 + barRow*float64(i)
		label := fmt.Sprintf("%d %s", b.ID, b.Name)
		if r := []rune(label); len(r) > 30 {
			label = string(r[:29]) + "…"
		}
		s.p(`<text x="%.1f" y="%.1f" text-anchor="end" fill="#111827">%s</text>`+"\n", ox+barLeft-8, ry+13, svgEscape(label))
		total := b.Features.Total() + b.Tests.Total()
		s.p(`<rect x="%.1f" y="%.1f" width="%.1f" height="16" fill="#f3f4f6" stroke="#d1d5db"/>`+"\n", ox+barLeft, ry, barRight-barLeft)
		at := ox + barLeft
		for _, st := range stackOrder {
			n := b.Features[st] + b.Tests[st]
			if n == 0 || total == 0 {
				continue
			}
			w := (barRight - barLeft) * float64(n) / float64(total)
			s.p(`<rect class="bar-%s" x="%.1f" y="%.1f" width="%.1f" height="16" fill="%s"><title>%s: %s</title></rect>`+"\n", st, at, ry, w, statusColor(st), st, numfmt.Thousands(n))
			at += w
		}
		done := b.Features[ledger.Verified] + b.Tests[ledger.Verified]
		s.p(`<text x="%.1f" y="%.1f" fill="#374151">%s / %s verified</text>`+"\n", ox+barRight+8, ry+13, numfmt.Thousands(done), numfmt.Thousands(total))
	}
	if len(batches) == 0 {
		s.p(`<text x="%.1f" y="%.1f" fill="#6b7280">No batches are defined.</text>`+"\n", ox+chartLeft, oy+50)
	}
	s.p("</g>\n")
}

// batchBarsHeight is the height batchBars takes for n batches.
func batchBarsHeight(n int) float64 { return 44 + barRow*float64(max(n, 1)) }

// svgOpen starts a standalone SVG image.
func svgOpen(s *svgWriter, w, h float64, title string) {
	s.p(`<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="burnup-title" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	s.p(`<title id="burnup-title">%s</title>`+"\n", svgEscape(title))
	s.p(`<rect x="0" y="0" width="%.0f" height="%.0f" fill="#ffffff"/>`+"\n", w, h)
}

func pickFeatures(p viewdb.BurnUpPoint) viewdb.StatusCounts { return p.Features }
func pickTests(p viewdb.BurnUpPoint) viewdb.StatusCounts    { return p.Tests }

// SVG writes the report's chart as one self-contained SVG image (no
// scripts, no external fonts or styles): the burn-up of features and the
// burn-up of tests, each stacking the statuses on its own scale, and a
// progress bar per batch. The same report gives the same bytes.
func SVG(w io.Writer, r *viewdb.Report) error {
	var s svgWriter
	height := 60 + 2*chartHeight + batchBarsHeight(len(r.Batches))
	svgOpen(&s, chartWidth, height, "Porting progress: burn-up and batches")
	sub := "Generated " + r.Generated
	if n := len(r.BurnUp); n > 0 {
		sub = fmt.Sprintf("Recorded work %s to %s; generated %s", r.BurnUp[0].Day, r.BurnUp[n-1].Day, r.Generated)
	}
	s.p(`<text x="%.1f" y="20" text-anchor="middle" font-size="16" font-weight="bold" fill="#111827">Porting progress</text>`+"\n", chartWidth/2)
	s.p(`<text x="%.1f" y="36" text-anchor="middle" fill="#4b5563">%s</text>`+"\n", chartWidth/2, svgEscape(sub))
	legend(&s, chartLeft, 54)
	if err := burnUpChart(&s, 0, 60, fmt.Sprintf("Features (%s)", numfmt.Thousands(r.Features.Total)), r.BurnUp, pickFeatures); err != nil {
		return err
	}
	if err := burnUpChart(&s, 0, 60+chartHeight, fmt.Sprintf("Tests (%s)", numfmt.Thousands(r.Tests.Total)), r.BurnUp, pickTests); err != nil {
		return err
	}
	batchBars(&s, 0, 60+2*chartHeight, r.Batches)
	s.p("</svg>\n")
	bw := bufio.NewWriter(w)
	bw.WriteString(s.b.String())
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
