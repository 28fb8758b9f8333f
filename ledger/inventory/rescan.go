package inventory

import (
	"cmp"
	"slices"

	"github.com/porttracker/porttracker/gates/symbol"
	"github.com/porttracker/porttracker/ledger"
)

// Known is an item the ledger already defines.
type Known struct {
	ledger.ItemKey
	ledger.Mapping
	// Removed says that an earlier scan found the declaration gone.
	Removed bool
}

// Change is what a scan changes about one item. Its Mapping is the item's
// whole mapping after the scan: the source fields as scanned and the target
// fields and test filter as the ledger had them.
type Change struct {
	ledger.ItemKey
	// New marks an item defined by this scan.
	New bool
	// Removed marks an item whose declaration disappeared; its Mapping is
	// left as it was.
	Removed bool
	// Restored marks an item marked removed before whose declaration is
	// back.
	Restored bool
	// Moved marks an item whose declaration is now in another file.
	Moved bool
	// Renamed marks an item whose symbol changed (matched by its digest).
	Renamed bool
	// Shifted marks an item whose line span changed.
	Shifted bool
	// UpstreamChanged marks an item whose declaration's code differs from
	// the digest the ledger recorded.
	UpstreamChanged bool
	Mapping         ledger.Mapping
	// Previous is the item's mapping before the scan (zero for a new item).
	Previous ledger.Mapping
}

// Reconcile matches a scan's declarations with the items the ledger knows
// and returns what changed, ordered by kind (features first) and ID; an
// item the scan left as it was gives no Change. commit is the scan's source
// commit (ScanResult.Commit). Items of one kind only match declarations of
// that kind.
//
// A declaration keeps the ID of the item with the same file and ledger
// symbol (Decl.LedgerSymbol); an item whose code is unchanged is matched
// first, so that deleting the first of two func init in a file leaves the
// second its ID. Otherwise the declaration takes the ID of an unmatched item
// with the same digest: the function moved to another file or was renamed.
// When several unmatched items share that digest, the one with the same
// symbol (moved) or the same file (renamed) is taken, or the only one; an
// ambiguous digest matches nothing. Live items are matched before items
// marked removed, so a declaration that comes back takes its old ID. Every
// other declaration gets a new ID, counting up from nextFeatureID or
// nextTestID (raised above the largest known ID of the kind), in the order
// of decls. Known items left unmatched are marked removed.
func Reconcile(known []Known, decls []Decl, commit string, nextFeatureID, nextTestID int) []Change {
	m := newMatcher(known, decls)
	bySymbol := pairRule{decl: Decl.LedgerSymbol, item: func(k Known) string { return k.SourceSymbol }}
	byFile := pairRule{decl: func(d Decl) string { return d.File }, item: func(k Known) string { return k.SourceFile }}
	byBase := pairRule{
		decl: func(d Decl) string { return d.File + "\x00" + d.Symbol },
		item: func(k Known) string { s, _ := symbol.Split(k.SourceSymbol); return k.SourceFile + "\x00" + s },
	}
	m.byKey(true)
	m.byDigest(false, false, byBase)
	m.byKey(false)
	m.byDigest(false, true, bySymbol, byFile)
	m.byDigest(true, true, bySymbol, byFile)

	next := map[ledger.Kind]int{ledger.Feature: nextFeatureID, ledger.Test: nextTestID}
	for _, k := range known {
		next[k.Kind] = max(next[k.Kind], k.ID+1)
	}
	for kind, n := range next {
		next[kind] = max(n, 1)
	}

	changes := make([]Change, 0, len(decls))
	for i, d := range decls {
		if m.matchOf[i] < 0 {
			id := next[d.Kind]
			next[d.Kind]++
			changes = append(changes, Change{ItemKey: ledger.ItemKey{Kind: d.Kind, ID: id}, New: true, Mapping: sourceMapping(ledger.Mapping{}, d, commit)})
			continue
		}
		if c, ok := compare(known[m.matchOf[i]], d, commit); ok {
			changes = append(changes, c)
		}
	}
	for j, k := range known {
		if !m.used[j] && !k.Removed {
			changes = append(changes, Change{ItemKey: k.ItemKey, Removed: true, Mapping: k.Mapping, Previous: k.Mapping})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(kindOrder(a.Kind)-kindOrder(b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return changes
}

// kindOrder puts features before tests.
func kindOrder(k ledger.Kind) int {
	if k == ledger.Feature {
		return 0
	}
	return 1
}

// matcher pairs declarations with known items, pass by pass.
type matcher struct {
	known []Known
	decls []Decl
	// matchOf is, for each declaration, the index of its known item or -1.
	matchOf []int
	// used marks the known items already matched.
	used []bool
}

// newMatcher starts with nothing matched.
func newMatcher(known []Known, decls []Decl) *matcher {
	m := &matcher{known: known, decls: decls, matchOf: make([]int, len(decls)), used: make([]bool, len(known))}
	for i := range m.matchOf {
		m.matchOf[i] = -1
	}
	return m
}

// pair records that declaration i is known item j.
func (m *matcher) pair(i, j int) {
	m.matchOf[i], m.used[j] = j, true
}

// itemKey identifies a declaration by kind, file and ledger symbol.
type itemKey struct {
	kind         ledger.Kind
	file, symbol string
}

// byKey pairs unmatched declarations with the unmatched known items of the
// same kind, file and symbol (and digest, if sameCode), preferring live
// items and then lower IDs.
func (m *matcher) byKey(sameCode bool) {
	byKey := map[itemKey]int{}
	for j, k := range m.known {
		if m.used[j] {
			continue
		}
		key := itemKey{k.Kind, k.SourceFile, k.SourceSymbol}
		if prev, ok := byKey[key]; !ok || better(k, m.known[prev]) {
			byKey[key] = j
		}
	}
	for i, d := range m.decls {
		if m.matchOf[i] >= 0 {
			continue
		}
		j, ok := byKey[itemKey{d.Kind, d.File, d.LedgerSymbol()}]
		if ok && !m.used[j] && (!sameCode || m.known[j].SourceDigest == d.Digest) {
			m.pair(i, j)
		}
	}
}

// better reports whether a is preferred over b for the same declaration.
func better(a, b Known) bool {
	if a.Removed != b.Removed {
		return !a.Removed
	}
	return a.ID < b.ID
}

// digestKey groups declarations and items by kind and digest.
type digestKey struct {
	kind   ledger.Kind
	digest string
}

// pairRule says which declarations and known items of a digest group pair
// up: those with the same value of decl and item.
type pairRule struct {
	decl func(Decl) string
	item func(Known) string
}

// byDigest pairs unmatched declarations with unmatched known items (those
// marked removed, or those not, as removed says) that have the same kind
// and digest: by each rule in turn, only where the rule's value is unique
// on both sides, and, if lone, then a group's only declaration with its only
// item.
func (m *matcher) byDigest(removed, lone bool, rules ...pairRule) {
	items := map[digestKey][]int{}
	for j, k := range m.known {
		if !m.used[j] && k.Removed == removed && k.SourceDigest != "" {
			key := digestKey{k.Kind, k.SourceDigest}
			items[key] = append(items[key], j)
		}
	}
	if len(items) == 0 {
		return
	}
	groups := map[digestKey][]int{}
	var order []digestKey
	for i, d := range m.decls {
		key := digestKey{d.Kind, d.Digest}
		if m.matchOf[i] >= 0 || items[key] == nil {
			continue
		}
		if groups[key] == nil {
			order = append(order, key)
		}
		groups[key] = append(groups[key], i)
	}
	for _, key := range order {
		m.pairGroup(groups[key], items[key], lone, rules)
	}
}

// pairGroup pairs the declarations ds with the known items ks, which share
// a digest, as byDigest describes.
func (m *matcher) pairGroup(ds, ks []int, lone bool, rules []pairRule) {
	for _, rule := range rules {
		dCount, kAt := map[string]int{}, map[string][]int{}
		for _, i := range ds {
			if m.matchOf[i] < 0 {
				dCount[rule.decl(m.decls[i])]++
			}
		}
		for _, j := range ks {
			if !m.used[j] {
				v := rule.item(m.known[j])
				kAt[v] = append(kAt[v], j)
			}
		}
		for _, i := range ds {
			v := rule.decl(m.decls[i])
			if m.matchOf[i] < 0 && dCount[v] == 1 && len(kAt[v]) == 1 {
				m.pair(i, kAt[v][0])
			}
		}
	}
	if !lone {
		return
	}
	var freeD, freeK []int
	for _, i := range ds {
		if m.matchOf[i] < 0 {
			freeD = append(freeD, i)
		}
	}
	for _, j := range ks {
		if !m.used[j] {
			freeK = append(freeK, j)
		}
	}
	if len(freeD) == 1 && len(freeK) == 1 {
		m.pair(freeD[0], freeK[0])
	}
}

// compare describes how a matched declaration differs from its known item;
// ok is false when nothing changed.
func compare(k Known, d Decl, commit string) (c Change, ok bool) {
	m := sourceMapping(k.Mapping, d, commit)
	c = Change{
		ItemKey:         k.ItemKey,
		Restored:        k.Removed,
		Moved:           k.SourceFile != m.SourceFile,
		Renamed:         k.SourceSymbol != m.SourceSymbol,
		Shifted:         k.SourceStart != m.SourceStart || k.SourceEnd != m.SourceEnd,
		UpstreamChanged: k.SourceDigest != "" && k.SourceDigest != m.SourceDigest,
		Mapping:         m,
		Previous:        k.Mapping,
	}
	filled := k.SourceDigest == "" || (k.SourceCommit == "" && commit != "")
	ok = c.Restored || c.Moved || c.Renamed || c.Shifted || c.UpstreamChanged || filled
	return c, ok
}

// sourceMapping is m with its source fields set from the declaration.
func sourceMapping(m ledger.Mapping, d Decl, commit string) ledger.Mapping {
	m.SourceFile = d.File
	m.SourceSymbol = d.LedgerSymbol()
	m.SourceStart, m.SourceEnd = d.Start, d.End
	m.SourceCommit = commit
	m.SourceDigest = d.Digest
	return m
}

// Apply returns the known items as they stand after the changes, ordered by
// kind (features first) and ID.
func Apply(known []Known, changes []Change) []Known {
	byKey := make(map[ledger.ItemKey]Known, len(known)+len(changes))
	for _, k := range known {
		byKey[k.ItemKey] = k
	}
	for _, c := range changes {
		byKey[c.ItemKey] = Known{ItemKey: c.ItemKey, Mapping: c.Mapping, Removed: c.Removed}
	}
	out := make([]Known, 0, len(byKey))
	for _, k := range byKey {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Known) int {
		return cmp.Or(kindOrder(a.Kind)-kindOrder(b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out
}
