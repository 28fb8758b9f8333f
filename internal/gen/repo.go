package gen

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/gates/config"
	"github.com/porttracker/porttracker/ledger/sshkey"
)

// KeyDir is where Generate leaves the clones' signing keys, inside the
// generated repository's git directory (key-0 is the first signer's), so
// that porttracker --key can write to a generated ledger.
const KeyDir = "porttracker-gen"

// initCode makes the repository at dir with a working tree on main and its
// code history: a first commit with porttracker.toml, then one commit per
// batch that adds the batch's ported package. It returns the commits,
// first commit first; commit b is the one that ported batch b.
func initCode(dir string, batches int, now func() time.Time) ([]string, error) {
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{InitOptions: git.InitOptions{DefaultBranch: plumbing.Main}})
	if err != nil {
		return nil, fmt.Errorf("init %s: %w", dir, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, err
	}
	cfg := config.Default()
	cfgData, err := cfg.Encode()
	if err != nil {
		return nil, err
	}
	commit := func(msg string, files map[string]string) (string, error) {
		for name, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return "", err
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				return "", err
			}
			if _, err := wt.Add(name); err != nil {
				return "", fmt.Errorf("add %s: %w", name, err)
			}
		}
		who := &object.Signature{Name: "Generator", Email: "gen@example.com", When: now()}
		h, err := wt.Commit(msg, &git.CommitOptions{Author: who, Committer: who})
		if err != nil {
			return "", fmt.Errorf("commit %q: %w", msg, err)
		}
		return h.String(), nil
	}
	first, err := commit("Port of the server: configuration", map[string]string{
		config.File:  string(cfgData),
		".gitignore": "/porting.db\n/porting.db-*\n",
		"go.mod":     "module example.com/port\n\ngo 1.22\n",
	})
	if err != nil {
		return nil, err
	}
	code := []string{first}
	for b := 1; b <= batches; b++ {
		name := fmt.Sprintf("port/b%02d/doc.go", b)
		h, err := commit(fmt.Sprintf("Port batch %d", b), map[string]string{
			name: fmt.Sprintf("// Package b%02d is batch %d of the port.\npackage b%02d\n", b, b, b),
		})
		if err != nil {
			return nil, err
		}
		code = append(code, h)
	}
	return code, nil
}

// newKey derives clone n's ed25519 key from seed, writes it (OpenSSH
// format) and its public half under the git directory of dir, and returns
// the signer and the private key's path.
func newKey(dir string, seed uint64, n int) (*sshkey.Signer, string, error) {
	sum := sha256.Sum256(fmt.Appendf(nil, "porttracker gen key %d %d", seed, n))
	priv := ed25519.NewKeyFromSeed(sum[:ed25519.SeedSize])
	sg, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		return nil, "", err
	}
	block, err := ssh.MarshalPrivateKey(priv, fmt.Sprintf("porttracker gen clone %d", n))
	if err != nil {
		return nil, "", err
	}
	kdir := filepath.Join(dir, ".git", KeyDir)
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return nil, "", err
	}
	path := filepath.Join(kdir, fmt.Sprintf("key-%d", n))
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, "", err
	}
	if err := os.WriteFile(path+".pub", ssh.MarshalAuthorizedKey(sg.PublicKey()), 0o644); err != nil {
		return nil, "", err
	}
	return sshkey.NewSigner(sg, path), path, nil
}

// CopyRepo copies the generated repository at src (a working tree with its
// .git directory, and the view) to dst, which must not exist. Git never
// changes an object file once written (new objects, packs and refs are
// written aside and renamed into place), so the files under .git/objects
// are hard-linked when the file system allows it, which makes a copy of a
// large ledger cheap; every other file, the view included, is copied.
func CopyRepo(src, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("copy to %s: it exists", dst)
	}
	objects := filepath.Join(src, ".git", "objects") + string(filepath.Separator)
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case !info.Mode().IsRegular():
			return nil
		case strings.HasPrefix(path, objects):
			if err := os.Link(path, target); err == nil {
				return nil
			}
		}
		return copyFile(path, target, info.Mode().Perm())
	})
}

func copyFile(src, dst string, perm fs.FileMode) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = io.Copy(out, in)
	return err
}

// CountObjects counts the loose objects of the repository at dir and the
// objects in its packs (from the pack indexes' sizes: the fan-out table's
// last entry).
func CountObjects(dir string) (loose, packed int, err error) {
	objs := filepath.Join(dir, ".git", "objects")
	entries, err := os.ReadDir(objs)
	if err != nil {
		return 0, 0, err
	}
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) != 2 {
			continue
		}
		files, err := os.ReadDir(filepath.Join(objs, e.Name()))
		if err != nil {
			return 0, 0, err
		}
		loose += len(files)
	}
	idxs, err := filepath.Glob(filepath.Join(objs, "pack", "*.idx"))
	if err != nil {
		return 0, 0, err
	}
	for _, idx := range idxs {
		n, err := packCount(idx)
		if err != nil {
			return 0, 0, err
		}
		packed += n
	}
	return loose, packed, nil
}

// packCount reads the object count of a version 2 pack index: the last
// entry of the fan-out table that follows the 8-byte header.
func packCount(idx string) (int, error) {
	f, err := os.Open(idx)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var buf [4]byte
	if _, err := f.ReadAt(buf[:], 8+255*4); err != nil {
		return 0, fmt.Errorf("%s: %w", idx, err)
	}
	return int(buf[0])<<24 | int(buf[1])<<16 | int(buf[2])<<8 | int(buf[3]), nil
}

// DiskUsage is the size in bytes of the files under dir (each hard-linked
// file counted once per link).
func DiskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
