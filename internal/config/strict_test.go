package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

func TestDecodeStrict(t *testing.T) {
	type out struct {
		Name string `toml:"name"`
		Type string `toml:"type"`
	}
	var c struct {
		StateDir string                  `toml:"state_dir"`
		Metrics  struct{ Listen string } `toml:"metrics"`
		Output   []toml.Primitive        `toml:"output"`
		outs     []out
	}
	doc := `state_dir = "/tmp/x"

[metrics]
listen = "127.0.0.1:1"
lisen = "typo"

[[output]]
name = "a"
type = "file"
pth = "/tmp/y"   # typo in a table decoded later
`
	err := Decode("nomen.toml", []byte(doc), &c, func(md *toml.MetaData) error {
		for _, p := range c.Output {
			var o out
			if err := md.PrimitiveDecode(p, &o); err != nil {
				return err
			}
			c.outs = append(c.outs, o)
		}
		return nil
	})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{`nomen.toml:5: unknown key "metrics.lisen"`, `nomen.toml:10: unknown key "output.pth"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(c.outs) != 1 || c.outs[0].Type != "file" {
		t.Errorf("outputs: %+v", c.outs)
	}

	err = Decode("bad.toml", []byte("a = \n"), &c, nil)
	if err == nil || !strings.Contains(err.Error(), "bad.toml:1: ") {
		t.Errorf("syntax error: %v", err)
	}
}

func TestDecodeFreeForm(t *testing.T) {
	var c struct {
		Fields map[string]any `toml:"fields"`
	}
	doc := "fields = { \"a.b\" = 1, c = 2 }\nfeilds = 3\n"
	free := func(k toml.Key) bool { return len(k) > 1 && k[0] == "fields" }
	err := DecodeFreeForm("r.toml", []byte(doc), &c, free)
	if err == nil || !strings.Contains(err.Error(), `r.toml:2: unknown key "feilds"`) {
		t.Fatalf("want the typo named with its line, got %v", err)
	}
	if err := DecodeFreeForm("r.toml", []byte(doc[:strings.Index(doc, "feilds")]), &c, free); err != nil {
		t.Fatal(err)
	}
	if len(c.Fields) != 2 {
		t.Fatalf("fields = %v", c.Fields)
	}
}

type keysDoc struct {
	StateDir string `toml:"state_dir"`
	Metrics  struct {
		Listen string `toml:"listen"`
		Pprof  bool   `toml:"pprof"`
	} `toml:"metrics"`
	Output []toml.Primitive `toml:"output"`
}

// TableKeys knows the keys of the [[output]] tables, decoded later.
func (keysDoc) TableKeys(key toml.Key) ([]string, string, bool) {
	if len(key) == 2 && key[0] == "output" {
		return []string{"name", "path", "type"}, `[[output]] of type "file"`, true
	}
	return nil, "", false
}

// An unknown key is answered with the valid key it is closest to and the
// keys its table takes, from the struct's tags or from TableKeys.
func TestDecodeDidYouMean(t *testing.T) {
	var c keysDoc
	doc := "stat_dir = \"/x\"\n[metrics]\nlisen = \"a\"\nzzz = 1\n[[output]]\nname = \"a\"\npth = \"/y\"\n"
	err := Decode("nomen.toml", []byte(doc), &c, func(md *toml.MetaData) error {
		for _, p := range c.Output {
			var o struct {
				Name string `toml:"name"`
			}
			if err := md.PrimitiveDecode(p, &o); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		t.Fatal("want error")
	}
	for _, want := range []string{
		`nomen.toml:1: unknown key "stat_dir": did you mean "state_dir"? (valid keys of the top level: metrics, output, state_dir)`,
		`nomen.toml:3: unknown key "metrics.lisen": did you mean "listen"? (valid keys of [metrics]: listen, pprof)`,
		`nomen.toml:4: unknown key "metrics.zzz": (valid keys of [metrics]: listen, pprof)`,
		`nomen.toml:7: unknown key "output.pth": did you mean "path"? (valid keys of [[output]] of type "file": name, path, type)`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// A misspelt table is one error: the keys written inside it are not
// reported again one by one (an inline table's keys were a second,
// confusing "unknown key" line each), while a typo elsewhere still is.
func TestDecodeMisspeltTableReportedOnce(t *testing.T) {
	var c struct {
		Rule []struct {
			Name  string         `toml:"name"`
			Where map[string]any `toml:"where"`
		} `toml:"rule"`
	}
	doc := `[[rule]]
name = "x"
wher = { "event.category" = "authentication", "event.outcome" = "failure" }

[rule.extra]
a = 1
b = 2

[[rule]]
nme = "y"
`
	err := Decode("nomen.toml", []byte(doc), &c, nil)
	if err == nil {
		t.Fatal("want error")
	}
	msg := err.Error()
	for _, want := range []string{`unknown key "rule.wher"`, `unknown key "rule.extra"`, `unknown key "rule.nme"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if n := strings.Count(msg, "unknown key"); n != 3 {
		t.Errorf("%d unknown keys reported, want 3 (one per misspelt key):\n%s", n, msg)
	}
}

// A value that does not decode in a part finish decodes (a bad duration in
// a listener) says file:line: key: message, as every other error does,
// keeping the context finish gave it.
func TestDecodeFinishValueError(t *testing.T) {
	var c struct {
		Listener []toml.Primitive `toml:"listener"`
	}
	doc := "[[listener]]\nname = \"a\"\n\n[[listener]]\nname = \"b\"\nidle = \"5 minutes\"\n"
	err := Decode("nomen.toml", []byte(doc), &c, func(md *toml.MetaData) error {
		for _, p := range c.Listener {
			var l struct {
				Name string   `toml:"name"`
				Idle Duration `toml:"idle"`
			}
			if err := md.PrimitiveDecode(p, &l); err != nil {
				return fmt.Errorf("listener %q: %w", "b", err)
			}
		}
		return nil
	})
	want := `nomen.toml:6: listener "b": listener.idle: invalid duration "5 minutes"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %v, want it to start %s", err, want)
	}
}

// Every value that does not decode is reported, in line order, and the
// values that do decode are set (decodeEach: BurntSushi/toml stops at the
// first bad value).
func TestDecodeReportsEveryBadValue(t *testing.T) {
	var c struct {
		Timeout Duration `toml:"timeout"`
		Name    string   `toml:"name"`
		A       struct {
			N int    `toml:"n"`
			S string `toml:"s"`
		} `toml:"a"`
		B struct{ Count int } `toml:"b"`
	}
	doc := "timeout = \"soon\"\nname = \"x\"\n[a]\nn = \"many\"\ns = \"kept\"\n[b]\ncount = \"three\"\ntypo = 1\n"
	err := Decode("c.toml", []byte(doc), &c, nil)
	if err == nil {
		t.Fatal("want errors")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{"c.toml:1: timeout: ", "c.toml:4: a.n: ", "c.toml:7: b.count: ", `c.toml:8: unknown key "b.typo"`}
	if len(lines) != len(want) {
		t.Fatalf("want %d problems, got:\n%v", len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d: %q, want it to start %q", i, lines[i], w)
		}
	}
	if c.Name != "x" || c.A.S != "kept" {
		t.Errorf("good values not decoded: name %q, a.s %q", c.Name, c.A.S)
	}
}

// On the path that goes on past a bad value (decodeEach), the other
// problems are reported as the first decoding would report them alone: a
// top-level unknown key, a table written as a value or as an array of
// tables (not accepted silently, and its keys not called unknown), a
// misspelt table once (not its keys again), in line order; a key that
// differs from its field in case only decodes, as BurntSushi/toml
// decodes it.
func TestDecodeEveryBadValueOtherProblems(t *testing.T) {
	type conf struct {
		Timeout Duration `toml:"timeout"`
		Name    string   `toml:"name"`
		A       struct {
			N int `toml:"n"`
		} `toml:"a"`
		B struct{ Count int } `toml:"b"`
		C struct{ Count int } `toml:"c"`
	}
	doc := "timeout = \"soon\"\ntimeuot = 1\nName = \"x\"\nb = 3\n[[c]]\ncount = 1\n[a]\nn = 1\n[[a.x]]\ny = 2\n"
	var c conf
	err := Decode("c.toml", []byte(doc), &c, nil)
	if err == nil {
		t.Fatal("want errors")
	}
	want := []string{
		"c.toml:1: timeout: ",
		"c.toml:4: b: type mismatch",
		"c.toml:5: c: type mismatch",
		`c.toml:2: unknown key "timeuot": did you mean "timeout"?`,
		`c.toml:9: unknown key "a.x"`,
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("want %d problems, got:\n%v", len(want), err)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("problem %d: %q, want it to start %q", i, lines[i], w)
		}
	}
	if c.Name != "x" || c.A.N != 1 {
		t.Errorf("good values not decoded: name %q, a.n %d", c.Name, c.A.N)
	}
	// The same document without its bad value decodes Name alike.
	c = conf{}
	if err := Decode("c.toml", []byte("Name = \"x\"\n"), &c, nil); err != nil || c.Name != "x" {
		t.Errorf("Name: %v, %q", err, c.Name)
	}
}

// A bad value in an array of tables is reported on its entry's line
// (BurntSushi/toml names the line of the key in the last entry), and a
// bad value in each entry is reported, [[table]] and inline alike.
func TestDecodeBadValueInArrayOfTables(t *testing.T) {
	type conf struct {
		Rule []struct {
			Name string `toml:"name"`
			N    int    `toml:"n"`
		} `toml:"rule"`
		Other int `toml:"other"`
	}
	for _, c := range []struct {
		doc  string
		want []string
	}{
		{"[[rule]]\nname = \"a\"\nn = \"x\"\n[[rule]]\nname = \"b\"\nn = 2\n[[rule]]\nname = \"c\"\nn = 3\n",
			[]string{"r.toml:3: rule.n: "}},
		{"[[rule]]\nname = \"a\"\nn = \"x\"\n[[rule]]\nname = \"b\"\nn = 2\n[[rule]]\nname = \"c\"\nn = \"z\"\n",
			[]string{"r.toml:3: rule.n: ", "r.toml:9: rule.n: "}},
		{"rule = [{name = \"a\", n = \"x\"},\n  {name = \"b\", n = 1},\n  {name = \"c\", n = \"z\"}]\nother = \"q\"\n",
			[]string{"r.toml:1: rule.n: ", "r.toml:3: rule.n: ", "r.toml:4: other: "}},
	} {
		var v conf
		err := Decode("r.toml", []byte(c.doc), &v, nil)
		if err == nil {
			t.Errorf("%q: no error", c.doc)
			continue
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != len(c.want) {
			t.Errorf("%q: want %d problems, got:\n%v", c.doc, len(c.want), err)
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(lines[i], w) {
				t.Errorf("%q: problem %d: %q, want it to start %q", c.doc, i, lines[i], w)
			}
		}
	}
}
