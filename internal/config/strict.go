package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// Decode decodes TOML strictly: a syntax error names its line, and every key
// that nothing decoded (a typo, a key of another section, a removed option)
// is an error naming the key and the line it is on, the valid key it is
// closest to and the keys its table takes (from v's toml tags, or v's
// TableKeys for tables decoded later).
//
// decode receives the metadata and does the actual decoding (so callers can
// decode parts of the document as toml.Primitive and finish them by type,
// the way [[output]] tables are decoded by their `type`).
//
// Each error starts "name:LINE: " (name: when no line is known), the form
// compilers use and editors jump to, one error a line; a value that does
// not decode (a bad duration, in the main document or in a part finish
// decodes) says "name:LINE: KEY: message", the context finish wrapped it
// in kept ("listener \"x\": "). finish's errors (each of an
// errors.Join) and the unknown keys are reported together.
func Decode(name string, data []byte, v any, finish func(md *toml.MetaData) error) error {
	return decode(name, data, v, finish, nil)
}

// At is the start of a message about line of the file name: "name:line"
// (just name for line 0). Config errors, at check, start-up and reload
// alike, are At(...) + ": " + message.
func At(name string, line int) string {
	if line > 0 {
		return fmt.Sprintf("%s:%d", name, line)
	}
	return name
}

// DecodeFreeForm is Decode for documents with free-form tables (a map of
// any keys, such as a user rule's `fields`): an undecoded key for which
// free returns true is not an error. BurntSushi/toml leaves the dotted keys
// written inside such a table undecoded although the map received them.
func DecodeFreeForm(name string, data []byte, v any, free func(toml.Key) bool) error {
	return decode(name, data, v, nil, free)
}

func decode(name string, data []byte, v any, finish func(md *toml.MetaData) error, free func(toml.Key) bool) error {
	at := func(line int) string { return At(name, line) }
	var msgs []string // one per line: each may list many valid keys
	var extraUndecoded []toml.Key
	reported := map[string]bool{} // keys reported, or whose value was: not the keys inside
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(v)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) && !parses(data) {
			return fmt.Errorf("%s: %s", at(pe.Position.Line), pe.Message) // syntax: the last key may be a line before
		}
		verr, ok := valueError(err, at)
		if !ok {
			return fmt.Errorf("%s: %w", name, err)
		}
		// Decode the rest too, so every problem is reported at once.
		each, bad, unknown, failed, ok := decodeEach(data, v, at)
		if !ok || len(bad) == 0 {
			return verr
		}
		md, msgs, extraUndecoded = each, bad, unknown
		for _, k := range failed {
			reported[k.String()] = true
		}
	}
	if finish != nil {
		if err := finish(&md); err != nil {
			for _, err := range joined(err) {
				if verr, ok := valueError(err, at); ok {
					msgs = append(msgs, verr.Error())
				} else {
					msgs = append(msgs, fmt.Sprintf("%s: %v", name, err))
				}
			}
		}
	}
	skip, _ := v.(SkipUndecoded)
	if und := inDocumentOrder(md, md.Undecoded(), extraUndecoded); len(und) > 0 {
		for _, k := range und {
			if free != nil && free(k) || skip != nil && skip.SkipUndecoded(k) {
				continue
			}
			if reported[k.String()] || underReported(k, reported) {
				continue // the keys inside a misspelt table: its own error says it all
			}
			reported[k.String()] = true
			msg := fmt.Sprintf("%s: unknown key %q", at(findKeyLine(data, k)), k.String())
			if hint := unknownKeyHint(v, k); hint != "" {
				msg += ": " + hint
			}
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) > 0 {
		return errors.New(strings.Join(msgs, "\n"))
	}
	return nil
}

// inDocumentOrder is the keys of a and b in the order they are written,
// so that a table comes before its keys (underReported leaves those out)
// and the messages go by line.
func inDocumentOrder(md toml.MetaData, a, b []toml.Key) []toml.Key {
	if len(b) == 0 {
		return a
	}
	in := make(map[string]bool, len(a)+len(b))
	for _, k := range append(a, b...) {
		in[k.String()] = true
	}
	var keys []toml.Key
	for _, k := range md.Keys() {
		if in[k.String()] {
			keys = append(keys, k)
		}
	}
	return keys
}

// SkipUndecoded is implemented by a decoded type whose finish could not
// decode some tables (it reported why): an undecoded key there is not
// reported unknown, since whether it is valid is not known yet (the keys
// of an [[output]] of a misspelt type).
type SkipUndecoded interface {
	SkipUndecoded(key toml.Key) bool
}

// joined is err's errors when it joins several (errors.Join: finish
// reports every part that did not decode), else err alone.
func joined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// reValueErr is BurntSushi/toml's error for a value that does not decode
// into its field (a bad duration, a string for a number), after the
// context a caller wrapped it in (`listener "x": `).
var reValueErr = regexp.MustCompile(`(?s)^(.*?)toml: line (\d+) \(last key "([^"]*)"\): (.*)$`)

// tomlValueErr is such an error taken apart: the context, the line, the
// whole dotted key and the message.
type tomlValueErr struct {
	context string
	line    int
	key     string
	msg     string
}

func parseValueErr(err error) (tomlValueErr, bool) {
	m := reValueErr.FindStringSubmatch(err.Error())
	if m == nil {
		return tomlValueErr{}, false
	}
	line, _ := strconv.Atoi(m[2])
	return tomlValueErr{context: m[1], line: line, key: m[3], msg: m[4]}, true
}

// format is at(LINE) + ": " + context + KEY + ": " + message.
func (v tomlValueErr) format(at func(int) string) string {
	return fmt.Sprintf("%s: %s%s: %s", at(v.line), v.context, v.key, v.msg)
}

// valueError rewrites such an error in tomlValueErr.format's form.
func valueError(err error, at func(int) string) (error, bool) {
	v, ok := parseValueErr(err)
	if !ok {
		return nil, false
	}
	return errors.New(v.format(at)), true
}

// parses reports whether data is valid TOML, to tell a syntax error from
// a value that does not decode (both are toml.ParseError); only called on
// the error path.
func parses(data []byte) bool {
	var m map[string]any
	_, err := toml.Decode(string(data), &m)
	return err == nil
}

// underReported reports whether a key that contains k is in reported.
func underReported(k toml.Key, reported map[string]bool) bool {
	for i := 1; i < len(k); i++ {
		if reported[k[:i].String()] {
			return true
		}
	}
	return false
}

// entryKeyLine finds the line of "key =" in the n-th (from 0) [[table]]
// of data, before the next table header, or in the n-th entry of the
// array when it is written inline (inlineEntryKeyLine); 0 when there is
// none.
func entryKeyLine(data []byte, table string, n int, key string) int {
	if line := inlineEntryKeyLine(data, table, n, key); line > 0 {
		return line
	}
	header := regexp.MustCompile(`^\s*\[\[\s*` + regexp.QuoteMeta(table) + `\s*\]\]`)
	assign := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(key) + `"?\s*=`)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line, entry, in := 0, -1, false
	for sc.Scan() {
		line++
		text := sc.Text()
		switch {
		case header.MatchString(text):
			entry++
			in = entry == n
		case strings.HasPrefix(strings.TrimSpace(text), "["):
			in = false
		case in && assign.MatchString(text):
			return line
		}
	}
	return 0
}

// findKeyLine finds the line on which key is defined: the last segment as
// "name =" (or inline "name =" inside braces) after the line that opens
// its table, or a table header naming it. BurntSushi/toml keeps positions
// only internally, so we look the key up in the text.
func findKeyLine(data []byte, key toml.Key) int {
	if len(key) == 0 {
		return 0
	}
	last := regexp.QuoteMeta(key[len(key)-1])
	assign := regexp.MustCompile(`(^|[\s{,.])"?` + last + `"?\s*=`)
	header := regexp.MustCompile(`^\s*\[\[?\s*` + regexp.QuoteMeta(key.String()) + `\s*\]\]?`)
	table := ""
	if len(key) > 1 {
		table = strings.Join(key[:len(key)-1], ".")
	}
	tableHeader := regexp.MustCompile(`^\s*\[\[?\s*` + regexp.QuoteMeta(table) + `\s*\]\]?`)
	inTable := table == ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 && !strings.Contains(text[:i], `"`) {
			text = text[:i]
		}
		if header.MatchString(text) {
			return line
		}
		trimmed := strings.TrimSpace(text)
		if strings.HasPrefix(trimmed, "[") {
			inTable = table != "" && tableHeader.MatchString(text)
			// A dotted key at the root ("a.b = 1") is handled by the assign pattern.
			continue
		}
		if (inTable || table == "") && assign.MatchString(text) {
			return line
		}
	}
	// Fall back to the first line mentioning the key at all.
	line = 0
	sc = bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line++
		if assign.MatchString(sc.Text()) {
			return line
		}
	}
	return 0
}

// inlineEntryKeyLine finds the line of "key =" at the top of the n-th
// (from 0) inline table of the array "table = [{...}, {...}]" in data; 0
// when the array is not written so. It follows the array's brackets and
// braces and skips strings and comments, which may hold any of them.
func inlineEntryKeyLine(data []byte, table string, n int, key string) int {
	start := regexp.MustCompile(`(?m)^[ \t]*"?` + regexp.QuoteMeta(table) + `"?[ \t]*=[ \t]*\[`).FindIndex(data)
	if start == nil {
		return 0
	}
	line := 1 + bytes.Count(data[:start[1]], []byte("\n"))
	depth, entry := 1, -1 // depth: open brackets and braces, the array's own included
	var quote byte        // the quote of the string being read, 0 outside one
	for i := start[1]; i < len(data) && depth > 0; i++ {
		c := data[i]
		switch {
		case c == '\n':
			line++
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++ // an escaped character (a quote, a backslash)
			} else if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && depth == 2 && entry == n && keyAt(data, i, key, c):
			return line // a quoted key: "name" = ...
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			for i+1 < len(data) && data[i+1] != '\n' {
				i++
			}
		case c == '[' || c == '{':
			if depth == 1 && c == '{' {
				entry++
			}
			depth++
		case c == ']' || c == '}':
			depth--
		case depth == 2 && entry == n && keyAt(data, i, key, 0):
			return line
		}
	}
	return 0
}

// keyAt reports whether data[i:] is key, in quotes when quote is not 0,
// followed by "=", at the start of an inline table's entry.
func keyAt(data []byte, i int, key string, quote byte) bool {
	if !strings.ContainsRune("{, \t\n", rune(data[i-1])) {
		return false
	}
	rest := data[i:]
	if quote != 0 {
		rest = rest[1:]
	}
	if !bytes.HasPrefix(rest, []byte(key)) {
		return false
	}
	rest = rest[len(key):]
	if quote != 0 {
		if len(rest) == 0 || rest[0] != quote {
			return false
		}
		rest = rest[1:]
	}
	rest = bytes.TrimLeft(rest, " \t")
	return len(rest) > 0 && rest[0] == '='
}
