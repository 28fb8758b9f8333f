package ledger

// EntryPath is where the entry with the given ID is kept in the ledger
// tree: entries/xx/ID.toml, xx being the ID's first two digits. The layout
// is part of the format (a finding names an entry by it); ledger/gitstore,
// which stores the tree, keeps the same layout without knowing what an
// entry says, and ledger/branch's tests hold the two to agree.
func EntryPath(id string) string { return "entries/" + id[:2] + "/" + id + ".toml" }
