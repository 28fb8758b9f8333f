package ledger

import (
	"strings"
	"testing"
)

// A policy that requires class_test holds tests to it and not features,
// which have no class run.
func TestClassTestRequiredForTests(t *testing.T) {
	p := NewPolicy(PolicySettings{MaxIDsPerUpdate: 15, MaxTaskFeatures: DefaultMaxTaskFeatures, Build: true, ClassTest: true})
	if !strings.Contains(strings.Join(p.RequiredGates, ","), gateClassTest) {
		t.Fatalf("policy from a config with class_test requires %v", p.RequiredGates)
	}
	without := evidenceAt(history[0], ok(gateStub), ok(gateBuild), ok(gateTest))
	with := evidenceAt(history[0], ok(gateStub), ok(gateBuild), ok(gateTest), ok(gateClassTest))
	for _, tc := range []struct {
		name string
		key  ItemKey
		ev   *Evidence
		want string
	}{
		{"test without its class run", ItemKey{Kind: Test, ID: 7}, without, "has no class_test gate"},
		{"test with its class run", ItemKey{Kind: Test, ID: 7}, with, ""},
		{"feature needs no class run", ItemKey{Kind: Feature, ID: 7}, without, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkCompleteEvidence(tc.key, tc.ev, p.RequiredGates)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
