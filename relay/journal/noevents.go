package journal

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// The no-events file lists the ID ranges that hold no event: what each
// crash left of its reservation (and a damaged tail's lost events), one
// "FIRST LAST" line per range (lostAtTail). Only readers' Lag needs it,
// to count events rather than IDs; it outlives the run that found a
// range, as an output that stays down across two crashes still lags
// behind both. A damaged file is ignored: lags count those IDs again.
const noEventsName = "no-events"

// loadNoEvents reads the ranges that still matter: those ending at or
// after oldest, the oldest ID retained.
func loadNoEvents(dir string, oldest uint64) []idRange {
	data, err := os.ReadFile(filepath.Join(dir, noEventsName))
	if err != nil {
		return nil
	}
	var rs []idRange
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r idRange
		if n, err := fmt.Sscanf(sc.Text(), "%d %d", &r.first, &r.last); n != 2 || err != nil || r.last < r.first {
			return nil // not what nomen wrote: none, rather than a part
		}
		if r.last >= oldest {
			rs = append(rs, r)
		}
	}
	return rs
}

// saveNoEvents replaces the file with rs (written aside, fsynced, renamed).
func saveNoEvents(dir string, rs []idRange) error {
	var b bytes.Buffer
	for _, r := range rs {
		fmt.Fprintf(&b, "%d %d\n", r.first, r.last)
	}
	tmp := filepath.Join(dir, noEventsName+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(b.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, noEventsName))
	}
	if err == nil {
		err = syncDir(dir)
	}
	return err
}
