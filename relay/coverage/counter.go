// Package coverage measures how much of a set of log lines nomen
// normalizes, and shows what it misses: `nomen coverage`.
//
// Every line goes through the decode step the relay uses (relay/decode:
// parse, then normalize with the built-in decoders and the user rules in
// force). A line is normalized when a decoder or rule recognised it, the
// same test as nomen_normalized_events_total's decoder!="none". Lines are
// counted per program (the syslog APP-NAME) and decoder; the shapes of
// the lines no decoder recognised (their message with variable parts
// masked, see Masker) are counted per program, in bounded memory (see
// shapeTable), with one example line each. Report groups the counts into
// sources and ranks their shapes (see Source).
//
// It may import parse and relay/event; the decode step itself comes in as
// a Decoder (relay/decode's, or one built from a configuration by relay).
package coverage

import (
	"runtime"
	"time"

	"github.com/nomenhq/nomen/parse"
	"github.com/nomenhq/nomen/relay/event"
)

// Decoder parses and normalizes one line into e and returns the name of
// the decoder or rule that recognised it, "" for none:
// (*relay/decode.Decoder).Decode. The strings it sets must stay valid
// after the next call (the parser carves them from arenas it only carves
// forward): the counting goroutine reads them after the decoding one has
// moved on. A Decoder serves one goroutine; Read decodes on
// Options.Workers goroutines, each with a Decoder of its own.
type Decoder interface {
	Decode(raw []byte, e *event.Event) string
}

// LayoutHeaders is implemented by a Decoder that knows which lines are
// header lines whose meaning later lines of their source take (a W3C
// log's "#Fields:": ecs.HoldsLayoutHeader, through relay/decode); Read
// decodes the lines from the first such header on one goroutine. The
// method keeps no state: the reading goroutine calls it. A Decoder
// without it has no such headers.
type LayoutHeaders interface {
	HoldsLayoutHeader(text []byte) bool
}

// Options bound the memory a count may use. Zero values take the
// defaults.
type Options struct {
	// MaxShapes is the number of distinct shapes kept per program.
	MaxShapes int
	// MaxTotalShapes bounds the shapes kept over all programs: once
	// reached, a program's table no longer grows (its new shapes replace
	// its least counted ones; a program with none counts its lines as
	// unshaped).
	MaxTotalShapes int
	// MaxPrograms is the number of programs counted apart; lines of
	// further programs count under OtherPrograms.
	MaxPrograms int
	// Received is the receive time every line gets (a timestamp without
	// a year takes the year closest to it); zero is the time of New.
	Received time.Time
	// Workers is the number of goroutines Read decodes lines on (the
	// counting stays in input order on the caller's, so the report does
	// not depend on it); zero is GOMAXPROCS.
	Workers int
}

// Defaults. A shape entry costs about its shape (at most MaxShapeLen),
// its example (at most MaxExampleLen) and 100 bytes: the total cap keeps
// the worst case near 150 MB, a typical one at a few MB.
const (
	DefaultMaxShapes      = 10_000
	DefaultMaxTotalShapes = 100_000
	DefaultMaxPrograms    = 10_000
)

// NoProgram names the lines without an APP-NAME (a bare message).
const NoProgram = "-"

// OtherPrograms counts the programs beyond Options.MaxPrograms.
const OtherPrograms = "(other programs)"

// Counter counts lines. It is not safe for concurrent use.
type Counter struct {
	opts    Options
	workers []*worker // workers[0] also decodes Line's lines
	serial  bool      // a header was read: workers[0] decodes every line (Read)
	// holdsHeader reports whether text holds such a header (LayoutHeaders).
	holdsHeader func(text []byte) bool

	programs   map[string]*program
	last       *program // of the previous line: a log's lines come in runs of one program
	lastFormat *FormatStat
	shapes     int // entries in all programs' tables
	lines      int64
	normalized int64
	formats    map[string]*FormatStat
	inputs     []InputStat
	longLines  int64
}

// program is what is counted of one APP-NAME.
type program struct {
	name          string
	lines         int64
	decoders      map[string]int64 // recognised lines by decoder or rule name
	parseFailures map[string]int64 // by decoder or rule name, "" for unrecognised lines
	unrecognized  int64
	unshaped      int64 // unrecognised lines no shape table had room for
	shapes        shapeTable
}

// New returns a Counter decoding through the Decoders newDecoder makes,
// one per worker.
func New(newDecoder func() Decoder, opts Options) *Counter {
	if opts.MaxShapes <= 0 {
		opts.MaxShapes = DefaultMaxShapes
	}
	if opts.MaxTotalShapes <= 0 {
		opts.MaxTotalShapes = DefaultMaxTotalShapes
	}
	if opts.MaxPrograms <= 0 {
		opts.MaxPrograms = DefaultMaxPrograms
	}
	if opts.Received.IsZero() {
		opts.Received = time.Now()
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	c := &Counter{
		opts:     opts,
		programs: map[string]*program{},
		formats:  map[string]*FormatStat{},
	}
	for range opts.Workers {
		c.workers = append(c.workers, &worker{
			dec: newDecoder(), received: opts.Received,
			ev: event.Event{Fields: make([]event.Field, 0, 64)},
		})
	}
	c.holdsHeader = func([]byte) bool { return false }
	if lh, ok := c.workers[0].dec.(LayoutHeaders); ok {
		c.holdsHeader = lh.HoldsLayoutHeader
	}
	return c
}

// worker decodes lines on one goroutine, with its own decoder, event and
// masker.
type worker struct {
	dec      Decoder
	received time.Time
	ev       event.Event // reused for every line
	masker   Masker
}

// decoded is what is counted of a decoded line. Its strings are the
// decoder's (see Decoder), valid after the next line is decoded.
type decoded struct {
	format, app string
	decoder     string // what recognised the line, "" for none
	original    string // the line, an example for its shape
	parseFailed bool
}

// decode decodes raw and returns what count needs, and the shape of its
// message when no decoder recognised it (the masker's scratch, valid
// until the next call).
func (w *worker) decode(raw []byte) (decoded, []byte) {
	e := &w.ev // Parse sets the header, Original, Message, SD, Time and Format
	e.Received, e.Input, e.Flags, e.Fields = w.received, "coverage", 0, e.Fields[:0]
	d := decoded{decoder: w.dec.Decode(raw, e)}
	d.format, d.app, d.original = e.Format, e.AppName, e.Original
	d.parseFailed = e.Has(parse.FieldParseError)
	if d.decoder != "" {
		return d, nil
	}
	return d, w.masker.Mask(e.Message)
}

// Line decodes and counts one line (without its line end; raw may be
// reused once Line returns).
func (c *Counter) Line(raw []byte) {
	d, shape := c.workers[0].decode(raw)
	c.count(&d, shape)
}

// count adds a decoded line; shape is its shape when unrecognised.
func (c *Counter) count(d *decoded, shape []byte) {
	c.lines++
	f := c.lastFormat
	if f == nil || f.Format != d.format {
		if f = c.formats[d.format]; f == nil {
			f = &FormatStat{Format: d.format}
			c.formats[f.Format] = f
		}
		c.lastFormat = f
	}
	f.Lines++
	p := c.program(d.app)
	p.lines++
	if d.parseFailed {
		f.ParseFailures++
		p.parseFailures[d.decoder]++
	}
	if d.decoder != "" {
		c.normalized++
		p.decoders[d.decoder]++
		return
	}
	p.unrecognized++
	max := c.opts.MaxShapes
	if c.shapes >= c.opts.MaxTotalShapes {
		max = len(p.shapes.heap) // full: evict within the program only
	}
	before := len(p.shapes.heap)
	if !p.shapes.add(shape, d.original, max) {
		p.unshaped++
	}
	c.shapes += len(p.shapes.heap) - before
}

// program returns the counts of app, made at its first line.
func (c *Counter) program(app string) *program {
	if app == "" {
		app = NoProgram
	}
	if c.last != nil && c.last.name == app {
		return c.last
	}
	if p := c.programs[app]; p != nil {
		c.last = p
		return p
	}
	if len(c.programs) >= c.opts.MaxPrograms {
		app = OtherPrograms
		if p := c.programs[app]; p != nil {
			return p
		}
	}
	p := &program{ // app lives in the parser's arena: copied
		name: string([]byte(app)), decoders: map[string]int64{}, parseFailures: map[string]int64{},
	}
	c.programs[p.name] = p
	return p
}
