package gates

import "fmt"

// inputError is bad input worded in full: its message is the whole
// message, and it is ErrBadInput to errors.Is.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrBadInput }

// badInputf is bad input (a setting or a flag missing), worded by format.
func badInputf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}
