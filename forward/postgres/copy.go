package postgres

import (
	"context"
	"encoding/binary"
	"io"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nomenhq/nomen/relay/event"
)

// The rows go to the server in PostgreSQL's binary COPY format, encoded
// here rather than by pgx's generic CopyFrom: that one plans and encodes
// every value through interfaces and reflection, boxing each into an any
// and allocating for most, which cost more client CPU than everything
// else the output does. The columns' types are fixed (the schema is
// nomen's), so each is written directly.
//
// The stream (see "COPY" in PostgreSQL's documentation, binary format):
// a header, then per row the number of fields and each field as an int32
// length (-1: NULL) and the value in the type's binary ("send") format,
// then an int16 -1 trailer. Integers are big-endian.

// copyHeader is the signature, the flags (no OIDs) and the length of the
// header extension (none).
var copyHeader = []byte("PGCOPY\n\377\r\n\x00" + "\x00\x00\x00\x00" + "\x00\x00\x00\x00")

// copyStatement is the COPY statement for the columns of copyColumns, in
// that order (appendRow writes them so).
func copyStatement(schema string) string {
	cols := make([]string, len(copyColumns))
	for i, c := range copyColumns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	return "COPY " + pgx.Identifier{schema, "events_data"}.Sanitize() + " (" + strings.Join(cols, ", ") +
		") FROM STDIN WITH (FORMAT binary)"
}

// copyLane is one connection writing a part of a batch, with its own
// rows and encoding scratch: lanes prepare, resolve and COPY their parts
// at the same time.
type copyLane struct {
	rowBatch
	conn   *pgx.Conn
	enc    event.Encoder // Omit: omit
	cur    *pgRow        // the row whose document enc is writing
	stream copyReader
}

// copyRows sends rows with the COPY statement sql.
func (l *copyLane) copyRows(ctx context.Context, sql string, rows []pgRow) error {
	l.stream.reset(l, rows)
	// pgconn reads the stream in its own goroutine and has stopped
	// reading when CopyFrom returns, error or not: the scratch is ours again.
	_, err := l.conn.PgConn().CopyFrom(ctx, &l.stream, sql)
	l.stream.rows = nil // no references into the batch's events
	return err
}

// copyReader is the COPY stream of a lane's rows, encoded as pgconn reads
// it, one chunk (64 KiB) at a time: the client encodes the next rows while
// the server works on the ones already sent, and the buffer stays the size
// of a chunk rather than of the batch.
type copyReader struct {
	l    *copyLane
	rows []pgRow
	next int    // the next row to encode
	buf  []byte // encoded; buf[off:] not read yet
	off  int
	end  bool // the trailer is in buf
}

// maxCopyBuf: a buffer that an unusually large row grew beyond this is
// not kept for the next batch.
const maxCopyBuf = 1 << 20

func (c *copyReader) reset(l *copyLane, rows []pgRow) {
	if cap(c.buf) > maxCopyBuf {
		c.buf = nil
	}
	c.l, c.rows, c.next, c.off, c.end = l, rows, 0, 0, false
	c.buf = append(c.buf[:0], copyHeader...)
}

func (c *copyReader) Read(p []byte) (int, error) {
	if c.off > 0 { // keep what the last read left: at most part of one row
		c.buf = c.buf[:copy(c.buf, c.buf[c.off:])]
		c.off = 0
	}
	for len(c.buf) < len(p) && !c.end {
		if c.next < len(c.rows) {
			c.buf = c.l.appendRow(c.buf, &c.rows[c.next])
			c.next++
		} else {
			c.buf = binary.BigEndian.AppendUint16(c.buf, 0xffff) // trailer: field count -1
			c.end = true
		}
	}
	n := copy(p, c.buf)
	c.off = n
	if c.end && n == len(c.buf) {
		return n, io.EOF
	}
	return n, nil
}

// appendRow appends r as one COPY row: the columns of copyColumns, in order.
func (l *copyLane) appendRow(b []byte, r *pgRow) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(copyColumns)))
	b = appendTimestamptz(b, r.time)
	if r.received.IsZero() {
		b = appendNull(b)
	} else {
		b = appendTimestamptz(b, r.received)
	}
	b = appendInt8(b, int64(r.journal))
	for _, k := range [...]int{dictHost, dictUser, dictProgram, dictCategory, dictAction, dictObserver} {
		b = appendID(b, r.ids[k])
	}
	b = appendText(b, r.outcome, r.outcome != "")
	b = appendInet(b, r.ip)
	b = appendID(b, r.ids[dictTemplate])
	if r.hasTmpl {
		b = appendTextArray(b, r.params)
	} else {
		b = appendNull(b)
	}
	if r.flags&flagPri != 0 {
		b = appendInt2(b, r.pri)
	} else {
		b = appendNull(b)
	}
	b = appendText(b, r.rawHead, r.hasHead)
	b = appendText(b, r.raw, r.hasRaw)
	b = appendInt2(b, r.flags)
	b = appendNS(b, r.timeNS)
	b = appendNS(b, r.recvNS)
	return l.appendDoc(b, r)
}

// appendDoc appends the row's document as a jsonb field: the ECS document
// without what the row's columns hold, written straight into the stream.
func (l *copyLane) appendDoc(b []byte, r *pgRow) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 1) // the length, set below; jsonb format version 1
	l.cur = r
	b = l.enc.AppendJSON(b, r.ev)
	l.cur = nil
	fixJSONNul(b[start+5:])
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}

func appendNull(b []byte) []byte { return binary.BigEndian.AppendUint32(b, 0xffffffff) }

func appendInt2(b []byte, v int16) []byte {
	b = binary.BigEndian.AppendUint32(b, 2)
	return binary.BigEndian.AppendUint16(b, uint16(v))
}

// appendNS appends nanoseconds beyond the microsecond, NULL for none.
func appendNS(b []byte, ns int16) []byte {
	if ns == 0 {
		return appendNull(b)
	}
	return appendInt2(b, ns)
}

func appendInt8(b []byte, v int64) []byte {
	b = binary.BigEndian.AppendUint32(b, 8)
	return binary.BigEndian.AppendUint64(b, uint64(v))
}

// appendID appends a dictionary id (integer), NULL for 0.
func appendID(b []byte, id int64) []byte {
	if id == 0 {
		return appendNull(b)
	}
	b = binary.BigEndian.AppendUint32(b, 4)
	return binary.BigEndian.AppendUint32(b, uint32(int32(id)))
}

// appendText appends s (valid UTF-8 without NUL: see pgText), NULL unless ok.
func appendText(b []byte, s string, ok bool) []byte {
	if !ok {
		return appendNull(b)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// pgEpochMicros is 2000-01-01 UTC, PostgreSQL's epoch, in Unix microseconds.
const pgEpochMicros = 946684800 * 1000000

// appendTimestamptz appends t as microseconds since PostgreSQL's epoch,
// truncating finer digits as pgx did (UnixMicro rounds toward the past).
func appendTimestamptz(b []byte, t time.Time) []byte {
	return appendInt8(b, t.UnixMicro()-pgEpochMicros)
}

// appendInet appends ip as an inet holding one address (NULL if invalid):
// family (PostgreSQL's PGSQL_AF_INET 2, PGSQL_AF_INET6 3), prefix bits,
// is_cidr 0, address length, address.
func appendInet(b []byte, ip netip.Addr) []byte {
	switch {
	case !ip.IsValid():
		return appendNull(b)
	case ip.Is4():
		a := ip.As4()
		b = binary.BigEndian.AppendUint32(b, 4+4)
		b = append(b, 2, 32, 0, 4)
		return append(b, a[:]...)
	default:
		a := ip.As16()
		b = binary.BigEndian.AppendUint32(b, 4+16)
		b = append(b, 3, 128, 0, 16)
		return append(b, a[:]...)
	}
}

// textOID is the type of the params array's elements; the server checks it.
const textOID = 25

// appendTextArray appends items as a one-dimensional text[] without NULLs
// (an empty one for no items): dimensions, has-nulls flag, element type,
// then the dimension's length and lower bound, then the elements.
func appendTextArray(b []byte, items []string) []byte {
	start := len(b)
	b = append(b, 0, 0, 0, 0) // the length, set below
	b = binary.BigEndian.AppendUint32(b, 1)
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint32(b, textOID)
	b = binary.BigEndian.AppendUint32(b, uint32(len(items)))
	b = binary.BigEndian.AppendUint32(b, 1)
	for _, s := range items {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
	return b
}
