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

// FilterError is a test filter refused at the moment it was about to reach
// a gate command: What names where it came from. It is ErrBadInput to
// errors.Is.
type FilterError struct {
	What string
	Err  error
}

func (e *FilterError) Error() string   { return fmt.Sprintf("%v: %s: %v", ErrBadInput, e.What, e.Err) }
func (e *FilterError) Unwrap() []error { return []error{ErrBadInput, e.Err} }

// NoFilterError is a target that needs a focused test and has no filter.
// It is ErrBadInput to errors.Is.
type NoFilterError struct{ Target Target }

func (e *NoFilterError) Error() string        { return fmt.Sprintf("%s needs a focused test", e.Target) }
func (e *NoFilterError) Is(target error) bool { return target == ErrBadInput }
