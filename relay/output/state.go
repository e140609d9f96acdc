package output

import (
	"fmt"
	"sync"
)

// State is what an output is doing, for /readyz and the metric
// nomen_output_state{output,state} (1 for the current state, 0 for the
// others).
type State string

// States. Only StateOK and StateFailing count as ready: a failing output
// retries soon by itself, the others wait for the operator.
const (
	// StateOK: delivering (or idle).
	StateOK State = "ok"
	// StateFailing: writes fail and are retried with backoff (the server
	// is down, a timeout); the events wait in the journal.
	StateFailing State = "failing"
	// StateCannotOpen: the sink cannot open (connect, create its files).
	StateCannotOpen State = "cannot_open"
	// StateConfigError: the destination refuses the output as configured
	// (forward.ConfigError); retried every ConfigRetry or on reload.
	StateConfigError State = "config_error"
	// StateDeadLetterFull: the dead-letter file and its .1 are full and
	// unread; the output waits until <dead_letter>.1 is moved away.
	StateDeadLetterFull State = "deadletter_full"
)

var allStates = []State{StateOK, StateFailing, StateCannotOpen, StateConfigError, StateDeadLetterFull}

// Ready reports whether s lets the relay count as ready.
func (s State) Ready() bool { return s == StateOK || s == StateFailing }

// status is a worker's state and why, shared with /readyz's goroutine.
type status struct {
	mu     sync.Mutex
	state  State
	reason string
}

// set records the state and reports whether it or its reason changed.
func (st *status) set(s State, reason string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	changed := st.state != s || st.reason != reason
	st.state, st.reason = s, reason
	return changed
}

func (st *status) get() (State, string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.state, st.reason
}

// setState records the worker's state and updates the metric; it reports
// whether the state or its reason changed.
func (w *Worker) setState(s State, reason string) bool {
	if !w.status.set(s, reason) {
		return false
	}
	for _, o := range allStates {
		v := 0.0
		if o == s {
			v = 1
		}
		w.mv.State.WithLabelValues(w.o.Name, string(o)).Set(v)
	}
	return true
}

// State returns the worker's state and, unless it is StateOK, why.
func (w *Worker) State() (State, string) { return w.status.get() }

// NotReady returns why the output keeps the relay from being ready
// ("output siem: configuration error: ...; fix: ..."), or "".
func (w *Worker) NotReady() string {
	s, reason := w.status.get()
	if s.Ready() {
		return ""
	}
	return fmt.Sprintf("output %s: %s: %s", w.o.Name, s, reason)
}

// forgetState removes the worker's state series (it stopped).
func (w *Worker) forgetState() {
	for _, o := range allStates {
		w.mv.State.DeleteLabelValues(w.o.Name, string(o))
	}
}
