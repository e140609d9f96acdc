package web

import (
	"embed"
	"fmt"
	"sync"

	"github.com/nomenhq/nomen/normalize/rules"
	"github.com/nomenhq/nomen/relay/event"
)

// The error logs' sentence catalogs: what Apache and nginx say happened,
// as data (catalogs/*.toml, in the pattern language of user rules, as
// package apps' catalogs are). errorlog.go cuts a line's head, its
// request context and its referer; a catalog reads the text left.

//go:embed catalogs/*.toml
var catalogFiles embed.FS

// sentences is one catalog, compiled on first use (a host runs one of the
// two servers, if any: the other's catalog is never compiled).
type sentences struct {
	file string
	once sync.Once
	set  *rules.Set
}

var (
	apacheSentences = &sentences{file: "apache-error.toml"}
	nginxSentences  = &sentences{file: "nginx-error.toml"}
)

func (s *sentences) compiled() *rules.Set {
	s.once.Do(func() {
		data, err := catalogFiles.ReadFile("catalogs/" + s.file)
		if err != nil {
			panic(fmt.Sprintf("web: catalog %s: %v", s.file, err))
		}
		if s.set, err = rules.Parse(s.file, data); err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
	})
	return s.set
}

// apply matches text, an error line's sentence, against the catalog and
// sets the matching sentence's fields and nomen.rule.
func (s *sentences) apply(e *event.Event, text string) bool {
	msg := e.Message
	e.Message = text
	name := s.compiled().Apply("", e)
	e.Message = msg
	return name != ""
}
