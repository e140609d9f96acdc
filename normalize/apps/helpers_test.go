package apps

import (
	"github.com/nomenhq/nomen/normalize/internal/normtest"
	"github.com/nomenhq/nomen/relay/event"
)

// decodeWith runs one catalog on a message; nil when it does not decode it.
func decodeWith(c *catalog, app, msg string) *event.Event {
	e := event.New(normtest.Received)
	e.AppName, e.Message = app, msg
	if !c.decode(e) {
		return nil
	}
	return e
}
