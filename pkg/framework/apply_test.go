package framework

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/joblab/joblab/manifests"
)

// A student's folder that holds only the lesson's own files: the legacy
// CronJob and the modern track's files come from joblab's copy, and the
// lesson's files are the student's.
func TestStudentFolderHoldsWhatStudentsWrite(t *testing.T) {
	dir := t.TempDir()
	var lessonFiles []string
	for _, name := range manifests.Names() {
		if StudentWrites(name) {
			lessonFiles = append(lessonFiles, name)
			data, _ := manifests.Read(name)
			if err := os.WriteFile(filepath.Join(dir, name), append([]byte("# mine\n"), data...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(lessonFiles) != 7 {
		t.Fatalf("the lesson's own files: %v, want the 7 of manifests/", lessonFiles)
	}
	for _, name := range lessonFiles {
		data, origin, err := readManifest(dir, name)
		if err != nil || origin != FromStudent || !bytes.HasPrefix(data, []byte("# mine\n")) {
			t.Errorf("%s: origin %q, err %v", name, origin, err)
		}
	}
	for _, name := range []string{"legacy/cron-job.v1beta1.yaml", "modern/indexed.yaml"} {
		data, origin, err := readManifest(dir, name)
		want, _ := manifests.Read(name)
		if err != nil || origin != FromLesson || !bytes.Equal(data, want) {
			t.Errorf("%s: origin %q, err %v", name, origin, err)
		}
	}
	// A modern file the student did write is theirs.
	if err := os.MkdirAll(filepath.Join(dir, "modern"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "modern", "indexed.yaml"), []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, origin, _ := readManifest(dir, "modern/indexed.yaml"); origin != FromStudent {
		t.Errorf("modern/indexed.yaml written by the student: origin %q", origin)
	}
	// A lesson file missing is an error that names the file and the fix.
	if err := os.Remove(filepath.Join(dir, "pn_job.yaml")); err != nil {
		t.Fatal(err)
	}
	_, _, err := readManifest(dir, "pn_job.yaml")
	if err == nil || !strings.Contains(err.Error(), "has no pn_job.yaml") || !strings.Contains(err.Error(), "write it there") {
		t.Errorf("a missing lesson file: %v", err)
	}
}
