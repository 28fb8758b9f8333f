package audit

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/audit/viewdb"
	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/branch"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Result is what a full audit of the ledger found.
type Result struct {
	Head     string           `json:"head"`
	Commits  int              `json:"commits"`
	Entries  int              `json:"entries"`
	Findings []ledger.Finding `json:"findings"`
	// Conflicts are items that concurrent entries left in disagreement.
	Conflicts []viewdb.Item `json:"conflicts"`
	// Mismatches are view rows that the full replay did not reproduce.
	Mismatches []string `json:"view_mismatches,omitempty"`
	// UnsignedMerges are merge commits made by plain git: they change
	// nothing (a merge that does is a finding) and carry no signature.
	UnsignedMerges []string `json:"unsigned_merges,omitempty"`
}

// OK reports whether the audit found nothing wrong.
func (r *Result) OK() bool {
	return len(r.Findings) == 0 && len(r.Conflicts) == 0 && len(r.Mismatches) == 0
}

// auditedFile keeps, in the git directory, the ledger head of the last
// clean audit of this clone, so that a later audit notices a history
// rewritten under it.
const auditedFile = "porttracker-audited"

// Verify replays the ledger at head from its first entry in one pass over
// the branch and checks every signature against the signers valid at that
// point, every rule and evidence chain, and the integrity of the history.
// It writes nothing.
func Verify(store *gitstore.Store, head plumbing.Hash, contains func(anc, desc string) (bool, error)) (*Result, error) {
	res, _, err := verify(store, head, contains)
	return res, err
}

// verified is what a full verification read and replayed.
type verified struct {
	col      *branch.Collected
	st       *ledger.State
	reached  map[plumbing.Hash]bool
	findings []ledger.Finding // of the replay alone, as the view records them
}

func verify(store *gitstore.Store, head plumbing.Hash, contains func(anc, desc string) (bool, error)) (*Result, *verified, error) {
	res := &Result{Head: head.String(), Findings: []ledger.Finding{}, Conflicts: []viewdb.Item{}}
	col, err := branch.Collect(store, head, nil)
	if err != nil {
		return nil, nil, err
	}
	replayFindings := append([]ledger.Finding(nil), col.Findings...)
	res.Commits, res.Entries = len(col.Commits), len(col.Records)
	res.Findings = append(res.Findings, col.Findings...)
	byCommit := map[string]*ledger.Record{}
	for _, r := range col.Records {
		byCommit[r.Commit] = r
	}
	reached := map[plumbing.Hash]bool{}
	for _, ci := range col.Commits {
		reached[ci.Commit.Hash] = true
		res.Findings = append(res.Findings, checkCommit(ci, byCommit[ci.Commit.Hash.String()])...)
		if len(ci.Commit.ParentHashes) > 1 && ci.Commit.PGPSignature == "" {
			res.UnsignedMerges = append(res.UnsignedMerges, ci.Commit.Hash.String())
		}
	}
	// Replay in order, as the view does, with the code's history at hand.
	st := ledger.NewState(nil)
	st.Contains = contains
	refused, err := ledger.Replay(&col.History, head.String(), st)
	if err != nil {
		return nil, nil, err
	}
	res.Findings = append(res.Findings, refused...)
	replayFindings = append(replayFindings, refused...)
	res.Findings = append(res.Findings, checkSignerFile(store, head, st)...)
	for _, it := range st.Items() {
		if it.Conflict {
			res.Conflicts = append(res.Conflicts, viewdb.ItemOf(it))
		}
	}
	// Findings that name an entry first: they say the most.
	slices.SortStableFunc(res.Findings, func(a, b ledger.Finding) int {
		if (a.Path == "") != (b.Path == "") {
			if a.Path == "" {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Path, b.Path)
	})
	return res, &verified{col: col, st: st, reached: reached, findings: replayFindings}, nil
}

// Audit verifies the ledger at its head (see Verify), notices a history
// rewritten under this clone since its last clean audit, then rebuilds the
// view from scratch and checks that it holds what the incremental view held.
func Audit(v *viewdb.View, contains func(anc, desc string) (bool, error)) (*Result, error) {
	store := v.Store()
	head, err := store.Head()
	if err != nil {
		return nil, err
	}
	before, err := v.Snapshot()
	if err != nil {
		return nil, err
	}
	res, ver, err := verify(store, head, contains)
	if err != nil {
		return nil, err
	}
	if f := checkRewind(store, head, ver.reached); f != nil {
		res.Findings = append(res.Findings, *f)
	}
	// The view is rebuilt from what was just replayed, without reading the
	// branch again. Its replay has no code history at hand, as the
	// incremental view has none.
	st := ver.st
	if contains != nil {
		st = ledger.NewState(nil)
		if _, err := ledger.Replay(&ver.col.History, head.String(), st); err != nil {
			return nil, err
		}
	}
	if err := v.WriteFull(head, ver.col, st, ver.findings); err != nil {
		return nil, err
	}
	after, err := v.Snapshot()
	if err != nil {
		return nil, err
	}
	if before.Head == after.Head {
		res.Mismatches = before.Diff(after)
	}
	if res.OK() {
		if err := os.WriteFile(filepath.Join(store.GitDir(), auditedFile), []byte(head.String()+"\n"), 0o644); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// checkCommit checks that a commit does what a ledger commit may: a plain
// commit adds exactly one entry (and the signer list with signer entries),
// signed by that entry's signer; a merge adds nothing of its own.
func checkCommit(ci *gitstore.CommitInfo, rec *ledger.Record) []ledger.Finding {
	c := ci.Commit
	var out []ledger.Finding
	bad := func(path, format string, args ...any) {
		out = append(out, ledger.Finding{Commit: c.Hash.String(), Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	merge := len(c.ParentHashes) > 1
	added := 0
	for _, ch := range ci.Changes {
		isEntry := gitstore.EntryIDFromPath(ch.Path) != ""
		switch {
		case merge && ch.Path == gitstore.AllowedSignersFile:
			// A merge joins two signer lists; checkSignerFile checks the result.
		case merge && isEntry && ch.Old.IsZero():
			bad(ch.Path, "a merge commit adds an entry that neither parent had")
		case merge:
			bad(ch.Path, "a merge commit changes or deletes a file that its parents had")
		case isEntry && ch.Old.IsZero():
			added++
		case isEntry && ch.New.IsZero():
			bad(ch.Path, "commit deletes an entry (the ledger is append-only)")
		case isEntry:
			bad(ch.Path, "commit edits an entry after it was written (the ledger is append-only)")
		case ch.Path == gitstore.AllowedSignersFile && rec != nil && (rec.Entry.Kind == ledger.KindSigner || rec.Entry.Kind == ledger.KindGenesis || rec.Entry.Kind == ledger.KindResolution):
		case len(c.ParentHashes) == 0 && (ch.Path == ".gitattributes" || ch.Path == "README.md" || ch.Path == gitstore.AllowedSignersFile):
		default:
			bad(ch.Path, "commit changes a file that only porttracker's own entries may change")
		}
	}
	if merge {
		if ci.Commit.PGPSignature != "" && ci.SigErr != nil {
			bad("", "merge commit signature: %v", ci.SigErr)
		}
		return out
	}
	if added != 1 {
		bad("", "commit adds %d entries; each ledger commit adds exactly one", added)
	}
	if rec == nil {
		return out
	}
	// The commit must be signed by the key that signed its entry.
	switch {
	case ci.SigErr != nil:
		bad(gitstore.EntryPath(rec.ID), "commit signature: %v", ci.SigErr)
	case ci.SigKey == "":
		bad(gitstore.EntryPath(rec.ID), "commit is not signed")
	case ci.SigKey != rec.SigKey:
		bad(gitstore.EntryPath(rec.ID), "commit is signed by another key than its entry")
	}
	return out
}

// checkSignerFile checks that allowed_signers at head lists exactly the
// signers that the signer entries leave active.
func checkSignerFile(store *gitstore.Store, head plumbing.Hash, st *ledger.State) []ledger.Finding {
	data, err := store.ReadFile(head, gitstore.AllowedSignersFile)
	if err != nil {
		return []ledger.Finding{{Commit: head.String(), Path: gitstore.AllowedSignersFile, Msg: "missing: " + err.Error()}}
	}
	got, err := sshkey.ParseAllowedSigners(data)
	if err != nil {
		return []ledger.Finding{{Commit: head.String(), Path: gitstore.AllowedSignersFile, Msg: err.Error()}}
	}
	want, err := st.ActiveSigners()
	if err != nil {
		return []ledger.Finding{{Msg: err.Error()}}
	}
	key := func(s sshkey.AllowedSigner) string { return s.Identity + " " + s.Key }
	gotSet := map[string]bool{}
	for _, s := range got {
		gotSet[key(s)] = true
	}
	wantSet := map[string]bool{}
	for _, s := range want {
		wantSet[key(s)] = true
	}
	var out []ledger.Finding
	for k := range gotSet {
		if !wantSet[k] {
			out = append(out, ledger.Finding{Commit: head.String(), Path: gitstore.AllowedSignersFile, Msg: "lists a signer that no signer entry allows: " + strings.Fields(k)[0]})
		}
	}
	for k := range wantSet {
		if !gotSet[k] {
			out = append(out, ledger.Finding{Commit: head.String(), Path: gitstore.AllowedSignersFile, Msg: "does not list current signer " + strings.Fields(k)[0]})
		}
	}
	return out
}

// checkRewind reports a ledger head that no longer contains the head this
// clone last audited: history was rewound or rewritten under it.
func checkRewind(store *gitstore.Store, head plumbing.Hash, reached map[plumbing.Hash]bool) *ledger.Finding {
	data, err := os.ReadFile(filepath.Join(store.GitDir(), auditedFile))
	if err != nil {
		return nil
	}
	last := plumbing.NewHash(strings.TrimSpace(string(data)))
	if last.IsZero() || reached[last] {
		return nil
	}
	msg := fmt.Sprintf("the ledger no longer contains %s, which this clone audited before: its history was rewound or rewritten", last)
	if _, err := store.Commit(last); err != nil {
		msg += " (that commit is gone)"
	}
	return &ledger.Finding{Commit: head.String(), Msg: msg}
}

// VerifyNew checks what a ledger at head adds to what the view already
// holds, as sync must before it merges a fetched ledger: each new commit
// and entry as Verify would, and the new entries' rules replayed on top of
// the view in a transaction that is rolled back, and allowed_signers at
// head against the signers that replay leaves. It costs what the new
// commits cost, not what the ledger does, and it writes nothing.
func VerifyNew(v *viewdb.View, head plumbing.Hash) ([]ledger.Finding, error) {
	findings := []ledger.Finding{}
	inPlace, err := v.TryNew(head, func(col *branch.Collected, st *ledger.State, refused []ledger.Finding) error {
		byCommit := map[string]*ledger.Record{}
		for _, r := range col.Records {
			byCommit[r.Commit] = r
		}
		for _, ci := range col.Commits {
			findings = append(findings, checkCommit(ci, byCommit[ci.Commit.Hash.String()])...)
		}
		findings = append(findings, refused...)
		// A commit that may edit allowed_signers could list a key no entry
		// allows; stock ssh-keygen -Y verify would then trust it.
		findings = append(findings, checkSignerFile(v.Store(), head, st)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !inPlace {
		// The view cannot take entries back out here: check everything.
		res, err := Verify(v.Store(), head, nil)
		if err != nil {
			return nil, err
		}
		return res.Findings, nil
	}
	return findings, nil
}

// SyncVerifier is the view as a sync needs it (remote.Verifier): it
// verifies what a fetched ledger adds with VerifyNew before the merge, and
// brings the view up to the merged head.
type SyncVerifier struct{ *viewdb.View }

// VerifyNew verifies what head adds to the view (see VerifyNew).
func (s SyncVerifier) VerifyNew(head plumbing.Hash) ([]ledger.Finding, error) {
	return VerifyNew(s.View, head)
}
