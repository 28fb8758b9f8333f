package branch

// Files fixed in the ledger tree besides the entries.
const (
	attributesFile = ".gitattributes"
	readmeFile     = "README.md"
)

// attributes lets plain git merge two clones' signer lists without a
// conflict: each line is one signer, so a union of lines is right.
const attributes = "allowed_signers merge=union\n"

// branchReadme is the ledger tree's README.md: what the branch is and how to
// check an entry with stock tools.
const branchReadme = `# porting-ledger

This branch is a porttracker ledger. Each commit adds exactly one signed
entry under entries/; no commit edits or deletes one. allowed_signers lists
the current signers. Check an entry with stock tools:

    sed '/^\[signature\]$/,$d' entries/xx/ID.toml > payload
    sed -n '/^-----BEGIN/,/^-----END/p' entries/xx/ID.toml > payload.sig
    ssh-keygen -Y verify -f allowed_signers -I SIGNER -n porting-ledger -s payload.sig < payload

Run porttracker audit to replay and verify the whole history.
`
