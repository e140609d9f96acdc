package natsin

import (
	"testing"

	"github.com/nomenhq/nomen/relay/stage/findingid"
)

// The stages anchor findings' ids on the message id this listener sets:
// the two names must stay one.
func TestFieldIDIsTheFindingAnchor(t *testing.T) {
	if FieldID != findingid.StreamIDField {
		t.Fatalf("natsin.FieldID = %q, findingid.StreamIDField = %q", FieldID, findingid.StreamIDField)
	}
}
