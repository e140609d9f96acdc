package coverage

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText prints r for a person: the summary, a table of the sources,
// then each source's top unrecognised shapes with an example line. Bytes
// of the logs that a terminal would interpret (control characters) are
// printed escaped.
func WriteText(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	writeSummary(bw, r)
	if len(r.Sources) > 0 {
		fmt.Fprintln(bw)
		writeTable(bw, r)
		writeShapes(bw, r)
	}
	return bw.Flush()
}

func writeSummary(w io.Writer, r *Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	inputs := make([]string, len(r.Inputs))
	for i, in := range r.Inputs {
		inputs[i] = fmt.Sprintf("%s (%s lines", printable(in.Name), count(in.Lines))
		if in.Compression != "" {
			inputs[i] += ", " + in.Compression
		}
		inputs[i] += ")"
	}
	fmt.Fprintf(tw, "lines\t%s\t%s\n", count(r.Lines), strings.Join(inputs, ", "))
	fmt.Fprintf(tw, "normalized\t%s\t%.1f%%\n", count(r.Normalized), r.NormalizedPct)
	fmt.Fprintf(tw, "unrecognized\t%s\t\n", count(r.Unrecognized))
	var formats, failures []string
	for _, f := range r.Formats {
		name := f.Format
		if name == "" {
			name = "none"
		}
		formats = append(formats, fmt.Sprintf("%s %s", name, count(f.Lines)))
		if f.ParseFailures > 0 {
			failures = append(failures, fmt.Sprintf("%s %s", name, count(f.ParseFailures)))
		}
	}
	fmt.Fprintf(tw, "parse failures\t%s\t%s\n", count(r.ParseFailures), strings.Join(failures, ", "))
	fmt.Fprintf(tw, "by format\t\t%s\n", strings.Join(formats, ", "))
	if r.LongLines > 0 {
		fmt.Fprintf(tw, "long lines\t%s\tcut at %d bytes\n", count(r.LongLines), r.Limits.MaxLineBytes)
	}
	tw.Flush()
}

func writeTable(w io.Writer, r *Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SOURCE\tLINES\tNORMALIZED\t%\tUNRECOGNIZED\tSHAPES\t\tPROGRAMS")
	for _, s := range r.Sources {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1f\t%s\t%d\t\t%s\n", printable(s.Name), count(s.Lines), count(s.Normalized),
			s.NormalizedPct, count(s.Unrecognized), s.DistinctShapes, programs(s.Programs))
	}
	tw.Flush()
}

func writeShapes(w io.Writer, r *Report) {
	srcs := slices.Clone(r.Sources)
	slices.SortStableFunc(srcs, func(a, b Source) int { return cmp.Compare(b.Unrecognized, a.Unrecognized) })
	header := false
	for _, s := range srcs {
		if s.Unrecognized == 0 {
			continue
		}
		if !header {
			top := "all"
			if r.Limits.Top > 0 {
				top = "top " + strconv.Itoa(r.Limits.Top)
			}
			fmt.Fprintf(w, "\nUNRECOGNIZED SHAPES (%s per source, most unrecognized lines first)\n", top)
			header = true
		}
		fmt.Fprintf(w, "\n%s: %s unrecognized lines, %d shapes\n", printable(s.Name), count(s.Unrecognized), s.DistinctShapes)
		if s.ShapesEvicted > 0 {
			fmt.Fprintf(w, "  (shape table full: %s shapes evicted; a count marked ~ may be over by the number after it)\n", count(s.ShapesEvicted))
		}
		if s.LinesUnshaped > 0 {
			fmt.Fprintf(w, "  (%s lines not shaped: the shape budget of %d was spent)\n", count(s.LinesUnshaped), r.Limits.MaxShapes)
		}
		for _, sh := range s.TopShapes {
			n := count(sh.Count)
			if sh.CountError > 0 {
				n = fmt.Sprintf("~%s (±%s)", n, count(sh.CountError))
			}
			text := printable(sh.Shape)
			if text == "" {
				text = "(empty message)"
			}
			fmt.Fprintf(w, "  %8s  %s\n  %8s  e.g. %s\n", n, text, "", printable(sh.Example))
		}
	}
}

// programs lists up to three program names, the most lines first.
func programs(m map[string]int64) string {
	names := make([]string, 0, len(m))
	for p := range m {
		names = append(names, p)
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(m[b], m[a]), strings.Compare(a, b))
	})
	more := ""
	if len(names) > 3 {
		more = fmt.Sprintf(" +%d more", len(names)-3)
		names = names[:3]
	}
	for i := range names {
		names[i] = printable(names[i])
	}
	return strings.Join(names, ", ") + more
}

// count formats n with thousands separators.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// printable escapes the control characters of s but tab (ESC, CR, ...)
// as \xNN.
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if isControl(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; isControl(c) {
			fmt.Fprintf(&b, `\x%02x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isControl(c byte) bool { return c < ' ' && c != '\t' || c == 0x7f }
