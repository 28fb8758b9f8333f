package remote

import (
	"bytes"
	"io"
	"sync"
)

// remoteLines returns a writer that copies what a remote sends on git's
// progress channel to w, each line prefixed "remote: " as git prints it;
// nil when w is nil. Carriage returns (progress counters) end a line too.
func remoteLines(w io.Writer) io.Writer {
	if w == nil {
		return nil
	}
	return &prefixWriter{w: w}
}

type prefixWriter struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

// Write implements io.Writer.
func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexAny(p.buf, "\n\r")
		if i < 0 {
			break
		}
		line := p.buf[:i]
		p.buf = p.buf[i+1:]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := p.w.Write(append(append([]byte("remote: "), line...), '\n')); err != nil {
			return len(b), err
		}
	}
	return len(b), nil
}
