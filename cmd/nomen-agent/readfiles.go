package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"unicode/utf16"

	"github.com/nomenhq/nomen/relay/wire"
)

// fileRecord is one event read from a file, rendered as Windows event XML.
type fileRecord struct {
	channel  string
	seq      uint64 // EventRecordID; 0 when the record had none
	computer string
	data     []byte
}

// readRecordFile reads the events of one file: Windows event XML (one or
// many <Event> elements, bare as wevtutil writes them or wrapped in
// <Events> as Event Viewer saves them; UTF-8 or UTF-16) or JSON (NXLog
// im_msvistalog records, or evtx_dump records: one per line, concatenated,
// or evtx_dump's "Record N" text output).
func readRecordFile(path string) ([]fileRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	recs, err := parseRecords(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

func parseRecords(data []byte) ([]fileRecord, error) {
	data = toUTF8(data)
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	switch {
	case len(trimmed) == 0:
		return nil, nil
	case trimmed[0] == '<':
		return parseXMLRecords(data)
	case trimmed[0] == '{' || bytes.HasPrefix(trimmed, []byte("Record ")):
		return parseJSONRecords(data)
	}
	return nil, errors.New("neither Windows event XML nor JSON records")
}

// toUTF8 strips a UTF-8 byte order mark and converts UTF-16 (with a BOM,
// as PowerShell redirection writes it) to UTF-8.
func toUTF8(b []byte) []byte {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		order = binary.LittleEndian
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		order = binary.BigEndian
	default:
		return b
	}
	b = b[2:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return []byte(string(utf16.Decode(u)))
}

// parseXMLRecords cuts every outermost <Event> element out of the text,
// byte for byte: what the agent sends is what the file holds.
func parseXMLRecords(data []byte) ([]fileRecord, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	// The text is UTF-8 by now, whatever the declaration says (UTF-16 files
	// were converted above).
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var recs []fileRecord
	depth, start, startDepth := 0, int64(-1), 0
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			line, _ := d.InputPos()
			return nil, fmt.Errorf("XML line %d: %w", line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "Event" && start < 0 {
				start, startDepth = off, depth
			}
		case xml.EndElement:
			depth--
			if start >= 0 && depth == startDepth-1 {
				raw := bytes.Clone(data[start:d.InputOffset()])
				recs = append(recs, xmlRecord(raw))
				start = -1
			}
		}
	}
	if len(recs) == 0 {
		return nil, errors.New("no <Event> elements")
	}
	return recs, nil
}

func xmlRecord(raw []byte) fileRecord {
	s := string(raw)
	seq, _ := wire.RecordID(s)
	return fileRecord{channel: wire.RecordChannel(s), seq: seq, computer: wire.RecordComputer(s), data: raw}
}

var evtxDumpHeader = regexp.MustCompile(`(?m)^Record \d+\r?$`)

// parseJSONRecords decodes a stream of JSON objects and converts each to
// the XML form.
func parseJSONRecords(data []byte) ([]fileRecord, error) {
	data = evtxDumpHeader.ReplaceAll(data, nil)
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var recs []fileRecord
	for n := 1; ; n++ {
		v, err := decodeOrdered(d)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("JSON record %d: %w", n, err)
		}
		obj, ok := v.(jsonObject)
		if !ok {
			return nil, fmt.Errorf("JSON record %d: not an object", n)
		}
		var raw []byte
		if ev, ok := obj.get("Event"); ok && len(obj) == 1 {
			evo, ok := ev.(jsonObject)
			if !ok {
				return nil, fmt.Errorf("JSON record %d: \"Event\" is not an object", n)
			}
			raw = evtxDumpToXML(evo)
		} else {
			raw = nxlogToXML(obj)
		}
		recs = append(recs, xmlRecord(raw))
	}
	return recs, nil
}

// jsonObject keeps the keys of a JSON object in order: EventData fields
// are rendered in the order the file has them.
type jsonObject []jsonMember

type jsonMember struct {
	key string
	val any // string (also numbers, as text), bool, nil, jsonObject, []any
}

func (o jsonObject) get(key string) (any, bool) {
	for _, m := range o {
		if m.key == key {
			return m.val, true
		}
	}
	return nil, false
}

// decodeOrdered decodes one JSON value, keeping object key order. io.EOF
// means there was no value; an end inside one is io.ErrUnexpectedEOF.
func decodeOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	v, err := decodeFrom(d, tok)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return v, err
}

func decodeFrom(d *json.Decoder, tok json.Token) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var obj jsonObject
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := decodeNested(d)
				if err != nil {
					return nil, err
				}
				obj = append(obj, jsonMember{key, v})
			}
			_, err := d.Token() // '}'
			return obj, err
		case '[':
			var arr []any
			for d.More() {
				v, err := decodeNested(d)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			_, err := d.Token() // ']'
			return arr, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		return t.String(), nil
	case string, bool, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

func decodeNested(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	return decodeFrom(d, tok)
}
