package natsin

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/appendfile"
	"github.com/nomenhq/nomen/relay/event"
)

// deadLetter is the file of a nats listener's malformed messages, one JSON
// object per line:
//
//	{"@timestamp":"...","listener":"bus","stream":"NOMEN","stream_sequence":42,"subject":"nomen.events.x","msg_id":"...","error":"...","data":"<the message>"}
//
// The message is acknowledged (terminated) once written, so it is never
// delivered again; it also stays in the stream until the stream's limits
// remove it (`nats stream get STREAM <stream_sequence>`). nomen never
// deletes the file; once it reaches its size limit, writes fail and the
// message waits in the stream (delivered again after a minute) until the
// file is moved away.
type deadLetter struct {
	path     string
	maxBytes int64

	mu   sync.Mutex
	file *appendfile.File // created on first use
}

var errDeadLetterFull = errors.New("dead-letter file full")

// deadRecord is one malformed message and why.
type deadRecord struct {
	stream, subject, msgID string
	seq                    uint64
	reason                 error
	data                   []byte
}

func (d *deadLetter) write(listener string, now time.Time, r deadRecord) error {
	b := []byte(`{"@timestamp":"`)
	b = event.AppendTime(b, now)
	b = append(b, `","listener":`...)
	b = event.AppendJSONString(b, listener)
	b = append(b, `,"stream":`...)
	b = event.AppendJSONString(b, r.stream)
	b = append(b, `,"stream_sequence":`...)
	b = strconv.AppendUint(b, r.seq, 10)
	b = append(b, `,"subject":`...)
	b = event.AppendJSONString(b, r.subject)
	b = append(b, `,"msg_id":`...)
	b = event.AppendJSONString(b, r.msgID)
	b = append(b, `,"error":`...)
	b = event.AppendJSONString(b, r.reason.Error())
	b = append(b, `,"data":`...)
	b = event.AppendJSONString(b, string(r.data))
	b = append(b, "}\n"...)

	d.mu.Lock()
	defer d.mu.Unlock()
	if d.file == nil {
		d.file = appendfile.New(d.path)
	}
	size, err := d.file.Size()
	if err != nil {
		return fmt.Errorf("dead letter: %w", err)
	}
	if size > 0 && size+int64(len(b)) > d.maxBytes {
		return fmt.Errorf("%w: %s reached dead_letter_max_bytes (%d); move it away", errDeadLetterFull, d.path, d.maxBytes)
	}
	if err := d.file.Write(b); err != nil {
		return fmt.Errorf("dead letter %w", err)
	}
	return nil
}

func (d *deadLetter) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.file == nil {
		return nil
	}
	return d.file.Close()
}
