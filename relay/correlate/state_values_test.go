package correlate

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/nomenhq/nomen/relay/sequence"
	"github.com/nomenhq/nomen/relay/stage/lru"
	"github.com/prometheus/client_golang/prometheus"
)

// BenchmarkStateValues is a census of the values the stages' keys hold
// in BenchmarkStateManyKeys's stress case (the 20 rules, 200,000
// distinct hosts, users and addresses), for issue #17 item 4: how many
// values the keys of every map hold in all and how many of them are
// distinct, their bytes, and how many bytes the addresses are as text
// against as 4 or 16 binary bytes. It is what a shared dictionary of
// values, or addresses kept binary, would save (docs/performance.md,
// state28). A group key's values are its parts between keySep; a
// stream key's (sequence) its parts between '/' after its kind. Run it
// once: -bench StateValues -benchtime 1x.
func BenchmarkStateValues(b *testing.B) {
	for b.Loop() {
		p := newBenchPipeline(b, false)
		reg := prometheus.NewRegistry()
		seq, corr := manyKeysStages(b, reg, benchRulesSource(b))
		feedManyKeys(p, seq, corr, stateKeys)
		c := newValueCensus()
		c.streams(seq)
		for _, r := range corr.rules {
			c.rule(r)
		}
		// The census must see every key the stages hold (their open
		// processes too, none here), or its figures are a part's.
		if held, keys := sumMetrics(b, reg, "nomen_correlate_keys", "nomen_sequence_streams"), c.keys(); held != float64(keys) {
			b.Errorf("the census counted %d keys, the stages hold %v", keys, held)
		}
		c.report(b)
	}
}

// valueCensus counts the values of the keys of every map.
type valueCensus struct {
	maps     []*mapCensus
	distinct map[string]int // value: the keys holding it, over all maps
}

// mapCensus is one map's part of a valueCensus.
type mapCensus struct {
	name                 string
	keys, keyBytes       int
	values, valueBytes   int
	extraBytes           int
	addr4, addr6         int // values that are addresses
	addrText             int // their bytes as text
	distinct             map[string]struct{}
	samples              []string
	relWhole, relRefs    int         // related.* values stored whole and as references to the key (keyref.go)
	relBytes             int         // the bytes of those stored whole
	names                int         // values that are a fed host or user name (isFedName)
	byLen                map[int]int // values by length
	distinctBytes        int
	shortest, longestVal int
}

// keys is how many keys the census counted.
func (c *valueCensus) keys() int {
	n := 0
	for _, m := range c.maps {
		n += m.keys
	}
	return n
}

func newValueCensus() *valueCensus { return &valueCensus{distinct: map[string]int{}} }

func (c *valueCensus) add(name string) *mapCensus {
	m := &mapCensus{name: name, distinct: map[string]struct{}{}, byLen: map[int]int{}, shortest: 1 << 30}
	c.maps = append(c.maps, m)
	return m
}

// key counts key, whose values sep separates, and its extra bytes.
func (c *valueCensus) key(m *mapCensus, key string, sep byte, extra int) {
	m.keys++
	if len(m.samples) < 2 {
		m.samples = append(m.samples, strconv.Quote(key))
	}
	m.keyBytes += len(key)
	m.extraBytes += extra
	for v := range strings.SplitSeq(key, string(sep)) {
		m.values++
		m.valueBytes += len(v)
		m.byLen[len(v)]++
		m.shortest = min(m.shortest, len(v))
		m.longestVal = max(m.longestVal, len(v))
		if isFedName(v) {
			m.names++
		}
		if a, err := netip.ParseAddr(v); err == nil {
			m.addrText += len(v)
			if a.Is4() {
				m.addr4++
			} else {
				m.addr6++
			}
		}
		if _, ok := m.distinct[v]; !ok {
			m.distinct[v] = struct{}{}
			m.distinctBytes += len(v)
		}
		c.distinct[v]++
	}
}

// streams counts the tracker's stream keys: their map keys are the
// public keys with the kind's prefix as one byte (sequence.appendMapKey).
func (c *valueCensus) streams(seq *sequence.Tracker) {
	m := c.add("sequence streams")
	seq.PartState(func(key string) (int, bool) {
		_, rest, ok := strings.Cut(key, ":")
		if !ok {
			rest = key
		}
		c.key(m, rest, '/', 0)
		m.keyBytes++ // the kind's byte
		return 0, false
	})
}

// rule counts the keys of r's map, if it has one.
func (c *valueCensus) rule(r rule) {
	name := r.base().name
	switch r := r.(type) {
	case *threshold:
		m := c.add("threshold " + name)
		censusMap(c, m, r.keys)
		r.keys.AllExtra(func(_ string, st *tstate, x string) bool {
			m.related(st.split([]byte(x)).vals)
			return true
		})
	case *pair:
		m := c.add("pair " + name)
		censusMap(c, m, r.keys)
		r.keys.AllExtra(func(_ string, _ *pstate, x string) bool {
			m.related(firstOf([]byte(x), len(r.capture)).vals)
			return true
		})
	case *firstSeen:
		m := c.add("first_seen " + name)
		switch {
		case r.seen != nil:
			censusMap(c, m, r.seen)
		case r.recvd != nil:
			censusMap(c, m, r.recvd)
		default:
			censusMap(c, m, r.keys)
		}
	}
}

func censusMap[V any](c *valueCensus, m *mapCensus, lm *lru.Map[V]) {
	lm.AllExtra(func(k string, _ *V, extra string) bool {
		c.key(m, k, keySep, len(extra))
		return true
	})
}

// report logs the census map by map and reports its totals.
func (c *valueCensus) report(b *testing.B) {
	var keys, keyBytes, values, valueBytes, addrs, addrText, addrBin int
	for _, m := range c.maps {
		if m.keys == 0 {
			continue
		}
		b.Logf("%-45s keys %9d key bytes %10d (%.1f a key) values %9d (%d distinct, %d..%d bytes) value bytes %10d distinct bytes %9d addresses %d+%d (%d bytes as text) extra bytes %10d (related values %d whole, %d bytes, %d references), e.g. %s",
			m.name, m.keys, m.keyBytes, float64(m.keyBytes)/float64(m.keys), m.values, len(m.distinct), m.shortest, m.longestVal,
			m.valueBytes, m.distinctBytes, m.addr4, m.addr6, m.addrText, m.extraBytes, m.relWhole, m.relBytes, m.relRefs, strings.Join(m.samples, " "))
		keys += m.keys
		keyBytes += m.keyBytes
		values += m.values
		valueBytes += m.valueBytes
		addrs += m.addr4 + m.addr6
		addrText += m.addrText
		addrBin += 4*m.addr4 + 16*m.addr6
	}
	distinctBytes := 0
	holders := make([]int, 0, len(c.distinct))
	for v, n := range c.distinct {
		distinctBytes += len(v)
		holders = append(holders, n)
	}
	sort.Ints(holders)
	// What interning the values of N bytes or more would save: such a
	// value becomes a 4-byte number in the key (a head byte saying which
	// it is, as the separator before did), and a distinct one costs its
	// bytes, a record head, a node (its place and its count of holders:
	// 8 bytes) and an index place (4 bytes at 85 %) in the dictionary.
	// N = 0: every value a number, no heads.
	const entry = 1 + 8 + 4.0/0.85
	for _, n := range []int{0, 4, 6, 8, 10, 12, 16} {
		saved, dict := 0.0, 0.0
		for _, m := range c.maps {
			saved += m.savedBy(n)
		}
		for v := range c.distinct {
			if len(v) >= max(n, 1) {
				dict += float64(len(v)) + entry
			}
		}
		b.Logf("interning values of %2d bytes or more: keys %.2f MB less, dictionary %.2f MB: %.2f MiB saved", n, saved/1e6, dict/1e6, (saved-dict)/(1<<20))
	}
	perMap := 0.0
	for _, m := range c.maps {
		perMap += m.savedBy(0)
		for v := range m.distinct {
			perMap -= float64(len(v)) + entry
		}
	}
	b.Logf("a dictionary per map, every value: %.2f MiB saved", perMap/(1<<20))
	b.Logf("addresses as a head byte and 4 or 16 bytes: %.2f MiB saved", float64(addrText-addrBin)/(1<<20))
	names, distinctNames := 0, 0
	for _, m := range c.maps {
		names += m.names
	}
	for v := range c.distinct {
		if isFedName(v) {
			distinctNames++
		}
	}
	b.Logf("host and user names: %d in keys, %d distinct: each byte more in every name costs the keys %.2f MiB, a dictionary %.2f MiB", names, distinctNames, float64(names)/(1<<20), float64(distinctNames)/(1<<20))
	b.Logf("holders a distinct value: median %d, 90th %d, max %d", holders[len(holders)/2], holders[len(holders)*9/10], holders[len(holders)-1])
	b.ReportMetric(float64(keys), "keys")
	b.ReportMetric(float64(keyBytes), "key-bytes")
	b.ReportMetric(float64(values), "values")
	b.ReportMetric(float64(valueBytes), "value-bytes")
	b.ReportMetric(float64(len(c.distinct)), "distinct-values")
	b.ReportMetric(float64(distinctBytes), "distinct-bytes")
	b.ReportMetric(float64(addrs), "addresses")
	b.ReportMetric(float64(addrText), "address-text-bytes")
	b.ReportMetric(float64(addrBin), "address-binary-bytes")
}

// savedBy is what m's keys would be smaller with their values of n
// bytes or more as 4-byte numbers (n = 0: every value, without the
// separators).
func (m *mapCensus) savedBy(n int) float64 {
	if n == 0 {
		return float64(m.valueBytes + m.values - m.keys - 4*m.values)
	}
	saved := 0
	for l, k := range m.byLen {
		if l >= n {
			saved += (l - 4) * k
		}
	}
	return float64(saved)
}

// related counts the related.* values of a window or pair, in their
// stored form (keyref.go).
func (m *mapCensus) related(stored []byte) {
	for pos := 0; pos < len(stored); {
		h, w := binary.Uvarint(stored[pos:])
		pos += w
		if h&1 != 0 {
			m.relRefs++
			continue
		}
		m.relWhole++
		m.relBytes += int(h >> 1)
		pos += int(h >> 1)
	}
}

// isFedName reports whether v is a host or user name feedManyKeys made
// ("k" and the value's number).
func isFedName(v string) bool {
	if len(v) < 2 || v[0] != 'k' {
		return false
	}
	_, err := strconv.Atoi(v[1:])
	return err == nil
}
