package ledger

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// PlanPayload is the payload of a plan entry: a batch's tasks (the plan's
// feature groups, then its test waves), in the plan's order.
type PlanPayload struct {
	Batch int `toml:"batch"`
	// Depends is the dependency the plan states; it must agree with the
	// batch's.
	Depends []int `toml:"depends"`
	// Source names the plan file the tasks were read from.
	Source string `toml:"source,omitempty"`
	// MaxTaskFeatures is the size limit of a feature task the writer was
	// held to (team policy).
	MaxTaskFeatures int        `toml:"max_task_features"`
	Tasks           []PlanTask `toml:"task"`
}

// PlanTask is one task of a plan: a feature group or a test wave.
type PlanTask struct {
	Name  string `toml:"name"`
	Kind  Kind   `toml:"kind"`
	Title string `toml:"title,omitempty"`
	// Count is the number of IDs the plan states for the task.
	Count int `toml:"count"`
	// IDs is the task's ID list, in the plan's order ("1636,1637").
	IDs string `toml:"ids"`
}

// DefaultMaxTaskFeatures is the size limit of a feature task when the
// team's configuration sets none (the seed plan's "max ~20").
const DefaultMaxTaskFeatures = 20

var taskName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$`)

// CheckPlan checks a plan against itself and against the batch and items
// of st: each task's stated count equals its IDs, every ID is defined and
// belongs to the batch, no ID is in two tasks, the feature tasks cover the
// batch's features and the test tasks its tests, no feature task is larger
// than the limit, and the stated dependency is the batch's. The error
// names the task and the IDs.
func CheckPlan(st *State, p *PlanPayload) error {
	var k Keys
	planKeys(&Entry{Plan: p}, &k)
	v, err := st.prefetch(k)
	if err != nil {
		return err
	}
	return v.checkPlan(p)
}

// planKeys: a plan entry reads its batch, the batch's items and the items
// its tasks list.
func planKeys(e *Entry, k *Keys) {
	p := e.Plan
	if p == nil {
		return
	}
	k.Batches = append(k.Batches, p.Batch)
	k.Members = append(k.Members, p.Batch)
	for _, t := range p.Tasks {
		ids, _ := ParseIDs(t.IDs) // the rule refuses a list that does not parse
		for _, id := range ids {
			k.Items = append(k.Items, ItemKey{t.Kind, id})
		}
	}
}

func (v *snapshot) checkPlan(p *PlanPayload) error {
	if p == nil {
		return rulef("a plan entry without its [plan] table")
	}
	b := v.batch(p.Batch)
	if b == nil {
		return rulef("plan for batch %d: the batch is not defined (import the inventory first)", p.Batch)
	}
	if err := v.checkPlanBatch(p, b); err != nil {
		return err
	}
	owner := map[ItemKey]string{}
	names := map[string]bool{}
	for _, t := range p.Tasks {
		if err := v.checkPlanTask(p, b, t, names, owner); err != nil {
			return err
		}
	}
	return v.checkPlanCovers(b, owner)
}

// checkPlanBatch checks plan p against its batch b and the policy: the
// batch is open and no task of it has started, the plan states the batch's
// dependencies, has tasks and holds feature groups to the policy's limit.
func (v *snapshot) checkPlanBatch(p *PlanPayload, b *BatchState) error {
	if b.Status == BatchComplete {
		return rulef("plan for batch %d: the batch is complete", b.ID)
	}
	for _, t := range b.Tasks {
		if t.Status != TaskPending {
			return rulef("plan for batch %d: task %s is %s; a plan is not replaced once a task has started", b.ID, t.Name, t.Status)
		}
	}
	if deps, want := normInts(sortedInts(p.Depends)), normInts(sortedInts(b.Depends)); !slices.Equal(deps, want) {
		return rulef("plan for batch %d states dependency %s, but the batch depends on %s (fix the plan or the inventory)", b.ID, intsOrNone(deps), intsOrNone(want))
	}
	if len(p.Tasks) == 0 {
		return rulef("plan for batch %d has no tasks (### Group or ### Wave sections)", b.ID)
	}
	if p.MaxTaskFeatures < 1 {
		return rulef("plan for batch %d: max_task_features %d (want at least 1)", b.ID, p.MaxTaskFeatures)
	}
	if lim := v.inForce().TaskFeatureLimit(); p.MaxTaskFeatures > lim {
		return refuse(RuleError{Code: CodePolicyTaskLimit, Batch: b.ID}, "plan for batch %d holds feature groups to %d, but the policy in force allows at most %d", b.ID, p.MaxTaskFeatures, lim)
	}
	return nil
}

// checkPlanTask checks task t of plan p for batch b: its name is new
// (names), its stated count is its IDs, a feature group is within the
// plan's limit, and each ID is defined, of b and in no earlier task (owner,
// which it is added to).
func (v *snapshot) checkPlanTask(p *PlanPayload, b *BatchState, t PlanTask, names map[string]bool, owner map[ItemKey]string) error {
	if !taskName.MatchString(t.Name) {
		return rulef("plan for batch %d: task name %q (want letters, digits, _ . -)", b.ID, t.Name)
	}
	if names[t.Name] {
		return rulef("plan for batch %d: task %s is named twice", b.ID, t.Name)
	}
	names[t.Name] = true
	if t.Kind != Feature && t.Kind != Test {
		return rulef("task %s: kind %q (want feature or test)", t.Name, t.Kind)
	}
	label := t.Label()
	ids, err := ParseIDs(t.IDs)
	if err != nil {
		return rulef("%s: %v", label, err)
	}
	if len(ids) != t.Count {
		return rulef("%s states %d IDs but lists %d: %s", label, t.Count, len(ids), FormatIDs(ids))
	}
	if t.Kind == Feature && len(ids) > p.MaxTaskFeatures {
		return rulef("%s has %d features; a feature group holds at most %d (team policy): split it", label, len(ids), p.MaxTaskFeatures)
	}
	var undefined, foreign, twice []int
	for _, id := range ids {
		k := ItemKey{t.Kind, id}
		if _, ok := owner[k]; ok {
			twice = append(twice, id)
			continue
		}
		owner[k] = t.Name
		switch it := v.item(k); {
		case it == nil:
			undefined = append(undefined, id)
		case it.Batch != b.ID:
			foreign = append(foreign, id)
		}
	}
	switch {
	case len(twice) > 0:
		return rulef("%s lists %s %s, already in another task; an ID belongs to one task", label, t.Kind.Plural(), FormatIDs(twice))
	case len(undefined) > 0:
		return rulef("%s lists %s %s, which are not defined (import them first)", label, t.Kind.Plural(), FormatIDs(undefined))
	case len(foreign) > 0:
		return rulef("%s lists %s %s, which do not belong to batch %d", label, t.Kind.Plural(), FormatIDs(foreign), b.ID)
	}
	return nil
}

// checkPlanCovers demands that the plan's tasks (owner) hold every item of
// batch b: the groups its features, the waves its tests.
func (v *snapshot) checkPlanCovers(b *BatchState, owner map[ItemKey]string) error {
	left := map[Kind][]int{}
	for _, k := range v.batchItems(b.ID) {
		if _, ok := owner[k]; !ok {
			left[k.Kind] = append(left[k.Kind], k.ID)
		}
	}
	for _, k := range []Kind{Feature, Test} {
		if ids := left[k]; len(ids) > 0 {
			what := "groups"
			if k == Test {
				what = "waves"
			}
			return rulef("plan for batch %d leaves %s %s in no task: the %s must cover the batch's %s", b.ID, k.Plural(), FormatIDs(ids), what, k.Plural())
		}
	}
	return nil
}

// Label names the task as a plan does: "group A" for features, "wave T1"
// for tests.
func (t PlanTask) Label() string {
	if t.Kind == Test {
		return "wave " + t.Name
	}
	return "group " + t.Name
}

func sortedInts(s []int) []int {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func intsOrNone(s []int) string {
	if len(s) == 0 {
		return "none"
	}
	parts := make([]string, len(s))
	for i, n := range s {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ", ")
}

// planRule is the rule of a plan entry: checkPlan, then the batch's tasks
// are replaced by the plan's, none of them started.
func planRule(v *snapshot, rec *Record) (Delta, error) {
	p := rec.Entry.Plan
	if err := v.checkPlan(p); err != nil {
		return Delta{}, err
	}
	c := *v.batch(p.Batch)
	c.Plan = rec.ID
	c.Tasks = make([]TaskState, len(p.Tasks))
	for i, t := range p.Tasks {
		ids, _ := ParseIDs(t.IDs) // checkPlan parsed them
		c.Tasks[i] = TaskState{Name: t.Name, Kind: t.Kind, Title: t.Title, IDs: ids, Status: TaskPending}
	}
	return Delta{Batches: []*BatchState{&c}}, nil
}

// SamePlan reports whether batch b already has exactly the tasks of p.
func SamePlan(b *BatchState, p *PlanPayload) bool {
	if b == nil || len(b.Tasks) != len(p.Tasks) {
		return false
	}
	for i, t := range p.Tasks {
		ids, err := ParseIDs(t.IDs)
		cur := b.Tasks[i]
		if err != nil || cur.Name != t.Name || cur.Kind != t.Kind || cur.Title != t.Title || !slices.Equal(cur.IDs, ids) {
			return false
		}
	}
	return true
}

// BuildPlan makes the plan entry for p.
func BuildPlan(p *PlanPayload) *Entry {
	var groups, waves int
	for _, t := range p.Tasks {
		if t.Kind == Feature {
			groups++
		} else {
			waves++
		}
	}
	return &Entry{Kind: KindPlan, Plan: p,
		Summary: fmt.Sprintf("plan for batch %d: %d feature groups, %d test waves", p.Batch, groups, waves)}
}
