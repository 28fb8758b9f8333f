package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/crypto/ssh"

	"github.com/porttracker/porttracker/ledger/sshkey"
)

func signerRequestCommand() *cli.Command {
	return &cli.Command{
		Name:      "request",
		Usage:     "print what an existing signer runs to add you (your identity and public key)",
		ArgsUsage: " ",
		Description: describe(`Prints your signer identity and public key, and the command an existing signer runs to
add you (then porttracker sync): how a new member joins a team's ledger.`,
			"porttracker signer request", "porttracker signer request --signer bob@example.com"),
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "signer", Usage: "your identity (default: git's user.email)"},
		},
		Action: runSignerRequest,
	}
}

// signerRequest is what signer request prints with --json.
type signerRequest struct {
	Identity  string `json:"identity"`
	PublicKey string `json:"public_key"`
	Command   string `json:"command"`
	// Signer is true when the key already signs for this ledger.
	Signer bool `json:"signer"`
}

func runSignerRequest(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	w, err := e.writer()
	if err != nil {
		return err
	}
	id := c.String("signer")
	if id == "" {
		id = e.author().Email
		if id == "porttracker@localhost" {
			id = ""
		}
	}
	if id == "" {
		return usagef("no identity: pass --signer you@example.com or set git config user.email")
	}
	if err := sshkey.CheckIdentity(id); err != nil {
		return usagef("%w", err)
	}
	key := w.Signer.AuthorizedKey()
	req := signerRequest{Identity: id, PublicKey: key,
		Command: fmt.Sprintf("echo '%s %s' > %s.pub && porttracker signer add %s %s.pub && porttracker sync", key, id, fileStem(id), id, fileStem(id))}
	if !e.head.IsZero() {
		st, err := e.view.StateAt(e.head)
		if err != nil {
			return err
		}
		me, err := st.SignerForKey(key)
		if err != nil {
			return err
		}
		req.Signer = me != nil
		if me != nil && !e.json() {
			e.printf("your key %s already signs for this ledger as %s: nothing to request\n", sshFingerprint(w.Signer), me.Identity)
			return nil
		}
	}
	if e.json() {
		return e.printJSON(req)
	}
	e.printf("Send this to an existing signer of the ledger:\n\n")
	e.printf("  identity:   %s\n  public key: %s\n\n", id, key)
	e.printf("They run, in their clone:\n\n  %s\n\n", req.Command)
	e.printf("Then run porttracker sync here; your writes are accepted from then on.\n")
	return nil
}

// fileStem makes a file name from an identity ("bob@example.com" → "bob").
func fileStem(id string) string {
	stem, _, _ := strings.Cut(id, "@")
	return stem
}

func sshFingerprint(s *sshkey.Signer) string { return ssh.FingerprintSHA256(s.PublicKey()) }
