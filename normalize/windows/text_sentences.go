package windows

import (
	"strconv"
	"strings"

	"github.com/nomenhq/nomen/normalize/ecs"
	"github.com/nomenhq/nomen/normalize/wincatalog"
)

// Messages of the System log that are one sentence, its values in it
// ("The Windows Update service entered the running state."), not
// "Label: value" pairs: on the roads that carry only the message (Snare,
// NXLog's classic text) their values are read back by the sentence's
// template, the Service Control Manager's English message text, its
// insertion strings %1, %2 ... named paramN as the record names them.
// A sentence is matched from its end: its first insertion string is the
// free one (a service's display name, which an administrator chose),
// the later ones the words Windows fills in (a state, a start type), so a
// display name that copies the sentence's words stays in its value.

// winSentences are the sentences by event id (System's).
var winSentences = map[int]string{
	7036: "The %1 service entered the %2 state.",
	7040: "The start type of the %1 service was changed from %2 to %3.",
}

// winSentenceIDs are the least and the greatest id winSentences has: most
// records are told without a map lookup.
var winSentenceIDs = [2]int{7036, 7040}

// winSentenceLiterals are winSentences as the text between their
// insertion strings: l[0] %1 l[1] ... %n l[n].
var winSentenceLiterals = func() map[int][]string {
	m := map[int][]string{}
	for id, s := range winSentences {
		if id < winSentenceIDs[0] || id > winSentenceIDs[1] {
			panic("windows: winSentenceIDs lacks a sentence's id")
		}
		var lits []string
		for k := 1; ; k++ {
			before, after, found := strings.Cut(s, "%"+strconv.Itoa(k))
			lits = append(lits, before)
			if !found {
				break
			}
			s = after
		}
		m[id] = lits
	}
	return m
}()

// parseSentence adds the insertion strings of msg to w when w's event is
// one of winSentences and msg its sentence (only only's when only is not
// ""), and reports whether it is one of winSentences.
func (w *winEvent) parseSentence(msg, only string) bool {
	if w.id < winSentenceIDs[0] || w.id > winSentenceIDs[1] {
		return false
	}
	lits, ok := winSentenceLiterals[w.id]
	if !ok || !strings.EqualFold(w.channel, wincatalog.ChannelSystem) {
		return false
	}
	var values [8]string
	n, ok := matchSentence(ecs.TrimSpace(msg), lits, values[:])
	if !ok {
		return true // another language, another version: the envelope only
	}
	for i := range n {
		if name := winParamName(i + 1); only == "" || name == only {
			w.add(name, values[i])
		}
	}
	return true
}

// matchSentence reads msg by a sentence's literals into values, from its
// end: it returns how many insertion strings it read and whether msg is
// the sentence.
func matchSentence(msg string, lits []string, values []string) (int, bool) {
	n := len(lits) - 1
	if n > len(values) || len(msg) < len(lits[0])+len(lits[n]) ||
		!strings.HasPrefix(msg, lits[0]) || !strings.HasSuffix(msg, lits[n]) {
		return 0, false
	}
	end := len(msg) - len(lits[n])
	for k := n - 1; k > 0; k-- {
		i := strings.LastIndex(msg[len(lits[0]):end], lits[k])
		if i < 0 {
			return 0, false
		}
		i += len(lits[0])
		values[k] = msg[i+len(lits[k]) : end]
		end = i
	}
	if n > 0 {
		values[0] = msg[len(lits[0]):end]
	}
	return n, true
}
