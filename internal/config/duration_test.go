package config

import (
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func TestDecode(t *testing.T) {
	var c struct {
		A Duration `toml:"a"`
		B Duration `toml:"b"`
		S ByteSize `toml:"s"`
		N ByteSize `toml:"n"`
		F ByteSize `toml:"f"`
	}
	_, err := toml.Decode(`a = "90d"
b = "1m30s"
s = "64KiB"
n = 4096
f = "1.5GiB"`, &c)
	if err != nil {
		t.Fatal(err)
	}
	if c.A.D() != 90*24*time.Hour || c.B.D() != 90*time.Second || c.S != 64<<10 || c.N != 4096 || c.F != 3<<29 {
		t.Errorf("got %+v", c)
	}
	for _, bad := range []string{`a = "soon"`, `a = "-1s"`, `s = "12 parsecs"`, `s = -3`, `s = true`} {
		if _, err := toml.Decode(bad, &c); err == nil {
			t.Errorf("%s: want error", bad)
		}
	}
}
