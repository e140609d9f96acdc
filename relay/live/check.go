package live

// CheckField reports why key is not a field nomen can set (with a "did
// you mean"), or nil; ruleFields are the keys user rules set. `nomen
// check` uses it for where / group_by keys: the one list of known fields.
func CheckField(key string, ruleFields []string) error { return checkField(key, ruleFields) }
