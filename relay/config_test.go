package relay

import (
	"strings"
	"testing"

	"github.com/nomenhq/nomen/forward/file"
	"github.com/nomenhq/nomen/forward/postgres"
	"github.com/nomenhq/nomen/relay/listen"
	"github.com/nomenhq/nomen/relay/output"
)

const minimalConfig = `
state_dir = "./var/state"

[[listener]]
name = "udp"
protocol = "udp"
address = "127.0.0.1:15514"

[[output]]
name = "archive"
type = "file"
path = "./var/events.jsonl"
`

func TestConfigMinimal(t *testing.T) {
	cfg, err := ParseConfigData("t.toml", []byte(minimalConfig))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Listeners) != 1 || cfg.Listeners[0].MaxMessageSize != listen.DefaultMaxMessageSize || cfg.Listeners[0].Readers != listen.DefaultReaders {
		t.Errorf("listener defaults: %+v", cfg.Listeners)
	}
	if len(cfg.Outputs) != 1 || cfg.Outputs[0].Common.BatchSize == 0 {
		t.Errorf("output: %+v", cfg.Outputs)
	} else if f, ok := cfg.Outputs[0].Sink.(*file.Config); !ok || f.Path != "./var/events.jsonl" {
		t.Errorf("output: %+v", cfg.Outputs)
	}
	if cfg.Metrics.Listen != metricsDefault {
		t.Errorf("metrics default: %q", cfg.Metrics.Listen)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unknown top key", "stat_dir = \"/x\"\n" + minimalConfig, `t.toml:1: unknown key "stat_dir"`},
		{"unknown listener key", strings.Replace(minimalConfig, `address = "127.0.0.1:15514"`, "address = \"127.0.0.1:15514\"\nadress = \"x\"", 1), `t.toml:8: unknown key "listener.adress"`},
		{"unknown output key", strings.Replace(minimalConfig, `path = "./var/events.jsonl"`, "path = \"./var/e\"\nrotate_sise = \"1MiB\"", 1), `t.toml:13: unknown key "output.rotate_sise"`},
		{"key of another output type", strings.Replace(minimalConfig, `path = "./var/events.jsonl"`, "path = \"./var/e\"\ndsn = \"postgres://x\"", 1), `unknown key "output.dsn"`},
		{"bad protocol", strings.Replace(minimalConfig, `protocol = "udp"`, `protocol = "sctp"`, 1), `listener "udp": unknown protocol "sctp"`},
		{"bad output type", strings.Replace(minimalConfig, `type = "file"`, `type = "amqp"`, 1), `unknown type "amqp"`},
		// A string where a filter table goes decoded as no filter at all:
		// every event went to an output meant for alerts.
		{"output where as a string", strings.Replace(minimalConfig, `path = "./var/events.jsonl"`, "path = \"./var/e\"\nwhere = 'event.kind == \"alert\"'", 1), `t.toml:13: output #1: output.where: want a table of field = value(s)`},
		{"pair rule's first as a string", minimalConfig + "\n[[correlate.pair]]\nname = \"p\"\nfirst = \"event.code = 4625\"\nsecond = { \"event.code\" = \"4624\" }\ngroup_by = [\"user.name\"]\nwindow = \"5m\"\n", `t.toml:16: correlate.pair.first: want a table of field = value(s)`},
		{"correlation where_not as a string", minimalConfig + "\n[[correlate.match]]\nname = \"m\"\nwhere = { \"event.code\" = \"4625\" }\nwhere_not = \"user.name = x\"\n", `t.toml:17: correlate.match.where_not: want a table of field = value(s)`},
		{"http headers as a string", strings.Replace(minimalConfig, "type = \"file\"\npath = \"./var/events.jsonl\"", "type = \"http\"\nkind = \"ndjson\"\nurl = \"http://127.0.0.1:9/x\"\nheaders = \"Authorization: Bearer x\"", 1), `t.toml:14: output "archive": output.headers: want a table of name = "value"`},
		{"http header not a string", strings.Replace(minimalConfig, "type = \"file\"\npath = \"./var/events.jsonl\"", "type = \"http\"\nkind = \"ndjson\"\nurl = \"http://127.0.0.1:9/x\"\nheaders = { \"X-N\" = 4 }", 1), `output.headers: X-N: want a string`},
		{"no listener", "[[output]]\nname=\"a\"\ntype=\"file\"\npath=\"/tmp/x\"\n", "no [[listener]]"},
		{"tls without cert", strings.Replace(minimalConfig, `protocol = "udp"`, `protocol = "tls"`, 1), `needs tls = { cert`},
		{"bad network", strings.Replace(minimalConfig, `address = "127.0.0.1:15514"`, "address = \"127.0.0.1:15514\"\nallowed_networks = [\"10.0.0.0/33\"]", 1), `allowed_networks`},
		{"duplicate name", minimalConfig + "\n[[listener]]\nname = \"udp\"\nprotocol = \"tcp\"\naddress = \"127.0.0.1:15515\"\n", `name used twice`},
		{"duplicate address", minimalConfig + "\n[[listener]]\nname = \"u2\"\nprotocol = \"udp\"\naddress = \"127.0.0.1:15514\"\n", `also used by listener "udp"`},
		{"bad timezone", minimalConfig + "\n[parse]\ntimezone = \"Mars/Olympus\"\n", `parse.timezone`},
		{"syntax", "state_dir = \n", `t.toml:1: `},
		// A value that does not decode in a correlation rule is worded as
		// every other error: file:line: key: message.
		{"correlate duration", minimalConfig + "[[correlate.threshold]]\nname = \"b\"\nwindow = \"5 minutes\"\n",
			`t.toml:15: correlate.threshold.window: invalid duration "5 minutes"`},
		{"correlate type", minimalConfig + "[[correlate.threshold]]\nname = \"b\"\ncount = \"five\"\n",
			`t.toml:15: correlate.threshold.count: incompatible types`},
		{"top-level duration", "shutdown_timeout = \"soon\"\n" + minimalConfig, `t.toml:1: shutdown_timeout: invalid duration "soon"`},
		{"listener type", strings.Replace(minimalConfig, `address = "127.0.0.1:15514"`, "address = \"127.0.0.1:15514\"\nreaders = \"two\"", 1),
			`t.toml:8: listener "udp": listener.readers: incompatible types`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfigData("t.toml", []byte(tc.doc))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestAgentListenerError: a bad agent listener is named once in the
// message (it used to read `listener "agents": listener "agents": ...`).
func TestAgentListenerError(t *testing.T) {
	doc := minimalConfig + `
[[listener]]
name = "agents"
protocol = "agent"
address = "127.0.0.1:15516"
plaintext_for_testing = true
max_ratio = 300
`
	_, err := ParseConfigData("t.toml", []byte(doc))
	const want = `t.toml: listener "agents": max_ratio 300: want 1 to 255`
	if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), `listener "agents"`) != 1 {
		t.Errorf("got %v, want %q...", err, want)
	}
}

// TestOutputBatchDefaults: postgres writes larger batches unless told.
func TestOutputBatchDefaults(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want int
	}{
		{`type = "postgres"` + "\n" + `dsn = "postgres://localhost/x"`, postgres.DefaultBatchSize},
		{`type = "postgres"` + "\n" + `dsn = "postgres://localhost/x"` + "\nbatch_size = 100", 100},
		{`type = "file"` + "\n" + `path = "x.jsonl"`, output.DefaultBatchSize},
	} {
		src := "state_dir = \"" + t.TempDir() + "\"\n[[listener]]\nname = \"u\"\nprotocol = \"udp\"\naddress = \"127.0.0.1:0\"\n[[output]]\nname = \"o\"\n" + tc.out + "\n"
		cfg, err := ParseConfigData("test.toml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Outputs[0].Common.BatchSize; got != tc.want {
			t.Errorf("%s: batch_size %d, want %d", tc.out, got, tc.want)
		}
	}
}

// Start-up and reload print ParseConfigData's error as it is: with several
// problems, every line names the file.
func TestConfigErrorsEachLineNamesFile(t *testing.T) {
	doc := "state_dir = \"x\"\n[[listener]]\n[[listener]]\nname = \"b\"\n"
	_, err := ParseConfigData("t.toml", []byte(doc))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) < 2 {
		t.Fatalf("want several problems, got %q", err)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, "t.toml:") {
			t.Errorf("line does not name the file: %q", l)
		}
	}
}

// A value that does not decode outside the listeners and outputs used to
// stop the decoding there (BurntSushi/toml stops at the first): the bad
// values of other tables and the listeners' and outputs' own problems
// were only found on the next run. Now they are all reported, each with
// its line, and what decoded is still checked.
func TestConfigBadValuesAllReported(t *testing.T) {
	doc := `shutdown_timeout = "5x"
[limits]
memory = "lots"
[journal]
max_bytes = true
[[listener]]
name = "x"
protocol = "tcp"
address = "127.0.0.1:0"
max_mesage_size = 10
[[output]]
name = "f"
type = "file"
path = "out.jsonl"
`
	_, err := ParseConfigData("t.toml", []byte(doc))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`t.toml:1: shutdown_timeout: invalid duration "5x"`,
		`t.toml:3: limits.memory: invalid size "lots"`,
		`t.toml:5: journal.max_bytes: invalid size true`,
		`t.toml:10: unknown key "listener.max_mesage_size": did you mean "max_message_size"?`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "no [[listener]]") || strings.Contains(err.Error(), "no [[output]]") {
		t.Errorf("the listener and output that decoded are reported missing:\n%v", err)
	}
}
