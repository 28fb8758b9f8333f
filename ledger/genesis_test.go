package ledger

import "testing"

func TestGenesisRule(t *testing.T) {
	key := testKey(t, 7)
	runRules(t, genesisRule, []ruleCase{
		{name: "names its signer", rec: rec("g1", Entry{Kind: KindGenesis, Signer: "dora", Identity: "dora", Key: key}),
			want: func(*snapshot) Delta {
				return Delta{Genesis: true, Signers: []*SignerState{{Identity: "dora", Key: key, Active: true, AddedBy: "g1"}}}
			}},
		{name: "signer is not the identity", rec: rec("g1", Entry{Kind: KindGenesis, Signer: "eve", Identity: "dora", Key: key}),
			refuse: `genesis signer "eve" does not name itself`},
		{name: "identity with a space", rec: rec("g1", Entry{Kind: KindGenesis, Signer: "do ra", Identity: "do ra", Key: key}),
			refuse: "entry g1:"},
	})
}
