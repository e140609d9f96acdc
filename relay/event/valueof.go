package event

import (
	"errors"
	"fmt"
	"math"
)

// ValueOf converts a value decoded from TOML (or JSON numbers as int64 or
// float64) to a field value: the one conversion used for the constant
// fields and expectations of rules and for embedded test events.
func ValueOf(v any) (Value, error) {
	switch x := v.(type) {
	case string:
		return String(x), nil
	case int64:
		return Int(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return Value{}, errors.New("not a finite number")
		}
		return Float(x), nil
	case bool:
		return Bool(x), nil
	case []any:
		items := make([]string, 0, len(x))
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				return Value{}, fmt.Errorf("lists hold strings, got %T", it)
			}
			items = append(items, s)
		}
		return Value{Type: TypeStrings, List: items[:len(items):len(items)]}, nil
	}
	return Value{}, fmt.Errorf("unsupported value type %T (string, integer, float, boolean or list of strings)", v)
}
