package main

import (
	"bytes"
	"testing"
)

// FuzzParseRecords: files handed to replay are untrusted input; reading
// them never panics, and every record found is an <Event> element.
func FuzzParseRecords(f *testing.F) {
	// Small seeds (minimizing a new input costs time in its size).
	f.Add([]byte(`<Events><Event xmlns="x"><System><EventRecordID>7</EventRecordID><Channel>Security</Channel></System></Event></Events>`))
	f.Add([]byte("<Event><System><Provider Name='P'/><TimeCreated SystemTime='2026-01-01T00:00:00Z'/></System><RenderingInfo><Message>a &amp; b</Message></RenderingInfo></Event>\n<Event/>"))
	f.Add([]byte(`{"EventTime":"2026-11-22 09:02:13","Hostname":"FS01","Keywords":"-9218868437227405312","EventID":4625,"RecordNumber":1,"Channel":"Security","Message":"m","TargetUserName":"x"}`))
	f.Add([]byte(`{"Event":{"#attributes":{"xmlns":"x"},"System":{"EventID":{"#attributes":{"Qualifiers":16384},"#text":7036},"Channel":"System"},"EventData":{"Data":{"#text":["a","b"]},"k":"v"}}}`))
	f.Add([]byte("Record 1\n{\"Event\":{\"System\":{\"EventRecordID\":1}}}\nRecord 2\n"))
	f.Add([]byte("\xff\xfe<\x00E\x00v\x00e\x00n\x00t\x00/\x00>\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := parseRecords(data)
		if err != nil {
			return
		}
		for _, r := range recs {
			if !bytes.HasPrefix(r.data, []byte("<Event")) {
				t.Fatalf("record %q", r.data)
			}
		}
	})
}
