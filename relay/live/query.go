package live

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/nomenhq/nomen/relay/filter"
)

// queryParams are the query parameters GET /v1/events knows. Anything else
// is refused rather than ignored: a misspelt parameter (?were=...) would
// otherwise subscribe to every event.
var queryParams = []string{"where"}

// ParseQuery returns the filter of a /v1/events query string, or an error
// naming every unknown parameter or field. ruleFields are the keys user
// rules may set besides nomen's own fields (nil: none).
func ParseQuery(rawQuery string, ruleFields []string) (filter.Filter, error) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return filter.Filter{}, fmt.Errorf("query: %v", err)
	}
	var unknown []string
	for name := range q {
		if !slices.Contains(queryParams, name) {
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return filter.Filter{}, fmt.Errorf("unknown query parameter %s (want where=field=value)", strings.Join(unknown, ", "))
	}
	terms := q["where"]
	var errs []error
	for _, t := range terms {
		k, _, ok := strings.Cut(t, "=")
		if !ok {
			continue // filter.Parse says what is wrong with it
		}
		if err := checkField(k, ruleFields); err != nil {
			errs = append(errs, fmt.Errorf("where %q: %w", t, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return filter.Filter{}, err
	}
	return filter.Parse(terms)
}
