// Package agenttest has helpers for tests of the agent protocol: a PKI
// that issues real certificates (written to files, as operators deploy
// them) and a Deliver that records events and can be made slow or failing.
package agenttest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/event"
)

// PKI is a test certificate authority.
type PKI struct {
	Dir    string
	CAFile string // the CA certificate, PEM
	ca     *x509.Certificate
	key    *ecdsa.PrivateKey
	serial int64
}

// NewPKI creates a CA named name under dir.
func NewPKI(t testing.TB, dir, name string) *PKI {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(der)
	p := &PKI{Dir: dir, CAFile: filepath.Join(dir, name+"-ca.crt"), ca: ca, key: key, serial: 1}
	writePEM(t, p.CAFile, "CERTIFICATE", der)
	return p
}

// Server issues a server certificate for 127.0.0.1 and localhost and
// returns its certificate and key files.
func (p *PKI) Server(t testing.TB, name string) (certFile, keyFile string) {
	return p.issue(t, name, x509.ExtKeyUsageServerAuth)
}

// Client issues a client certificate with subject CN cn (the agent id).
func (p *PKI) Client(t testing.TB, cn string) (certFile, keyFile string) {
	return p.issue(t, cn, x509.ExtKeyUsageClientAuth)
}

func (p *PKI) issue(t testing.TB, cn string, usage x509.ExtKeyUsage) (string, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p.serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(p.serial),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"nomen tests"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Join(p.Dir, fileSafe(cn)+"-"+big.NewInt(p.serial).String())
	writePEM(t, base+".crt", "CERTIFICATE", der)
	writePEM(t, base+".key", "PRIVATE KEY", kder)
	return base + ".crt", base + ".key"
}

func fileSafe(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			b[i] = '_'
		}
	}
	return string(b)
}

func writePEM(t testing.TB, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Recorder is a Deliver that keeps every event it is given, numbering them
// like the journal does (event.ID from 1). Set Delay to make it slow and
// Fail to make it fail.
type Recorder struct {
	mu     sync.Mutex
	events []*event.Event
	nextID uint64
	calls  int
	// Delay, if set, is waited before each delivery (or until ctx ends).
	Delay time.Duration
	// Fail, if set, is asked before each delivery; a non-nil error fails it.
	Fail func(call int) error
	// CountOnly keeps no events, only the count (benchmarks).
	CountOnly bool
	count     int
	notify    chan struct{}
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder { return &Recorder{notify: make(chan struct{}, 1)} }

// Deliver implements agent.Deliver.
func (r *Recorder) Deliver(ctx context.Context, evs []*event.Event) error {
	r.mu.Lock()
	r.calls++
	call, delay, fail := r.calls, r.Delay, r.Fail
	r.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		if err := fail(call); err != nil {
			return err
		}
	}
	r.mu.Lock()
	for _, e := range evs {
		r.nextID++
		e.ID = r.nextID
	}
	r.count += len(evs)
	if !r.CountOnly {
		r.events = append(r.events, evs...)
	}
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return nil
}

// SetDelay changes the delay of later deliveries.
func (r *Recorder) SetDelay(d time.Duration) {
	r.mu.Lock()
	r.Delay = d
	r.mu.Unlock()
}

// SetFail changes the failure function of later deliveries.
func (r *Recorder) SetFail(f func(call int) error) {
	r.mu.Lock()
	r.Fail = f
	r.mu.Unlock()
}

// Events returns a copy of the list of delivered events.
func (r *Recorder) Events() []*event.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*event.Event(nil), r.events...)
}

// Count returns how many events were delivered.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

// Calls returns how many times Deliver was called.
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// WaitCount waits until at least n events were delivered or d passed, and
// returns the count.
func (r *Recorder) WaitCount(n int, d time.Duration) int {
	deadline := time.After(d)
	for {
		if c := r.Count(); c >= n {
			return c
		}
		select {
		case <-r.notify:
		case <-time.After(20 * time.Millisecond):
		case <-deadline:
			return r.Count()
		}
	}
}

// Record1K renders a Security 4688 (process creation) record of about
// 1 KiB with EventRecordID seq: the size benchmarks use.
func Record1K(seq uint64) []byte {
	return fmt.Appendf(nil, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"+
		"<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"+
		"<EventID>4688</EventID><Version>2</Version><Level>0</Level><Task>13312</Task><Opcode>0</Opcode>"+
		"<Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime='2026-11-22T10:15:02.%07dZ'/>"+
		"<EventRecordID>%d</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='%d'/>"+
		"<Channel>Security</Channel><Computer>WS01.corp.example</Computer><Security/></System><EventData>"+
		"<Data Name='SubjectUserSid'>S-1-5-21-3623811015-3361044348-30300820-1013</Data><Data Name='SubjectUserName'>alice</Data>"+
		"<Data Name='SubjectDomainName'>CORP</Data><Data Name='NewProcessId'>0x%x</Data>"+
		"<Data Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>"+
		"<Data Name='CommandLine'>cmd.exe /c whoami</Data></EventData>"+
		"<RenderingInfo Culture='en-US'><Message>A new process has been created.\r\n\r\nCreator Subject:\r\n\tAccount Name:\t\talice"+
		"\r\n\r\nProcess Information:\r\n\tNew Process ID:\t\t0x%x</Message><Level>Information</Level></RenderingInfo></Event>",
		seq%10000000, seq, 1000+seq%97, 0x1000+seq%65536, 0x1000+seq%65536)
}
