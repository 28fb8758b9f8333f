package ledger

import (
	"strings"
	"testing"
)

// hexID is a 40-hex-digit ID made of digit d.
func hexID(d string) string { return strings.Repeat(d, 40) }

// revocationLineage is the history of a revocation conflict: from root
// commit 0, bob's revocation (commit 1, entry "1…") and an entry bob wrote
// concurrently (commit 2, entry "2…"), then the resolution (commit 3, both
// its parents).
func revocationLineage() (l *Lineage, rev, bobs *Record) {
	h := hexID
	rev = &Record{ID: hexID("1"), Commit: hexID("1"), Entry: &Entry{Kind: KindSigner, Action: ActionRevoke, Identity: "bob", Signer: "alice"}}
	bobs = &Record{ID: hexID("2"), Commit: hexID("2"), Entry: &Entry{Kind: KindTransition, Signer: "bob"}}
	l = &Lineage{
		parents: map[string][]string{h("1"): {h("0")}, h("2"): {h("0")}, h("3"): {h("1"), h("2")}},
		entry:   map[string]*Record{h("1"): rev, h("2"): bobs},
		applied: map[string]bool{}, events: map[string][]*Record{}, reach: map[string]map[string]bool{},
		revokes: map[string][]*Record{"bob": {rev}},
		byID:    map[string]*Record{rev.ID: rev, bobs.ID: bobs},
		pending: map[string]Decision{},
	}
	return l, rev, bobs
}

func TestResolutionRule(t *testing.T) {
	resolve := func(p ResolutionPayload) *Record {
		r := rec(hexID("3"), Entry{Kind: KindResolution, Resolution: &p})
		r.Commit = hexID("3")
		return r
	}
	withLineage := func(change func(l *Lineage)) func(v *snapshot) {
		return func(v *snapshot) {
			v.authority, _, _ = revocationLineage()
			if change != nil {
				change(v.authority)
			}
		}
	}
	runRules(t, resolutionRule, []ruleCase{
		{name: "accepts a conflicting entry", setup: withLineage(nil),
			rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}}),
			want: func(*snapshot) Delta {
				return Delta{Resolution: true, Decisions: map[string]Decision{hexID("2"): {Resolution: hexID("3"), Revocation: hexID("1"), Accept: true}}}
			}},
		{name: "rejects a conflicting entry", setup: withLineage(nil),
			rec: resolve(ResolutionPayload{Revocation: hexID("1"), Reject: []string{hexID("2")}}),
			want: func(*snapshot) Delta {
				return Delta{Resolution: true, Decisions: map[string]Decision{hexID("2"): {Resolution: hexID("3"), Revocation: hexID("1")}}}
			}},
		{name: "without the history, the payload alone", rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}}),
			want: func(*snapshot) Delta { return Delta{} }},
		{name: "already decided", setup: withLineage(func(l *Lineage) { l.decided = map[string]bool{hexID("3"): true} }),
			rec:  resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}}),
			want: func(*snapshot) Delta { return Delta{} }},
		{name: "resolved already", setup: withLineage(func(l *Lineage) { l.pending[hexID("2")] = Decision{Resolution: hexID("4")} }),
			rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}}), refuse: "was resolved already, by 444444444444"},
		{name: "not a revocation", setup: withLineage(nil),
			rec: resolve(ResolutionPayload{Revocation: hexID("2"), Accept: []string{hexID("1")}}), refuse: "is not a revocation in its history"},
		{name: "an entry that does not conflict", setup: withLineage(func(l *Lineage) { l.byID[hexID("2")].Entry.Signer = "alice" }),
			rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}}), refuse: "does not conflict with revocation"},
		{name: "an entry outside its history", setup: withLineage(nil),
			rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("5")}}), refuse: "entry 555555555555 is not in its history"},
		{name: "no payload", rec: rec("rs", Entry{Kind: KindResolution}), refuse: "a resolution entry without a resolution"},
		{name: "an entry named twice", rec: resolve(ResolutionPayload{Revocation: hexID("1"), Accept: []string{hexID("2")}, Reject: []string{hexID("2")}}),
			refuse: "is named twice"},
		{name: "nothing decided", rec: resolve(ResolutionPayload{Revocation: hexID("1")}), refuse: "accept or reject at least one entry"},
	})
}
