package gitstore

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// RemoteLedger is a remote-tracking ref of the ledger branch, such as
// refs/remotes/origin/porting-ledger after a git clone or fetch.
type RemoteLedger struct {
	Remote string
	Head   plumbing.Hash
}

// TrackingName is the remote-tracking branch as git names it
// ("origin/porting-ledger").
func (r RemoteLedger) TrackingName(branch string) string { return r.Remote + "/" + branch }

// RemoteLedgers lists the remote-tracking refs of the ledger branch
// (refs/remotes/REMOTE/BRANCH), origin first, then by remote name.
func (s *Store) RemoteLedgers() ([]RemoteLedger, error) {
	refs, err := s.repo.Storer.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	var out []RemoteLedger
	suffix := "/" + s.branch
	err = refs.ForEach(func(r *plumbing.Reference) error {
		name := r.Name().String()
		rest, ok := strings.CutPrefix(name, "refs/remotes/")
		if !ok || !strings.HasSuffix(rest, suffix) || r.Type() != plumbing.HashReference {
			return nil
		}
		remote := strings.TrimSuffix(rest, suffix)
		if remote == "" || strings.Contains(remote, "/") {
			return nil
		}
		out = append(out, RemoteLedger{Remote: remote, Head: r.Hash()})
		return nil
	})
	if err != nil && !errors.Is(err, storer.ErrStop) {
		return nil, fmt.Errorf("list refs: %w", err)
	}
	slices.SortFunc(out, func(a, b RemoteLedger) int {
		if (a.Remote == "origin") != (b.Remote == "origin") {
			if a.Remote == "origin" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Remote, b.Remote)
	})
	return out, nil
}

// Track creates the local ledger branch at head, which must be absent, and
// sets it to track the branch of the same name on remote
// (branch.BRANCH.remote and branch.BRANCH.merge), as git does when it
// creates a branch from a remote-tracking one.
func (s *Store) Track(remote string, head plumbing.Hash) error {
	if err := s.UpdateRef(plumbing.ZeroHash, head); err != nil {
		return fmt.Errorf("create branch %s: %w", s.branch, err)
	}
	return s.SetUpstream(remote)
}

// SetUpstream records remote as the ledger branch's upstream unless the
// branch already has one, or remote is not a configured remote.
func (s *Store) SetUpstream(remote string) error {
	cfg, err := s.repo.Config()
	if err != nil {
		return fmt.Errorf("read git config: %w", err)
	}
	if _, ok := cfg.Remotes[remote]; !ok {
		return nil
	}
	if b, ok := cfg.Branches[s.branch]; ok && b.Remote != "" {
		return nil
	}
	cfg.Branches[s.branch] = &gitconfig.Branch{Name: s.branch, Remote: remote, Merge: s.ref}
	if err := s.repo.SetConfig(cfg); err != nil {
		return fmt.Errorf("set the upstream of %s: %w", s.branch, err)
	}
	return nil
}
