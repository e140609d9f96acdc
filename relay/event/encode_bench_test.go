package event_test

import (
	"testing"
	"time"

	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// BenchmarkAppendJSONCorpusLine encodes the kind of event the throughput
// benchmark sends: RFC 5424 with two SD elements and no decoder fields.
func BenchmarkAppendJSONCorpusLine(b *testing.B) {
	line := []byte(`<134>1 2024-05-01T12:00:01.007919Z host001.example.net app1 1001 ID1 [meta@32473 seq="1" zone="eu-1"][origin ip="192.0.2.2"] seq=0000000001 orem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua Ut enim ad minim veniam`)
	e := event.New(time.Now())
	e.Input, e.Peer = "bench", "127.0.0.1:40000"
	parse.New(parse.Options{Location: time.UTC}).Parse(line, e)
	enc := event.Encoder{Observer: "relay1"}
	var buf []byte
	b.ReportAllocs()
	for b.Loop() {
		buf = enc.AppendJSON(buf[:0], e)
	}
	b.SetBytes(int64(len(buf)))
}
