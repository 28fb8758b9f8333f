package ledger

import "testing"

func TestSignerRule(t *testing.T) {
	dora := testKey(t, 7)
	runRules(t, signerRule, []ruleCase{
		{name: "add", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "dora", Key: dora}),
			want: func(*snapshot) Delta {
				return Delta{Signers: []*SignerState{{Identity: "dora", Key: dora, Active: true, AddedBy: "s9"}}}
			}},
		{name: "add again a revoked signer", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "carol", Key: dora}),
			want: func(*snapshot) Delta {
				return Delta{Signers: []*SignerState{{Identity: "carol", Key: dora, Active: true, AddedBy: "s9"}}}
			}},
		{name: "add an active signer", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "bob", Key: dora}),
			refuse: `signer "bob" is already allowed`},
		{name: "add another's key", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "dora", Key: testKey(t, 1)}),
			refuse: `that key already belongs to signer "bob"`},
		{name: "add a key that does not parse", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionAdd, Identity: "dora", Key: "ssh-ed25519 AAAA"}),
			refuse: "entry s9:"},
		{name: "revoke", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionRevoke, Identity: "bob"}),
			want: func(v *snapshot) Delta {
				c := *v.signer("bob")
				c.Active, c.RevokedBy = false, "s9"
				return Delta{Signers: []*SignerState{&c}}
			}},
		{name: "revoke a revoked signer", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionRevoke, Identity: "carol"}),
			refuse: `signer "carol" is not a current signer`},
		{name: "revoke the last signer", rec: rec("s9", Entry{Kind: KindSigner, Action: ActionRevoke, Identity: "alice"}),
			setup:  func(v *snapshot) { v.all = v.all[:1] },
			refuse: `signer "alice" is the last signer`},
		{name: "unknown action", rec: rec("s9", Entry{Kind: KindSigner, Action: "promote", Identity: "bob"}),
			refuse: `signer action "promote"`},
	})
}
