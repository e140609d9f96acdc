package agent

import (
	"github.com/nomenhq/nomen/internal/panics"
	"github.com/nomenhq/nomen/relay/event"
)

// A panic in a session (a bug in nomen) ends that session, never the
// relay: it is counted in nomen_agent_panics_total{step} and logged with
// its stack (internal/panics), and the agent sends again what was not
// acknowledged. Reading is guarded by readGuarded, delivering by
// deliverGuarded, acknowledging (deliverOne) and the keepalives report
// through sessionPanicked; what is left (the end of session.run: the BYE
// and the deferred release of the agent's state) through runGuarded.

// sessionPanicked reports a panic of the session outside reading and
// delivering (step "session") and ends the session: the agent reconnects
// and sends again what was not acknowledged.
func (s *session) sessionPanicked(p *panics.Panic, during string) {
	p.Report(s.srv.m.Panics.WithLabelValues(PanicSession), s.srv.panicLog, "agent: "+during+" panicked (a bug in nomen: please report it); the session is closed, the agent will send again what was not acknowledged",
		"agent", s.agent, "peer", s.peer)
	s.close()
}

// readGuarded runs read (the handshake, the read loop: the agent's
// frames, from the network); a panic there (a bug in nomen that some
// frame found) ends the session as a malformed frame would, instead of
// the process: counted, logged with its stack, false. What was read
// before is still delivered; what was not acknowledged the agent sends
// again.
func (s *session) readGuarded(read func() bool) (ok bool) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(s.srv.m.Panics.WithLabelValues(PanicRead), s.srv.panicLog, "agent: reading the agent's frames panicked (a bug in nomen: please report it); the session is closed",
				"agent", s.agent, "peer", s.peer)
			s.close()
			ok = false
		}
	}()
	return read()
}

// deliverGuarded is srv.deliver with a panic (a bug in nomen, in
// normalization or the pipeline) turned into its error: a failed
// delivery, so the batch is not acknowledged and the agent sends it again
// after reconnecting, instead of the panic ending the process. Counted
// and logged with its stack.
func (s *session) deliverGuarded(evs []*event.Event) (err error) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(s.srv.m.Panics.WithLabelValues(PanicDeliver), s.srv.panicLog, "agent: delivering a batch panicked (a bug in nomen: please report it); the agent will send it again",
				"agent", s.agent, "peer", s.peer, "events", len(evs))
			err = p
		}
	}()
	return s.srv.deliver(s.srv.ctx, evs)
}

// runGuarded runs the session; a panic that none of the guards above
// caught (the end of run: its BYE, the deferred release of the agent's
// state) is counted under step "session" and logged with its stack, and
// ends only this session: Server.handle still forgets it, so Shutdown
// does not wait for it.
func (s *Server) runGuarded(sess *session) {
	defer func() {
		if p := panics.Of(recover()); p != nil {
			p.Report(s.m.Panics.WithLabelValues(PanicSession), s.panicLog, "agent: ending a session panicked (a bug in nomen: please report it); the session is closed",
				"agent", sess.agent, "peer", sess.peer)
			sess.close()
		}
	}()
	sess.run()
}
