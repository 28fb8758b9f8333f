package gitstore

import "strings"

// AllowedSignersFile is where the ledger tree keeps the current
// allowed-signers list.
const AllowedSignersFile = "allowed_signers"

// EntryPath is where the entry with the given ID is stored in the ledger tree.
func EntryPath(id string) string { return "entries/" + id[:2] + "/" + id + ".toml" }

// EntryIDFromPath returns the ID of an entry path, or "" if the path is not
// an entry path.
func EntryIDFromPath(p string) string {
	rest, ok := strings.CutPrefix(p, "entries/")
	if !ok {
		return ""
	}
	dir, file, ok := strings.Cut(rest, "/")
	id, isToml := strings.CutSuffix(file, ".toml")
	if !ok || !isToml || len(id) != 40 || !strings.HasPrefix(id, dir) || !isHex(id) {
		return ""
	}
	return id
}

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return false
		}
	}
	return true
}
