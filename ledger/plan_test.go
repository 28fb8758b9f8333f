package ledger

import "testing"

func TestPlanRule(t *testing.T) {
	plan := func(change func(p *PlanPayload)) *Record {
		p := &PlanPayload{Batch: 1, MaxTaskFeatures: 20, Tasks: []PlanTask{
			{Name: "A", Kind: Feature, Title: "first", Count: 2, IDs: "1,2"},
			{Name: "B", Kind: Feature, Count: 2, IDs: "3,4"},
		}}
		if change != nil {
			change(p)
		}
		return rec("pl", Entry{Kind: KindPlan, Plan: p})
	}
	runRules(t, planRule, []ruleCase{
		{name: "recorded", rec: plan(nil),
			want: func(v *snapshot) Delta {
				return Delta{Batches: []*BatchState{changedBatch(v, 1, func(b *BatchState) {
					b.Plan = "pl"
					b.Tasks = []TaskState{
						{Name: "A", Kind: Feature, Title: "first", IDs: []int{1, 2}, Status: TaskPending},
						{Name: "B", Kind: Feature, IDs: []int{3, 4}, Status: TaskPending},
					}
				})}}
			}},
		{name: "no payload", rec: rec("pl", Entry{Kind: KindPlan}), refuse: "without its [plan] table"},
		{name: "undefined batch", rec: plan(func(p *PlanPayload) { p.Batch = 9 }), refuse: "plan for batch 9: the batch is not defined"},
		{name: "complete batch", rec: plan(func(p *PlanPayload) { p.Batch = 3 }), refuse: "plan for batch 3: the batch is complete"},
		{name: "a task started", rec: plan(func(p *PlanPayload) { p.Batch = 4 }), refuse: "task T1 is active; a plan is not replaced"},
		{name: "another dependency", rec: plan(func(p *PlanPayload) { p.Depends = []int{3} }), refuse: "states dependency 3, but the batch depends on none"},
		{name: "a group too large", rec: plan(func(p *PlanPayload) { p.MaxTaskFeatures = 1 }), refuse: "group A has 2 features; a feature group holds at most 1"},
		{name: "above the policy", setup: func(v *snapshot) {
			v.policy = &Policy{MaxIDsPerUpdate: 15, RequiredGates: []string{gateStub, gateTest}, MaxTaskFeatures: 5}
		}, rec: plan(nil), refuse: "the policy in force allows at most 5"},
		{name: "a count that disagrees", rec: plan(func(p *PlanPayload) { p.Tasks[0].Count = 3 }), refuse: "group A states 3 IDs but lists 2"},
		{name: "an ID in two tasks", rec: plan(func(p *PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "2,3,4", 3 }),
			refuse: "group B lists features 2, already in another task"},
		{name: "an undefined ID", rec: plan(func(p *PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "3,4,99", 3 }),
			refuse: "group B lists features 99, which are not defined"},
		{name: "an ID of another batch", rec: plan(func(p *PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "3,4,5", 3 }),
			refuse: "group B lists features 5, which do not belong to batch 1"},
		{name: "an item left out", rec: plan(func(p *PlanPayload) { p.Tasks[1].IDs, p.Tasks[1].Count = "3", 1 }),
			refuse: "leaves features 4 in no task"},
		{name: "a bad name", rec: plan(func(p *PlanPayload) { p.Tasks[0].Name = "a b" }), refuse: `task name "a b"`},
		{name: "no tasks", rec: plan(func(p *PlanPayload) { p.Tasks = nil }), refuse: "has no tasks"},
	})
}
