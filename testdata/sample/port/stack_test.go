package port

import "testing"

func TestPushPop(t *testing.T) {
	var s Stack
	s.Push(1)
	s.Push(2)
	if v, ok := s.Pop(); !ok || v != 2 {
		t.Fatalf("Pop = %d, %v; want 2, true", v, ok)
	}
	if _, ok := (&Stack{}).Pop(); ok {
		t.Fatal("Pop of an empty stack said ok")
	}
}

func TestLen(t *testing.T) {
	var s Stack
	s.Push(1)
	s.Push(5)
	if s.Len() != 2 {
		t.Fatalf("Len = %d, want 2", s.Len())
	}
}
