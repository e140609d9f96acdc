package coverage

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// goldenInputs is every golden normalization input (every vendor, a few
// lines of them unrecognised) as one log.
func goldenInputs(t testing.TB) []byte {
	t.Helper()
	inputs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "normalize", "*", "*", "input.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	var buf bytes.Buffer
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		buf.Write(data)
		if !bytes.HasSuffix(data, []byte("\n")) {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// unknownLine writes a line no decoder knows: programs a day of logs has
// beyond the decoders' (backup jobs, kernel, systemd, containers, an
// application), with varying numbers, addresses, users and ids, and a
// tail of rarer shapes.
func unknownLine(buf *bytes.Buffer, r *rand.Rand, i int) {
	hosts := []string{"web1", "web2", "db1", "nas1", "app7"}
	users := []string{"alice", "bob", "carol", "svc_backup", "deploy"}
	words := []string{"alpha", "beta", "gamma", "queue", "worker", "cache", "index", "shard", "flush", "retry"}
	ip := func() string { return fmt.Sprintf("10.%d.%d.%d", r.IntN(256), r.IntN(256), 1+r.IntN(254)) }
	hex := func(n int) string {
		b := make([]byte, n)
		for k := range b {
			b[k] = "0123456789abcdef"[r.IntN(16)]
		}
		return string(b)
	}
	s := i % 86400
	fmt.Fprintf(buf, "Jul  1 %02d:%02d:%02d %s ", s/3600, s/60%60, s%60, hosts[r.IntN(len(hosts))])
	pid := 100 + r.IntN(9900)
	switch r.IntN(12) {
	case 0:
		fmt.Fprintf(buf, "backupd[%d]: job nightly-%s finished: %d files, %d bytes in %.1fs", pid, users[r.IntN(5)], r.IntN(100000), r.IntN(1e9), r.Float64()*300)
	case 1:
		fmt.Fprintf(buf, "backupd[%d]: job offsite FAILED after %.1fs: connection refused by %s", pid, r.Float64()*60, ip())
	case 2:
		fmt.Fprintf(buf, "kernel: [%d.%06d] eth0: link up, 1000Mbps, full-duplex, lpa 0x%s", r.IntN(1e6), r.IntN(1e6), hex(4))
	case 3:
		fmt.Fprintf(buf, "systemd[1]: Started Session %d of user %s.", r.IntN(1e5), users[r.IntN(5)])
	case 4:
		fmt.Fprintf(buf, "systemd[1]: logrotate.service: Succeeded. Consumed %dms CPU time.", r.IntN(1000))
	case 5:
		fmt.Fprintf(buf, `dockerd[%d]: time="2026-07-01T12:%02d:%02d.%09dZ" level=info msg="ignoring event" container=%s module=libcontainerd namespace=moby`, pid, r.IntN(60), r.IntN(60), r.IntN(1e9), hex(64))
	case 6:
		fmt.Fprintf(buf, "app[%d]: GET /api/v1/items/%d?page=%d 200 %dms user=%s", pid, r.IntN(1e6), r.IntN(50), r.IntN(2000), users[r.IntN(5)])
	case 7:
		fmt.Fprintf(buf, "redis-server[%d]: %d changes in %d seconds. Saving...", pid, r.IntN(10000), r.IntN(3600))
	case 8:
		fmt.Fprintf(buf, "ntpd[%d]: adjusting local clock by %.6fs", pid, r.Float64())
	case 9:
		fmt.Fprintf(buf, "rsyncd[%d]: rsync to backup/%s from %s (%s)", pid, words[r.IntN(len(words))], hosts[r.IntN(5)], ip())
	case 10:
		fmt.Fprintf(buf, "smartd[%d]: Device: /dev/sd%c [SAT], SMART Usage Attribute: 194 Temperature_Celsius changed from %d to %d", pid, 'a'+r.IntN(4), 30+r.IntN(20), 30+r.IntN(20))
	default: // the tail: word combinations make new shapes
		fmt.Fprintf(buf, "worker[%d]: %s %s %s took %dms (id %s-%s-%s-%s-%s)", pid, words[r.IntN(10)], words[r.IntN(10)], words[r.IntN(10)], r.IntN(5000), hex(8), hex(4), hex(4), hex(4), hex(12))
	}
	buf.WriteByte('\n')
}

// mixedLog is n lines: the golden inputs over and over, with one line in
// about seven (15%) one that no decoder knows, interleaved as in a day of
// logs; the same for the same n.
func mixedLog(t testing.TB, n int) []byte {
	t.Helper()
	golden := bytes.SplitAfter(goldenInputs(t), []byte("\n"))
	r := rand.New(rand.NewPCG(14, 14))
	var buf bytes.Buffer
	g := 0
	for i := range n {
		if r.IntN(100) < 15 {
			unknownLine(&buf, r, i)
			continue
		}
		for len(golden[g%len(golden)]) <= 1 { // the empty tail of the split
			g++
		}
		buf.Write(golden[g%len(golden)])
		g++
	}
	return buf.Bytes()
}
