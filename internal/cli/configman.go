package cli

import (
	"regexp"
	"strings"
)

// ConfigMan renders an annotated reference configuration (TOML whose
// comments are its manual, as configs/nomen.toml) as a man page, so the
// page says what the file says:
//
//   - the first comment block is the DESCRIPTION;
//   - a banner (a comment line of dashes, text, another such line) opens a
//     section named by its text up to the first colon;
//   - a table header, active or commented out ("# [x]"), is a subsection,
//     marked as an example when commented out; prose right above it is its
//     introduction;
//   - a key line, active or commented out ("# key = value  # comment"), is
//     an item: the key and value in bold, the trailing comment and its
//     continuations (an indented "# ...") as its text;
//   - any other comment is prose; a paragraph with indented or aligned
//     lines is shown as is.
type ConfigMan struct {
	Name, Section, Summary string
	Synopsis               string   // the file's installed path
	SeeAlso                []string // "nomen(8)"
}

var (
	cfgBanner = regexp.MustCompile(`^#\s*-{20,}\s*$`)
	cfgHeader = regexp.MustCompile(`^\[\[?\s*[A-Za-z0-9_.]+\s*\]\]?`)
	cfgKey    = regexp.MustCompile(`^"?[A-Za-z0-9_.-]+"?\s*=\s*\S`)
)

// configLine is one line of the file, classified.
type configLine struct {
	kind      string // blank, banner, header, key, cont (a key comment's continuation), prose
	commented bool
	text      string // without the comment marker
	comment   string // a header's or key's trailing comment
}

func classify(raw string) configLine {
	s := strings.TrimRight(raw, " \t")
	if strings.TrimSpace(s) == "" {
		return configLine{kind: "blank"}
	}
	if cfgBanner.MatchString(s) {
		return configLine{kind: "banner"}
	}
	l := configLine{text: s}
	if strings.HasPrefix(strings.TrimSpace(s), "#") {
		l.commented = true
		l.text = strings.TrimPrefix(strings.TrimSpace(s), "#")
		l.text = strings.TrimPrefix(l.text, " ")
		if t := strings.TrimSpace(l.text); strings.HasPrefix(l.text, " ") && strings.HasPrefix(t, "#") {
			return configLine{kind: "cont", text: strings.TrimSpace(strings.TrimPrefix(t, "#"))}
		}
	}
	switch {
	case cfgHeader.MatchString(l.text):
		l.kind = "header"
	case cfgKey.MatchString(l.text):
		l.kind = "key"
	default:
		l.kind = "prose"
		return l
	}
	if i := commentStart(l.text); i >= 0 {
		l.comment = strings.TrimSpace(strings.TrimPrefix(l.text[i:], "#"))
		l.text = strings.TrimSpace(l.text[:i])
	}
	return l
}

// commentStart is the index of a "#" outside quotes, or -1.
func commentStart(s string) int {
	var quote byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#':
			return i
		}
	}
	return -1
}

// Render is the man page of the reference file src.
// Long because it is one pass over the reference file, a state machine of
// pending prose, items and bare keys.
func (m ConfigMan) Render(src string) string {
	var r Roff
	r.Title(m.Name, m.Section, "File Formats")
	r.Section("name")
	r.line(Escape(m.Name) + ` \- ` + Escape(m.Summary))
	r.Section("synopsis")
	r.line(Escape(m.Synopsis))
	r.Section("description")

	var prose []string    // pending prose lines
	var item *[2][]string // pending item: tag, text lines
	var bare []string     // pending key lines without a comment: shown together
	inBanner, started := false, false
	var banner []string
	flushBare := func() {
		if len(bare) > 0 {
			r.line(".PP")
			r.line(".nf")
			for _, k := range bare {
				r.line(`\fB` + Escape(k) + `\fR`)
			}
			r.line(".fi")
			bare = nil
		}
	}
	flushItem := func() {
		switch {
		case item == nil:
		case len(item[1]) == 0:
			bare = append(bare, item[0][0])
		default:
			flushBare()
			r.Item(item[0][0], strings.Join(item[1], "\n"))
		}
		item = nil
	}
	flushProse := func() {
		if len(prose) > 0 {
			flushBare()
			r.Paras(strings.Join(prose, "\n"))
			prose = nil
		}
	}
	for _, raw := range strings.Split(src, "\n") {
		l := classify(raw)
		if inBanner {
			if l.kind == "banner" {
				flushBare()
				inBanner = false
				title, _, _ := strings.Cut(banner[0], ":")
				r.Section(title)
				r.Paras(strings.Join(banner, "\n"))
				banner = nil
			} else {
				banner = append(banner, l.text)
			}
			continue
		}
		switch l.kind {
		case "blank":
			flushItem()
			flushProse()
			if !started {
				started = true
				r.Section("settings")
				r.Subsection("top level")
			}
		case "banner":
			flushItem()
			flushProse()
			inBanner = true
		case "header":
			flushItem()
			flushBare()
			title := l.text
			if l.commented {
				title += " (example, commented out)"
			}
			r.Subsection(title)
			if l.comment != "" {
				prose = append(prose, l.comment+"\n")
			}
			flushProse()
		case "key":
			flushItem()
			flushProse()
			item = &[2][]string{{l.text}, nil}
			if l.comment != "" {
				item[1] = append(item[1], l.comment)
			}
		case "cont":
			if item != nil {
				item[1] = append(item[1], l.text)
			} else {
				prose = append(prose, l.text)
			}
		case "prose":
			if item != nil && strings.HasPrefix(l.text, " ") {
				// An indented note under a key: a paragraph of its own.
				if n := len(item[1]); n == 0 || !strings.HasPrefix(item[1][n-1], " ") {
					item[1] = append(item[1], "")
				}
				item[1] = append(item[1], l.text)
				continue
			}
			flushItem()
			if l.text == "" {
				flushProse()
				continue
			}
			prose = append(prose, l.text)
		}
	}
	flushItem()
	flushProse()
	flushBare()
	r.SeeAlso(m.SeeAlso)
	return r.String()
}
