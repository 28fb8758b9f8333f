package stack

import "testing"

func TestPushPop(t *testing.T) {
	var s Stack
	s.Push(1)
	s.Push(2)
	if v, ok := s.Pop(); !ok || v != 2 {
		t.Fatalf("Pop = %d, %v; want 2, true", v, ok)
	}
}

func TestLen(t *testing.T) {
	var s Stack
	s.Push(1)
	if s.Len() != 1 {
		t.Fatalf("Len = %d, want 1", s.Len())
	}
}

func TestReverse(t *testing.T) {
	got := Reverse([]int{1, 2, 3})
	if got[0] != 3 || got[2] != 1 {
		t.Fatalf("Reverse = %v", got)
	}
}
