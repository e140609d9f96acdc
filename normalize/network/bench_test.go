package network

import (
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

func BenchmarkDecodeASA(b *testing.B) {
	b.Run("106023", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeASA, `<164>Jun 30 2026 08:14:05 fw-edge-1 : %ASA-4-106023: Deny tcp src outside:203.0.113.45/51022 dst inside:10.20.30.40/3389 by access-group "OUTSIDE_IN" [0x8ed66b60, 0xf8852875]`)
	})
	b.Run("302013", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeASA, `<166>Jun 30 2026 09:00:02 fw-edge-1 : %ASA-6-302013: Built outbound TCP connection 771246 for outside:203.0.113.90/443 (203.0.113.90/443) to inside:10.20.30.55/49822 (198.51.100.2/49822)`)
	})
	b.Run("302014", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeASA, `<166>Jun 30 2026 09:00:03 fw-edge-1 : %ASA-6-302014: Teardown TCP connection 771245 for outside:203.0.113.45/51040 to dmz:192.0.2.80/443 duration 0:02:31 bytes 48213 TCP FINs`)
	})
	b.Run("envelope", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeASA, `Jun 30 11:00:03 relay fw-core[1234]: %ASA-5-111008: User 'netops' executed the 'write memory' command.`)
	})
}

func BenchmarkDecodeIOS(b *testing.B) {
	normtest.BenchDecoder(b, decodeIOS, `<190>4322: Jun 30 12:00:02.456: %SEC-6-IPACCESSLOGP: list INTERNET_IN denied udp 198.51.100.7(53) (GigabitEthernet0/0 0012.7f3a.1b2c) -> 10.20.30.5(1030), 12 packets`)
}

func BenchmarkDecodeIptables(b *testing.B) {
	normtest.BenchDecoder(b, decodeIptables, `<4>Jun 30 13:00:01 gw-1 kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.45 DST=198.51.100.2 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4321 DF PROTO=TCP SPT=51400 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0`)
}

func BenchmarkDecodeFilterlog(b *testing.B) {
	normtest.BenchDecoder(b, decodeFilterlog, `<134>Jun 30 14:00:01 filterlog[4114]: 5,,,1000000103,igb0,match,block,in,4,0x0,,241,54321,0,none,6,tcp,40,203.0.113.45,198.51.100.2,51700,3389,0,S,1234567890,,1024,,`)
}
