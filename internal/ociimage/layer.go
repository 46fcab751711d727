// Package ociimage builds container images from files and from root file
// system tarballs, with no base image and no Docker build, and delivers them:
// as a docker-loadable archive, into the Docker engine, to a registry, or
// into the nodes of a kind cluster.
package ociimage

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// File is one entry of a layer built by LayerFromFiles. Exactly one of
// Data, Source or Link is used; an entry with none of them and Dir set is a
// directory.
type File struct {
	// Path inside the image, absolute or relative to /.
	Path string
	// Mode bits; zero means 0644 for files, 0755 for directories.
	Mode int64
	// Data is the file's content.
	Data []byte
	// Source is a host file whose content is copied.
	Source string
	// Link makes the entry a symbolic link to this target.
	Link string
	// Dir makes the entry a directory.
	Dir bool
}

// epoch is the modification time of every generated entry, so that the
// same files always give the same layer digest.
var epoch = time.Unix(0, 0)

// WriteTar writes files as a tar stream, with parent directories created as
// needed, in a stable order.
func WriteTar(w io.Writer, files []File) error {
	tw := tar.NewWriter(w)
	sorted := append([]File(nil), files...)
	sort.SliceStable(sorted, func(i, j int) bool { return clean(sorted[i].Path) < clean(sorted[j].Path) })
	dirs := map[string]bool{}
	var mkdirs func(string) error
	mkdirs = func(dir string) error {
		if dir == "." || dir == "" || dirs[dir] {
			return nil
		}
		if err := mkdirs(path.Dir(dir)); err != nil {
			return err
		}
		dirs[dir] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o755, ModTime: epoch, Format: tar.FormatPAX})
	}
	for _, f := range sorted {
		name := clean(f.Path)
		if err := mkdirs(path.Dir(name)); err != nil {
			return err
		}
		hdr := &tar.Header{Name: name, Mode: f.Mode, ModTime: epoch, Format: tar.FormatPAX}
		switch {
		case f.Link != "":
			hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, f.Link
			if hdr.Mode == 0 {
				hdr.Mode = 0o777
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		case f.Dir:
			if dirs[name] {
				continue
			}
			dirs[name] = true
			hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
			if hdr.Mode == 0 {
				hdr.Mode = 0o755
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
		default:
			if err := writeFile(tw, hdr, f); err != nil {
				return fmt.Errorf("adding %s: %w", f.Path, err)
			}
		}
	}
	return tw.Close()
}

func writeFile(tw *tar.Writer, hdr *tar.Header, f File) error {
	hdr.Typeflag = tar.TypeReg
	if hdr.Mode == 0 {
		hdr.Mode = 0o644
	}
	if f.Source == "" {
		hdr.Size = int64(len(f.Data))
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		_, err := tw.Write(f.Data)
		return err
	}
	src, err := os.Open(f.Source)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	hdr.Size = st.Size()
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err = io.Copy(tw, src)
	return err
}

func clean(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}

// LayerFromFiles packs files as a layer, in memory.
func LayerFromFiles(files []File) (v1.Layer, error) {
	// The tar stream is made anew each time the layer is read (its digest,
	// its compressed form, the push), from Data and the Source files,
	// never held whole in memory: the grader's image is a 70 MB binary,
	// and the teacher's process stays small. A Source that cannot be read
	// is said now, not at the first read.
	for _, f := range files {
		if f.Source != "" {
			if _, err := os.Stat(f.Source); err != nil {
				return nil, fmt.Errorf("adding %s: %w", f.Path, err)
			}
		}
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(WriteTar(pw, files)) }()
		return pr, nil
	}, tarball.WithCompressionLevel(gzip.BestSpeed))
}

// LayerFromTar returns the tar file at path (for example a root file
// system) as a layer.
func LayerFromTar(path string) (v1.Layer, error) {
	return tarball.LayerFromFile(path, tarball.WithCompressionLevel(gzip.BestSpeed))
}
