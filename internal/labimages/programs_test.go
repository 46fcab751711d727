package labimages

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/joblab/joblab/internal/cache"
)

func TestPruneBuildsKeepsTheNewestAndTheOneServed(t *testing.T) {
	c := cache.Config{Dir: t.TempDir()}
	if err := os.MkdirAll(dir(c), 0o755); err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Hour)
	var paths []string
	for i := range 7 {
		p := filepath.Join(dir(c), "pn-generator-"+string(rune('a'+i))+".tar")
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		// a is the oldest, g the newest
		if err := os.Chtimes(p, base.Add(time.Duration(i)*time.Minute), base.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	other := filepath.Join(dir(c), "queue-worker-a.tar")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// The one served is an old build (a clone checked out an older tree).
	pruneBuilds(c, "pn-generator", paths[0], 3)
	left, _ := filepath.Glob(filepath.Join(dir(c), "*.tar"))
	var names []string
	for _, p := range left {
		names = append(names, filepath.Base(p))
	}
	want := []string{"pn-generator-a.tar", "pn-generator-e.tar", "pn-generator-f.tar", "pn-generator-g.tar", "queue-worker-a.tar"}
	if !slices.Equal(names, want) {
		t.Errorf("left %v, want %v (the 3 newest, the one served, and the other program's)", names, want)
	}
}
