package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a buffer the progress goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestProgress(t *testing.T) {
	var off lockedBuffer
	done := startProgress(false, &off, "auditing", time.Millisecond)
	time.Sleep(progressAfter + 50*time.Millisecond)
	done()
	if off.String() != "" {
		t.Errorf("progress off wrote %q", off.String())
	}
	var on lockedBuffer
	done = startProgress(true, &on, "auditing", 10*time.Millisecond)
	for !strings.Contains(on.String(), "porttracker: auditing... ") {
		time.Sleep(10 * time.Millisecond)
	}
	done()
	if got := on.String(); !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("progress line not erased at the end: %q", got)
	}
}
