package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/porttracker/porttracker/ledger"
)

func signerCommand() *cli.Command {
	return &cli.Command{
		Name:  "signer",
		Usage: "who may sign entries: add, revoke, list, resolve",
		Description: describe("Manages the signers: only a current signer may add or revoke one.",
			"porttracker signer list", "porttracker signer add bob@example.com bob.pub", "porttracker signer resolve --accept 3f2a9c1"),
		Subcommands: []*cli.Command{
			{Name: "add", Usage: "allow IDENTITY to sign with the public key in PUBKEYFILE", ArgsUsage: "IDENTITY PUBKEYFILE",
				Description: describe(`Records a signer entry that allows IDENTITY (as in an allowed-signers line) to sign with
the SSH public key in PUBKEYFILE; the ledger's allowed_signers file gets the line.`,
					"porttracker signer add bob@example.com ~/bob_ed25519.pub"),
				Action: runSignerAdd},
			{Name: "revoke", Usage: "stop IDENTITY from signing", ArgsUsage: "IDENTITY",
				Description: describe("Records that IDENTITY may no longer sign; entries it signed before stay valid.",
					"porttracker signer revoke bob@example.com"),
				Action: runSignerRevoke},
			{Name: "list", Usage: "list the signers", ArgsUsage: " ",
				Description: describe("Lists every signer with its key and whether it is active or was revoked (and by which entry).",
					"porttracker signer list", "porttracker signer list --json"),
				Action: runSignerList},
			signerRequestCommand(),
			signerResolveCommand(),
		},
	}
}

func runSignerAdd(c *cli.Context) error {
	if err := args(c, 2, "IDENTITY PUBKEYFILE"); err != nil {
		return err
	}
	id, file := c.Args().Get(0), c.Args().Get(1)
	data, err := os.ReadFile(file)
	if err != nil {
		return usagef("%w", err)
	}
	ent, err := ledger.BuildSigner(id, string(data), ledger.ActionAdd)
	if err != nil {
		return usagef("%s: %v", file, err)
	}
	return appendEntry(c, ent)
}

func runSignerRevoke(c *cli.Context) error {
	if err := args(c, 1, "IDENTITY"); err != nil {
		return err
	}
	ent, err := ledger.BuildSigner(c.Args().First(), "", ledger.ActionRevoke)
	if err != nil {
		return usagef("%w", err)
	}
	return appendEntry(c, ent)
}

// appendEntry records a fixed entry.
func appendEntry(c *cli.Context, ent *ledger.Entry) error {
	e, err := openLedgerEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	_, err = e.record(func(*ledger.State) (*ledger.Entry, error) { return ent, nil })
	return err
}

func runSignerList(c *cli.Context) error {
	if err := args(c, 0, "no arguments"); err != nil {
		return err
	}
	e, err := openEnv(c)
	if err != nil {
		return err
	}
	defer e.close()
	list, err := e.view.Signers()
	if err != nil {
		return err
	}
	if e.json() {
		type jsonSigner struct {
			Signer    string `json:"signer"`
			Key       string `json:"key"`
			Active    bool   `json:"active"`
			AddedBy   string `json:"added_by"`
			RevokedBy string `json:"revoked_by,omitempty"`
		}
		out := make([]jsonSigner, len(list))
		for i, s := range list {
			out[i] = jsonSigner{s.Identity, s.Key, s.Active, s.AddedBy, s.RevokedBy}
		}
		return e.printJSON(struct {
			Signers []jsonSigner `json:"signers"`
			Count   int          `json:"count"`
		}{out, len(out)})
	}
	for _, s := range list {
		state := "active"
		if !s.Active {
			state = "revoked by entry " + s.RevokedBy[:12]
		}
		e.printf("%s\t%s\t%s\n", s.Identity, s.Key, state)
	}
	return nil
}
