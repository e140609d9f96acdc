package agent

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/atomicfile"
	"github.com/nomenhq/nomen/relay/event"
	"github.com/nomenhq/nomen/relay/wire"
)

// State is what agent listeners share: every agent's durable position per
// stream (its cursor), persisted under <state_dir>/agents/, and the
// registry of live sessions (one per agent). Create one per relay and pass
// it to every agent listener with WithState, so an agent that moves from
// one listener to another is still one agent.
//
// # Why cursors stay consistent with the journal
//
// The journal is the truth: a record is durable once Deliver returned. The
// cursor of its stream is advanced right after, in memory, and written to
// disk within a second (and at Close). A crash in between would leave a
// cursor behind the journal, and the agent's resend would be journaled a
// second time. To close that window the state also persists a checkpoint:
// a journal ID at or below which every agent event is reflected in the
// cursor files. After a restart the relay replays the journal from
// RecoverFrom()+1 through Observe before serving, and the cursors are
// exactly where the journal is.
type State struct {
	dir string // "" keeps everything in memory
	log *slog.Logger

	mu         sync.Mutex
	agents     map[string]*agentState
	checkpoint uint64            // persisted checkpoint
	maxID      uint64            // highest journal ID seen in a finished delivery
	inflight   map[uint64]uint64 // delivery token -> maxID when it started
	nextToken  uint64
	sessions   map[string]*session
	flushErr   error

	stop chan struct{}
	done chan struct{}
}

type streamKey struct {
	channel string
	epoch   uint64
}

type agentState struct {
	streams map[streamKey]*streamState
	dirty   bool
}

type streamState struct {
	durable uint64
	used    time.Time
}

// Retention of stream positions per agent: old epochs of a channel (the
// log was recreated) are forgotten once there are more than this many.
const (
	maxEpochsPerChannel = 8
	maxStreamsPerAgent  = 1024
	flushInterval       = time.Second
)

// OpenState loads the cursors under dir/agents (dir "" keeps them in
// memory) and starts writing changes back every second.
func OpenState(dir string, log *slog.Logger) (*State, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &State{log: log, agents: map[string]*agentState{}, inflight: map[uint64]uint64{},
		sessions: map[string]*session{}, stop: make(chan struct{}), done: make(chan struct{})}
	if dir != "" {
		s.dir = filepath.Join(dir, "agents")
		if err := os.MkdirAll(s.dir, 0o750); err != nil {
			return nil, fmt.Errorf("agent: state: %w", err)
		}
		if err := s.load(); err != nil {
			return nil, err
		}
	}
	s.maxID = s.checkpoint
	go s.flushLoop()
	return s, nil
}

// cursorFile is the on-disk form of one agent's cursors.
type cursorFile struct {
	Agent   string         `json:"agent"`
	Streams []cursorStream `json:"streams"`
}

type cursorStream struct {
	Channel string    `json:"channel"`
	Epoch   uint64    `json:"epoch"`
	Durable uint64    `json:"durable"`
	Used    time.Time `json:"used"`
}

type checkpointFile struct {
	JournalID uint64 `json:"journal_id"`
}

const checkpointName = "checkpoint.json"

func (s *State) load() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("agent: state: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			return fmt.Errorf("agent: state: %w", err)
		}
		if name == checkpointName {
			var cp checkpointFile
			if err := json.Unmarshal(data, &cp); err != nil {
				// Without a checkpoint the whole retained journal is replayed:
				// slower, never wrong.
				s.log.Error("agent: state: unreadable checkpoint, replaying the whole journal", "file", name, "err", err)
				continue
			}
			s.checkpoint = cp.JournalID
			continue
		}
		agent, a, err := decodeCursorFile(name, data)
		if err != nil {
			// Losing a cursor means the agent resends what it still has: duplicates,
			// not loss. Keep going, loudly.
			s.log.Error("agent: state: unreadable cursor file ignored; the agent will resend", "file", name, "err", err)
			continue
		}
		s.agents[agent] = a
	}
	return nil
}

// encodeCursorFile is the cursor file of agent id, whose state is a.
func encodeCursorFile(id string, a *agentState) []byte {
	cf := cursorFile{Agent: id}
	for k, st := range a.streams {
		cf.Streams = append(cf.Streams, cursorStream{Channel: k.channel, Epoch: k.epoch, Durable: st.durable, Used: st.used})
	}
	slices.SortFunc(cf.Streams, func(x, y cursorStream) int {
		if c := strings.Compare(x.Channel, y.Channel); c != 0 {
			return c
		}
		return cmp.Compare(x.Epoch, y.Epoch)
	})
	data, _ := json.Marshal(cf)
	return data
}

// decodeCursorFile reads one agent's cursor file, named name. A file that
// is not exactly what Flush writes is rejected whole: a cursor too far
// ahead would drop the agent's records as duplicates, so a damaged file,
// one whose agent is not the one its name says (it would take another
// agent's place), or one naming a stream twice is not trusted.
func decodeCursorFile(name string, data []byte) (string, *agentState, error) {
	var cf cursorFile
	if err := json.Unmarshal(data, &cf); err != nil {
		return "", nil, err
	}
	if cf.Agent == "" || cursorFileName(cf.Agent) != name {
		return "", nil, fmt.Errorf("agent %q is not the one the file name says", cf.Agent)
	}
	a := &agentState{streams: make(map[streamKey]*streamState, len(cf.Streams))}
	for _, st := range cf.Streams {
		k := streamKey{st.Channel, st.Epoch}
		if k.channel == "" || k.epoch == 0 || st.Durable == 0 {
			return "", nil, fmt.Errorf("stream %q epoch %d at %d: not a stream position", st.Channel, st.Epoch, st.Durable)
		}
		if a.streams[k] != nil {
			return "", nil, fmt.Errorf("stream %q epoch %d listed twice", st.Channel, st.Epoch)
		}
		a.streams[k] = &streamState{durable: st.Durable, used: st.Used}
	}
	return cf.Agent, a, nil
}

func (s *State) agentLocked(id string) *agentState {
	a := s.agents[id]
	if a == nil {
		a = &agentState{streams: map[streamKey]*streamState{}}
		s.agents[strings.Clone(id)] = a // do not pin the event it came from
	}
	return a
}

// durable returns the stream's durable position (0: nothing yet).
func (s *State) durable(agent string, k streamKey) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.agents[agent]; a != nil {
		if st := a.streams[k]; st != nil {
			return st.durable
		}
	}
	return 0
}

// begin marks the start of a delivery; finish must follow.
func (s *State) begin() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextToken++
	s.inflight[s.nextToken] = s.maxID
	return s.nextToken
}

// finish ends a delivery. If it succeeded (seq > 0), the stream's cursor
// moves to seq and maxID to the highest journal ID of its events.
func (s *State) finish(token uint64, agent string, k streamKey, seq uint64, evs []*event.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, token)
	if seq == 0 {
		return
	}
	for _, e := range evs {
		s.maxID = max(s.maxID, e.ID)
	}
	s.advanceLocked(agent, k, seq, time.Now())
}

func (s *State) advanceLocked(agent string, k streamKey, seq uint64, now time.Time) {
	a := s.agentLocked(agent)
	st := a.streams[k]
	if st == nil {
		st = &streamState{used: now}
		k.channel = strings.Clone(k.channel) // do not pin the event it came from
		a.streams[k] = st
		a.prune(k.channel)
	}
	if seq > st.durable {
		st.durable = seq
		a.dirty = true
	}
	if now.Sub(st.used) > time.Minute {
		st.used = now
		a.dirty = true
	}
}

// prune forgets the least recently used epochs of channel beyond
// maxEpochsPerChannel, and the least recently used streams beyond
// maxStreamsPerAgent.
func (a *agentState) prune(channel string) {
	var keys []streamKey
	for k := range a.streams {
		if k.channel == channel {
			keys = append(keys, k)
		}
	}
	limit := maxEpochsPerChannel
	if len(keys) <= limit {
		if len(a.streams) <= maxStreamsPerAgent {
			return
		}
		keys, limit = keys[:0], maxStreamsPerAgent
		for k := range a.streams {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y streamKey) int { return a.streams[y].used.Compare(a.streams[x].used) })
	for _, k := range keys[limit:] {
		delete(a.streams, k)
	}
	a.dirty = true
}

// RecoverFrom returns the journal ID after which the journal must be
// replayed through Observe at startup.
func (s *State) RecoverFrom() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checkpoint
}

// Observe advances cursors from an event already in the journal (see
// State). Events that did not come from an agent are ignored; calling it
// twice for one event is harmless.
func (s *State) Observe(e *event.Event) {
	if e.Str("agent.type") != AgentType {
		return
	}
	agent := e.Str("agent.id")
	ch := e.Str("winlog.channel")
	epoch, ok := e.Field("nomen.agent.epoch")
	if agent == "" || ch == "" || !ok || epoch.Type != event.TypeInt || epoch.Num <= 0 {
		return
	}
	var seq uint64
	if v, ok := e.Field("nomen.gap.last_missing"); ok && v.Type == event.TypeInt && v.Num > 0 {
		seq = uint64(v.Num)
	} else if v, ok := e.Field("nomen.gap.until_end_of_epoch"); ok && v.Type == event.TypeBool && v.Num != 0 {
		seq = wire.EndOfEpoch
	} else if v, ok := e.Field("winlog.record_id"); ok && v.Type == event.TypeInt && v.Num > 0 && !e.Has("nomen.gap.first_missing") {
		seq = uint64(v.Num)
	}
	if seq == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxID = max(s.maxID, e.ID)
	s.advanceLocked(agent, streamKey{ch, uint64(epoch.Num)}, seq, e.Received)
}

// claim registers sess as agent's live session and returns the session it
// supersedes (nil if none).
func (s *State) claim(agent string, sess *session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.sessions[agent]
	s.sessions[agent] = sess
	return old
}

// release unregisters sess if it is still the agent's live session.
func (s *State) release(agent string, sess *session) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[agent] == sess {
		delete(s.sessions, agent)
	}
}

func (s *State) flushLoop() {
	defer close(s.done)
	t := time.NewTicker(flushInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := s.Flush(); err != nil {
				s.mu.Lock()
				first := s.flushErr == nil
				s.flushErr = err
				s.mu.Unlock()
				if first {
					s.log.Error("agent: state: cannot write cursors (agents will resend after a restart)", "err", err)
				}
			} else {
				s.mu.Lock()
				s.flushErr = nil
				s.mu.Unlock()
			}
		case <-s.stop:
			return
		}
	}
}

// Flush writes changed cursors and the checkpoint now.
func (s *State) Flush() error {
	if s.dir == "" {
		return nil
	}
	s.mu.Lock()
	// Every event with a journal ID up to cp is reflected in the cursors
	// written below: deliveries still running were started when maxID was
	// at least as high as their mark, so their events have higher IDs.
	cp := s.maxID
	for _, mark := range s.inflight {
		cp = min(cp, mark)
	}
	files := map[string][]byte{}
	for id, a := range s.agents {
		if !a.dirty {
			continue
		}
		files[id] = encodeCursorFile(id, a)
		a.dirty = false
	}
	writeCP := cp != s.checkpoint
	s.mu.Unlock()

	var errs []error
	for id, data := range files {
		if err := atomicfile.WriteFile(filepath.Join(s.dir, cursorFileName(id)), data, 0o640); err != nil {
			errs = append(errs, err)
			s.mu.Lock()
			if a := s.agents[id]; a != nil {
				a.dirty = true
			}
			s.mu.Unlock()
		}
	}
	if len(errs) == 0 && writeCP {
		data, _ := json.Marshal(checkpointFile{JournalID: cp})
		if err := atomicfile.WriteFile(filepath.Join(s.dir, checkpointName), data, 0o640); err != nil {
			errs = append(errs, err)
		} else {
			s.mu.Lock()
			s.checkpoint = cp
			s.mu.Unlock()
		}
	}
	if len(files) > 0 || writeCP {
		if err := atomicfile.SyncDir(s.dir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("agent: state: %w", err)
	}
	return nil
}

// Close stops the background writer and writes what changed.
func (s *State) Close() error {
	select {
	case <-s.stop:
		return nil
	default:
	}
	close(s.stop)
	<-s.done
	return s.Flush()
}

// cursorFileName maps an agent id (a certificate CN: any text) to a safe
// file name: letters, digits, '-', '_' and '.' stay, everything else (and
// a leading '.') becomes %XX.
func cursorFileName(id string) string {
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.' && i > 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String() + ".json"
}
