package config

import (
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
	for _, want := range []string{`line 5: unknown key "metrics.lisen"`, `line 10: unknown key "output.pth"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if len(c.outs) != 1 || c.outs[0].Type != "file" {
		t.Errorf("outputs: %+v", c.outs)
	}

	err = Decode("bad.toml", []byte("a = \n"), &c, nil)
	if err == nil || !strings.Contains(err.Error(), "bad.toml: line 1") {
		t.Errorf("syntax error: %v", err)
	}
}
