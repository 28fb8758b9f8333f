package ledger

import "fmt"

// BaselinePayload is the payload of a baseline entry: the build and the
// full suite as they stood before the batch's work, recorded whether they
// passed or not ("capture baseline build and test results"). The gates are
// in the entry's evidence.
type BaselinePayload struct {
	Label string `toml:"label"`
}

// baselineRule is the rule of a baseline entry: its evidence is at a code
// commit and holds the full suite's run. It records; it does not judge, so
// failing gates are kept as they are. A baseline is not a checkpoint: no
// item is verified on one. It reads nothing of the state.
func baselineRule(_ *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	if e.BaselineRun == nil {
		return Delta{}, rulef("entry %s: a baseline entry without its [baseline_run] table", rec.ID)
	}
	ev := e.Evidence
	if ev == nil || ev.CodeCommit == "" {
		return Delta{}, rulef("entry %s: a baseline needs evidence at a code commit", rec.ID)
	}
	if ev.Gate("full_test") == nil {
		return Delta{}, rulef("entry %s: a baseline needs the full suite's run (full_test gate)", rec.ID)
	}
	for _, g := range ev.Gates {
		if g.Name != "build" && g.Name != "full_test" {
			return Delta{}, rulef("entry %s: a baseline records the build and the full suite, not a %s gate", rec.ID, g.Name)
		}
	}
	cp := &CheckpointState{Entry: rec.ID, Clock: e.Clock, CodeCommit: ev.CodeCommit, Dirty: ev.Dirty, Baseline: true}
	return Delta{Checkpoints: []*CheckpointState{cp}}, nil
}

// BuildBaseline makes a baseline entry from the build and full suite's
// evidence, passing or not.
func BuildBaseline(ev *Evidence, label string) *Entry {
	verdict := "passing"
	if !ev.Passed() {
		verdict = "failing"
	}
	s := fmt.Sprintf("baseline at %s (%s)", short(ev.CodeCommit), verdict)
	if label != "" {
		s += ": " + label
	}
	return &Entry{Kind: KindBaseline, BaselineRun: &BaselinePayload{Label: label}, Evidence: ev, Summary: s}
}
