package netacl

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	got, err := Parse([]string{"10.1.2.3/8", "192.0.2.7", "2001:db8::1", "fd00::/8"})
	if err != nil {
		t.Fatal(err)
	}
	if s := fmt.Sprint(got); s != "[10.0.0.0/8 192.0.2.7/32 2001:db8::1/128 fd00::/8]" {
		t.Errorf("ParseNetworks = %s", s)
	}
	for in, want := range map[string]string{"10.0.0.0/33": "10.0.0.0/33", "web1": `"web1" is neither a CIDR nor an address`} {
		if _, err := Parse([]string{in}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) error = %v, want one naming %s", in, err, want)
		}
	}
}
