package monitor

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/srtctl-tui/srtctl-tui/jobspec"
	"github.com/srtctl-tui/srtctl-tui/tail"
)

// The job's config.yaml comes from the cluster: it goes through jobspec's
// YAML gate like every YAML the product reads, so the 120 KB of
// nested brackets is an error at its position, not gigabytes.
func TestConfigFromTheClusterGoesThroughTheGate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.yaml")
	deep := "name: " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000) + "\n"
	if err := os.WriteFile(p, []byte(deep), 0o644); err != nil {
		t.Fatal(err)
	}
	c := &configSource{path: p}
	var found configFound
	for i := 0; i < 3 && found.Err == nil; i++ { // a half-written file gets three tries
		r, err := c.Poll(tail.OSFS{})
		if err != nil {
			t.Fatal(err)
		}
		found, _ = r.Msg.(configFound)
	}
	var se *jobspec.SyntaxError
	if !errors.As(found.Err, &se) || se.Line != 1 || se.Col != 70 || !strings.Contains(se.Reason, "nesting deeper than") {
		t.Errorf("got %+v", found)
	}
}
