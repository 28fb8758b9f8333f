package gitrepo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5"
	gitconfig "github.com/go-git/go-git/v5/config"
)

// Config is the git configuration that applies to a repository, read as
// git reads it, lowest precedence first: the system's (/etc/gitconfig or
// $GIT_CONFIG_SYSTEM, none with $GIT_CONFIG_NOSYSTEM), the user's
// ($GIT_CONFIG_GLOBAL, else $XDG_CONFIG_HOME/git/config or
// ~/.config/git/config, then ~/.gitconfig), and the repository's (in the
// common directory of a linked worktree). Include directives are not
// followed, nor is a worktree's config.worktree: go-git does not open a
// repository with extensions.worktreeConfig.
type Config struct {
	scopes []*gitconfig.Config
}

// ReadConfig reads the configuration that applies to repo. A file that
// exists but does not parse is an error, as it is to git.
func ReadConfig(repo *git.Repository) (*Config, error) {
	c := &Config{}
	files, err := userFiles()
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if err := c.addFile(f); err != nil {
			return nil, err
		}
	}
	local, err := repo.Config()
	if err != nil {
		return nil, fmt.Errorf("read the repository's git config: %w", err)
	}
	c.scopes = append(c.scopes, local)
	return c, nil
}

// ReadDirConfig opens the repository that contains dir (see Open) and reads
// its configuration.
func ReadDirConfig(dir string) (*Config, error) {
	repo, err := Open(dir)
	if err != nil {
		return nil, fmt.Errorf("open the git repository of %s: %w", dir, err)
	}
	return ReadConfig(repo)
}

// Get is the value of section.key that git uses: the last one set, the
// worktree's over the repository's over the user's over the system's; ""
// when it is not set. Section and key are case-insensitive.
func (c *Config) Get(section, key string) string {
	val := ""
	for _, sc := range c.scopes {
		if sc.Raw == nil || !sc.Raw.HasSection(section) {
			continue
		}
		if o := sc.Raw.Section(section).Options; o.Has(key) {
			val = o.Get(key)
		}
	}
	return val
}

// Scopes are the parsed configuration files, lowest precedence first, for
// lookups that Get does not cover (URL-matched subsections).
func (c *Config) Scopes() []*gitconfig.Config {
	return c.scopes
}

// userFiles are the system and global configuration files git reads,
// lowest precedence first.
func userFiles() ([]string, error) {
	var files []string
	if !isTrue(os.Getenv("GIT_CONFIG_NOSYSTEM")) {
		sys := "/etc/gitconfig"
		if p, ok := os.LookupEnv("GIT_CONFIG_SYSTEM"); ok {
			sys = p
		}
		files = append(files, sys)
	}
	if p, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		return append(files, p), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("find the git config of the user: %w", err)
	}
	xdg := filepath.Join(home, ".config")
	if p := os.Getenv("XDG_CONFIG_HOME"); p != "" {
		xdg = p
	}
	return append(files, filepath.Join(xdg, "git", "config"), filepath.Join(home, ".gitconfig")), nil
}

// addFile adds the configuration file at path; a missing one (or "") adds
// nothing.
func (c *Config) addFile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read git config %s: %w", path, err)
	}
	defer f.Close()
	sc, err := gitconfig.ReadConfig(f)
	if err != nil {
		return fmt.Errorf("read git config %s: %w (git config --file %s --list shows what is wrong)", path, err, path)
	}
	c.scopes = append(c.scopes, sc)
	return nil
}

// isTrue is git's reading of a boolean that is on.
func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	return false
}

// ExpandHome replaces a leading ~/ in p with the home directory.
func ExpandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}
