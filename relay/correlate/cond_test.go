package correlate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/filter"
	"github.com/prometheus/client_golang/prometheus"
)

// TestCondTableMatchesFilter checks the shared condition table against
// relay/filter on random where tables and events: the rules must mean
// exactly what the same where means for an output.
func TestCondTableMatchesFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	keys := []string{"a", "b.c", "event.category", "host.name", "process.pid", "n", "message"}
	vals := []any{"x", "xy", "x*", "*y", "*", "!", "12", int64(12), int64(3), "3", true, "true", 1.5, "1.5", "web1", "web*"}
	pick := func() any {
		if rng.IntN(3) == 0 {
			n := 1 + rng.IntN(3)
			var list []any
			for range n {
				v := vals[rng.IntN(len(vals))]
				if v == "!" || v == "*" {
					v = "x"
				}
				list = append(list, v)
			}
			return list
		}
		return vals[rng.IntN(len(vals))]
	}
	strs := []string{"x", "xy", "zy", "12", "3", "true", "1.5", "web1", "web2", ""}
	for i := range 3000 {
		where := map[string]any{}
		for range 1 + rng.IntN(3) {
			where[keys[rng.IntN(len(keys))]] = pick()
		}
		f, err := filter.Compile(where)
		if err != nil {
			t.Fatal(err)
		}
		tab := newCondTable()
		ids, err := tab.compile(where)
		if err != nil {
			t.Fatal(err)
		}
		// The engine finds the first MaxKeyIndex keys in one pass, the
		// others when asked for: any number of them.
		m := tab.newMemoIndexing(rng.IntN(len(tab.keys) + 1))
		for range 20 {
			e := event.New(t0)
			if rng.IntN(2) == 0 {
				e.Hostname = strs[rng.IntN(len(strs))]
			}
			if rng.IntN(2) == 0 {
				e.ProcID = "12"
			}
			for _, k := range keys {
				switch rng.IntN(5) {
				case 0:
					e.SetStr(k, strs[rng.IntN(len(strs))])
				case 1:
					e.SetInt(k, int64(rng.IntN(15)))
				case 2:
					e.SetList(k, strs[rng.IntN(len(strs))], strs[rng.IntN(len(strs))])
				case 3:
					e.Set(k, event.Bool(rng.IntN(2) == 0))
				}
			}
			if rng.IntN(3) == 0 { // set again: the last value wins
				e.SetStr(keys[rng.IntN(len(keys))], strs[rng.IntN(len(strs))])
			}
			m.reset(e)
			got, want := m.all(ids), f.Match(e)
			m.release()
			if got != want {
				t.Fatalf("case %d: where %v on %s: table %v, filter %v", i, where, enc(e), got, want)
			}
		}
	}
}

// TestSharedConditions: equal conditions of different rules are one.
func TestSharedConditions(t *testing.T) {
	tab := newCondTable()
	a, _ := tab.compile(map[string]any{"event.category": "authentication", "event.outcome": "failure"})
	b, _ := tab.compile(map[string]any{"event.category": "authentication", "event.outcome": "success"})
	if len(tab.conds) != 3 || len(tab.keys) != 2 || a[0] != b[0] {
		t.Errorf("conds %d keys %d: %v %v", len(tab.conds), len(tab.keys), a, b)
	}
}

func TestFoldGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{`C:\Perl\bin\perl.exe`, `c:\PERL\BIN\PERL.EXE`, true},
		{`C:\Perl\bin\perl.exe`, `C:\Perl\bin\perl.exe.bak`, false},
		{`C:\PHP\*.exe`, `c:\php\php-cgi.EXE`, true},
		{`C:\PHP\*.exe`, `C:\PHPX\php.exe`, false},
		{`*\perl.exe`, `D:\x\Perl.exe`, true},
		{`a*b*c`, `AxxBxxC`, true},
		{`a*b*c`, `AxxCxxB`, false},
		{`*`, ``, true},
		{`ab*ba`, `aba`, false},
	} {
		if got := newFoldGlob(tc.pattern).match(tc.s); got != tc.want {
			t.Errorf("%q ~ %q = %v", tc.pattern, tc.s, got)
		}
	}
}

// FuzzTemplate: any message template either fails to parse or renders.
func FuzzTemplate(f *testing.F) {
	f.Add("{count} failures from {source.ip} within {window}")
	f.Add("{")
	f.Add("a{}b")
	f.Fuzz(func(t *testing.T, s string) {
		tpl, err := parseTemplate(s)
		if err != nil {
			return
		}
		e := ev(t0, "source.ip", "10.0.0.1")
		_ = tpl.render(vars{count: 1, key: "k", fields: map[string]string{"x": "y"}}, e)
		_ = tpl.render(vars{}, nil)
	})
}

// TestKeysBeyondIndex: keys past the memo's index (event.MaxKeyIndex)
// are still found when asked for.
func TestKeysBeyondIndex(t *testing.T) {
	tab := newCondTable()
	where := map[string]any{}
	for i := range event.MaxKeyIndex + 4 {
		where[fmt.Sprintf("k%02d", i)] = "v"
	}
	ids, err := tab.compile(where)
	if err != nil {
		t.Fatal(err)
	}
	m := tab.newMemo()
	if m.idx.Len() != event.MaxKeyIndex {
		t.Fatalf("%d keys in the index, want %d", m.idx.Len(), event.MaxKeyIndex)
	}
	e := event.New(t0)
	for k := range where {
		e.SetStr(k, "v")
	}
	m.reset(e)
	if !m.all(ids) {
		t.Error("an event with every key does not match")
	}
	m.release()
	e.Delete(tab.keys[len(tab.keys)-1])
	m.reset(e)
	if m.all(ids) {
		t.Error("an event without the last key matches")
	}
	m.release()
}

// TestIndexAgreesWithConditions: the rules an event reaches through the
// dispatch index (which skips the condition it dispatched on and merges
// candidate lists) are exactly those whose where holds and whose
// where_not does not, evaluated one by one without the index; for random
// rules and events, int and list values and repeated values included.
func TestIndexAgreesWithConditions(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	keys := []string{"event.code", "event.action", "event.category", "event.outcome", "user.name"}
	vals := []string{"4688", "592", "logon", "authentication", "failure", "success", "root", "svc_x"}
	pick := func() any {
		switch rng.IntN(4) {
		case 0: // a list, maybe repeating a value
			return []any{vals[rng.IntN(len(vals))], vals[rng.IntN(len(vals))]}
		case 1:
			return []any{"svc_*", "ro*"}[rng.IntN(2)]
		}
		return vals[rng.IntN(len(vals))]
	}
	table := func() map[string]any {
		w := map[string]any{}
		for range 1 + rng.IntN(3) {
			w[keys[rng.IntN(len(keys))]] = pick()
		}
		return w
	}
	off := false
	for round := range 40 {
		cfg := Config{Process: ProcessConfig{Enabled: &off}, PowerShell: PowerShellConfig{Enabled: &off}}
		ref := newCondTable()
		type compiled struct{ where, not []int }
		var want []compiled
		for i := range 1 + rng.IntN(8) {
			r := MatchRule{Rule: Rule{Name: fmt.Sprint("r", i)}, Where: table()}
			if rng.IntN(3) == 0 {
				r.WhereNot = table()
			}
			cfg.Match = append(cfg.Match, r)
			w, err := ref.compile(r.Where)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := ref.compile(r.WhereNot)
			want = append(want, compiled{w, n})
		}
		en, err := New(cfg, Options{Registerer: prometheus.NewRegistry()})
		if err != nil {
			t.Fatal(err)
		}
		refMemo := ref.newMemo()
		for range 50 {
			e := event.New(t0)
			for _, k := range keys {
				switch rng.IntN(3) {
				case 0:
				case 1:
					if k == "event.code" && rng.IntN(2) == 0 {
						e.SetInt(k, []int64{4688, 592, 7}[rng.IntN(3)])
					} else {
						e.SetStr(k, vals[rng.IntN(len(vals))])
					}
				case 2:
					e.SetList(k, vals[rng.IntN(len(vals))], vals[rng.IntN(len(vals))])
				}
			}
			var exp, got []string
			refMemo.reset(e)
			for i, c := range want {
				if refMemo.all(c.where) && (len(c.not) == 0 || !refMemo.all(c.not)) {
					exp = append(exp, cfg.Match[i].Name)
				}
			}
			for _, f := range en.Process([]*event.Event{e})[1:] {
				got = append(got, f.Str("rule.name"))
			}
			if !slices.Equal(got, exp) {
				t.Fatalf("round %d: event %v reaches rules %v, want %v", round, e.Fields, got, exp)
			}
		}
	}
}
