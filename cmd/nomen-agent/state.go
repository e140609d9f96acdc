package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nomenhq/nomen/internal/atomicfile"
)

// agentState is the agent's state file: per channel, the epoch and the
// last record the relay acknowledged. The relay's resume point in WELCOME
// always wins; the file tells the relay (in HELLO) what the agent knew, and
// lets a Windows agent notice that a log was recreated while it was down.
type agentState struct {
	path string // "" keeps the state in memory

	mu      sync.Mutex
	streams []streamState
	dirty   bool
	saved   time.Time
}

type streamState struct {
	Channel string `json:"channel"`
	Epoch   uint64 `json:"epoch"`
	Acked   uint64 `json:"acked"`
	// LogCreated is the log's creation time (Windows FILETIME) when the
	// epoch was chosen; a different value later means the log was recreated.
	LogCreated uint64 `json:"log_created,omitempty"`
}

type stateFile struct {
	Version int           `json:"version"`
	Streams []streamState `json:"streams"`
}

// loadState reads the state file; a missing file is an empty state.
func loadState(path string) (*agentState, error) {
	s := &agentState{path: path}
	if path == "" {
		return s, nil
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	if s.streams, err = decodeState(data); err != nil {
		return nil, fmt.Errorf("state %s: %w (delete it to start over: the relay's resume points are kept)", path, err)
	}
	return s, nil
}

// stateVersion is the version of the state file save writes.
const stateVersion = 1

// decodeState reads a state file. A file that is not what save writes is
// an error, never a state: another version, a stream without a channel or
// an epoch, or a channel listed twice (the agent would follow one entry
// and write both back forever).
func decodeState(data []byte) ([]streamState, error) {
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, err
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("version %d, want %d", f.Version, stateVersion)
	}
	seen := make(map[string]bool, len(f.Streams))
	for _, st := range f.Streams {
		if st.Channel == "" || st.Epoch == 0 {
			return nil, fmt.Errorf("stream %q epoch %d: want a channel and an epoch", st.Channel, st.Epoch)
		}
		if seen[st.Channel] {
			return nil, fmt.Errorf("channel %q listed twice", st.Channel)
		}
		seen[st.Channel] = true
	}
	return f.Streams, nil
}

// stream returns the state of channel (zero value if unknown).
func (s *agentState) stream(channel string) streamState {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range s.streams {
		if st.Channel == channel {
			return st
		}
	}
	return streamState{Channel: channel}
}

// setStream replaces the state of st.Channel.
func (s *agentState) setStream(st streamState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.streams {
		if s.streams[i].Channel == st.Channel {
			if s.streams[i] != st {
				s.streams[i] = st
				s.dirty = true
			}
			return
		}
	}
	s.streams = append(s.streams, st)
	s.dirty = true
}

// acked records an ACK of the channel's current epoch. ACKs of another
// epoch (late ones of an epoch the source has moved away from) change
// nothing: the state follows the source, never the other way round.
func (s *agentState) acked(channel string, epoch, seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.streams {
		st := &s.streams[i]
		if st.Channel == channel && st.Epoch == epoch && seq > st.Acked {
			st.Acked = seq
			s.dirty = true
		}
	}
}

// track makes epoch the channel's current epoch (keeping its position if
// it already was).
func (s *agentState) track(channel string, epoch uint64) {
	if st := s.stream(channel); st.Epoch != epoch {
		s.setStream(streamState{Channel: channel, Epoch: epoch})
	}
}

// saveIfDue writes the file if it changed and the last write is older
// than a second.
func (s *agentState) saveIfDue() error {
	s.mu.Lock()
	due := s.dirty && time.Since(s.saved) >= time.Second
	s.mu.Unlock()
	if !due {
		return nil
	}
	return s.save()
}

// save writes the file if it changed (atomically: temp file, fsync, rename).
func (s *agentState) save() error {
	s.mu.Lock()
	if !s.dirty || s.path == "" {
		s.mu.Unlock()
		return nil
	}
	data, _ := json.MarshalIndent(stateFile{Version: stateVersion, Streams: s.streams}, "", "  ")
	s.dirty = false
	s.saved = time.Now()
	s.mu.Unlock()

	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if err := atomicfile.WriteFile(s.path, data, 0o600); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return fmt.Errorf("state: %w", err)
	}
	return nil
}
