package normalize

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// gateAdmits is ecs.SniffGate's definition, read plainly.
func gateAdmits(g ecs.SniffGate, e *event.Event) bool {
	if g.First == "" && g.Marker == 0 && g.Also == nil {
		return true
	}
	m := e.Message
	if m != "" && strings.IndexByte(g.First, m[0]) >= 0 {
		return true
	}
	if g.Marker != 0 {
		w := m
		if g.Window > 0 && len(w) > g.Window {
			w = w[:g.Window]
		}
		if strings.IndexByte(w, g.Marker) >= 0 {
			return true
		}
	}
	return g.Also != nil && g.Also(e)
}

// checkGates fails when a sniffer recognises e although its gate refuses
// it: the dispatcher would never have asked it.
func checkGates(t *testing.T, ds []*ecs.Decoder, e *event.Event) {
	t.Helper()
	for _, d := range ds {
		if d.Sniff != nil && !gateAdmits(d.Gate, e) && d.Sniff(e) {
			t.Errorf("sniffer %s recognises a message its gate refuses: app %q msgid %q format %q message %q",
				d.Name, e.AppName, e.MsgID, e.Format, e.Message)
		}
	}
}

// gateVariants calls f with e as parsed and as the roads that reach the
// sniffers differently have it: without a program, as an agent record,
// with an MSGID, and with the message's head cut (relays prepend words).
func gateVariants(e *event.Event, f func(*event.Event)) {
	f(e)
	orig := *e
	for _, v := range []func(*event.Event){
		func(v *event.Event) { v.AppName = "" },
		func(v *event.Event) { v.Format = "agent" },
		func(v *event.Event) { v.MsgID = "RT_FLOW_SESSION_CREATE" },
	} {
		c := orig
		v(&c)
		f(&c)
	}
	for cut := 1; cut < len(orig.Message) && cut <= 80; cut++ {
		c := orig
		c.AppName, c.Message = "", orig.Message[cut:]
		f(&c)
	}
}

// TestSniffGates: every sniffer's gate lets through every golden line (and
// its variants) that the sniffer recognises. A gate that refused one would
// cost that line its decoder.
func TestSniffGates(t *testing.T) {
	p := parse.New(parse.Options{Location: time.UTC})
	ds := builtins()
	for _, line := range normtest.Corpus(t, "*") {
		e := event.New(normtest.Received)
		p.Parse(line, e)
		gateVariants(e, func(v *event.Event) { checkGates(t, ds, v) })
	}
}

// FuzzSniffGates is TestSniffGates on arbitrary messages.
func FuzzSniffGates(f *testing.F) {
	for _, l := range normtest.Corpus(f, "*") {
		f.Add(string(l))
	}
	p := parse.New(parse.Options{Location: time.UTC})
	ds := builtins()
	f.Fuzz(func(t *testing.T, line string) {
		e := event.New(normtest.Received)
		p.Parse([]byte(line), e)
		gateVariants(e, func(v *event.Event) { checkGates(t, ds, v) })
		e = event.New(normtest.Received)
		e.Message = line
		checkGates(t, ds, e)
	})
}

// TestSniffIndex: the dispatcher asks exactly the sniffers whose gate
// admits the event, in their order; gates with the same marker and window
// share one search.
func TestSniffIndex(t *testing.T) {
	var asked []string
	sniffer := func(name string, g ecs.SniffGate) *ecs.Decoder {
		return &ecs.Decoder{Name: name, Gate: g,
			Sniff:  func(*event.Event) bool { asked = append(asked, name); return false },
			Decode: func(*event.Event) bool { return false }}
	}
	agent := func(e *event.Event) bool { return e.Format == "agent" }
	ds := []*ecs.Decoder{
		sniffer("open", ecs.SniffGate{}),
		sniffer("digit", ecs.SniffGate{First: "0123456789"}),
		sniffer("pipe", ecs.SniffGate{Marker: '|'}),
		sniffer("pipe10", ecs.SniffGate{Marker: '|', Window: 10}),
		sniffer("digit-or-pipe", ecs.SniffGate{First: "0123456789", Marker: '|'}),
		sniffer("agent", ecs.SniffGate{First: "<", Also: agent}),
		sniffer("pipe-again", ecs.SniffGate{Marker: '|'}),
	}
	n := newNormalizer(ds)
	if n.sniffers.nMarkers != 2 {
		t.Errorf("%d marker searches, want 2 (gates that share a marker and window share its search)", n.sniffers.nMarkers)
	}
	for _, msg := range []string{"", "plain text", "7 items", "a|b", "0123456789|", "<Event>", "x 0123456789 |"} {
		for _, format := range []string{"rfc5424", "agent"} {
			e := event.New(normtest.Received)
			e.Message, e.Format = msg, format
			var want []string
			for _, d := range ds {
				if gateAdmits(d.Gate, e) {
					want = append(want, d.Name)
				}
			}
			asked = asked[:0]
			if got := n.Normalize(e); got != "" {
				t.Errorf("%q: recognised by %q", msg, got)
			}
			if strings.Join(asked, " ") != strings.Join(want, " ") {
				t.Errorf("message %q format %s: asked %v, want %v", msg, format, asked, want)
			}
		}
	}
}

// sniffersAdmitting lists by name the sniffers among ds whose gate admits
// e by ecs.SniffGate's definition (gateAdmits), in their order.
func sniffersAdmitting(ds []*ecs.Decoder, e *event.Event) []string {
	var names []string
	for _, d := range ds {
		if d.Sniff != nil && gateAdmits(d.Gate, e) {
			names = append(names, d.Name)
		}
	}
	return names
}

// askedRecorder is the built-in sniffers, each replaced by one that
// records that the dispatcher asked it and refuses the event, so that
// n.sniff asks every sniffer the index admits, in order.
func askedRecorder(ds []*ecs.Decoder) (n *Normalizer, asked *[]string) {
	asked = new([]string)
	var rec []*ecs.Decoder
	for _, d := range ds {
		if d.Sniff == nil {
			continue
		}
		name := d.Name
		rec = append(rec, &ecs.Decoder{Name: name, Gate: d.Gate,
			Sniff:  func(*event.Event) bool { *asked = append(*asked, name); return false },
			Decode: func(*event.Event) bool { return false }})
	}
	return newNormalizer(rec), asked
}

// checkIndex fails when the dispatcher asks other sniffers, or in another
// order, than the gates' definition says: a line could reach another
// decoder than its own.
func checkIndex(t *testing.T, n *Normalizer, asked *[]string, ds []*ecs.Decoder, e *event.Event) {
	t.Helper()
	*asked = (*asked)[:0]
	n.sniff(e, nil)
	if want := sniffersAdmitting(ds, e); !slices.Equal(*asked, want) {
		t.Errorf("app %q msgid %q format %q message %q: asked %v, gates admit %v",
			e.AppName, e.MsgID, e.Format, e.Message, *asked, want)
	}
}

// TestSniffIndexBuiltins: for every golden line and its variants, the
// dispatcher asks exactly the built-in sniffers whose gates admit the
// line, in their order: whatever the index does to be cheap (shared
// marker searches, masks), it picks the sniffers ecs.SniffGate's
// definition picks, so each line keeps its decoder.
func TestSniffIndexBuiltins(t *testing.T) {
	p := parse.New(parse.Options{Location: time.UTC})
	ds := builtins()
	n, asked := askedRecorder(ds)
	for _, line := range normtest.Corpus(t, "*") {
		e := event.New(normtest.Received)
		p.Parse(line, e)
		gateVariants(e, func(v *event.Event) { checkIndex(t, n, asked, ds, v) })
	}
}

// FuzzSniffIndexBuiltins is TestSniffIndexBuiltins on arbitrary messages.
func FuzzSniffIndexBuiltins(f *testing.F) {
	for _, l := range normtest.Corpus(f, "*") {
		f.Add(string(l))
	}
	p := parse.New(parse.Options{Location: time.UTC})
	ds := builtins()
	n, asked := askedRecorder(ds)
	f.Fuzz(func(t *testing.T, line string) {
		e := event.New(normtest.Received)
		p.Parse([]byte(line), e)
		checkIndex(t, n, asked, ds, e)
		e = event.New(normtest.Received)
		e.Message = line
		checkIndex(t, n, asked, ds, e)
	})
}
