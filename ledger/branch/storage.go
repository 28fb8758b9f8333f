package branch

import (
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Reader is what Collect reads a branch through; *gitstore.Store is one.
type Reader interface {
	// Walk calls fn for each commit reachable from head that stop does
	// not cut off, newest first, with the entry files it changed.
	Walk(head plumbing.Hash, stop func(plumbing.Hash) bool, fn func(*gitstore.CommitInfo) error) error
	// ReadBlob reads a blob's content.
	ReadBlob(h plumbing.Hash) ([]byte, error)
}

// Storage is what a Writer needs of the branch's git storage, one method
// a step of a write; *gitstore.Store is one. A test can wrap the real
// store here to fail any step.
type Storage interface {
	Reader
	// Lock takes the writers' lock of the branch; unlock gives it back.
	Lock() (unlock func(), err error)
	// Head is the branch's commit (gitstore.ErrNoLedger when there is
	// none).
	Head() (plumbing.Hash, error)
	// Branch is the branch's name.
	Branch() string
	// Time is the time of a new entry and its commit.
	Time() time.Time
	// CommitFiles writes the objects of a signed commit that adds files
	// on parent (zero: the first commit), without moving the branch.
	CommitFiles(parent plumbing.Hash, files map[string][]byte, msg string, who gitstore.Author, signer *sshkey.Signer) (plumbing.Hash, error)
	// UpdateRef moves the branch from old to new (gitstore.ErrRefChanged
	// when it is no longer at old).
	UpdateRef(old, new plumbing.Hash) error
	// MaybePack packs the loose objects when there are many.
	MaybePack() error
	// Merge joins the ledger at remote into the branch.
	Merge(remote plumbing.Hash, who gitstore.Author, signer *sshkey.Signer) (*gitstore.MergeResult, error)
}
