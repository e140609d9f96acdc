package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
	"time"

	"github.com/nomenhq/nomen/relay/wire"
)

// replayCmd is "nomen-agent replay". Long because it is its flags, then
// the files read, then the session, in order.
func replayCmd(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf connFlags
	cf.register(fs, "")
	epoch := fs.Uint64("epoch", 0, "epoch of every channel (default: the time of the channel's first record, as a FILETIME,\n"+
		"so replaying the same file again is recognised by the relay and not stored twice)")
	host := fs.String("host", "", "host name announced in HELLO (default: the <Computer> of the first record)")
	channel := fs.String("channel", "Unknown", "channel of records that name none")
	rate := fs.Int("rate", 0, "send at most `N` records a second per channel, steadily (default: as fast as the relay takes them)")
	duration := fs.Duration("duration", 0, "load test: send the files' records round and round for this long, the k-th\n"+
		"under record id k, in a new epoch (the current time); with -rate, a steady load")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: nomen-agent replay -relay HOST:PORT -cert C -key K -ca CA [flags] FILE...")
		fmt.Fprintln(stderr, "Sends the events of Windows event XML files (<Event> elements, bare or in <Events>), NXLog")
		fmt.Fprintln(stderr, "im_msvistalog JSON and evtx_dump JSON files, as a Windows agent would, and exits once the")
		fmt.Fprintln(stderr, "relay has acknowledged all of them.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "nomen-agent replay: no files")
		fs.Usage()
		return 2
	}
	log := newLogger(stderr, cf.verbose)
	opt, err := cf.options(log)
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent replay:", err)
		return 2
	}
	if *rate < 0 || *duration < 0 {
		fmt.Fprintln(stderr, "nomen-agent replay: -rate and -duration cannot be negative")
		return 2
	}
	if *epoch > wire.MaxSeq {
		fmt.Fprintln(stderr, "nomen-agent replay: -epoch must be below 2^63")
		return 2
	}
	agentRuntime()
	var recs []fileRecord
	for _, f := range fs.Args() {
		r, err := readRecordFile(f)
		if err != nil {
			fmt.Fprintln(stderr, "nomen-agent replay:", err)
			return 1
		}
		recs = append(recs, r...)
	}
	if *duration > 0 && *epoch == 0 {
		*epoch = filetime(time.Now())
	}
	sources, dups := replaySources(recs, *channel, *epoch)
	held := 0
	for _, r := range recs {
		held += len(r.data)
	}
	agentMemory(int64(cf.memoryLimitMiB)<<20, int64(held))
	if dups > 0 {
		log.Warn("records with an EventRecordID already seen in their channel are sent once", "skipped", dups)
	}
	opt.Host = *host
	if opt.Host == "" {
		for _, r := range recs {
			if r.computer != "" {
				opt.Host = r.computer
				break
			}
		}
	}
	if opt.Host == "" {
		opt.Host, _ = os.Hostname()
	}
	opt.OS = "replay " + osDescription()
	opt.Finite = true
	if opt.AgentID == "" {
		opt.AgentID = opt.Host
	}
	state, err := loadState(cf.state)
	if err != nil {
		fmt.Fprintln(stderr, "nomen-agent replay:", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srcs := make([]Source, len(sources))
	until := time.Time{}
	if *duration > 0 {
		until = time.Now().Add(*duration)
	}
	for i, s := range sources {
		s.rate, s.gather, s.until = *rate, gatherDelay(opt.BatchDelay), until
		srcs[i] = s
		state.track(s.channel, s.epoch)
		log.Info("replaying", "channel", s.channel, "epoch", s.epoch, "records", len(s.recs), "last_record_id", s.last())
	}
	a := newAgent(opt, state, srcs...)
	err = a.Run(ctx)
	sent, acked := a.Stats()
	if err != nil {
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(stderr, "nomen-agent replay: %v (sent %d records, %d acknowledged)\n", err, sent, acked)
		return 1
	}
	if *duration > 0 {
		log.Info("load test complete: the relay holds every record", "sent", sent, "acknowledged", acked)
		return 0
	}
	log.Info("replay complete: the relay holds every record", "records", len(recs)-dups, "sent", sent, "acknowledged", acked)
	return 0
}

// replaySources groups records by channel in record id order. A record
// without an id gets the id after the previous record of its channel in
// file order. Records repeating an id are counted and skipped.
func replaySources(recs []fileRecord, defaultChannel string, epoch uint64) ([]*memSource, int) {
	byChannel := map[string]*memSource{}
	var order []string
	prev := map[string]uint64{}
	for _, r := range recs {
		ch := r.channel
		if ch == "" {
			ch = defaultChannel
		}
		seq := r.seq
		if seq == 0 {
			seq = prev[ch] + 1
		}
		prev[ch] = seq
		s := byChannel[ch]
		if s == nil {
			s = &memSource{channel: ch}
			byChannel[ch] = s
			order = append(order, ch)
		}
		s.recs = append(s.recs, memRecord{seq: seq, data: r.data})
	}
	dups := 0
	var out []*memSource
	for _, ch := range order {
		s := byChannel[ch]
		slices.SortStableFunc(s.recs, func(a, b memRecord) int {
			switch {
			case a.seq < b.seq:
				return -1
			case a.seq > b.seq:
				return 1
			}
			return 0
		})
		n := len(s.recs)
		s.recs = slices.CompactFunc(s.recs, func(a, b memRecord) bool { return a.seq == b.seq })
		dups += n - len(s.recs)
		s.epoch = epoch
		if s.epoch == 0 {
			s.epoch = deriveEpoch(ch, s.recs[0].data)
		}
		out = append(out, s)
	}
	return out, dups
}

// deriveEpoch names a replayed log the way a Windows log is named by its
// creation time: by the time of its first record (as a FILETIME, so
// epochs grow like the Windows agent's), or, without one, a hash of the
// channel and the record. The same file gets the same epoch again.
func deriveEpoch(channel string, first []byte) uint64 {
	if t, ok := wire.RecordTime(string(first)); ok && t.Year() > 1601 {
		if e := filetime(t); e > 0 && e <= wire.MaxSeq {
			return e
		}
	}
	h := fnv.New64a()
	h.Write([]byte(channel))
	h.Write([]byte{0})
	h.Write(first)
	e := h.Sum64() & wire.MaxSeq
	if e == 0 {
		e = 1
	}
	return e
}

// filetime is t as a Windows FILETIME: 100 ns since 1601.
func filetime(t time.Time) uint64 { return uint64(t.UnixNano()/100 + 116444736000000000) }
