// Package archtest holds the tests of porttracker's package structure: the
// imports each package must not have, the one way repositories are opened,
// and ledger rules and errors that state facts and leave the mend to the
// command line (see README, "How it is built").
package archtest
