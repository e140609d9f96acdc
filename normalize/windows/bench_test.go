package windows

import (
	"encoding/json"
	"encoding/xml"
	"testing"

	"github.com/nomenhq/nomen/normalize/internal/normtest"
)

// Lines 0 and 6 of the windows_* golden inputs are a 4624 and a 4688.
func BenchmarkDecodeSnare(b *testing.B) {
	b.Run("4624", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_snare/modern/input.txt", 0))
	})
	b.Run("4688", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_snare/modern/input.txt", 6))
	})
	b.Run("592-2003", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_legacy/snare2003/input.txt", 10))
	})
}

func BenchmarkDecodeWindowsXML(b *testing.B) {
	b.Run("4624", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_xml/security/input.txt", 0))
	})
	b.Run("4688", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_xml/security/input.txt", 6))
	})
}

func BenchmarkDecodeNXLogJSON(b *testing.B) {
	b.Run("4624", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_nxlog/vista/input.txt", 0))
	})
	b.Run("4688", func(b *testing.B) {
		normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_nxlog/vista/input.txt", 6))
	})
}

func BenchmarkDecodeWinlogbeatJSON(b *testing.B) {
	normtest.BenchDecoder(b, decodeWindows, normtest.Line(b, "windows_winlogbeat/security/input.txt", 6))
}

// The standard library readers, for comparison: only reading the
// document, none of the mapping.

type stdEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
		}
		EventID       string
		EventRecordID string
		Channel       string
		Computer      string
		TimeCreated   struct {
			SystemTime string `xml:"SystemTime,attr"`
		}
	}
	EventData struct {
		Data []struct {
			Name  string `xml:"Name,attr"`
			Value string `xml:",chardata"`
		}
	}
}

func BenchmarkStdlibXML(b *testing.B) {
	doc := []byte(normtest.Line(b, "windows_xml/security/input.txt", 6))
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		var ev stdEvent
		if err := xml.Unmarshal(doc, &ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStdlibJSONMap(b *testing.B) {
	doc := []byte(normtest.Line(b, "windows_nxlog/vista/input.txt", 6))
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			b.Fatal(err)
		}
	}
}
