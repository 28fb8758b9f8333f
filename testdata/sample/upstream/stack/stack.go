// Package stack is the upstream code of the sample port: a tiny Go
// package whose functions are ported one by one.
package stack

// Stack is a last-in, first-out stack of ints.
type Stack struct {
	items []int
}

// Push puts v on top of the stack.
func (s *Stack) Push(v int) {
	s.items = append(s.items, v)
}

// Pop takes the top value off the stack; ok is false when it is empty.
func (s *Stack) Pop() (v int, ok bool) {
	if len(s.items) == 0 {
		return 0, false
	}
	v = s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return v, true
}

// Len is the number of values on the stack.
func (s *Stack) Len() int {
	return len(s.items)
}

// Reverse returns the values of xs in reverse order.
func Reverse(xs []int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[len(xs)-1-i] = x
	}
	return out
}
