package rules

import "slices"

// Fields returns the keys the rules set (their fields and map targets),
// sorted and without repeats: the live API accepts filters on them
// besides the fields nomen's own decoders set.
func (rs *Set) Fields() []string {
	if rs == nil {
		return nil
	}
	var keys []string
	for _, r := range rs.rules {
		for _, f := range r.fields {
			keys = append(keys, f.Key)
		}
		for _, k := range r.mapping {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
