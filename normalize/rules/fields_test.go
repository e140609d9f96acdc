package rules

import (
	"slices"
	"testing"
)

func TestRuleSetFields(t *testing.T) {
	rs := mustRules(t, `
[[rule]]
name = "backup.done"
program = "backupd"
pattern = 'job {job:word} done: {files:uint} files'
fields = { "event.category" = ["file"], "event.outcome" = "success" }
map = { job = "backup.job", files = "backup.files" }

[[rule]]
name = "backup.failed"
program = "backupd"
pattern = 'job {job:word} failed'
fields = { "event.outcome" = "failure" }
map = { job = "backup.job" }
`)
	want := []string{"backup.files", "backup.job", "event.category", "event.outcome"}
	if got := rs.Fields(); !slices.Equal(got, want) {
		t.Errorf("Fields() = %q, want %q", got, want)
	}
	if got := (*Set)(nil).Fields(); got != nil {
		t.Errorf("nil rule set: %q", got)
	}
}
