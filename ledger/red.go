package ledger

import "fmt"

// RedPayload is the payload of a red entry: the plan's "add a focused test
// that fails for the intended behaviour, run it, confirm the failure"
// before a feature is implemented. The focused test run is in the entry's
// evidence.
type RedPayload struct {
	Feature int `toml:"feature"`
}

// redKeys: a red entry reads its feature and the feature's batch.
func redKeys(e *Entry, k *Keys) {
	if e.Red != nil {
		k.Items = append(k.Items, ItemKey{Feature, e.Red.Feature})
		k.ItemBatches = true
	}
}

// redRule is the rule of a red entry: the feature is claimed (stub) in a
// started batch (in its active task, when the batch has tasks), and the
// evidence shows its focused tests ran and failed at a code commit.
func redRule(v *snapshot, rec *Record) (Delta, error) {
	e := rec.Entry
	if e.Red == nil {
		return Delta{}, rulef("entry %s: a red entry without its [red] table", rec.ID)
	}
	k := ItemKey{Feature, e.Red.Feature}
	it := v.item(k)
	if it == nil {
		return Delta{}, rulef("%s is not defined", k)
	}
	if err := v.checkRed(it); err != nil {
		return Delta{}, err
	}
	if err := checkRedEvidence(k, e.Evidence); err != nil {
		return Delta{}, err
	}
	c := *it
	c.RedEntry, c.RedCommit, c.LastEntry = rec.ID, e.Evidence.CodeCommit, rec.ID
	return Delta{Items: []*ItemState{&c}}, nil
}

// CheckRed checks that a red run of feature it may be recorded now, before
// its gate runs.
func (s *State) CheckRed(it *ItemState) error {
	var k Keys
	if it.Batch != 0 {
		k.Batches = []int{it.Batch}
	}
	v, err := s.prefetch(k)
	if err != nil {
		return err
	}
	return v.checkRed(it)
}

func (v *snapshot) checkRed(it *ItemState) error {
	k := it.Key
	if it.Status != Stub {
		return refuse(RuleError{Code: CodeRedUnclaimed, Item: k}, "%s is %s; a red run belongs between its claim and its complete", k, it.Status)
	}
	b, err := v.checkBatchOpen(it, Move{ID: k.ID, From: it.Status, To: it.Status})
	if err != nil {
		return err
	}
	if b != nil && len(b.Tasks) > 0 {
		if a := b.ActiveTask(); a == nil || !a.Has(k) {
			name := "none"
			if a != nil {
				name = a.Name
			}
			return rulef("%s is outside the active task (%s) of batch %d (Never update IDs outside the active task)", k, name, b.ID)
		}
	}
	return nil
}

// checkRedEvidence demands a focused test run that ran tests and saw at
// least one fail.
func checkRedEvidence(k ItemKey, ev *Evidence) error {
	if ev == nil || ev.CodeCommit == "" {
		return rulef("%s: a red run needs evidence at a code commit", k)
	}
	if len(ev.Gates) != 1 || ev.Gates[0].Name != "test" {
		return rulef("%s: a red run's evidence is its focused test gate alone", k)
	}
	g := ev.Gates[0]
	switch {
	case !g.Parsed || g.Passed+g.Failed == 0:
		return rulef("%s: the red run ran no test", k)
	case g.Failed == 0 || g.ExitCode == 0 || g.OK:
		return rulef("%s: the red run's focused tests did not fail", k)
	}
	return nil
}

// BuildRed makes the red entry of feature id from its focused test run.
func BuildRed(id int, ev *Evidence) *Entry {
	g := ev.Gate("test")
	failed := 0
	if g != nil {
		failed = g.Failed
	}
	return &Entry{Kind: KindRed, Red: &RedPayload{Feature: id}, Evidence: ev,
		Summary: fmt.Sprintf("feature %d: red (%d focused tests failed at %s)", id, failed, short(ev.CodeCommit))}
}
