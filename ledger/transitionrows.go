package ledger

// Transition is one applied move of one item, as listed in porting.db.
type Transition struct {
	Entry  string
	Commit string
	Item   ItemKey
	From   Status
	To     Status
	Signer string
	Reason string
	Clock  uint64
	Time   string
}

// transitionRow shapes move m of entry rec as porting.db lists it.
func transitionRow(rec *Record, m ItemMove) Transition {
	e := rec.Entry
	return Transition{
		Entry: rec.ID, Commit: rec.Commit, Item: m.Item, From: m.From, To: m.To,
		Signer: e.Signer, Reason: e.Reason, Clock: e.Clock, Time: e.Time.UTC().Format("2006-01-02T15:04:05Z"),
	}
}
