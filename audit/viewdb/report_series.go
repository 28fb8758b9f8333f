package viewdb

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/porttracker/porttracker/internal/numfmt"
	"github.com/porttracker/porttracker/ledger"
)

// BurnUpPoint is the state at the end of one day (UTC): how many features
// and how many tests were in each status.
type BurnUpPoint struct {
	Day      string       `json:"day"`
	Features StatusCounts `json:"features"`
	Tests    StatusCounts `json:"tests"`
}

// WeekVelocity is how many items became verified (net of demotions) in
// one week, Monday to Sunday (UTC).
type WeekVelocity struct {
	// Week is the week's Monday.
	Week     string `json:"week"`
	Features int    `json:"verified_features"`
	Tests    int    `json:"verified_tests"`
}

// Forecast projects when the open items will be verified at the recent
// pace.
type Forecast struct {
	// Open counts the features and tests neither verified nor deferred.
	Open int `json:"open"`
	// PerWeek is the verified items per week over the Weeks weeks that
	// end with the last recorded move (0 when there are none).
	PerWeek float64 `json:"per_week"`
	Weeks   int     `json:"basis_weeks"`
	// WeeksLeft and Date are when Open would reach zero at PerWeek; empty
	// when nothing is open or nothing was verified lately.
	WeeksLeft int    `json:"weeks_left"`
	Date      string `json:"date,omitempty"`
	// Note says in words what the forecast rests on.
	Note string `json:"note"`
}

// SignerActivity is what one signer recorded.
type SignerActivity struct {
	Signer  string `json:"signer"`
	Entries int    `json:"entries"`
	// Moves counts the item moves the signer recorded, by target status.
	Moves StatusCounts `json:"moves"`
	First string       `json:"first"`
	Last  string       `json:"last"`
}

// forecastWeeks is how many weeks of velocity the forecast averages.
const forecastWeeks = 4

// burnUp is the status of every item at the end of each day on which some
// item's status changed, from the first recorded move to the last. An
// item's status at the end of a day is the target of its last move that
// day in replay order; items start as not_started. totals are today's
// inventory per kind (the view keeps no history of definitions), so
// not_started is what the other statuses leave of it.
func (v *View) burnUp(totals map[ledger.Kind]int) ([]BurnUpPoint, error) {
	rows, err := v.db.Query(`SELECT item_kind, item_id, substr(time, 1, 10), to_status FROM transitions ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type dayItem struct {
		day string
		key ledger.ItemKey
	}
	last := map[dayItem]ledger.Status{}
	for rows.Next() {
		var kind, day, to string
		var id int
		if err := rows.Scan(&kind, &id, &day, &to); err != nil {
			return nil, err
		}
		last[dayItem{day, ledger.ItemKey{Kind: ledger.Kind(kind), ID: id}}] = ledger.Status(to)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	moves := make([]dayItem, 0, len(last))
	for k := range last {
		moves = append(moves, k)
	}
	sort.Slice(moves, func(i, j int) bool {
		a, b := moves[i], moves[j]
		if a.day != b.day {
			return a.day < b.day
		}
		if a.key.Kind != b.key.Kind {
			return a.key.Kind < b.key.Kind
		}
		return a.key.ID < b.key.ID
	})
	status := map[ledger.ItemKey]ledger.Status{}
	counts := map[ledger.Kind]StatusCounts{ledger.Feature: zeroCounts(), ledger.Test: zeroCounts()}
	out := []BurnUpPoint{}
	point := func(day string) BurnUpPoint {
		p := BurnUpPoint{Day: day}
		for _, k := range []ledger.Kind{ledger.Feature, ledger.Test} {
			c := zeroCounts()
			moved := 0
			for st, n := range counts[k] {
				if st != ledger.NotStarted {
					c[st] = n
					moved += n
				}
			}
			c[ledger.NotStarted] = max(0, totals[k]-moved)
			if k == ledger.Feature {
				p.Features = c
			} else {
				p.Tests = c
			}
		}
		return p
	}
	for i, m := range moves {
		prev, ok := status[m.key]
		if !ok {
			prev = ledger.NotStarted
		}
		to := last[m]
		if prev != to {
			c := counts[m.key.Kind]
			if prev != ledger.NotStarted {
				c[prev]--
			}
			if to != ledger.NotStarted {
				c[to]++
			}
		}
		status[m.key] = to
		if i == len(moves)-1 || moves[i+1].day != m.day {
			out = append(out, point(m.day))
		}
	}
	return out, nil
}

// weekStart is the Monday of day's week.
func weekStart(day time.Time) time.Time {
	wd := (int(day.Weekday()) + 6) % 7
	return day.AddDate(0, 0, -wd)
}

// velocity is the verified items gained in each week from the first
// point's week to the last's, empty weeks included.
func velocity(pts []BurnUpPoint) ([]WeekVelocity, error) {
	out := []WeekVelocity{}
	if len(pts) == 0 {
		return out, nil
	}
	first, err := time.Parse(DayLayout, pts[0].Day)
	if err != nil {
		return nil, fmt.Errorf("burn-up point %q: %w", pts[0].Day, err)
	}
	lastDay, err := time.Parse(DayLayout, pts[len(pts)-1].Day)
	if err != nil {
		return nil, fmt.Errorf("burn-up point %q: %w", pts[len(pts)-1].Day, err)
	}
	var prevF, prevT, i int
	for w := weekStart(first); !w.After(lastDay); w = w.AddDate(0, 0, 7) {
		end := w.AddDate(0, 0, 7).Format(DayLayout)
		f, t := prevF, prevT
		for i < len(pts) && pts[i].Day < end {
			f, t = pts[i].Features[ledger.Verified], pts[i].Tests[ledger.Verified]
			i++
		}
		out = append(out, WeekVelocity{Week: w.Format(DayLayout), Features: f - prevF, Tests: t - prevT})
		prevF, prevT = f, t
	}
	return out, nil
}

// forecast projects the open items at the pace of the last weeks.
func forecast(open int, weeks []WeekVelocity, lastDay string) Forecast {
	f := Forecast{Open: open}
	if open == 0 {
		f.Note = "nothing is open: every item is verified or deferred"
		return f
	}
	n := min(forecastWeeks, len(weeks))
	gained := 0
	for _, w := range weeks[len(weeks)-n:] {
		gained += w.Features + w.Tests
	}
	f.Weeks = n
	if n == 0 || gained <= 0 {
		f.Note = "no forecast: nothing was verified in the last weeks of recorded work"
		return f
	}
	f.PerWeek = math.Round(100*float64(gained)/float64(n)) / 100
	f.WeeksLeft = int(math.Ceil(float64(open) * float64(n) / float64(gained)))
	if d, err := time.Parse(DayLayout, lastDay); err == nil {
		f.Date = d.AddDate(0, 0, 7*f.WeeksLeft).Format(DayLayout)
	}
	f.Note = fmt.Sprintf("%s items a week, the average of the last %d %s of recorded work", formatRate(f.PerWeek), n, numfmt.Plural(n, "week", "weeks"))
	return f
}

func formatRate(r float64) string {
	if r == math.Trunc(r) {
		return numfmt.Thousands(int(r))
	}
	return numfmt.Thousands(int(r)) + fmt.Sprintf("%.1f", r-math.Trunc(r))[1:]
}

// signerActivity is every signer's entries and moves, by signer.
func (v *View) signerActivity() ([]SignerActivity, error) {
	rows, err := v.db.Query(`SELECT signer, count(*), min(time), max(time) FROM entries GROUP BY signer ORDER BY signer`)
	if err != nil {
		return nil, err
	}
	out := []SignerActivity{}
	idx := map[string]int{}
	for rows.Next() {
		a := SignerActivity{Moves: zeroCounts()}
		if err := rows.Scan(&a.Signer, &a.Entries, &a.First, &a.Last); err != nil {
			rows.Close()
			return nil, err
		}
		idx[a.Signer] = len(out)
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = v.db.Query(`SELECT actor, to_status, count(*) FROM transitions GROUP BY actor, to_status`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var who, to string
		var n int
		if err := rows.Scan(&who, &to, &n); err != nil {
			return nil, err
		}
		if i, ok := idx[who]; ok {
			out[i].Moves[ledger.Status(to)] += n
		}
	}
	return out, rows.Err()
}
