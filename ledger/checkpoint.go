package ledger

// checkpointRule is the rule of a checkpoint entry: the stub scan, build
// and full suite passed at a code commit, which later moves to verified
// cite. It reads nothing of the state.
func checkpointRule(_ *snapshot, rec *Record) (Delta, error) {
	ev := rec.Entry.Evidence
	if ev == nil || ev.CodeCommit == "" {
		return Delta{}, rulef("entry %s: a checkpoint needs evidence at a code commit", rec.ID)
	}
	for _, name := range []string{"stub", "full_test"} {
		if g := ev.Gate(name); g == nil || !g.OK {
			return Delta{}, rulef("entry %s: checkpoint %s gate missing or failed", rec.ID, name)
		}
	}
	if !ev.Passed() {
		return Delta{}, rulef("entry %s: a checkpoint gate failed", rec.ID)
	}
	cp := &CheckpointState{Entry: rec.ID, Clock: rec.Entry.Clock, CodeCommit: ev.CodeCommit, Dirty: ev.Dirty}
	return Delta{Checkpoints: []*CheckpointState{cp}}, nil
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
