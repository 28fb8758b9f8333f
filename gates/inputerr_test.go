package gates

import (
	"errors"
	"fmt"
	"testing"
)

func TestBadInputf(t *testing.T) {
	err := badInputf("gates.test is not set in %s", "porttracker.toml")
	if !errors.Is(err, ErrBadInput) || !errors.Is(fmt.Errorf("promote: %w", err), ErrBadInput) {
		t.Error("badInputf's error is not ErrBadInput to errors.Is")
	}
	if got := err.Error(); got != "gates.test is not set in porttracker.toml" {
		t.Errorf("message %q", got)
	}
	if errors.Is(errors.New("gates.test is not set in porttracker.toml"), ErrBadInput) {
		t.Error("a plain error with the same words is ErrBadInput")
	}
}
