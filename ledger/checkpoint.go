package ledger

// checkpoint is the rule of a checkpoint entry: the stub scan, build and
// full suite passed at a code commit, which later moves to verified cite.
func (s *State) checkpoint(rec *Record) (func() error, error) {
	ev := rec.Entry.Evidence
	if ev == nil || ev.CodeCommit == "" {
		return nil, rulef("entry %s: a checkpoint needs evidence at a code commit", rec.ID)
	}
	for _, name := range []string{"stub", "full_test"} {
		if g := ev.Gate(name); g == nil || !g.OK {
			return nil, rulef("entry %s: checkpoint %s gate missing or failed", rec.ID, name)
		}
	}
	if !ev.Passed() {
		return nil, rulef("entry %s: a checkpoint gate failed", rec.ID)
	}
	return func() error {
		cp := &CheckpointState{Entry: rec.ID, Clock: rec.Entry.Clock, CodeCommit: ev.CodeCommit, Dirty: ev.Dirty}
		s.checkpoints[rec.ID] = cp
		s.newCkpts = append(s.newCkpts, cp)
		return nil
	}, nil
}

// BuildCheckpoint makes a checkpoint entry from the checkpoint gates'
// evidence.
func BuildCheckpoint(ev *Evidence, label string) *Entry {
	s := "checkpoint at " + short(ev.CodeCommit)
	if ev.Dirty {
		s += " (dirty)"
	}
	if label != "" {
		s += ": " + label
	}
	return &Entry{Kind: KindCheckpoint, Evidence: ev, Reason: label, Summary: s}
}
