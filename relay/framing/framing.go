// Package framing splits a TCP or TLS syslog stream into messages, the way
// rsyslog does.
//
// Each frame is detected on its own (Mode Auto): after skipping stray CR,
// LF and NUL bytes between frames, and the stray spaces Cisco ASA sends
// before "<PRI>" after the previous LF, a frame that starts with
// "MSG-LEN SP <" is RFC 6587 octet-counted (MSG-LEN is 1-9 digits without a
// leading zero); any other frame is non-transparent: it ends at LF or NUL,
// and a CR before the LF is dropped. A trailing LF (or CRLF) inside an
// octet-counted frame is dropped too, so both framings give the same text.
//
// Limits: a message longer than the maximum size is truncated to it and
// reported as such; the rest of it (up to the trailer, or the declared
// length) is read and discarded, never turned into a new message. Digits
// and a space without "<" after them start a line, not a frame
// ("1 2019-03-01T10:00:00Z host ...": RFC 5424 without its PRI). A MSG-LEN
// before "<" that does not look like one (too many digits, a leading zero)
// is not trusted: that frame falls back to LF framing and is counted in
// Stats.BadLength. In Mode Octet a MSG-LEN need not be followed by "<",
// but "1 " without "<" is not taken for one either: it is the VERSION of
// an RFC 5424 line without PRI, which stays whole (an LF frame), counted
// in Stats.BadLength. Nothing is allocated per frame: frames are
// windows on the buffer read into. A stream that sends little at a time
// is read into a small buffer of 4 KiB; as soon as a read fills it or a
// frame does not fit in half of it, the full buffer of maxSize + 64 KiB is
// taken and read into in large chunks, until a read returns less than
// 4 KiB with nothing left over. Both are pooled: a reader whose source
// returned (0, nil) with nothing left over (the listener's connections do,
// just before they wait) gives its buffer back and calls Read with no room;
// such a source waits for data then and returns (0, nil), and the next
// Read gets a buffer again. An idle connection thus holds no buffer.
//
// At the end of the stream (EOF or a read error) the bytes of an unfinished
// frame are returned as a last frame, as rsyslog does: an LF frame without
// its trailer as it is (the sender just did not end the line), an
// octet-counted frame shorter than its MSG-LEN flagged truncated and counted
// in Stats.Incomplete. After a read error other than EOF (a reset, the
// deadline of a stopping listener) the stream was cut, not ended by the
// sender: that last LF frame is flagged truncated too (and counted in
// Stats.Truncated). Then Next returns the error (io.EOF at a clean end).
package framing

import (
	"bytes"
	"errors"
	"io"
	"sync"
)

// DefaultMaxSize is the default maximum message size (64 KiB).
const DefaultMaxSize = 64 << 10

// Mode selects how frames are delimited.
type Mode uint8

const (
	// Auto detects octet counting or LF/NUL framing per frame.
	Auto Mode = iota
	// LF accepts only LF/NUL-terminated frames (digits start a message).
	LF
	// Octet expects only octet-counted frames; a frame that does not start
	// with a MSG-LEN is taken LF-terminated and counted in BadLength. The
	// "<" after MSG-LEN is not required, except after a MSG-LEN of 1: "1 "
	// without "<" is the VERSION of an RFC 5424 line without PRI, read to
	// its LF and counted in BadLength too.
	Octet
)

// ParseMode maps the listener's framing setting ("auto", "lf", "octet").
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "auto":
		return Auto, nil
	case "lf":
		return LF, nil
	case "octet":
		return Octet, nil
	}
	return Auto, errors.New(`framing: unknown mode "` + s + `" (want auto, lf or octet)`)
}

func (m Mode) String() string {
	switch m {
	case LF:
		return "lf"
	case Octet:
		return "octet"
	}
	return "auto"
}

// Stats counts what a Reader saw; the listener turns them into metrics.
type Stats struct {
	Frames     uint64 // frames returned
	Octet      uint64 // of which octet-counted
	Truncated  uint64 // frames longer than the maximum size (returned truncated)
	BadLength  uint64 // MSG-LENs not trusted: the frame was read LF-terminated
	Incomplete uint64 // octet-counted frames cut short by the end of the stream
	Empty      uint64 // LF or NUL with nothing before it: an empty frame, skipped
}

// Reader reads frames from a stream. It is not safe for concurrent use.
type Reader struct {
	r     io.Reader
	mode  Mode
	max   int
	buf   []byte
	start int   // first unconsumed byte
	end   int   // end of valid data
	err   error // sticky read error (io.EOF at the end)

	// Where the searches for the two trailers stopped (see trailerAt):
	// at the first LF (NUL) from the frame that searched on, or at the
	// end of the data then, with none before.
	lfAt, nulAt int

	discard    bool // drop bytes up to the next trailer (after an LF truncation)
	discardN   int  // drop this many bytes (after an octet truncation)
	badCounted bool // this frame's bad MSG-LEN is counted
	stats      Stats
	reads      uint64 // reads that returned data

	lastRead int  // bytes the last read returned
	filled   bool // the last read filled the room it was given
	waiting  bool // the last read was given room and returned (0, nil): the source waits next
}

const (
	maxLenDigits   = 9        // MSG-LEN up to 999,999,999
	maxStraySpaces = 8        // spaces skipped before "<" between frames
	chunk          = 64 << 10 // buffer room beyond maxSize; reads are at least half of it
	smallBuf       = 4 << 10  // the buffer of a stream that sends little at a time
)

// NewReader returns a Reader in Auto mode with the given maximum message
// size (DefaultMaxSize when maxSize <= 0).
func NewReader(r io.Reader, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	return &Reader{r: r, max: maxSize}
}

// BufferSize returns the size of the buffer in use (0 before the first read).
func (r *Reader) BufferSize() int { return len(r.buf) }

// sizeBuffer picks the buffer for the next read (see the package comment):
// none when the source is about to wait, the full one when the small one
// is too small for what comes, the small one again once nothing is left
// over and the last read was short.
func (r *Reader) sizeBuffer() {
	full := r.max + chunk
	left := r.end - r.start
	switch {
	case left == 0 && r.waiting:
		r.giveBack()
		r.buf = nil
		r.moved()
	case r.buf == nil || (left == 0 && len(r.buf) == full && r.lastRead < smallBuf):
		r.giveBack()
		r.buf = *bufPool(smallBuf).Get().(*[]byte)
		r.moved()
	case len(r.buf) < full && (r.filled || left > len(r.buf)/2):
		big := *bufPool(full).Get().(*[]byte)
		copy(big, r.buf[r.start:r.end])
		r.giveBack()
		r.buf = big
		r.moved()
	}
}

// moved sets start and end after the unconsumed data was moved to the
// start of the buffer (or dropped, when there was none), and where the
// trailer searches stopped with it.
func (r *Reader) moved() {
	r.lfAt = max(r.lfAt-r.start, 0)
	r.nulAt = max(r.nulAt-r.start, 0)
	r.start, r.end = 0, r.end-r.start
}

// giveBack puts the buffer in its pool; the caller replaces r.buf.
func (r *Reader) giveBack() {
	if r.buf != nil {
		buf := r.buf // not &r.buf: the field is about to change
		bufPool(len(buf)).Put(&buf)
	}
}

// bufPools holds the buffers of readers that have none in use, by size
// (*sync.Pool of *[]byte): the small one and the full one of each
// maximum message size.
var bufPools sync.Map

func bufPool(size int) *sync.Pool {
	if p, ok := bufPools.Load(size); ok {
		return p.(*sync.Pool)
	}
	p, _ := bufPools.LoadOrStore(size, &sync.Pool{New: func() any {
		b := make([]byte, size)
		return &b
	}})
	return p.(*sync.Pool)
}

// SetMode changes the framing mode (before the first Next).
func (r *Reader) SetMode(m Mode) { r.mode = m }

// Stats returns the counts so far.
func (r *Reader) Stats() Stats { return r.stats }

// Reads returns how many reads of the stream have returned data: a caller
// that stamps frames with their receive time needs the clock only when it
// changed (many frames arrive in one read).
func (r *Reader) Reads() uint64 { return r.reads }

// Buffered returns the number of bytes read from the stream but not yet
// returned in a frame.
func (r *Reader) Buffered() int { return r.end - r.start }

// Next returns the next frame. The frame is valid until the next call.
// truncated reports a frame cut to the maximum size, or an octet-counted
// frame cut short by the end of the stream. err is io.EOF after the last
// frame, or the read error that ended the stream; a frame and an error are
// never returned together.
func (r *Reader) Next() (frame []byte, truncated bool, err error) {
	for {
		if r.discardN > 0 || r.discard {
			if !r.skipDiscarded() {
				if r.fill() {
					continue
				}
				return nil, false, r.err
			}
		}
		f, trunc, ok, need := r.frame()
		if ok {
			r.stats.Frames++
			if trunc {
				r.stats.Truncated++
			}
			return f, trunc, nil
		}
		if !need {
			continue
		}
		if !r.fill() {
			if f, trunc, ok := r.final(); ok {
				r.stats.Frames++
				return f, trunc, nil
			}
			return nil, false, r.err
		}
	}
}

// skipDiscarded drops the rest of a truncated message; false means it needs
// more data.
func (r *Reader) skipDiscarded() bool {
	if r.discardN > 0 {
		n := min(r.discardN, r.end-r.start)
		r.start += n
		r.discardN -= n
		return r.discardN == 0
	}
	if i := r.trailerAt(); i >= 0 {
		r.start = i + 1
		r.discard = false
		return true
	}
	r.start = r.end
	return false
}

// frame tries to cut one frame from the buffer. need reports that more
// data is required before deciding; !ok && !need means "call again" (stray
// bytes were skipped). Every decision depends only on the bytes of the
// stream, never on how reads split them (FuzzFramer checks this).
func (r *Reader) frame() (f []byte, truncated, ok, need bool) {
	data := r.buf[r.start:r.end]
	if len(data) == 0 {
		return nil, false, false, true
	}
	switch c := data[0]; {
	case c == '\n' || c == '\r' || c == 0: // stray bytes between frames
		if c != '\r' {
			r.stats.Empty++ // a trailer with nothing before it (NUL floods, blank lines)
		}
		r.skip(1)
		return nil, false, false, false
	case c == ' ':
		// Cisco ASA sends " <PRI>..." after the previous LF. More spaces
		// than that are the start of a message.
		k := 1
		for k < len(data) && k < maxStraySpaces && data[k] == ' ' {
			k++
		}
		if k == len(data) {
			return nil, false, false, true // at most maxStraySpaces bytes
		}
		if data[k] == '<' {
			r.skip(k)
			return nil, false, false, false
		}
	case isDigit(c) && r.mode != LF:
		n, hdr, st := octetHeader(data, r.mode == Octet)
		switch st {
		case hdrNeedMore:
			return nil, false, false, true
		case hdrOK:
			return r.octetFrame(n, hdr)
		case hdrBad:
			r.countBad()
		}
	default:
		if r.mode == Octet {
			r.countBad()
		}
	}
	return r.lfFrame()
}

// countBad counts a frame whose MSG-LEN is not trusted, once per frame
// (frame runs again for the same bytes while an LF frame waits for data).
func (r *Reader) countBad() {
	if !r.badCounted {
		r.badCounted = true
		r.stats.BadLength++
	}
}

func (r *Reader) skip(n int) {
	r.start += n
	r.badCounted = false
}

// lfFrame cuts a frame ending at LF or NUL.
func (r *Reader) lfFrame() (f []byte, truncated, ok, need bool) {
	data := r.buf[r.start:r.end]
	if i := r.trailerAt(); i >= 0 {
		i -= r.start
		f = data[:i]
		if i > 0 && data[i-1] == '\r' && data[i] == '\n' {
			f = data[:i-1]
		}
		r.skip(i + 1)
		if len(f) > r.max {
			return f[:r.max], true, true, false
		}
		return f, false, true, false
	}
	// Longer than the maximum even after dropping a CR before the LF: cut.
	if len(data) >= r.max+2 {
		f = data[:r.max]
		r.skip(r.max)
		r.discard = true
		return f, true, true, false
	}
	return nil, false, false, true
}

// octetFrame cuts an octet-counted frame of n bytes after a header of hdr bytes.
func (r *Reader) octetFrame(n, hdr int) (f []byte, truncated, ok, need bool) {
	data := r.buf[r.start+hdr : r.end]
	if n > r.max {
		if len(data) < r.max {
			return nil, false, false, true
		}
		r.stats.Octet++
		r.skip(hdr + r.max)
		r.discardN = n - r.max
		return data[:r.max], true, true, false
	}
	if len(data) < n {
		return nil, false, false, true
	}
	r.stats.Octet++
	r.skip(hdr + n)
	return trimLF(data[:n]), false, true, false
}

// final returns what is left in the buffer when the stream has ended.
func (r *Reader) final() (f []byte, truncated, ok bool) {
	data := r.buf[r.start:r.end]
	if len(data) == 0 {
		return nil, false, false
	}
	r.skip(len(data))
	if r.mode != LF && isDigit(data[0]) {
		if n, hdr, st := octetHeader(data, r.mode == Octet); st == hdrOK && len(data)-hdr < n {
			r.stats.Octet++
			r.stats.Incomplete++
			return data[hdr:], true, true
		}
	}
	// An unterminated last line, or only spaces: the text as it is.
	f = trimCR(data)
	if len(bytes.TrimLeft(f, " ")) == 0 {
		return nil, false, false
	}
	cut := !errors.Is(r.err, io.EOF) // a reset or a deadline, not the sender's end
	if len(f) > r.max {
		f, cut = f[:r.max], true
	}
	if cut {
		r.stats.Truncated++
	}
	return f, cut, true
}

// fill reads more data; false when the stream has ended (r.err is set).
func (r *Reader) fill() bool {
	if r.err != nil {
		return false
	}
	for tries := 0; tries < 100; tries++ {
		r.sizeBuffer()
		if r.start > 0 && (r.start == r.end || len(r.buf)-r.end < chunk/2) {
			copy(r.buf, r.buf[r.start:r.end])
			r.moved()
		}
		room := len(r.buf) - r.end
		n, err := r.r.Read(r.buf[r.end:])
		r.filled = room > 0 && n == room
		r.lastRead = n
		r.waiting = n == 0 && err == nil && room > 0
		r.end += n
		if n > 0 {
			r.reads++
		}
		if err != nil {
			r.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	r.err = io.ErrNoProgress
	return false
}

type hdrStatus uint8

const (
	hdrOK       hdrStatus = iota
	hdrNeedMore           // cannot tell yet
	hdrBad                // a MSG-LEN not to trust: LF framing, counted
	hdrPlain              // a line that starts with digits: LF framing
)

// octetHeader reads "MSG-LEN SP" (and, unless lax, requires "<" after it)
// at the start of data. rsyslog (imtcp) and syslog-ng (transport(auto))
// take any digit at the start of a frame for a MSG-LEN, so a line
// "1 2019-..." becomes a frame of one byte there; without the "<" nomen
// reads it as a line.
func octetHeader(data []byte, lax bool) (n, hdr int, st hdrStatus) {
	k := 0
	for k < len(data) && isDigit(data[k]) {
		if k == maxLenDigits {
			return 0, 0, hdrBad
		}
		n = n*10 + int(data[k]-'0')
		k++
	}
	if k == len(data) {
		return 0, 0, hdrNeedMore
	}
	switch {
	case data[k] != ' ' && lax:
		return 0, 0, hdrBad // Octet mode: every frame should be counted
	case data[k] != ' ':
		return 0, 0, hdrPlain // "2026-05-17T18:05:02 host ..."
	case k+1 == len(data) && (!lax || n == 1):
		return 0, 0, hdrNeedMore
	case lax && n == 1 && data[k+1] != '<':
		// Octet mode trusts a MSG-LEN without "<" after it (a sender's
		// template without PRI), but not "1 ": that is RFC 5424's VERSION
		// after a missing PRI ("1 2019-03-01T10:00:00Z host ...", "1 - host
		// ..."), and a frame of one byte is no syslog message. Read as a
		// one-byte frame it would split the line in two; read to its LF it
		// stays whole, and the stream is counted as not octet-framed.
		return 0, 0, hdrBad
	case !lax && data[k+1] != '<':
		// "1 2019-03-01T10:00:00Z host ..." (RFC 5424 without its PRI),
		// "12 monkeys ...": a line that starts with a number, no
		// SYSLOG-MSG (which starts with "<PRI>"); not a framing error.
		return 0, 0, hdrPlain
	case data[0] == '0':
		return 0, 0, hdrBad // "0 <13>..." or "007 <13>..."
	}
	return n, k + 1, hdrOK
}

// trailerAt returns the index in buf of the first LF or NUL after start,
// -1 if there is none yet.
//
// Each trailer is searched for on its own, from where its last search
// stopped (lfAt, nulAt): every byte is searched once for each, however
// many frames and reads a search spans. An LF stream has no NUL: once a
// read's data has been searched for one, its frames need no search but
// the one for their LF (before: a second IndexByte per frame, for a NUL
// before the LF). A NUL-terminated stream has no LF: each of its frames
// searched the rest of the buffer for one (7,500 instructions per
// 250-byte frame, BenchmarkFramingNUL). Two vectorised IndexByte, each
// over the bytes once, cost less than one pass in Go that looks for both
// (for a 250-byte frame, 210 instructions against 1,000 for eight bytes
// at a time).
func (r *Reader) trailerAt() int {
	end := r.end
	lf := max(r.lfAt, r.start)
	if lf < end && r.buf[lf] != '\n' {
		if i := bytes.IndexByte(r.buf[lf:end], '\n'); i >= 0 {
			lf += i
		} else {
			lf = end
		}
		r.lfAt = lf
	}
	nul := max(r.nulAt, r.start)
	if nul < lf && r.buf[nul] != 0 { // the NUL before the LF, if any
		if i := bytes.IndexByte(r.buf[nul:end], 0); i >= 0 {
			nul += i
		} else {
			nul = end
		}
		r.nulAt = nul
	}
	switch {
	case nul < lf:
		return nul
	case lf < end:
		return lf
	}
	return -1
}

func trimLF(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n > 1 && b[n-2] == '\r' {
			b = b[:n-2]
		}
	}
	return b
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
