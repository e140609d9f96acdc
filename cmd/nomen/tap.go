package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/nomenhq/nomen/internal/cli"
	"github.com/nomenhq/nomen/internal/retry"
)

type tapOptions struct {
	api    apiFlags
	where  cli.List
	format string
}

const (
	tapBackoffMin = 250 * time.Millisecond
	tapBackoffMax = 10 * time.Second
	// tapIdle: the API sends a keepalive every 15s; a stream silent for
	// longer is dead (a host gone without closing the connection).
	tapIdle = 45 * time.Second
)

// tapStop is a failure reconnecting cannot mend, with its exit status.
type tapStop struct {
	code int
	err  error
}

func (e *tapStop) Error() string { return e.err.Error() }

// tapCmd prints /v1/events until interrupted, reconnecting when the
// stream ends.
func tapCmd(o tapOptions, stdout, stderr io.Writer) int {
	if o.format != "text" && o.format != "json" {
		fmt.Fprintf(stderr, "nomen tap: -format %q: want text or json\n", o.format)
		return 2
	}
	t, err := o.api.target()
	if err != nil {
		fmt.Fprintln(stderr, "nomen tap:", err)
		return 1
	}
	q := url.Values{"where": o.where}
	u := t.base + "/v1/events"
	if len(o.where) > 0 {
		u += "?" + q.Encode()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	out := &tapWriter{w: stdout, json: o.format == "json"}
	backoff := tapBackoffMin
	for {
		connected, err := tapStream(ctx, t, u, out, stderr)
		if ctx.Err() != nil {
			return 0
		}
		var fatal *tapStop
		if errors.As(err, &fatal) {
			fmt.Fprintln(stderr, "nomen tap:", fatal.err)
			return fatal.code
		}
		if connected {
			backoff = tapBackoffMin
		}
		fmt.Fprintf(stderr, "nomen tap: %v; reconnecting in %s\n", err, backoff)
		if retry.Sleep(ctx, backoff) != nil {
			return 0
		}
		backoff = min(2*backoff, tapBackoffMax)
	}
}

// tapStream reads one subscription (Server-Sent Events, for their
// keepalives) until it ends; connected says whether it got that far.
func tapStream(ctx context.Context, t *apiTarget, u string, out *tapWriter, stderr io.Writer) (connected bool, err error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, &tapStop{2, err}
	}
	req.Header.Set("Accept", "text/event-stream")
	if err := t.authorize(req, true); err != nil {
		return false, err // the token file may not be written yet
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		msg := fmt.Errorf("%s: %s: %s", u, resp.Status, bytes.TrimSpace(body))
		switch resp.StatusCode {
		case http.StatusBadRequest:
			return false, &tapStop{2, msg} // a bad -where
		case http.StatusUnauthorized, http.StatusForbidden:
			return false, &tapStop{1, fmt.Errorf("%w (token file %q)", msg, t.tokenFile)}
		}
		return false, msg
	}
	fmt.Fprintf(stderr, "nomen tap: connected to %s\n", u)
	idle := time.AfterFunc(tapIdle, func() { cancel(errors.New("no keepalive for " + tapIdle.String())) })
	defer idle.Stop()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	event := ""
	for sc.Scan() {
		idle.Reset(tapIdle)
		line := sc.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte("event: ")):
			event = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			if event == "dropped" {
				return true, errors.New("nomen dropped this subscriber: it fell behind")
			}
			if err := out.write(line[len("data: "):]); err != nil {
				return true, &tapStop{1, err}
			}
		case len(line) == 0:
			event = ""
		}
	}
	if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
		return true, cause
	}
	if err := sc.Err(); err != nil {
		return true, fmt.Errorf("stream lost: %w", err)
	}
	return true, errors.New("stream ended")
}

// tapWriter prints events as JSON lines or one text line each.
type tapWriter struct {
	w    io.Writer
	json bool
	buf  []byte
}

func (tw *tapWriter) write(doc []byte) error {
	if tw.json {
		tw.buf = append(append(tw.buf[:0], doc...), '\n')
	} else {
		tw.buf = append(append(tw.buf[:0], textLine(doc)...), '\n')
	}
	_, err := tw.w.Write(tw.buf)
	return err
}

// textLine is an event as one line: time, host, program, message; an
// alert says so with its rule. Control characters from the network are
// escaped, so a message cannot drive the terminal.
func textLine(doc []byte) string {
	var ev map[string]any
	if err := json.Unmarshal(doc, &ev); err != nil {
		return safeText(string(doc))
	}
	field := func(names ...string) string {
		for _, n := range names {
			if v := lookup(ev, n); v != "" {
				return v
			}
		}
		return "-"
	}
	var b strings.Builder
	b.WriteString(field("@timestamp") + " " + field("host.name", "log.syslog.hostname", "host.hostname") + " " +
		field("process.name", "log.syslog.appname", "event.provider") + ": ")
	if lookup(ev, "event.kind") == "alert" {
		b.WriteString("ALERT " + field("rule.name") + ": ")
	}
	b.WriteString(field("message", "event.original"))
	return safeText(b.String())
}

// lookup returns a dotted field of a decoded document as text.
func lookup(doc map[string]any, path string) string {
	var cur any = doc
	for part := range strings.SplitSeq(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[part]
	}
	switch v := cur.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case nil:
		return ""
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// safeText escapes control characters (and invalid UTF-8) as Go does in
// quoted strings.
func safeText(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
