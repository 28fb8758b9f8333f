package branch

import (
	"io"
	"runtime"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/porttracker/porttracker/ledger"
	"github.com/porttracker/porttracker/ledger/gitstore"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// Collected is what Collect read from the new part of the branch.
type Collected struct {
	// History holds what replay reads: the valid, signature-checked
	// entries the new commits added, sorted in replay order, and the
	// commits' graph.
	ledger.History
	// Commits are the new commits as the store read them, newest first,
	// with their commit signatures checked.
	Commits []*gitstore.CommitInfo
	// Findings are entries that could not be read or verified.
	Findings []ledger.Finding
}

// Collect walks the commits of s reachable from head that stop does not cut
// off, reads every entry file they added, and checks each signature, in
// parallel. Entries are deduplicated by ID.
func Collect(s Reader, head plumbing.Hash, stop func(plumbing.Hash) bool) (*Collected, error) {
	type job struct {
		path   string
		blob   plumbing.Hash
		commit string
		info   *gitstore.CommitInfo
	}
	var jobs []job
	out := &Collected{}
	err := s.Walk(head, stop, func(ci *gitstore.CommitInfo) error {
		out.Commits = append(out.Commits, ci)
		out.Graph = append(out.Graph, graphCommit(ci.Commit.Hash, ci.Commit.ParentHashes))
		if len(ci.Commit.ParentHashes) > 1 {
			return nil // a merge adds nothing of its own; audit checks that
		}
		for _, ch := range ci.Changes {
			if ch.Old.IsZero() && gitstore.EntryIDFromPath(ch.Path) != "" {
				if err := gitstore.CheckEntryMode(ch.Mode); err != nil {
					out.Findings = append(out.Findings, ledger.Finding{Commit: ci.Commit.Hash.String(), Path: ch.Path, Msg: err.Error()})
					continue
				}
				jobs = append(jobs, job{ch.Path, ch.New, ci.Commit.Hash.String(), ci})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// go-git's storage is not safe for concurrent use: read the blobs and
	// the signed commit payloads in this goroutine, then parse and verify
	// them in parallel.
	payloads := make([][]byte, len(out.Commits))
	for i, ci := range out.Commits {
		if ci.Commit.PGPSignature == "" {
			continue
		}
		if payloads[i] = ci.SignedPayload(); payloads[i] != nil {
			continue
		}
		var obj plumbing.MemoryObject
		if err := ci.Commit.EncodeWithoutSignature(&obj); err != nil {
			ci.SigErr = err
			continue
		}
		r, _ := obj.Reader()
		payloads[i], _ = io.ReadAll(r)
	}
	parallel(len(out.Commits), func(i int) {
		ci := out.Commits[i]
		if payloads[i] == nil {
			return
		}
		k, err := sshkey.VerifySignature(payloads[i], []byte(ci.Commit.PGPSignature), sshkey.CommitNamespace)
		if err != nil {
			ci.SigErr = err
			return
		}
		ci.SigKey = sshkey.AuthorizedKey(k)
	})
	files := make([][]byte, len(jobs))
	recs := make([]*ledger.Record, len(jobs))
	errs := make([]error, len(jobs))
	for i, j := range jobs {
		if data, ok := j.info.ReadBlob(j.path); ok {
			files[i] = data
			continue
		}
		files[i], errs[i] = s.ReadBlob(j.blob)
	}
	parallel(len(jobs), func(i int) {
		if errs[i] != nil {
			return
		}
		rec, err := ledger.ParseRecord(jobs[i].path, files[i])
		if err == nil {
			err = rec.Verify()
		}
		if err != nil {
			errs[i] = err
			return
		}
		rec.Commit = jobs[i].commit
		recs[i] = rec
	})
	seen := map[string]bool{}
	for i, rec := range recs {
		if errs[i] != nil {
			out.Findings = append(out.Findings, ledger.Finding{Commit: jobs[i].commit, Path: jobs[i].path, Msg: errs[i].Error()})
			continue
		}
		if seen[rec.ID] {
			continue
		}
		seen[rec.ID] = true
		out.Records = append(out.Records, rec)
	}
	ledger.SortRecords(out.Records)
	return out, nil
}

// graphCommit is a commit as replay knows it.
func graphCommit(h plumbing.Hash, parents []plumbing.Hash) ledger.Commit {
	c := ledger.Commit{ID: h.String(), Parents: make([]string, len(parents))}
	for i, p := range parents {
		c.Parents[i] = p.String()
	}
	return c
}

// parallel runs fn(0..n-1) on every CPU.
func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < min(n, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
