package ociimage

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestWriteTarCreatesParentsAndKeepsKinds(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTar(&buf, []File{
		{Path: "/usr/local/bin/tool", Data: []byte("#!/bin/sh\n"), Mode: 0o755},
		{Path: "/bin/sh", Link: "/bin/busybox"},
		{Path: "/tmp", Dir: true, Mode: 0o1777},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]*tar.Header{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[h.Name] = h
	}
	for _, dir := range []string{"usr/", "usr/local/", "usr/local/bin/", "bin/"} {
		if h := got[dir]; h == nil || h.Typeflag != tar.TypeDir {
			t.Errorf("parent directory %s missing", dir)
		}
	}
	if h := got["usr/local/bin/tool"]; h == nil || h.Mode != 0o755 || h.Size != 10 {
		t.Errorf("file entry wrong: %+v", h)
	}
	if h := got["bin/sh"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "/bin/busybox" {
		t.Errorf("symlink entry wrong: %+v", h)
	}
	if h := got["tmp/"]; h == nil || h.Mode != 0o1777 {
		t.Errorf("directory mode wrong: %+v", h)
	}
}

func TestSameFilesGiveSameLayerDigest(t *testing.T) {
	files := []File{{Path: "/a", Data: []byte("a")}, {Path: "/b/c", Data: []byte("c")}}
	l1, err := LayerFromFiles(files)
	if err != nil {
		t.Fatal(err)
	}
	l2, err := LayerFromFiles([]File{files[1], files[0]})
	if err != nil {
		t.Fatal(err)
	}
	d1, _ := l1.DiffID()
	d2, _ := l2.DiffID()
	if d1 != d2 {
		t.Errorf("layer digests differ for the same files: %s vs %s", d1, d2)
	}
}

// A file copied from the host (Source, streamed) gives the layer its
// content given in memory gives; a Source that cannot be read is said at
// once.
func TestSourceFilesStreamIntoTheSameLayer(t *testing.T) {
	data := bytes.Repeat([]byte("joblab "), 200000)
	src := filepath.Join(t.TempDir(), "bin")
	if err := os.WriteFile(src, data, 0o755); err != nil {
		t.Fatal(err)
	}
	fromData, err := LayerFromFiles([]File{{Path: "/joblab", Data: data, Mode: 0o755}})
	if err != nil {
		t.Fatal(err)
	}
	fromSource, err := LayerFromFiles([]File{{Path: "/joblab", Source: src, Mode: 0o755}})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []v1.Layer{fromData, fromSource} {
		if _, err := l.Digest(); err != nil {
			t.Fatal(err)
		}
	}
	d1, _ := fromData.Digest()
	d2, _ := fromSource.Digest()
	if d1 != d2 {
		t.Errorf("digest from memory %s, from the file %s", d1, d2)
	}
	if _, err := LayerFromFiles([]File{{Path: "/x", Source: filepath.Join(t.TempDir(), "missing")}}); err == nil {
		t.Error("a missing Source was accepted")
	}
}

func testImage(t *testing.T) v1.Image {
	t.Helper()
	layer, err := LayerFromFiles([]File{{Path: "/hello", Data: []byte("hi"), Mode: 0o755}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := Build([]v1.Layer{layer}, Config{Entrypoint: []string{"/hello"}, StopSignal: "SIGRTMIN+3"})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestBuildSetsPlatformConfigAndOwner(t *testing.T) {
	cf, err := testImage(t).ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture == "" {
		t.Errorf("platform %s/%s", cf.OS, cf.Architecture)
	}
	if cf.Config.Entrypoint[0] != "/hello" || cf.Config.StopSignal != "SIGRTMIN+3" {
		t.Errorf("config %+v", cf.Config)
	}
	k, v, _ := strings.Cut(OwnerLabel, "=")
	if cf.Config.Labels[k] != v {
		t.Errorf("owner label missing: %v", cf.Config.Labels)
	}
}

func TestArchiveRoundTripAndPush(t *testing.T) {
	img := testImage(t)
	path := filepath.Join(t.TempDir(), "img.tar")
	if err := WriteArchive(path, "example/hello:1", img); err != nil {
		t.Fatal(err)
	}
	back, err := ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	if got, _ := back.Digest(); got != want {
		t.Errorf("archive digest %s, want %s", got, want)
	}

	srv := httptest.NewServer(registry.New())
	defer srv.Close()
	ref := strings.TrimPrefix(srv.URL, "http://") + "/library/hello:1"
	if err := Push(context.Background(), back, ref, true); err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(ref, name.Insecure)
	desc, err := remote.Head(r)
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest != want {
		t.Errorf("registry holds %s, want %s", desc.Digest, want)
	}
}
