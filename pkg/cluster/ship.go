package cluster

import (
	"context"
	"io"
	"path/filepath"

	kindcluster "sigs.k8s.io/kind/pkg/cluster"

	"github.com/joblab/joblab/internal/labimages"
	"github.com/joblab/joblab/internal/mirror"
	"github.com/joblab/joblab/internal/ociimage"
	"github.com/joblab/joblab/internal/progress"
)

// ShipJoblab makes an image of the running joblab binary available to the
// nodes of the kind cluster name, the way its lab images are: pushed to
// the registry mirror offline, loaded into the nodes online. It returns
// the image's reference (joblab/joblab:<digest>), for the grading Job of
// an in-cluster class. Of opts, it reads Name, Mode, CacheDir and
// DebianMirror.
func ShipJoblab(ctx context.Context, opts Options, out io.Writer) (string, error) {
	opts.defaults()
	name := opts.Name
	rep := progress.New(out, filepath.Join(opts.cache().Root(), "logs"), 0)
	img, err := labimages.JoblabImage(ctx, rep, opts.cache())
	if err != nil {
		return "", err
	}
	mode, _, err := ResolveMode(ctx, opts.Mode)
	if err != nil {
		return "", err
	}
	if mode == Offline {
		if err := mirror.Ensure(ctx, rep, opts.cache()); err != nil {
			return "", err
		}
		return img.Ref, mirror.Push(ctx, rep, []ociimage.Archive{img})
	}
	provider := kindcluster.NewProvider(kindcluster.ProviderWithDocker(), kindcluster.ProviderWithLogger(kindLogger{rep}))
	return img.Ref, loadIntoNodes(ctx, rep, provider, name, []Image{{Ref: img.Ref, Archive: img.Path}})
}
