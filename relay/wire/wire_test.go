package wire

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

var testLimits = Limits{MaxFrame: 4 << 20, MaxBatchRecords: 10000, MaxBatchBytes: 4 << 20, MaxRecord: 256 << 10, MaxRatio: 64}

// readAll reads every frame of b, through a reader that returns one byte
// at a time (every partial-read path of Reader is taken).
func readAll(t *testing.T, b []byte) []Frame {
	t.Helper()
	r := NewReader(iotest.OneByteReader(bytes.NewReader(b)), testLimits.MaxFrame)
	var out []Frame
	for {
		f, err := r.Read()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("read frame %d: %v", len(out), err)
		}
		f.Body = bytes.Clone(f.Body)
		out = append(out, f)
	}
}

func TestControlFramesRoundTrip(t *testing.T) {
	hello := Hello{AgentID: "ws01.corp.example", Host: "WS01", OS: "windows 10.0.20348", AgentVersion: "1.0.0",
		Streams: []StreamPos{{"Security", 133456789012345678, 1042}, {"System", 7, 0}}}
	welcome := Welcome{Relay: "nomen 1.0", Limits: testLimits, KeepaliveMillis: 5000,
		Streams: []StreamPos{{"Security", 133456789012345678, 1077}, {"System", 7, 0}}}
	ack := Ack{Channel: "Security", Epoch: 3, Seq: 1077}
	gap := Gap{Channel: "Security", Epoch: 3, Reason: GapCleared, First: 1078, Last: 1200, ClearRecord: 1201,
		UnixNano: 1790000000123456789, Detail: "log cleared by CORP\\mallory"}
	ping := Ping{Token: 42}
	ef := ErrorFrame{Code: CodeChecksum, Msg: "bad block"}
	bye := Bye{Reason: "agent stopping"}

	var b []byte
	b = hello.AppendFrame(b)
	b = welcome.AppendFrame(b)
	b = ack.AppendFrame(b)
	b = gap.AppendFrame(b)
	b = ping.AppendFrame(b, false)
	b = ping.AppendFrame(b, true)
	b = ef.AppendFrame(b)
	b = bye.AppendFrame(b)

	frames := readAll(t, b)
	wantTypes := []Type{TypeHello, TypeWelcome, TypeAck, TypeGap, TypePing, TypePong, TypeError, TypeBye}
	if len(frames) != len(wantTypes) {
		t.Fatalf("got %d frames, want %d", len(frames), len(wantTypes))
	}
	for i, f := range frames {
		if f.Type != wantTypes[i] || f.Version != Version || f.Flags != 0 || int(f.Length) != len(f.Body) {
			t.Errorf("frame %d header %+v", i, f.Header)
		}
	}
	var (
		h2 Hello
		w2 Welcome
		a2 Ack
		g2 Gap
		p2 Ping
		e2 ErrorFrame
		y2 Bye
	)
	decoders := []struct {
		dec  func([]byte) error
		got  any
		want any
	}{
		{h2.Decode, &h2, &hello}, {w2.Decode, &w2, &welcome}, {a2.Decode, &a2, &ack}, {g2.Decode, &g2, &gap},
		{p2.Decode, &p2, &ping}, {p2.Decode, &p2, &ping}, {e2.Decode, &e2, &ef}, {y2.Decode, &y2, &bye},
	}
	for i, d := range decoders {
		if err := d.dec(frames[i].Body); err != nil {
			t.Fatalf("decode %v: %v", frames[i].Type, err)
		}
		if !reflect.DeepEqual(d.got, d.want) {
			t.Errorf("%v: got %+v, want %+v", frames[i].Type, d.got, d.want)
		}
	}
}

// TestGoldenAck pins the bytes of one frame: README.md shows the same
// example, so the specification and the code cannot drift apart.
func TestGoldenAck(t *testing.T) {
	a := Ack{Channel: "Security", Epoch: 7, Seq: 1042}
	got := hex.EncodeToString(a.AppendFrame(nil))
	want := strings.Join([]string{
		"4e41", "01", "04", "0000", "0000001a", // magic "NA", version 1, ACK, no flags, 26-byte body
		"0008", hex.EncodeToString([]byte("Security")), // channel
		"0000000000000007", // epoch 7
		"0000000000000412", // record id 1042
	}, "")
	if got != want {
		t.Errorf("ACK frame\n got %s\nwant %s", got, want)
	}
}

func TestHeaderErrors(t *testing.T) {
	good := (&Ping{Token: 1}).AppendFrame(nil, false)
	cases := []struct {
		name  string
		patch func(b []byte)
		code  Code
	}{
		{"magic", func(b []byte) { b[0] = 0x16 }, CodeMalformed}, // a TLS ClientHello on a plaintext port
		{"version", func(b []byte) { b[2] = 2 }, CodeVersion},
		{"type", func(b []byte) { b[3] = 0 }, CodeMalformed},
		{"type high", func(b []byte) { b[3] = 10 }, CodeMalformed},
		{"flags", func(b []byte) { b[5] = 1 }, CodeMalformed},
		{"length", func(b []byte) { binary.BigEndian.PutUint32(b[6:], MaxControlBody+1) }, CodeFrameSize},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := bytes.Clone(good)
			c.patch(b)
			_, err := NewReader(bytes.NewReader(b), 1<<20).Read()
			if CodeOf(err) != c.code {
				t.Fatalf("got %v, want code %v", err, c.code)
			}
		})
	}
}

// An oversized frame is refused from its header alone: the reader never
// waits for (or allocates) the body.
func TestOversizedBatchRefusedBeforeBody(t *testing.T) {
	hdr := appendHeader(nil, TypeBatch, FlagLZ4)
	binary.BigEndian.PutUint32(hdr[6:], 5<<20)
	r := NewReader(io.MultiReader(bytes.NewReader(hdr), blockingReader{}), 4<<20)
	_, err := r.Read()
	var we *Error
	if !errors.As(err, &we) || we.Code != CodeFrameSize {
		t.Fatalf("got %v, want a frame_size error", err)
	}
}

// blockingReader fails the test by returning an error if it is read at all.
type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { return 0, errors.New("body was read") }

func TestTruncatedFrame(t *testing.T) {
	b := (&Bye{Reason: "x"}).AppendFrame(nil)
	_, err := NewReader(bytes.NewReader(b[:len(b)-1]), 1<<20).Read()
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
	_, err = NewReader(bytes.NewReader(b[:4]), 1<<20).Read()
	if err != io.ErrUnexpectedEOF {
		t.Fatalf("short header: got %v, want io.ErrUnexpectedEOF", err)
	}
}

func TestControlDecodeErrors(t *testing.T) {
	body := func(f []byte) []byte { return f[HeaderSize:] }
	longName := strings.Repeat("a", MaxName+1)
	cases := []struct {
		name string
		dec  func([]byte) error
		body []byte
		code Code
	}{
		{"hello empty id", new(Hello).Decode, body((&Hello{}).AppendFrame(nil)), CodeMalformed},
		{"hello long id", new(Hello).Decode, body((&Hello{AgentID: longName}).AppendFrame(nil)), CodeLimit},
		{"hello control char", new(Hello).Decode, body((&Hello{AgentID: "a\nb"}).AppendFrame(nil)), CodeMalformed},
		{"hello bad utf8", new(Hello).Decode, body((&Hello{AgentID: "a\xffb"}).AppendFrame(nil)), CodeMalformed},
		{"hello epoch 0", new(Hello).Decode, body((&Hello{AgentID: "a", Streams: []StreamPos{{"Security", 0, 1}}}).AppendFrame(nil)), CodeMalformed},
		{"hello dup stream", new(Hello).Decode, body((&Hello{AgentID: "a", Streams: []StreamPos{{"S", 1, 1}, {"S", 1, 2}}}).AppendFrame(nil)), CodeMalformed},
		{"hello trailing", new(Hello).Decode, append(body((&Hello{AgentID: "a"}).AppendFrame(nil)), 0), CodeMalformed},
		{"hello truncated", new(Hello).Decode, body((&Hello{AgentID: "abc"}).AppendFrame(nil))[:4], CodeMalformed},
		{"welcome zero limits", new(Welcome).Decode, body((&Welcome{KeepaliveMillis: 1}).AppendFrame(nil)), CodeMalformed},
		{"gap reason", new(Gap).Decode, body((&Gap{Channel: "S", Epoch: 1, Reason: 9, First: 1, Last: 2}).AppendFrame(nil)), CodeMalformed},
		{"gap range", new(Gap).Decode, body((&Gap{Channel: "S", Epoch: 1, Reason: GapOverwritten, First: 5, Last: 2}).AppendFrame(nil)), CodeSequence},
		{"gap first 0", new(Gap).Decode, body((&Gap{Channel: "S", Epoch: 1, Reason: GapOverwritten, First: 0, Last: 2}).AppendFrame(nil)), CodeSequence},
		{"ack no channel", new(Ack).Decode, body((&Ack{Epoch: 1}).AppendFrame(nil)), CodeMalformed},
		{"ping short", new(Ping).Decode, []byte{1, 2, 3}, CodeMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.dec(c.body)
			if err == nil || CodeOf(err) != c.code {
				t.Fatalf("got %v, want code %v", err, c.code)
			}
		})
	}
	// A gap to the end of the epoch is valid.
	g := Gap{Channel: "S", Epoch: 1, Reason: GapCleared, First: 9, Last: EndOfEpoch}
	if err := new(Gap).Decode(body(g.AppendFrame(nil))); err != nil {
		t.Fatalf("gap to end of epoch: %v", err)
	}
}

func TestErrorMessageTruncated(t *testing.T) {
	long := strings.Repeat("é", MaxText) // 2 bytes each
	f := (&ErrorFrame{Code: CodeLimit, Msg: long}).AppendFrame(nil)
	var e ErrorFrame
	if err := e.Decode(f[HeaderSize:]); err != nil {
		t.Fatal(err)
	}
	if len(e.Msg) != MaxText || !strings.HasPrefix(long, e.Msg) {
		t.Fatalf("message of %d bytes", len(e.Msg))
	}
}

func TestCodes(t *testing.T) {
	for c := CodeMalformed; c <= CodeTimeout; c++ {
		if strings.HasPrefix(c.String(), "code_") {
			t.Errorf("code %d has no name", c)
		}
	}
	if !CodeUnavailable.Retryable() || CodeIdentity.Retryable() {
		t.Error("Retryable")
	}
	if CodeOf(errors.New("x")) != CodeMalformed || CodeOf(errorf(CodeLimit, "x")) != CodeLimit {
		t.Error("CodeOf")
	}
}
