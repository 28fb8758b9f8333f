package ledger

import "testing"

func TestPolicyRule(t *testing.T) {
	p := Policy{MaxIDsPerUpdate: 3, RequiredGates: []string{gateStub, gateBuild, gateTest}}
	runRules(t, policyRule, []ruleCase{
		{name: "recorded", rec: rec("pol", Entry{Kind: KindPolicy, Policy: &p}),
			want: func(*snapshot) Delta { c := p; return Delta{Policy: &c} }},
		{name: "no policy", rec: rec("pol", Entry{Kind: KindPolicy}), refuse: "a policy entry without a policy"},
		{name: "no test gate", rec: rec("pol", Entry{Kind: KindPolicy, Policy: &Policy{MaxIDsPerUpdate: 3, RequiredGates: []string{gateStub}}}),
			refuse: "required_gates must include test"},
		{name: "no IDs", rec: rec("pol", Entry{Kind: KindPolicy, Policy: &Policy{RequiredGates: []string{gateStub, gateTest}}}),
			refuse: "max_ids_per_update must be at least 1"},
	})
}
