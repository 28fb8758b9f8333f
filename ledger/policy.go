package ledger

import (
	"fmt"
	"slices"
	"strings"
)

// KindPolicy records the team's policy: the rules every writer is held to
// that porttracker.toml sets. init writes the first from porttracker.toml;
// only a signer records another (porttracker policy record). Replay holds
// each entry to the policy in force where it is replayed.
const KindPolicy EntryKind = "policy"

// Policy is the team's policy as a policy entry records it. Later versions
// may add keys (a task size, say); an entry with keys this version does not
// know is malformed to it, so upgrade porttracker first.
type Policy struct {
	// MaxIDsPerUpdate bounds the items one transition entry moves.
	MaxIDsPerUpdate int `toml:"max_ids_per_update" json:"max_ids_per_update"`
	// RequiredGates are the gates a move to complete must have passed
	// (class_test binds tests only: a feature has no class run).
	RequiredGates []string `toml:"required_gates" json:"required_gates"`
	// MaxTaskFeatures bounds the features of one task (a plan's feature
	// group); 0 means DefaultMaxTaskFeatures.
	MaxTaskFeatures int `toml:"max_task_features,omitempty" json:"max_task_features,omitempty"`
}

// TaskFeatureLimit is the most features one task may hold under p.
func (p Policy) TaskFeatureLimit() int {
	if p.MaxTaskFeatures > 0 {
		return p.MaxTaskFeatures
	}
	return DefaultMaxTaskFeatures
}

// DefaultPolicy is the policy of a ledger that has recorded none.
func DefaultPolicy() Policy {
	return Policy{MaxIDsPerUpdate: 15, RequiredGates: []string{gateStub, gateTest}}
}

// PolicySettings are what a team chooses of its policy: the limits, and
// whether a build gate and a class_test gate are configured.
type PolicySettings struct {
	MaxIDsPerUpdate int
	MaxTaskFeatures int
	Build           bool
	ClassTest       bool
}

// NewPolicy is the policy of those settings: the stub and test gates, with
// the build gate and the class_test gate when they are configured.
func NewPolicy(s PolicySettings) Policy {
	p := Policy{MaxIDsPerUpdate: s.MaxIDsPerUpdate, RequiredGates: []string{gateStub}, MaxTaskFeatures: s.MaxTaskFeatures}
	if s.Build {
		p.RequiredGates = append(p.RequiredGates, gateBuild)
	}
	p.RequiredGates = append(p.RequiredGates, gateTest)
	if s.ClassTest {
		p.RequiredGates = append(p.RequiredGates, gateClassTest)
	}
	return p
}

// Check reports what makes a policy unusable.
func (p Policy) Check() error {
	if p.MaxIDsPerUpdate < 1 {
		return fmt.Errorf("max_ids_per_update must be at least 1, not %d", p.MaxIDsPerUpdate)
	}
	if p.MaxTaskFeatures < 0 {
		return fmt.Errorf("max_task_features must be at least 1 (or absent), not %d", p.MaxTaskFeatures)
	}
	for _, g := range []string{gateStub, gateTest} {
		if !slices.Contains(p.RequiredGates, g) {
			return fmt.Errorf("required_gates must include %s", g)
		}
	}
	for _, g := range p.RequiredGates {
		switch g {
		case gateStub, gateBuild, gateTest, gateClassTest:
		default:
			return fmt.Errorf("required_gates: %q is not a gate of a promotion (stub, build, test, class_test)", g)
		}
	}
	return nil
}

// Equal reports whether two policies say the same.
func (p Policy) Equal(q Policy) bool {
	return p.MaxIDsPerUpdate == q.MaxIDsPerUpdate && slices.Equal(p.RequiredGates, q.RequiredGates) &&
		p.TaskFeatureLimit() == q.TaskFeatureLimit()
}

// InForce is the policy in force: the last one recorded, else the default.
func (s *State) InForce() Policy {
	if s.Policy != nil {
		return *s.Policy
	}
	return DefaultPolicy()
}

// BuildPolicy is the entry that records p.
func BuildPolicy(p Policy) (*Entry, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	return &Entry{Kind: KindPolicy, Policy: &p,
		Summary: fmt.Sprintf("policy: at most %d IDs per update; complete needs %s", p.MaxIDsPerUpdate, strings.Join(p.RequiredGates, ", "))}, nil
}

// policyRule is the rule of a policy entry: the policy it records is
// usable. It reads nothing of the state.
func policyRule(_ *snapshot, rec *Record) (Delta, error) {
	p := rec.Entry.Policy
	if p == nil {
		return Delta{}, rulef("entry %s: a policy entry without a policy", rec.ID)
	}
	if err := p.Check(); err != nil {
		return Delta{}, rulef("entry %s: policy: %v", rec.ID, err)
	}
	cp := *p
	cp.RequiredGates = slices.Clone(p.RequiredGates)
	return Delta{Policy: &cp}, nil
}

// checkPolicyMoves holds a transition to the policy's limit on IDs.
func (v *snapshot) checkPolicyMoves(rec *Record) error {
	if n, max := len(rec.Entry.Moves), v.inForce().MaxIDsPerUpdate; n > max {
		return rulef("entry %s moves %d items; the policy allows at most %d in one update", rec.ID, n, max)
	}
	return nil
}
