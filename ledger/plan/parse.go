// Package plan reads a batch plan written in the seed plan's Markdown
// format: its scope (Batch ID, Name, Dependency, Features, Tests), its
// feature groups ("### Group A (20): …" and an "IDs:" line) and its test
// waves ("### Wave T1 (37): …").
package plan

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/porttracker/porttracker/ledger"
)

// Plan is what a plan file says about its batch.
type Plan struct {
	// Scope of the batch, as stated.
	Batch        int
	Name         string
	Depends      []int
	FeatureCount int
	// FeatureIDs is the stated feature range ("1636-1693").
	FeatureIDs []int
	TestCount  int
	// Tasks are the feature groups, then the test waves, in the plan's
	// order.
	Tasks []Task
}

// Task is one feature group or test wave.
type Task struct {
	Name  string
	Kind  ledger.Kind
	Title string
	// Count is the number the heading states; IDs what its IDs line lists,
	// in order.
	Count int
	IDs   []int
	// Line is where the heading is.
	Line int
}

// maxPlanSize bounds the plan file that Parse reads.
const maxPlanSize = 4 << 20

var (
	scopeField = regexp.MustCompile("^\\s*[-*]\\s+(Batch ID|Name|Dependency|Features|Tests):\\s*`([^`]*)`(?:\\s*\\(`([^`]*)`\\))?")
	heading    = regexp.MustCompile(`^#{2,4}\s+(Group|Wave)\s+([A-Za-z0-9][A-Za-z0-9_.-]*)\s*\((\d+)\)\s*:?\s*(.*?)\s*$`)
	idsLine    = regexp.MustCompile("^\\s*IDs:\\s*`([^`]*)`")
	anyHeading = regexp.MustCompile(`^#{1,6}\s`)
	section    = regexp.MustCompile(`^##\s+(.*)$`)
)

// Parse reads a plan. name is used in errors. It checks the plan against
// itself: each stated count equals the IDs listed, no ID is listed twice,
// the Features count matches its range and the Tests count the waves.
// Checks against the inventory are ledger.CheckPlan's.
func Parse(name string, data []byte) (*Plan, error) {
	if len(data) > maxPlanSize {
		return nil, fmt.Errorf("%s is larger than %d bytes; is it a plan?", name, maxPlanSize)
	}
	p := &Plan{}
	seen := map[string]bool{}
	var cur *Task
	inScope := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), maxPlanSize)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if m := section.FindStringSubmatch(text); m != nil {
			inScope = strings.HasSuffix(strings.TrimSpace(m[1]), "Scope")
		}
		if m := scopeField.FindStringSubmatch(text); m != nil && inScope {
			if err := p.scope(seen, m[1], m[2], m[3]); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", name, line, err)
			}
			continue
		}
		if m := heading.FindStringSubmatch(text); m != nil {
			if cur != nil && cur.IDs == nil {
				return nil, fmt.Errorf("%s:%d: %s has no IDs: line (write IDs: `1,2,3` under its heading)", name, cur.Line, cur.label())
			}
			n, err := strconv.Atoi(m[3])
			if err != nil {
				return nil, fmt.Errorf("%s:%d: count %q is not a number", name, line, m[3])
			}
			kind := ledger.Feature
			if m[1] == "Wave" {
				kind = ledger.Test
			}
			p.Tasks = append(p.Tasks, Task{Name: m[2], Kind: kind, Title: m[4], Count: n, Line: line})
			cur = &p.Tasks[len(p.Tasks)-1]
			continue
		}
		if cur != nil {
			if m := idsLine.FindStringSubmatch(text); m != nil {
				if cur.IDs != nil {
					return nil, fmt.Errorf("%s:%d: %s has a second IDs: line", name, line, cur.label())
				}
				ids, err := parseList(m[1])
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %s: %w", name, line, cur.label(), err)
				}
				cur.IDs = ids
				continue
			}
			if anyHeading.MatchString(text) {
				if cur.IDs == nil {
					return nil, fmt.Errorf("%s:%d: %s has no IDs: line (write IDs: `1,2,3` under its heading)", name, cur.Line, cur.label())
				}
				cur = nil
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cur != nil && cur.IDs == nil {
		return nil, fmt.Errorf("%s:%d: %s has no IDs: line (write IDs: `1,2,3` under its heading)", name, cur.Line, cur.label())
	}
	if err := p.check(name, seen); err != nil {
		return nil, err
	}
	return p, nil
}

func (t *Task) label() string {
	if t.Kind == ledger.Feature {
		return "group " + t.Name
	}
	return "wave " + t.Name
}

// Label names the task as the plan does ("group A", "wave T1").
func (t *Task) Label() string { return t.label() }

func (p *Plan) scope(seen map[string]bool, field, value, extra string) error {
	if seen[field] {
		return fmt.Errorf("the scope states %s twice", field)
	}
	seen[field] = true
	value = strings.TrimSpace(value)
	var err error
	switch field {
	case "Batch ID":
		p.Batch, err = positive(value)
	case "Name":
		if value == "" {
			return fmt.Errorf("the scope's Name is empty")
		}
		p.Name = value
	case "Dependency":
		p.Depends, err = dependency(value)
	case "Features":
		if p.FeatureCount, err = count(value); err != nil {
			break
		}
		if strings.TrimSpace(extra) == "" {
			return fmt.Errorf("Features states no ID range (write Features: `58` (`1636-1693`))")
		}
		p.FeatureIDs, err = parseList(extra)
	case "Tests":
		p.TestCount, err = count(value)
	}
	if err != nil {
		return fmt.Errorf("scope %s: %w", field, err)
	}
	return nil
}

func positive(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", s)
	}
	return n, nil
}

func count(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a count", s)
	}
	return n, nil
}

// dependency reads "33", "32, 33" or "none".
func dependency(s string) ([]int, error) {
	switch strings.ToLower(s) {
	case "", "none", "-", "n/a":
		return nil, nil
	}
	ids, err := ledger.ParseIDs(s)
	if err != nil {
		return nil, err
	}
	return ids, nil
}

// parseList reads an ID list in its order, with ranges; an ID listed twice
// is an error.
func parseList(s string) ([]int, error) {
	var out []int
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		ids, err := ledger.ParseIDs(part)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if seen[id] {
				return nil, fmt.Errorf("ID %d is listed twice", id)
			}
			seen[id] = true
			out = append(out, id)
		}
	}
	if out == nil {
		out = []int{}
	}
	return out, nil
}

// check holds the plan to what it states about itself.
func (p *Plan) check(name string, seen map[string]bool) error {
	for _, f := range []string{"Batch ID", "Name", "Dependency", "Features", "Tests"} {
		if !seen[f] {
			return fmt.Errorf("%s: the scope has no %s line (- %s: `...` under ## Batch N Scope)", name, f, f)
		}
	}
	if len(p.FeatureIDs) != p.FeatureCount {
		return fmt.Errorf("%s: the scope states %d features but its range holds %d", name, p.FeatureCount, len(p.FeatureIDs))
	}
	names := map[string]bool{}
	owner := map[ledger.ItemKey]bool{}
	tests := 0
	for _, t := range p.Tasks {
		if names[t.Name] {
			return fmt.Errorf("%s:%d: a second task named %s", name, t.Line, t.Name)
		}
		names[t.Name] = true
		if len(t.IDs) != t.Count {
			return fmt.Errorf("%s:%d: %s states %d IDs but lists %d: %s", name, t.Line, t.label(), t.Count, len(t.IDs), ledger.FormatIDs(sorted(t.IDs)))
		}
		var twice []int
		for _, id := range t.IDs {
			k := ledger.ItemKey{Kind: t.Kind, ID: id}
			if owner[k] {
				twice = append(twice, id)
			}
			owner[k] = true
		}
		if len(twice) > 0 {
			return fmt.Errorf("%s:%d: %s lists %s %s, already in another task; an ID belongs to one task", name, t.Line, t.label(), t.Kind.Plural(), ledger.FormatIDs(sorted(twice)))
		}
		if t.Kind == ledger.Test {
			tests += len(t.IDs)
		}
	}
	if tests != p.TestCount {
		return fmt.Errorf("%s: the scope states %d tests but the waves list %d", name, p.TestCount, tests)
	}
	return nil
}

func sorted(ids []int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

// Payload is the plan entry's payload for p; source names the plan file and
// maxTaskFeatures is the team's size limit of a feature task.
func (p *Plan) Payload(source string, maxTaskFeatures int) *ledger.PlanPayload {
	out := &ledger.PlanPayload{Batch: p.Batch, Depends: p.Depends, Source: source, MaxTaskFeatures: maxTaskFeatures}
	for _, t := range p.Tasks {
		out.Tasks = append(out.Tasks, ledger.PlanTask{Name: t.Name, Kind: t.Kind, Title: t.Title, Count: t.Count, IDs: ledger.FormatIDs(sorted(t.IDs))})
	}
	return out
}
