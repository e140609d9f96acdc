package relay

import (
	"encoding"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/nomenhq/nomen/forward"
	"github.com/nomenhq/nomen/forward/file"
	"github.com/nomenhq/nomen/forward/http"
	"github.com/nomenhq/nomen/forward/kafka"
	"github.com/nomenhq/nomen/forward/nats"
	"github.com/nomenhq/nomen/forward/postgres"
	"github.com/nomenhq/nomen/forward/syslog"
	"github.com/nomenhq/nomen/normalize"
	"github.com/nomenhq/nomen/relay/agent"
	"github.com/nomenhq/nomen/relay/agent/agenttest"
	"github.com/nomenhq/nomen/relay/correlate"
	"github.com/nomenhq/nomen/relay/journal"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/natsin"
	"github.com/nomenhq/nomen/relay/output"
	"github.com/nomenhq/nomen/relay/sequence"
)

// configs/nomen.toml is the operator's manual for configuration and the
// file `make install` puts in /etc/nomen. These tests keep it valid,
// complete and truthful:
//
//   - it is a valid configuration as shipped;
//   - every key of every struct decoded from nomen.toml is shown in it, in a
//     section where it is accepted (active or commented out);
//   - with every commented-out line "# key = value" and "# [table]" made
//     active (and the TLS files it names generated), it is still a valid
//     configuration: no typo, no key in the wrong section, no value of the
//     wrong type, no example that nomen check would refuse;
//   - a commented-out key inside an active section shows the default: for
//     the sections whose defaults the relay applies itself (top level, log,
//     metrics, parse, pipeline, journal, normalize, listeners, the keys
//     every output has), uncommenting them leaves the configuration as it
//     was. The defaults of [sequence], [correlate] and each output type's
//     own keys are applied inside those packages and not checked here.
//
// In the file, a commented-out key line is "# key = value" or "# [table]";
// prose is any other comment (an indented one may say "key = ...").

const referencePath = "../configs/nomen.toml"

// referenceScope says where in the reference file a struct's keys belong:
// blocks under one of headers ("" is the top of the file), and, if key is
// set, only those whose key has one of values (protocol = "udp").
type referenceScope struct {
	headers []string
	key     string
	values  []string
}

func refIn(headers ...string) referenceScope { return referenceScope{headers: headers} }

func refInWhere(header, key string, values ...string) referenceScope {
	return referenceScope{headers: []string{header}, key: key, values: values}
}

// referenceSections lists every struct type decoded from nomen.toml. A
// struct nested in one of them that is not listed fails the test, so a
// new section cannot go undocumented either.
var referenceSections = []struct {
	typ   reflect.Type
	scope referenceScope
}{
	{reflect.TypeFor[Config](), refIn("")},
	{reflect.TypeFor[LogConfig](), refIn("log")},
	{reflect.TypeFor[MetricsConfig](), refIn("metrics")},
	{reflect.TypeFor[APITLSConfig](), refIn("metrics.tls")},
	{reflect.TypeFor[ParseConfig](), refIn("parse")},
	{reflect.TypeFor[LimitsConfig](), refIn("limits")},
	{reflect.TypeFor[PipelineConfig](), refIn("pipeline")},
	{reflect.TypeFor[journal.Config](), refIn("journal")},
	{reflect.TypeFor[normalize.Config](), refIn("normalize")},
	{reflect.TypeFor[sequence.Config](), refIn("sequence")},
	{reflect.TypeFor[TierConfig](), refIn("tier")},

	{reflect.TypeFor[listen.Config](), refInWhere("listener", "protocol", "udp", "tcp", "tls", "unix")},
	{reflect.TypeFor[listen.TLSConfig](), refInWhere("listener", "protocol", "tls")},
	{reflect.TypeFor[agent.Config](), refInWhere("listener", "protocol", "agent")},
	{reflect.TypeFor[agent.TLSConfig](), refInWhere("listener", "protocol", "agent")},
	{reflect.TypeFor[natsin.Config](), refInWhere("listener", "protocol", "nats")},
	{reflect.TypeFor[natsin.TLSConfig](), refInWhere("listener", "protocol", "nats")},

	{reflect.TypeFor[correlate.Config](), refIn("correlate")},
	{reflect.TypeFor[correlate.Rule](), refIn("correlate.match", "correlate.threshold", "correlate.pair", "correlate.first_seen")},
	{reflect.TypeFor[correlate.MatchRule](), refIn("correlate.match")},
	{reflect.TypeFor[correlate.NotIn](), refIn("correlate.match")},
	{reflect.TypeFor[correlate.ThresholdRule](), refIn("correlate.threshold")},
	{reflect.TypeFor[correlate.PairRule](), refIn("correlate.pair")},
	{reflect.TypeFor[correlate.FirstSeenRule](), refIn("correlate.first_seen")},
	{reflect.TypeFor[correlate.ProcessConfig](), refIn("correlate.process")},
	{reflect.TypeFor[correlate.RuleTest](), refIn("correlate.match.test", "correlate.threshold.test", "correlate.pair.test", "correlate.first_seen.test", "correlate.process.test")},
	{reflect.TypeFor[correlate.PowerShellConfig](), refIn("correlate.powershell")},

	{reflect.TypeFor[output.Common](), refIn("output")},
	{reflect.TypeFor[output.FilterTest](), refIn("output.test")},
	{reflect.TypeFor[file.Config](), refInWhere("output", "type", "file")},
	{reflect.TypeFor[syslog.Config](), refInWhere("output", "type", "syslog")},
	{reflect.TypeFor[http.Config](), refInWhere("output", "type", "http")},
	{reflect.TypeFor[postgres.Config](), refInWhere("output", "type", "postgres")},
	{reflect.TypeFor[nats.Config](), refInWhere("output", "type", "nats")},
	{reflect.TypeFor[kafka.Config](), refInWhere("output", "type", "kafka")},
	{reflect.TypeFor[kafka.SASLConfig](), refInWhere("output", "type", "kafka")},
	{reflect.TypeFor[forward.TLSConfig](), refInWhere("output", "type", "syslog", "http", "nats", "kafka")},
}

func TestReferenceConfigIsValid(t *testing.T) {
	data := readReference(t)
	cfg, err := ParseConfigData(referencePath, data)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StateDir != "/var/lib/nomen" {
		t.Errorf("state_dir = %q: the systemd unit's StateDirectory is /var/lib/nomen", cfg.StateDir)
	}
	for _, o := range cfg.Outputs {
		if f, ok := o.Sink.(*file.Config); ok && !strings.HasPrefix(f.Path, "/var/log/nomen/") {
			t.Errorf("output %q writes %s: the unit lets nomen write only its state, logs and runtime directories", o.Common.Name, f.Path)
		}
	}
}

func TestReferenceConfigDocumentsEveryKey(t *testing.T) {
	doc := parseReference(readReference(t))
	targets := map[reflect.Type]bool{}
	for _, s := range referenceSections {
		targets[s.typ] = true
	}
	for _, s := range referenceSections {
		blocks := doc.blocks(s.scope)
		if len(blocks) == 0 && !refOnlyTables(s.typ) {
			t.Errorf("%s: configs/nomen.toml has no section %s", s.typ, s.scope)
			continue
		}
		var text strings.Builder
		for _, b := range blocks {
			text.WriteString(b.keyText())
		}
		refCheckDocumented(t, doc, s.typ, s.scope, text.String(), targets)
	}
}

// refCheckDocumented reports each key of typ that no key line of its
// sections assigns.
func refCheckDocumented(t *testing.T, doc referenceDoc, typ reflect.Type, scope referenceScope, text string, targets map[reflect.Type]bool) {
	t.Helper()
	for i := range typ.NumField() {
		f := typ.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		ft := refElemType(f.Type)
		if f.Anonymous && tag == "" {
			if !targets[ft] { // its keys are checked with its own scope otherwise
				refCheckDocumented(t, doc, ft, scope, text, targets)
			}
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if refIsTable(ft) {
			if !refAssigns(text, tag) && !doc.hasTable(scope, tag) {
				t.Errorf("configs/nomen.toml does not document %s.%s: want `%s = { ... }` or a [%s] table in %s",
					typ, f.Name, tag, tag, scope)
			}
			if ft != reflect.TypeFor[toml.Primitive]() && !targets[ft] {
				t.Errorf("%s.%s: %s is decoded from nomen.toml but missing from referenceSections", typ, f.Name, ft)
			}
			continue
		}
		if !refAssigns(text, tag) {
			t.Errorf("configs/nomen.toml does not document %s.%s: want a line `%s = ...` (or `# %s = ...`) in %s",
				typ, f.Name, tag, tag, scope)
		}
	}
}

func TestReferenceConfigExamplesAreValid(t *testing.T) {
	doc := parseReference(readReference(t))
	data := string(doc.uncomment(func(referenceBlock) bool { return true }))

	// The examples' certificate files, made real; the variables they use, set.
	dir := t.TempDir()
	pki := agenttest.NewPKI(t, dir, "reference")
	cert, key := pki.Server(t, "relay")
	data = refTLSFile.ReplaceAllStringFunc(data, func(path string) string {
		switch {
		case strings.HasSuffix(path, "-ca.crt"):
			return pki.CAFile
		case strings.HasSuffix(path, ".key"):
			return key
		}
		return cert
	})
	for _, m := range refEnvRef.FindAllStringSubmatch(data, -1) {
		t.Setenv(m[1], "secret")
	}

	cfg, err := ParseConfigData("configs/nomen.toml uncommented", []byte(data))
	if err != nil {
		t.Fatalf("%v\n(the file with every line \"# key = value\" and \"# [table]\" made active)", err)
	}
	want := map[string]int{}
	for _, b := range doc.all {
		switch b.header {
		case "listener":
			want["listener "+b.value("protocol")]++
		case "output":
			want["output "+b.value("type")]++
		}
	}
	got := map[string]int{}
	for _, l := range cfg.Listeners {
		got["listener "+l.Protocol]++
	}
	for _, a := range cfg.Agents {
		got["listener "+a.Protocol]++
	}
	for _, n := range cfg.NATSInputs {
		got["listener "+n.Protocol]++
	}
	for _, o := range cfg.Outputs {
		got["output "+o.Common.Type]++
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("uncommented sections: got %v, want %v", got, want)
	}
}

var (
	refTLSFile = regexp.MustCompile(`/etc/nomen/tls/[A-Za-z0-9_.-]+`)
	refEnvRef  = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
)

func TestReferenceConfigShowsDefaults(t *testing.T) {
	data := readReference(t)
	doc := parseReference(data)
	shipped, err := ParseConfigData(referencePath, data)
	if err != nil {
		t.Fatal(err)
	}
	uncommented := doc.uncomment(func(b referenceBlock) bool { return b.active })
	all, err := ParseConfigData("configs/nomen.toml with the keys of active sections uncommented", uncommented)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Config{shipped, all} {
		c.Path = ""
		c.RawListeners, c.RawOutputs, c.RawCorrelate = nil, nil, toml.Primitive{}
		// Defaulted inside their packages, not by the relay.
		c.Sequence = sequence.Config{}
		c.Correlate = correlate.Config{}
		for i := range c.Outputs {
			c.Outputs[i] = OutputConfig{Common: c.Outputs[i].Common}
		}
		refClearEmpty(reflect.ValueOf(c).Elem())
	}
	v, w := reflect.ValueOf(shipped).Elem(), reflect.ValueOf(all).Elem()
	for i := range v.NumField() {
		if !v.Type().Field(i).IsExported() {
			continue // what decoding kept for its messages (entries), no setting
		}
		if !reflect.DeepEqual(v.Field(i).Interface(), w.Field(i).Interface()) {
			t.Errorf("%s: a commented-out key in an active section is not the default:\n shipped:     %+v\n uncommented: %+v",
				v.Type().Field(i).Name, v.Field(i).Interface(), w.Field(i).Interface())
		}
	}
}

// referenceLine is one line of the reference file.
type referenceLine struct {
	raw       string
	text      string // raw without its comment marker if commented
	commented bool
	key       bool // an assignment or a table header, not prose
}

// referenceBlock is a table header (active or commented out) and the lines
// up to the next one; the first block is the top of the file.
type referenceBlock struct {
	header string
	active bool
	lines  []referenceLine
}

type referenceDoc struct{ all []referenceBlock }

var (
	refCommentMarker = regexp.MustCompile(`^\s*#\s?`)
	refKeyLine       = regexp.MustCompile(`^(\[\[?\s*[A-Za-z0-9_.]+\s*\]\]?\s*(#.*)?$|"?[A-Za-z0-9_.-]+"?\s*=\s*\S)`)
	refTableHeader   = regexp.MustCompile(`^\[\[?\s*([A-Za-z0-9_.]+)\s*\]\]?`)
)

func readReference(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func parseReference(data []byte) referenceDoc {
	doc := referenceDoc{all: []referenceBlock{{active: true}}}
	for _, raw := range strings.Split(string(data), "\n") {
		l := referenceLine{raw: raw, text: raw}
		if m := refCommentMarker.FindStringIndex(raw); m != nil {
			l.commented, l.text = true, raw[m[1]:]
		}
		l.key = refKeyLine.MatchString(l.text)
		if m := refTableHeader.FindStringSubmatch(l.text); l.key && m != nil {
			doc.all = append(doc.all, referenceBlock{header: m[1], active: !l.commented})
		}
		cur := &doc.all[len(doc.all)-1]
		cur.lines = append(cur.lines, l)
	}
	return doc
}

// blocks returns the blocks of scope.
func (d referenceDoc) blocks(s referenceScope) []referenceBlock {
	var out []referenceBlock
	for _, b := range d.all {
		if slices.Contains(s.headers, b.header) && (s.key == "" || slices.Contains(s.values, b.value(s.key))) {
			out = append(out, b)
		}
	}
	return out
}

// hasTable reports whether a header names table name of scope, or a table
// within it ([correlate.match] for the key correlate at the top).
func (d referenceDoc) hasTable(s referenceScope, name string) bool {
	for _, h := range s.headers {
		full := name
		if h != "" {
			full = h + "." + name
		}
		for _, b := range d.all {
			if b.header == full || strings.HasPrefix(b.header, full+".") {
				return true
			}
		}
	}
	return false
}

// uncomment returns the file with the commented-out key lines of the
// blocks selected made active.
func (d referenceDoc) uncomment(selected func(referenceBlock) bool) []byte {
	var out []string
	for _, b := range d.all {
		for _, l := range b.lines {
			if l.commented && l.key && selected(b) {
				out = append(out, l.text)
			} else {
				out = append(out, l.raw)
			}
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// keyText is the block's key lines (active or commented out), without
// their trailing comments.
func (b referenceBlock) keyText() string {
	var s strings.Builder
	for _, l := range b.lines {
		if l.key {
			s.WriteString(refStripComment(l.text))
			s.WriteByte('\n')
		}
	}
	return s.String()
}

var refStringKey = regexp.MustCompile(`^([A-Za-z0-9_]+)\s*=\s*"([^"]*)"`)

// value returns the string value of key in the block ("" if not set).
func (b referenceBlock) value(key string) string {
	for _, l := range b.lines {
		if m := refStringKey.FindStringSubmatch(l.text); l.key && m != nil && m[1] == key {
			return m[2]
		}
	}
	return ""
}

// refAssigns reports whether text has `name = ` as a key of its own: at the
// start of a line or inside an inline table, not as the tail of another
// key (rule.name) or a comparison (==).
func refAssigns(text, name string) bool {
	re := regexp.MustCompile(`(?m)(^|[\s{,])` + regexp.QuoteMeta(name) + `\s*=([^=]|$)`)
	return re.MatchString(text)
}

// refStripComment cuts a trailing # comment that is not inside a string.
func refStripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return s[:i]
		}
	}
	return s
}

func (s referenceScope) String() string {
	where := "the top of the file"
	if s.headers[0] != "" {
		where = "[" + strings.Join(s.headers, "] or [") + "]"
	}
	if s.key != "" {
		where += " with " + s.key + " = " + strings.Join(s.values, " | ")
	}
	return where
}

// refOnlyTables reports whether every key of t is a table (correlate.Config:
// its keys are the [[correlate.match]] ... tables, it has no block itself).
func refOnlyTables(t reflect.Type) bool {
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && f.Tag.Get("toml") != "-" && !refIsTable(refElemType(f.Type)) {
			return false
		}
	}
	return true
}

// refElemType is the struct (or other) type a field decodes into.
func refElemType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	return t
}

var (
	refTextUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
	refTOMLUnmarshaler = reflect.TypeFor[toml.Unmarshaler]()
)

// refIsTable reports whether t decodes from a TOML table (rather than a value
// such as a duration string).
func refIsTable(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	p := reflect.PointerTo(t)
	return !p.Implements(refTextUnmarshaler) && !p.Implements(refTOMLUnmarshaler)
}

// refClearEmpty sets empty maps and slices to nil, recursively, so that
// `where = {}` compares equal to no where at all.
func refClearEmpty(v reflect.Value) {
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		if v.Len() == 0 {
			if v.CanSet() {
				v.Set(reflect.Zero(v.Type()))
			}
			return
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				refClearEmpty(v.Index(i))
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			refClearEmpty(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				refClearEmpty(v.Field(i))
			}
		}
	}
}
