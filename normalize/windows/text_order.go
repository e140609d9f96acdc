package windows

import "slices"

// Which label-like words of a rendered message are its labels, on the
// roads that carry only the message (Snare, NXLog on 2003, evtsys): the
// one mechanism the Sysmon and the Security readers share.
//
// A message flattened to one line ("... Workstation Name: WKS9 Source
// Network Address: 10.1.2.3 ...") labels its values in the order of its
// template, and a value a user chose can hold such a label: a workstation
// name "WKS9 Source Network Address: 10.9.9.9" must not set the source
// address, a command line "a.exe Logon Type: 10" no logon type. Only
// free-text values (a command line, a task's XML, an object's name, a
// name a client supplied) can hold ": " after white space. So the labels
// are the longest run of label-like words in the template's order such
// that every word left out lies inside the value of a free-text label. A
// label may have several places in a template (a Security message's
// "Account Name" under "Subject:" and under "New Logon:"): its word is
// tried at each. When another run is as long (a value that copies the
// labels around it), no word says which copy is the message's: the labels
// that occur more often than the template has them are left out, and so
// is a free-text value a copy may have cut (textEndUnsure). A label the
// template has not (another version's) can only lie in a free-text value.
// A message no choice fits (another version's order) or with more words
// than maxTextWords is read word by word, the same left out.

// textWord is a label-like word of a message at one place its label has
// in the event's template: a word with several places is one textWord per
// place, in message order, then place order. Small (it is copied into a
// buffer per word): its label is msg[start:value-1].
type textWord struct {
	kind         string // the label's winTextLabels entry (the Security reader's)
	start, value int32  // where the word starts, where its value starts
	word         int16  // which label-like word of the message
	order        int16  // its place in the template; -1: none (it can only lie in a value)
	free         bool   // its value is free text: later words may lie in it
}

// label returns w's label in msg.
func (w *textWord) label(msg string) string { return msg[w.start : w.value-1] }

// textLabels picks the labels of msg among its label-like words (words,
// at most maxTextWords; lastWord the word number of the last): it
// appends the indexes of the words that are labels to picked (none when
// no choice is valid) and reports whether another choice is as good.
//
// A value that is no free text by the template can still hold copies:
// labels the reader does not know ("Source Name:" of 4904, 4626's
// claims) join the known label's value before them, and their text may
// be anyone's. A copy of an EARLIER label there fits no choice in which
// only free-text values hold words, and the best such choice then runs
// from an earlier free value (an account name) to the copy: the copy's
// value for the earlier label's field, a span of the message for the
// free one's. So when a choice that lets any value hold words has more
// labels, and every word it leaves in a value that is no free text is a
// copy (its label has more words than places in the template), that
// choice is the message's: the copies lie in the value before them and
// no earlier field moves.
func textLabels(msg string, words []textWord, lastWord int16, picked []int) ([]int, bool) {
	n := len(words)
	if n == 0 {
		return picked, false
	}
	if all, ok := textEveryLabel(words, picked); ok {
		return all, false // no longer choice, and none as long of other words
	}
	if n > maxTextWords {
		return picked, false
	}
	from := len(picked)
	picked, ambiguous := textChoice(words, lastWord, picked, false)
	if len(picked)-from >= textPlacesUsed(words) {
		return picked, ambiguous // no choice has more labels: not weighed again
	}
	held, heldAmbiguous := textChoice(words, lastWord, picked[len(picked):], true)
	if len(held) > len(picked)-from && textHeldCopies(msg, words, held) {
		return append(picked[:from], held...), heldAmbiguous
	}
	return picked, ambiguous
}

// textPlacesUsed returns how many template places words have (a bound
// on any choice's labels: their places rise), or maxTextWords+1 when
// one is beyond what it counts.
func textPlacesUsed(words []textWord) int {
	var used [4]uint64
	n := 0
	for k := range words {
		o := words[k].order
		if o < 0 {
			continue
		}
		if o >= 256 {
			return maxTextWords + 1
		}
		if used[o>>6]&(1<<(o&63)) == 0 {
			used[o>>6] |= 1 << (o & 63)
			n++
		}
	}
	return n
}

// textHeldCopies reports whether every word that picked (a choice in
// which any value may hold words) leaves inside a value that is no free
// text is a copy: its label has more words in msg than places.
func textHeldCopies(msg string, words []textWord, picked []int) bool {
	for n, k := range picked {
		if words[k].free {
			continue
		}
		next := int16(1 << 14)
		if n+1 < len(picked) {
			next = words[picked[n+1]].word
		}
		for j := k + 1; j < len(words) && words[j].word < next; j++ {
			if words[j].word != words[j-1].word && !textCopy(msg, words, j) {
				return false
			}
		}
	}
	return true
}

// textCopy reports whether the label of words[j] (its first entry) has
// more words in msg than it has places (its entries; a label without a
// place has one).
func textCopy(msg string, words []textWord, j int) bool {
	label, places, count := words[j].label(msg), 0, 0
	for k := range words {
		if words[k].start != words[j].start {
			if (k == 0 || words[k-1].word != words[k].word) && words[k].label(msg) == label {
				count++
			}
		} else {
			places++
		}
	}
	return count+1 > places
}

// textChoice is textLabels' weighing: the longest choice in which only
// a free-text value holds the words between two labels, or (holdAll) in
// which any value does.
func textChoice(words []textWord, lastWord int16, picked []int, holdAll bool) ([]int, bool) {
	n := len(words)
	// best[k]: the most labels a valid choice that starts with the first
	// word and ends with entry k has (0: none); prev[k] the entry before k
	// in the latest such choice, ways[k] how many choices of other words
	// there are (2: several; the places of one word are one choice).
	var best [maxTextWords]int16 // at most maxTextWords
	var prev [maxTextWords]int
	var ways [maxTextWords]uint8
	group := 0 // the first entry of the word before k's
	for k := 0; k < n; k++ {
		wk := words[k].word
		if words[k].order < 0 {
			continue // a label the template has not: only inside a free-text value
		}
		if wk == 0 {
			best[k], prev[k], ways[k] = 1, -1, 1
			continue
		}
		for group < k && words[group].word < wk-1 {
			group++
		}
		// Every word so far a label and this one next in order (a message
		// without copies): no choice through an earlier word comes near.
		full := false
		for j := k - 1; j >= group && words[j].word == wk-1; j-- {
			if best[j] == wk && words[j].order < words[k].order {
				if !full {
					best[k], prev[k], ways[k], full = wk+1, j, ways[j], true
				} else {
					ways[k] = max(ways[k], ways[j])
				}
			}
		}
		if full {
			continue
		}
		for j := k - 1; j >= 0; j-- { // latest first: it wins ties
			if best[j] == 0 || words[j].word == wk || words[j].order >= words[k].order {
				continue
			}
			if words[j].word < wk-1 && !words[j].free && !holdAll {
				continue // the words between would lie in a value that cannot hold them
			}
			switch {
			case best[j]+1 > best[k]:
				best[k], prev[k], ways[k] = best[j]+1, j, ways[j]
			case best[j]+1 == best[k] && words[j].word == words[prev[k]].word:
				ways[k] = max(ways[k], ways[j]) // another place of the same word
			case best[j]+1 == best[k]:
				ways[k] = min(2, ways[k]+ways[j])
			}
		}
	}
	end, endWays := -1, uint8(0)
	for k := n - 1; k >= 0; k-- { // latest first
		if best[k] == 0 || words[k].word < lastWord && !words[k].free && !holdAll {
			continue // the words after it would lie in a value that cannot hold them
		}
		switch {
		case end < 0 || best[k] > best[end]:
			end, endWays = k, ways[k]
		case best[k] == best[end] && words[k].word == words[end].word:
			endWays = max(endWays, ways[k])
		case best[k] == best[end]:
			endWays = min(2, endWays+ways[k])
		}
	}
	if end < 0 {
		return picked, false
	}
	from := len(picked)
	for k := end; k >= 0; k = prev[k] {
		picked = append(picked, k)
	}
	slices.Reverse(picked[from:])
	return picked, endWays > 1
}

// textEveryLabel appends to picked an entry of each word, each at the
// first place after the previous one's, and reports whether there is
// one: a message without copies (nearly every message), whose words are
// all labels, found without weighing the choices.
func textEveryLabel(words []textWord, picked []int) ([]int, bool) {
	from, prevOrder := len(picked), int16(-1)
	for k := 0; k < len(words); {
		chosen := -1
		for w := words[k].word; k < len(words) && words[k].word == w; k++ {
			if chosen < 0 && words[k].order > prevOrder { // a word's places come in order
				chosen = k
			}
		}
		if chosen < 0 {
			return picked[:from], false
		}
		picked, prevOrder = append(picked, chosen), words[chosen].order
	}
	return picked, true
}

// textEveryWord appends to picked the first entry of each word: the
// reading when no choice fits.
func textEveryWord(words []textWord, picked []int) []int {
	for k := range words {
		if k == 0 || words[k].word != words[k-1].word {
			picked = append(picked, k)
		}
	}
	return picked
}

// textRepeats is the set of labels that more words have than places has
// (the number of places of a label in the template).
func textRepeats(msg string, words []textWord, places func(label string) int) map[string]bool {
	seen := make(map[string]int, len(words))
	repeats := map[string]bool{}
	for k := range words {
		if k > 0 && words[k-1].word == words[k].word {
			continue // another place of the same word
		}
		l := words[k].label(msg)
		if seen[l]++; seen[l] > places(l) {
			repeats[l] = true
		}
	}
	return repeats
}

// textEndUnsure reports whether the value of picked[n], a free-text one,
// may end too soon: the word after it is of a label in repeats (a copy,
// or the message's own: not known which), so the value may be cut at a
// copy it holds. A value that is no free text cannot hold a copy: it
// ends at the next word, whichever that is.
func textEndUnsure(msg string, words []textWord, picked []int, n int, repeats map[string]bool) bool {
	if !words[picked[n]].free || n+1 >= len(picked) {
		return false
	}
	next := &words[picked[n+1]]
	return repeats[next.label(msg)]
}

// maxTextWords bounds the entries textLabels weighs (its cost grows with
// their square when a message holds copies): a message has ~50 at most
// (a Sysmon one 23; a 4624 ~30 words at one to three places each); one
// with more (a value full of copies) is read word by word, its labels
// that occur more often than the template has them unset.
const maxTextWords = 128
