package normalize

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenLine returns line n (0-based) of a golden input file.
func goldenLine(b *testing.B, path string, n int) string {
	b.Helper()
	data, err := os.ReadFile(filepath.Join(goldenRoot, path))
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(string(data), "\n")[n]
}

// Lines 0 and 6 of the windows_* golden inputs are a 4624 and a 4688.
func BenchmarkDecodeSnare(b *testing.B) {
	b.Run("4624", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_snare/modern/input.txt", 0)) })
	b.Run("4688", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_snare/modern/input.txt", 6)) })
	b.Run("592-2003", func(b *testing.B) {
		benchDecoder(b, decodeWindows, goldenLine(b, "windows_legacy/snare2003/input.txt", 10))
	})
}

func BenchmarkDecodeWindowsXML(b *testing.B) {
	b.Run("4624", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_xml/security/input.txt", 0)) })
	b.Run("4688", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_xml/security/input.txt", 6)) })
}

func BenchmarkDecodeNXLogJSON(b *testing.B) {
	b.Run("4624", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_nxlog/vista/input.txt", 0)) })
	b.Run("4688", func(b *testing.B) { benchDecoder(b, decodeWindows, goldenLine(b, "windows_nxlog/vista/input.txt", 6)) })
}

func BenchmarkDecodeWinlogbeatJSON(b *testing.B) {
	benchDecoder(b, decodeWindows, goldenLine(b, "windows_winlogbeat/security/input.txt", 6))
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
	doc := []byte(goldenLine(b, "windows_xml/security/input.txt", 6))
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
	doc := []byte(goldenLine(b, "windows_nxlog/vista/input.txt", 6))
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for i := 0; i < b.N; i++ {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			b.Fatal(err)
		}
	}
}
