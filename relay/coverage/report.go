package coverage

import (
	"cmp"
	"slices"
)

// SchemaVersion is Report.Version: it changes when a field changes
// meaning or goes (new fields may be added without a change).
const SchemaVersion = 1

// Report is what a count found; `nomen coverage -json` prints it as is
// (docs/coverage.md describes every field).
type Report struct {
	Version       int          `json:"version"`
	Lines         int64        `json:"lines"`
	Normalized    int64        `json:"normalized"`
	NormalizedPct float64      `json:"normalized_percent"`
	Unrecognized  int64        `json:"unrecognized"`
	ParseFailures int64        `json:"parse_failures"`
	LongLines     int64        `json:"long_lines_truncated"`
	Programs      int          `json:"programs"` // distinct APP-NAMEs (at most Limits.MaxPrograms)
	Formats       []FormatStat `json:"formats"`
	Inputs        []InputStat  `json:"inputs"`
	Sources       []Source     `json:"sources"`
	Limits        Limits       `json:"limits"`
}

// FormatStat counts the lines of one format (nomen.format: rfc3164,
// rfc5424, ...) and those of them that did not parse cleanly.
type FormatStat struct {
	Format        string `json:"format"`
	Lines         int64  `json:"lines"`
	ParseFailures int64  `json:"parse_failures"`
}

// Source is what one decoder (or rule) recognised, with the lines it
// missed: a line a decoder recognised counts under that decoder; a line
// none did counts under the decoder that recognised most of its
// program's lines (sshd's source shows the sshd lines the sshd decoder
// missed), else under its program (APP-NAME), NoProgram or
// OtherPrograms.
type Source struct {
	Name          string           `json:"name"`
	Lines         int64            `json:"lines"`
	Normalized    int64            `json:"normalized"`
	NormalizedPct float64          `json:"normalized_percent"`
	Unrecognized  int64            `json:"unrecognized"`
	ParseFailures int64            `json:"parse_failures"`
	Decoders      map[string]int64 `json:"decoders"` // recognised lines by decoder or rule
	Programs      map[string]int64 `json:"programs"` // lines by APP-NAME
	// DistinctShapes is the number of shapes counted (at most the
	// tables' capacity); ShapesEvicted the shapes that lost their place
	// to newer ones; LinesUnshaped the unrecognised lines no table had
	// room for.
	DistinctShapes int     `json:"distinct_shapes"`
	ShapesEvicted  int64   `json:"shapes_evicted"`
	LinesUnshaped  int64   `json:"lines_unshaped"`
	TopShapes      []Shape `json:"top_shapes"`
}

// Shape is one shape of unrecognised lines.
type Shape struct {
	Shape string `json:"shape"`
	Count int64  `json:"count"`
	// CountError: Count may be over by up to this much (the shape took
	// the place of an evicted one); 0 when exact.
	CountError int64  `json:"count_error"`
	Example    string `json:"example"`
}

// Limits are the bounds the count ran with.
type Limits struct {
	Top                 int `json:"top"`
	MaxShapesPerProgram int `json:"max_shapes_per_program"`
	MaxShapes           int `json:"max_shapes"`
	MaxPrograms         int `json:"max_programs"`
	MaxShapeBytes       int `json:"max_shape_bytes"`
	MaxExampleBytes     int `json:"max_example_bytes"`
	MaxLineBytes        int `json:"max_line_bytes"`
}

// Report sums up the count: sources by lines (most first, then by name),
// each with its top shapes (most frequent first, then by shape; top <= 0
// keeps them all).
func (c *Counter) Report(top int) *Report {
	r := &Report{
		Version: SchemaVersion, Lines: c.lines, Normalized: c.normalized,
		NormalizedPct: percent(c.normalized, c.lines), Unrecognized: c.lines - c.normalized,
		LongLines: c.longLines, Inputs: slices.Clone(c.inputs),
		Limits: Limits{
			Top: top, MaxShapesPerProgram: c.opts.MaxShapes, MaxShapes: c.opts.MaxTotalShapes,
			MaxPrograms: c.opts.MaxPrograms, MaxShapeBytes: MaxShapeLen, MaxExampleBytes: MaxExampleLen,
			MaxLineBytes: MaxLineLen,
		},
		Programs: len(c.programs),
	}
	if r.Inputs == nil {
		r.Inputs = []InputStat{}
	}
	r.Formats = []FormatStat{}
	for _, f := range c.formats {
		r.Formats = append(r.Formats, *f)
		r.ParseFailures += f.ParseFailures
	}
	slices.SortFunc(r.Formats, func(a, b FormatStat) int {
		return cmp.Or(cmp.Compare(b.Lines, a.Lines), cmp.Compare(a.Format, b.Format))
	})
	r.Sources = c.sources(top)
	return r
}

// sources groups the counts into sources and ranks each one's shapes.
func (c *Counter) sources(top int) []Source {
	progs := make([]*program, 0, len(c.programs))
	for _, p := range c.programs {
		progs = append(progs, p)
	}
	slices.SortFunc(progs, func(a, b *program) int { return cmp.Compare(a.name, b.name) }) // examples' ties
	groups := map[string]*sourceSum{}
	group := func(name string) *sourceSum {
		g := groups[name]
		if g == nil {
			g = &sourceSum{Source: Source{Name: name, Decoders: map[string]int64{}, Programs: map[string]int64{}},
				shapes: map[string]*Shape{}, exampleOf: map[string]int64{}}
			groups[name] = g
		}
		return g
	}
	for _, p := range progs {
		for d, k := range p.decoders {
			g := group(d)
			g.Lines += k
			g.Normalized += k
			g.Decoders[d] += k
			g.Programs[p.name] += k
			g.ParseFailures += p.parseFailures[d]
		}
		if p.unrecognized > 0 {
			group(unrecognizedSource(p)).addUnrecognized(p)
		}
	}
	sources := make([]Source, 0, len(groups))
	for _, g := range groups {
		sources = append(sources, g.finish(top))
	}
	slices.SortFunc(sources, func(a, b Source) int {
		return cmp.Or(cmp.Compare(b.Lines, a.Lines), cmp.Compare(a.Name, b.Name))
	})
	return sources
}

// unrecognizedSource is the source p's unrecognised lines count under:
// the decoder that recognised most of p's lines (what it missed is its
// gap), else p itself; lines without a program or beyond MaxPrograms
// are not one program's and stay apart.
func unrecognizedSource(p *program) string {
	if p.name == NoProgram || p.name == OtherPrograms {
		return p.name
	}
	best, n := p.name, int64(0)
	for d, k := range p.decoders {
		if k > n || k == n && d < best {
			best, n = d, k
		}
	}
	return best
}

// sourceSum is a Source being summed, with its shapes by shape.
type sourceSum struct {
	Source
	shapes    map[string]*Shape
	exampleOf map[string]int64 // the count of the entry whose example a shape shows
}

// addUnrecognized adds p's unrecognised lines and their shapes.
func (g *sourceSum) addUnrecognized(p *program) {
	g.Lines += p.unrecognized
	g.Unrecognized += p.unrecognized
	g.Programs[p.name] += p.unrecognized
	g.ParseFailures += p.parseFailures[""]
	g.ShapesEvicted += p.shapes.evicted
	g.LinesUnshaped += p.unshaped
	for _, e := range p.shapes.heap {
		m := g.shapes[e.Shape]
		if m == nil {
			m = &Shape{Shape: e.Shape}
			g.shapes[e.Shape] = m
		}
		if e.Count > g.exampleOf[e.Shape] { // the example of the program with most of them
			m.Example, g.exampleOf[e.Shape] = e.Example, e.Count
		}
		m.Count += e.Count
		m.CountError += e.Err
	}
}

// finish ranks the shapes: most frequent first, then by shape; top <= 0
// keeps them all.
func (g *sourceSum) finish(top int) Source {
	s := g.Source
	s.NormalizedPct = percent(s.Normalized, s.Lines)
	s.DistinctShapes = len(g.shapes)
	s.TopShapes = make([]Shape, 0, len(g.shapes))
	for _, m := range g.shapes {
		s.TopShapes = append(s.TopShapes, *m)
	}
	slices.SortFunc(s.TopShapes, func(a, b Shape) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Shape, b.Shape))
	})
	if top > 0 && len(s.TopShapes) > top {
		s.TopShapes = s.TopShapes[:top]
	}
	return s
}

// percent is 100*n/total cut to one decimal (100.0 only when all are), 0
// for no lines.
func percent(n, total int64) float64 {
	if total == 0 {
		return 0
	}
	return float64(n*1000/total) / 10
}
