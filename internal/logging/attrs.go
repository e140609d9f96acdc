package logging

import "log/slog"

// attrGroup collects the attributes of one group (or of the record's top
// level) in first-seen order, one per key: a repeated key is dropped, and
// a repeated group name adds to the group already there.
type attrGroup struct {
	entries []attrEntry
}

type attrEntry struct {
	attr slog.Attr
	sub  *attrGroup // non-nil when the key names a group
}

func (g *attrGroup) find(key string) *attrEntry {
	for i := range g.entries {
		if g.entries[i].attr.Key == key {
			return &g.entries[i]
		}
	}
	return nil
}

// add adds a unless its key is already there. A nil group (one whose name
// was already taken by a plain value) swallows what is added to it.
func (g *attrGroup) add(a slog.Attr) {
	if g == nil {
		return
	}
	a.Value = a.Value.Resolve()
	if a.Value.Kind() == slog.KindGroup {
		sub := g // a group without a key is inlined (slog's rule)
		if a.Key != "" {
			sub = g.child(a.Key)
		}
		for _, m := range a.Value.Group() {
			sub.add(m)
		}
		return
	}
	if a.Equal(slog.Attr{}) { // slog's handlers ignore it too
		return
	}
	if g.find(a.Key) != nil {
		return
	}
	g.entries = append(g.entries, attrEntry{attr: a})
}

// child returns the subgroup called key, creating it in place if the key is
// new; nil if key already holds a plain value.
func (g *attrGroup) child(key string) *attrGroup {
	if g == nil {
		return nil
	}
	if e := g.find(key); e != nil {
		return e.sub
	}
	sub := &attrGroup{}
	g.entries = append(g.entries, attrEntry{attr: slog.Attr{Key: key}, sub: sub})
	return sub
}

// path returns the subgroup at the end of the group names, creating them.
func (g *attrGroup) path(names []string) *attrGroup {
	for _, n := range names {
		g = g.child(n)
	}
	return g
}

// attrs returns the collected attributes, groups as group values; empty
// groups are left out, as slog's handlers do.
func (g *attrGroup) attrs() []slog.Attr {
	out := make([]slog.Attr, 0, len(g.entries))
	for _, e := range g.entries {
		if e.sub == nil {
			out = append(out, e.attr)
			continue
		}
		if members := e.sub.attrs(); len(members) > 0 {
			out = append(out, slog.Attr{Key: e.attr.Key, Value: slog.GroupValue(members...)})
		}
	}
	return out
}
