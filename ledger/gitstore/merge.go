package gitstore

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

// MergeResult says what Merge did.
type MergeResult struct {
	Head plumbing.Hash
	// FastForward: the local branch simply moved to the remote's head;
	// UpToDate: the local branch already contained it.
	FastForward, UpToDate bool
	// Added lists the entries the merge brought in.
	Added int
}

// Merge joins the ledger at remote (whose objects are in the local store)
// into the local branch: nothing if the branch contains it, a fast-forward
// if it is behind, otherwise a signed merge commit whose tree is the union
// of both sides' entries and whose signer list keeps what both sides kept.
// A merge commit adds no entry of its own, so it never conflicts. who and
// signer author and sign the merge commit.
func (s *Store) Merge(remote plumbing.Hash, who Author, signer *sshkey.Signer) (*MergeResult, error) {
	unlock, err := s.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	local, err := s.Head()
	if errors.Is(err, ErrNoLedger) {
		if err := s.UpdateRef(plumbing.ZeroHash, remote); err != nil {
			return nil, err
		}
		return &MergeResult{Head: remote, FastForward: true}, nil
	}
	if err != nil {
		return nil, err
	}
	if ok, err := s.IsAncestor(remote, local); err != nil {
		return nil, err
	} else if ok {
		return &MergeResult{Head: local, UpToDate: true}, nil
	}
	if ok, err := s.IsAncestor(local, remote); err != nil {
		return nil, err
	} else if ok {
		if err := s.UpdateRef(local, remote); err != nil {
			return nil, err
		}
		return &MergeResult{Head: remote, FastForward: true}, nil
	}
	lc, err := object.GetCommit(s.objs, local)
	if err != nil {
		return nil, err
	}
	rc, err := object.GetCommit(s.objs, remote)
	if err != nil {
		return nil, err
	}
	diff, err := s.DiffTrees(lc.TreeHash, rc.TreeHash)
	if err != nil {
		return nil, err
	}
	files := map[string]plumbing.Hash{}
	added := 0
	for _, ch := range diff {
		if EntryIDFromPath(ch.Path) != "" && ch.Old.IsZero() {
			files[ch.Path] = ch.New
			added++
		}
	}
	signers, err := s.mergeSigners(lc, rc)
	if err != nil {
		return nil, err
	}
	blob, err := s.writeObject(plumbing.BlobObject, signers)
	if err != nil {
		return nil, err
	}
	files[AllowedSignersFile] = blob
	tree, err := s.putFiles(lc.TreeHash, files)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("Merge ledger %s into %s\n\nporttracker sync: %d entries joined; no entry is added by this commit.\n", remote.String()[:12], local.String()[:12], added)
	h, err := s.MergeCommit(tree, []plumbing.Hash{local, remote}, msg, who, signer)
	if err != nil {
		return nil, err
	}
	if err := s.UpdateRef(local, h); err != nil {
		return nil, err
	}
	return &MergeResult{Head: h, Added: added}, nil
}

// mergeSigners is a three-way line merge of allowed_signers: a line stays
// if either side has it, unless one side removed it since the merge base.
func (s *Store) mergeSigners(a, b *object.Commit) ([]byte, error) {
	lines := func(c *object.Commit) (map[string]bool, error) {
		out := map[string]bool{}
		if c == nil {
			return out, nil
		}
		data, err := s.ReadFile(c.Hash, AllowedSignersFile)
		if err != nil {
			return nil, err
		}
		list, err := sshkey.ParseAllowedSigners(data)
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			out[l.Identity+" "+l.Key] = true
		}
		return out, nil
	}
	var base *object.Commit
	if h, err := s.MergeBase(a.Hash, b.Hash); err == nil && !h.IsZero() {
		base, _ = s.commit(h)
	}
	la, err := lines(a)
	if err != nil {
		return nil, err
	}
	lb, err := lines(b)
	if err != nil {
		return nil, err
	}
	lbase, err := lines(base)
	if err != nil {
		return nil, err
	}
	var keep []string
	for l := range la {
		if lb[l] || !lbase[l] {
			keep = append(keep, l)
		}
	}
	for l := range lb {
		if !la[l] && !lbase[l] {
			keep = append(keep, l)
		}
	}
	slices.Sort(keep)
	list := make([]sshkey.AllowedSigner, len(keep))
	for i, l := range keep {
		id, key, _ := strings.Cut(l, " ")
		list[i] = sshkey.AllowedSigner{Identity: id, Key: key}
	}
	return sshkey.FormatAllowedSigners(list), nil
}
