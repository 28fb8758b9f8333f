// Package archtest holds the tests of porttracker's package structure: the
// imports each package must not have (see README, "How it is built").
package archtest
