package main

import (
	"net"
	"sync"
	"testing"
	"time"
)

// The fault tests' network in between: a proxy the test cuts or stalls.

// fltProxy is a TCP proxy between nomen and a downstream that the test can
// cut (the downstream is unreachable: connections reset, new ones refused)
// and restore on the same address, or pause (connections stay up but no
// byte moves: a stuck network) and resume.
type fltProxy struct {
	t      testing.TB
	target string
	addr   string

	mu     sync.Mutex
	cond   *sync.Cond
	ln     net.Listener
	pipes  map[*fltPipe]bool
	paused bool
	conns  int // connections accepted
}

type fltPipe struct {
	a, b net.Conn
	cut  bool
}

func fltStartProxy(t testing.TB, target string) *fltProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &fltProxy{t: t, target: target, addr: ln.Addr().String(), pipes: map[*fltPipe]bool{}}
	p.cond = sync.NewCond(&p.mu)
	p.serve(ln)
	t.Cleanup(func() {
		p.Resume()
		p.Cut()
	})
	return p
}

func (p *fltProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.handle(ln, c)
		}
	}()
}

func (p *fltProxy) handle(ln net.Listener, c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	pp := &fltPipe{a: c, b: up}
	p.mu.Lock()
	if p.ln != ln {
		p.mu.Unlock()
		c.Close()
		up.Close()
		return
	}
	p.pipes[pp] = true
	p.conns++
	p.mu.Unlock()
	go p.copy(pp, up, c)
	go p.copy(pp, c, up)
}

func (p *fltProxy) copy(pp *fltPipe, dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.paused && !pp.cut {
				p.cond.Wait()
			}
			cut := pp.cut
			p.mu.Unlock()
			if cut {
				break
			}
			if _, err := dst.Write(buf[:n]); err != nil {
				break
			}
		}
		if err != nil {
			break
		}
	}
	p.mu.Lock()
	pp.cut = true
	delete(p.pipes, pp)
	p.cond.Broadcast()
	p.mu.Unlock()
	pp.a.Close()
	pp.b.Close()
}

// Cut closes the listener and every connection.
func (p *fltProxy) Cut() {
	p.mu.Lock()
	ln := p.ln
	p.ln = nil
	var pipes []*fltPipe
	for pp := range p.pipes {
		pp.cut = true
		pipes = append(pipes, pp)
	}
	clear(p.pipes)
	p.cond.Broadcast()
	p.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, pp := range pipes {
		pp.a.Close()
		pp.b.Close()
	}
}

// Restore listens again on the same address.
func (p *fltProxy) Restore() {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", p.addr)
		if err == nil {
			p.serve(ln)
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("proxy cannot listen on %s again: %v", p.addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Pause stops moving bytes; Resume moves them again.
func (p *fltProxy) Pause() {
	p.mu.Lock()
	p.paused = true
	p.mu.Unlock()
}

func (p *fltProxy) Resume() {
	p.mu.Lock()
	p.paused = false
	p.cond.Broadcast()
	p.mu.Unlock()
}

func (p *fltProxy) accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conns
}
