package audit

import (
	"fmt"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
)

// CodeCheck looks at an item's mapped target in the code: whether the file
// and symbol exist, and what the stub scan finds in its body.
type CodeCheck func(file, symbol string) (found bool, problem string, stubs []string, err error)

// Mismatch is a recorded status that the code does not bear out, or (when
// Info) a not-started item whose target already exists.
type Mismatch struct {
	ledger.ItemKey
	Status  ledger.Status `json:"status"`
	Target  string        `json:"target"`
	Problem string        `json:"problem"`
	Stubs   []string      `json:"stubs,omitempty"`
	Info    bool          `json:"info,omitempty"`
}

// Reconcile checks every item of kind in the view against the code.
// Complete and verified items must have their target file and symbol, with
// a body that passes the stub scan; not-started items whose target exists
// with a real body are listed for information.
func Reconcile(v *viewdb.View, kind ledger.Kind, check CodeCheck) ([]Mismatch, error) {
	items, err := v.List(kind, viewdb.ListFilter{})
	if err != nil {
		return nil, err
	}
	out := []Mismatch{}
	for _, it := range items {
		m := it.Mapping
		promoted := it.Status == ledger.Complete || it.Status == ledger.Verified
		if !promoted && it.Status != ledger.NotStarted {
			continue
		}
		if it.Removed && promoted {
			out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Target: m.TargetSymbol,
				Problem: "its source declaration was removed upstream after it was promoted"})
		}
		if it.UpstreamChanged && promoted {
			out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Target: m.TargetSymbol,
				Problem: "the source changed upstream after it was promoted"})
		}
		if m.TargetFile == "" || m.TargetSymbol == "" {
			if promoted {
				out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Problem: "no target mapping"})
			}
			continue
		}
		found, problem, stubs, err := check(m.TargetFile, m.TargetSymbol)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", kind, it.ID, err)
		}
		target := m.TargetFile + " " + m.TargetSymbol
		switch {
		case promoted && !found:
			out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Target: target, Problem: problem})
		case promoted && len(stubs) > 0:
			out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Target: target,
				Problem: "its body matches the stub scan", Stubs: stubs})
		case !promoted && found && len(stubs) == 0:
			out = append(out, Mismatch{ItemKey: it.ItemKey, Status: it.Status, Target: target,
				Problem: "not started, but its target exists with a real body", Info: true})
		}
	}
	return out, nil
}
