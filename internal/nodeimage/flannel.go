package nodeimage

import (
	"context"
	"io"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/joblab/joblab/internal/cache"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/versions"
)

// flannelImage builds the pod network's image under the name of flannel's
// published one: flanneld built from the module proxy, at /opt/bin/flanneld as in the
// published image, on the node's user space (iptables for --ip-masq, a
// shell for the CNI configuration writer). The nodes already hold that
// layer for kube-proxy.
func (b *builder) flannelImage(ctx context.Context, rootLayer v1.Layer) (ociimage.Archive, error) {
	ref := versions.FlannelImage
	archive := ociimage.Archive{Ref: ref, Path: filepath.Join(b.dir, "images", cache.Tag(recipe, ref)+"-flannel.tar")}
	if _, err := os.Stat(archive.Path); err == nil {
		b.rep.Printf("==> image %s: cached", ref)
		return archive, nil
	}
	err := b.rep.Run("image "+ref+" (flanneld from the module proxy)", func(log io.Writer) error {
		set, err := b.flanneld(ctx, log)
		if err != nil {
			return err
		}
		binLayer, err := ociimage.LayerFromFiles([]ociimage.File{{Path: "/opt/bin/flanneld", Source: set.path("flanneld"), Mode: 0o755}})
		if err != nil {
			return err
		}
		img, err := ociimage.Build([]v1.Layer{rootLayer, binLayer}, ociimage.Config{
			Entrypoint: []string{"/opt/bin/flanneld"},
			Labels:     map[string]string{"org.opencontainers.image.title": ref, "org.opencontainers.image.version": versions.Flannel},
		})
		if err != nil {
			return err
		}
		return ociimage.WriteArchive(archive.Path, ref, img)
	})
	return archive, err
}
