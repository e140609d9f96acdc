package logging

import "strconv"

// startMax is how much of a message a log line quotes.
const startMax = 64

// Start is the start of a message for a log line: at most 64 bytes,
// quoted (control bytes and invalid UTF-8 escaped), "..." when cut.
func Start[T string | []byte](msg T) string {
	if len(msg) > startMax {
		return strconv.Quote(string(msg[:startMax])) + "..."
	}
	return strconv.Quote(string(msg))
}
