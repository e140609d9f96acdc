package wire

import (
	"bufio"
	"errors"
	"io"
)

// Frame is one frame read by a Reader. Body is valid until the next Read.
type Frame struct {
	Header
	Body []byte
}

// Reader reads frames from a connection, checking each header and its
// declared length against the limit for its type before reading the body.
// It is used by one goroutine.
type Reader struct {
	r        *bufio.Reader
	hdr      [HeaderSize]byte
	maxFrame uint32
	small    []byte  // bodies up to MaxControlBody
	big      *[]byte // a pooled body, returned on the next Read
}

// NewReader returns a Reader that accepts BATCH bodies of up to maxFrame
// bytes (see SetMaxFrame).
func NewReader(r io.Reader, maxFrame uint32) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 4<<10), maxFrame: maxFrame}
}

// SetMaxFrame changes the largest BATCH body accepted.
func (r *Reader) SetMaxFrame(n uint32) { r.maxFrame = n }

// Read reads the next frame. A clean end of stream between frames is
// io.EOF; an end inside a frame is io.ErrUnexpectedEOF; a bad header or an
// oversized length is an *Error (the body is not read: the connection
// cannot be resynchronised and must be closed).
func (r *Reader) Read() (Frame, error) {
	r.Release()
	if _, err := io.ReadFull(r.r, r.hdr[:]); err != nil {
		return Frame{}, err
	}
	h, err := ParseHeader(r.hdr[:])
	if err != nil {
		return Frame{Header: h}, err
	}
	if limit := BodyLimit(h.Type, r.maxFrame); h.Length > limit {
		return Frame{Header: h}, errorf(CodeFrameSize, "%v frame of %d bytes is over the limit of %d bytes", h.Type, h.Length, limit)
	}
	var body []byte
	if h.Length <= MaxControlBody {
		if r.small == nil {
			r.small = make([]byte, MaxControlBody)
		}
		body = r.small[:h.Length]
	} else {
		r.big = getBuf(int(h.Length))
		body = *r.big
	}
	if _, err := io.ReadFull(r.r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return Frame{Header: h}, err
	}
	return Frame{Header: h, Body: body}, nil
}

// Release returns the last frame's body buffer to the pool early (Read
// does it anyway). The body must not be used afterwards.
func (r *Reader) Release() {
	if r.big != nil {
		putBuf(r.big)
		r.big = nil
	}
}

// Buffered reports whether bytes of a next frame are already buffered.
func (r *Reader) Buffered() int { return r.r.Buffered() }
