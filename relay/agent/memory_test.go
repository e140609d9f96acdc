package agent

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nomenhq/nomen/relay/wire"
)

// TestConnectedAgentsMemory: 1,000 agents connected over TLS, each having
// delivered a batch and gone quiet, cost at most 64 KiB each. Both ends
// of every connection are in this process and counted, so the relay's
// share is less.
func TestConnectedAgentsMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("connects 1,000 agents")
	}
	const agents = 1000
	f := newFixture(t, nil)
	type creds struct{ cert, key string }
	issued := make([]creds, agents)
	for i := range issued {
		issued[i].cert, issued[i].key = f.pki.Client(t, fmt.Sprintf("ws%04d", i))
	}
	before := inUse()
	for i, c := range issued {
		conn, err := dialTLS(f.addr, f.pki.CAFile, c.cert, c.key)
		if err != nil {
			t.Fatal(err)
		}
		cl := newClient(t, conn)
		cl.hello(fmt.Sprintf("ws%04d", i), wire.StreamPos{Channel: "Security", Epoch: 1})
		cl.mustSend(batch(1, 1, 10))
		cl.waitAck("Security", 1, 10)
	}
	if n := f.rec.WaitCount(agents*10, 30*time.Second); n < agents*10 {
		t.Fatalf("%d events delivered, want %d", n, agents*10)
	}
	time.Sleep(100 * time.Millisecond) // every session back in its wait
	used := inUse() - before
	t.Logf("%d agents: %d KiB each (both ends, and the events the recorder keeps)", agents, used/agents>>10)
	if used > agents*64<<10 {
		t.Errorf("%d agents use %d MiB, want at most %d MiB", agents, used>>20, agents*64<<10>>20)
	}
}

// inUse is the heap and stack memory in use after a collection.
func inUse() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}
