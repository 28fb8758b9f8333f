// Package port is the sample port: the upstream stack package rewritten
// function by function. Reverse is not ported yet.
package port

// Stack is a last-in, first-out stack of ints.
type Stack struct {
	values []int
}

// Push puts v on top of the stack.
func (s *Stack) Push(v int) {
	s.values = append(s.values, v)
}

// Pop takes the top value off the stack; ok is false when it is empty.
func (s *Stack) Pop() (int, bool) {
	n := len(s.values)
	if n == 0 {
		return 0, false
	}
	v := s.values[n-1]
	s.values = s.values[:n-1]
	return v, true
}

// Len is the number of values on the stack.
func (s *Stack) Len() int {
	return len(s.values)
}

// Reverse returns the values of xs in reverse order.
func Reverse(xs []int) []int {
	panic("not implemented")
}
